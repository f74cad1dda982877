// Benchmark: `ccmkit sync pull` of N SCM certificates and N PCA certificates
// from the emulator (the real binary, loopback HTTP, AK/SK signed), for
// N = 1,000 and 10,000: wall time, requests, and how time grows with N.
//
//   ccmkit   `ccmkit sync pull --json` into a fresh workspace: SCM list pages of
//            50 (the API maximum) and one export per certificate (its PEM; the
//            key dropped), PCA CA and certificate list pages of 1,000, at most 4
//            requests in flight; everything recorded in SQLite as it arrives.
//            Then the incremental re-pull (nothing new: list pages only).
//   SDK      Huawei's official Node.js SDK core (HcClient, the devDependency),
//            sending the same requests with the same 4 in flight from one
//            process, keeping nothing: what a hand-written SDK script costs.
// Same emulator, same data, same run. The emulator's workspaces are built once
// (in-process, through the SCM and PCA services) and kept in benchmarks/.data/sync.
//
// Run: npx tsx benchmarks/sync.ts [--counts 1000,10000] [--skip-sdk]

import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import { GlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials.js';
import { authorityKeyIdExt, basicConstraintsExt, buildCertificate, buildCsr, extKeyUsageExt, keyIdentifier, keyUsageExt, spkiOf, subjectAltNameExt, subjectKeyIdExt } from '../src/engine/builder.js';
import { toPem } from '../src/engine/pem.js';
import { newCredentials, type Credentials } from '../src/server/credentials.js';
import { createContext, createCa, issueCsrBatch, PCA_MIGRATIONS } from '../src/service/pca/index.js';
import { importCertificate } from '../src/service/scm/certificates.js';
import { createScmContext } from '../src/service/scm/context.js';
import { SCM_MIGRATIONS } from '../src/store/scm-schema.js';
import { KeyVault, newKdfRecord, parseKdfRecord } from '../src/store/vault.js';
import { initWorkspace, openWorkspace } from '../src/store/workspace.js';
import { compare, DATA as BASE, hr, ROOT, secondsSince } from './lib.js';

const DATA = join(BASE, 'sync');
mkdirSync(DATA, { recursive: true });
const BIN = join(ROOT, 'bin/ccmkit');
const PASS = 'sync benchmark passphrase';
const args = process.argv.slice(2);
const COUNTS = (args.includes('--counts') ? args[args.indexOf('--counts') + 1]! : '1000,10000').split(',').map(Number);
const SKIP_SDK = args.includes('--skip-sdk');
const DAY = 86_400_000;

/** The emulator's workspace with n SCM and n PCA certificates (built once, reused). */
async function emulatorWorkspace(n: number): Promise<{ dir: string; creds: string; credentials: Credentials }> {
  const dir = join(DATA, `emu-${n}`);
  const credsFile = join(DATA, `emu-${n}-creds.json`);
  const done = join(dir, 'populated');
  if (existsSync(done) && existsSync(credsFile)) {
    return { dir, creds: credsFile, credentials: JSON.parse(readFileSync(credsFile, 'utf8')) as Credentials };
  }
  rmSync(dir, { recursive: true, force: true });
  const credentials = newCredentials();
  writeFileSync(credsFile, JSON.stringify(credentials), { mode: 0o600 });
  const t0 = hr();
  const init = initWorkspace(dir, { kdf: JSON.stringify(newKdfRecord(PASS, randomBytes)) }, { at: new Date(), migrations: [...PCA_MIGRATIONS, ...SCM_MIGRATIONS] });
  init.close();
  const ws = openWorkspace(dir, { migrations: [...PCA_MIGRATIONS, ...SCM_MIGRATIONS] });
  try {
    const vault = new KeyVault(parseKdfRecord(ws.setting('kdf'), ws.dir), () => PASS, randomBytes);
    const now = (): Date => new Date();
    // SCM: n leaf certificates under one intermediate, sharing one leaf key (each certificate distinct).
    const scm = createScmContext(ws, { now, random: randomBytes, vault, domainId: credentials.domain_id });
    const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const caName: [string, string][] = [['O', 'ccmkit bench'], ['CN', 'Bench SCM CA']];
    const nb = new Date(Date.now() - DAY);
    const na = new Date(Date.now() + 365 * DAY);
    const caDer = buildCertificate({ serial: 1n, subject: caName, issuer: caName, notBefore: nb, notAfter: new Date(na.getTime() + DAY), publicKey: spkiOf(caKey), extensions: [basicConstraintsExt(true), keyUsageExt(['keyCertSign', 'cRLSign']), subjectKeyIdExt(spkiOf(caKey))], signingKey: caKey });
    const leafKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const leafSpki = spkiOf(leafKey);
    const keyPem = leafKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const chainPem = toPem('CERTIFICATE', caDer);
    for (let i = 0; i < n; i++) {
      const cn = `host${i}.scm.bench.example`;
      const der = buildCertificate({
        serial: BigInt(1000 + i),
        subject: [['O', 'ccmkit bench'], ['CN', cn]],
        issuer: caName,
        notBefore: nb,
        notAfter: na,
        publicKey: leafSpki,
        extensions: [subjectKeyIdExt(leafSpki), authorityKeyIdExt(keyIdentifier(spkiOf(caKey))), basicConstraintsExt(false), keyUsageExt(['digitalSignature']), extKeyUsageExt(['serverAuth']), subjectAltNameExt([{ type: 'DNS', value: cn }])],
        signingKey: caKey,
      });
      await importCertificate(scm, { body: { name: `bench_${i}`, certificate: toPem('CERTIFICATE', der), certificate_chain: chainPem, private_key: keyPem } });
    }
    // PCA: a root and n certificates issued from CSRs (one key: the CSRs differ by name).
    const pca = createContext(ws, { now, random: randomBytes, passphrase: () => PASS });
    pca.vault = vault;
    const root = (
      createCa(pca, {
        body: { type: 'ROOT', key_algorithm: 'EC256', signature_algorithm: 'SHA256', validity: { type: 'YEAR', value: 5 }, distinguished_name: { common_name: 'Bench PCA Root', country: 'CN', state: 'GD', locality: 'SZ', organization: 'ccmkit bench', organizational_unit: 'PKI' } },
      }).body as { ca_id: string }
    ).ca_id;
    const csrKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const csrSpki = spkiOf(csrKey);
    const bodies = (function* () {
      for (let i = 0; i < n; i++) {
        const cn = `host${i}.pca.bench.example`;
        yield { issuer_id: root, csr: toPem('CERTIFICATE REQUEST', buildCsr({ subject: [['O', 'ccmkit bench'], ['CN', cn]], key: csrKey, spki: csrSpki, extensions: [subjectAltNameExt([{ type: 'DNS', value: cn }])] })), validity: { type: 'DAY', value: 300 } };
      }
    })();
    let failed = 0;
    issueCsrBatch(pca, bodies, (_i, r) => void (r instanceof Error && failed++), { group: 1000 });
    if (failed) throw new Error(`${failed} PCA certificates were refused while populating`);
  } finally {
    ws.close();
  }
  writeFileSync(done, new Date().toISOString());
  console.log(`  (built the emulator workspace for N=${n} in ${secondsSince(t0).toFixed(1)} s)`);
  return { dir, creds: credsFile, credentials };
}

interface Running {
  url: string;
  stop: () => Promise<void>;
}

function startEmulator(dir: string, creds: string): Promise<Running> {
  const child = spawn(BIN, ['emulator', '--json', '--workspace', dir, '--credentials', creds, '--port', '0'], { env: { ...process.env, CCMKIT_PASSPHRASE: PASS }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve({ url: JSON.parse(l).url, stop: () => (child.kill('SIGTERM'), exited) }));
    void exited.then(() => reject(new Error('the emulator exited before it started')));
  });
}

interface PullRun {
  secs: number;
  requests: number;
  report: { requests: number; scm: { total: number; exported: number }; pca_certs: { total: number } };
}

function ccmkitPull(url: string, creds: string, local: string): PullRun {
  const t0 = hr();
  const r = spawnSync(BIN, ['sync', 'pull', '--workspace', local, '--endpoint', url, '--credentials', creds, '--json'], { env: { ...process.env, CCMKIT_PASSPHRASE: PASS }, maxBuffer: 64 * 1024 * 1024 });
  const secs = secondsSince(t0);
  if (r.status !== 0) throw new Error(`sync pull failed: ${r.stdout.toString().slice(0, 500)} ${r.stderr.toString().slice(0, 500)}`);
  const report = JSON.parse(r.stdout.toString()) as PullRun['report'];
  return { secs, requests: report.requests, report };
}

interface Json {
  certificates: { id: string }[];
  certificate_authorities: { ca_id: string; status: string }[];
  total_count: number;
  total: number;
}

/** The same requests through the official SDK core, 4 in flight, nothing kept. */
async function sdkPull(url: string, c: Credentials): Promise<{ secs: number; requests: number }> {
  process.env.HOME = DATA; // the SDK writes ~/.huaweicloud/application_id
  const k = c.access_keys[0]!;
  const cred = new GlobalCredentials().withAk(k.access).withSk(k.secret).withDomainId(c.domain_id);
  // The SDK's generic client is untyped (the generated service clients wrap it): its answers are read as JSON.
  const hc = new ClientBuilder((h: unknown) => h).withCredential(cred).withEndpoint(url).build() as { sendRequest: (o: unknown) => Promise<Json> };
  const send = (o: { method: string; url: string; pathParams?: Record<string, string>; queryParams?: Record<string, unknown> }): Promise<Json> => hc.sendRequest({ contentType: 'application/json', pathParams: {}, queryParams: {}, headers: {}, ...o });
  let requests = 0;
  const pool = async <T>(items: T[], f: (x: T) => Promise<void>): Promise<void> => {
    let i = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (i < items.length) await f(items[i++]!);
    }));
  };
  const t0 = hr();
  const first = await send({ method: 'GET', url: '/v3/scm/certificates', queryParams: { limit: 50, offset: 0, sort_key: 'certUpdateTime', sort_dir: 'ASC' } });
  requests++;
  const ids: string[] = first.certificates.map((x) => x.id);
  const offsets: number[] = [];
  for (let o = 50; o < first.total_count; o += 50) offsets.push(o);
  await pool(offsets, async (o) => {
    const p = await send({ method: 'GET', url: '/v3/scm/certificates', queryParams: { limit: 50, offset: o, sort_key: 'certUpdateTime', sort_dir: 'ASC' } });
    requests++;
    ids.push(...p.certificates.map((x) => x.id));
  });
  await pool(ids, async (id) => {
    await send({ method: 'POST', url: '/v3/scm/certificates/{certificate_id}/export', pathParams: { certificate_id: id } });
    requests++;
  });
  const cas = await send({ method: 'GET', url: '/v1/private-certificate-authorities', queryParams: { limit: 1000, offset: 0 } });
  requests++;
  await pool(
    cas.certificate_authorities.filter((x) => x.status === 'ACTIVED'),
    async (x) => {
      await send({ method: 'POST', url: '/v1/private-certificate-authorities/{ca_id}/export', pathParams: { ca_id: x.ca_id } });
      requests++;
    },
  );
  const certs = await send({ method: 'GET', url: '/v1/private-certificates', queryParams: { limit: 1000, offset: 0 } });
  requests++;
  const pages: number[] = [];
  for (let o = 1000; o < certs.total; o += 1000) pages.push(o);
  await pool(pages, async (o) => {
    await send({ method: 'GET', url: '/v1/private-certificates', queryParams: { limit: 1000, offset: o } });
    requests++;
  });
  return { secs: secondsSince(t0), requests };
}

async function main(): Promise<void> {
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`sync pull: N SCM + N PCA certificates from the emulator over loopback HTTP; load average at start ${load}`);
  const rows: { n: number; full: PullRun; again: PullRun; sdk?: { secs: number; requests: number } }[] = [];
  for (const n of COUNTS) {
    const emu = await emulatorWorkspace(n);
    const running = await startEmulator(emu.dir, emu.creds);
    try {
      const local = join(DATA, `local-${n}`);
      rmSync(local, { recursive: true, force: true });
      spawnSync(BIN, ['workspace', 'init', local], { env: { ...process.env, CCMKIT_PASSPHRASE: PASS } });
      const full = ccmkitPull(running.url, emu.creds, local);
      const again = ccmkitPull(running.url, emu.creds, local);
      const sdk = SKIP_SDK ? undefined : await sdkPull(running.url, emu.credentials);
      rows.push({ n, full, again, sdk });
      const s = full.report.scm;
      const c = full.report.pca_certs;
      console.log(`N=${n}: ccmkit sync pull ${full.secs.toFixed(2)} s, ${full.requests} requests (SCM ${s.total} listed + ${s.exported} exported, PCA ${c.total} certificates listed), ${((n * 2) / full.secs).toFixed(0)} certificates/s`);
      console.log(`        incremental re-pull ${again.secs.toFixed(2)} s, ${again.requests} requests (${again.report.scm.exported} downloaded)`);
      if (sdk) compare(`N=${n} same requests, 4 in flight`, 's', full.secs, 'official SDK', sdk.secs, false);
      if (sdk) console.log(`        (official SDK: ${sdk.requests} requests, nothing stored; ccmkit stores every row and PEM in SQLite)`);
    } finally {
      await running.stop();
    }
  }
  if (rows.length >= 2) {
    const a = rows[0]!;
    const b = rows[rows.length - 1]!;
    console.log(`growth ${a.n} -> ${b.n} (x${(b.n / a.n).toFixed(0)} items): time x${(b.full.secs / a.full.secs).toFixed(2)}, requests x${(b.full.requests / a.full.requests).toFixed(2)}; per certificate ${((a.full.secs / (2 * a.n)) * 1000).toFixed(3)} ms -> ${((b.full.secs / (2 * b.n)) * 1000).toFixed(3)} ms`);
  }
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
