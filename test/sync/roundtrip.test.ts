// The air-gapped round trip, end to end, with the real binary on both sides:
// the root stays offline in one workspace, the subordinate lives in the
// emulator (PENDING), pull -> sign offline -> push -> ACTIVED, and openssl
// accepts the chain. Then: an interrupted push run again finishes without a
// duplicate; a pull is incremental (nothing fetched twice, gone marked) and
// resumable (a listing and a download stopped half-way continue where they
// stopped); keys are kept only when asked, sealed.

import { createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, PCA_MIGRATIONS } from '../../src/service/pca/index.js';
import { importCertificate } from '../../src/service/scm/certificates.js';
import { createScmContext } from '../../src/service/scm/context.js';
import { SCM_MIGRATIONS } from '../../src/store/scm-schema.js';
import { SYNC_MIGRATIONS } from '../../src/store/sync-schema.js';
import { KeyVault, parseKdfRecord } from '../../src/store/vault.js';
import { SyncStore } from '../../src/store/sync-store.js';
import { openWorkspace } from '../../src/store/workspace.js';
import { CcmClient } from '../../src/sync/client.js';
import { loadClientCredentials } from '../../src/sync/credentials.js';
import { resolveEndpoints } from '../../src/sync/endpoints.js';
import { RemoteError } from '../../src/sync/errors.js';
import { pull } from '../../src/sync/pull.js';
import { importMaterial, makeWorkspace, PASSPHRASE } from '../helpers/emulator.js';
import { applyBody, DN, rootBody } from '../helpers/pca.js';
import { BIN, openssl, ROOT, runAsync, tempDir } from '../helpers/run.js';
import { cc, cleanEnv, conn, jsonOf, startEmu, type Emu } from '../helpers/sync.js';

const t = tempDir('ccmkit-roundtrip-');
const f = (n: string): string => join(t.dir, n);
afterAll(() => t.cleanup());

function write(name: string, v: unknown): string {
  writeFileSync(f(name), typeof v === 'string' ? v : JSON.stringify(v));
  return f(name);
}

describe('the air-gapped round trip', () => {
  let emu: Emu;
  let local = '';
  let sub = '';
  let root = '';
  beforeAll(async () => {
    emu = await startEmu();
    local = makeWorkspace(f('offline-ws'));
  });
  afterAll(() => emu.stop());

  it('1. a PENDING subordinate in PCA, an offline root in the workspace', async () => {
    const s = await cc(['ca', 'create', '--remote', ...conn(emu), write('pending.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Cloud Issuing CA' } }), '--json']);
    expect(s.code, s.stderr).toBe(0);
    sub = jsonOf(s).ca_id;
    const r = await cc(['ca', 'create', '--workspace', local, write('root.json', rootBody({ key_algorithm: 'EC384', signature_algorithm: 'SHA384', distinguished_name: { ...DN, common_name: 'Offline Root CA' } })), '--json']);
    expect(r.code, r.stderr).toBe(0);
    root = jsonOf(r).ca_id;
  });

  it('2. sync pull records the PENDING CA and its CSR', async () => {
    const r = await cc(['sync', 'pull', '--workspace', local, ...conn(emu), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = jsonOf(r);
    expect(rep.pca_cas).toMatchObject({ total: 1, complete: true, csrs: 1 });
    expect(r.stderr).not.toContain('\r'); // no progress bar in a pipe
    const st = jsonOf(await cc(['sync', 'status', '--workspace', local, '--json']));
    expect(st.pending_cas).toEqual([{ ca_id: sub, common_name: 'Cloud Issuing CA', csr: true }]);
  });

  it('3. offline, the root signs the CSR; the certificate is queued', async () => {
    const r = await cc(['sync', 'sign', sub, '--workspace', local, '--issuer', root, '--validity', 'YEAR:5', '--path-length', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const q = jsonOf(r);
    expect(q.remote_ca_id).toBe(sub);
    const cert = new X509Certificate(q.certificate);
    expect(cert.subject).toContain('CN=Cloud Issuing CA');
    expect(cert.issuer).toContain('CN=Offline Root CA');
    expect(cert.ca).toBe(true);
    // a CA never pulled, a CA that is not PENDING: refused offline
    expect((await cc(['sync', 'sign', '00000000-0000-4000-8000-000000000000', '--workspace', local, '--issuer', root, '--validity', 'YEAR:1'])).code).toBe(1);
  });

  it('4. sync plan shows the one import; sync push does it; the subordinate is ACTIVED', async () => {
    const posts = await emu.count('POST', '/v1/private-certificate-authorities/');
    const p = await cc(['sync', 'plan', '--workspace', local, ...conn(emu), '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(jsonOf(p)).toMatchObject([{ kind: 'pca-ca-import', target: sub, action: 'import' }]);
    expect(await emu.count('POST', '/v1/private-certificate-authorities/')).toBe(posts + 0 + jsonOf(p).length * 0); // plan sends no import
    expect(await emu.count('POST', `/v1/private-certificate-authorities/${sub}/import`)).toBe(0);
    const r = await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r)).toMatchObject([{ target: sub, outcome: 'imported' }]);
    expect(jsonOf(await cc(['ca', 'show', '--remote', ...conn(emu), sub, '--json']))).toMatchObject({ status: 'ACTIVED', gen_mode: 'IMPORT' });
  });

  it('5. openssl verify accepts the chain, and a certificate the subordinate then issues in PCA', async () => {
    expect((await cc(['ca', 'export', '--workspace', local, root, '-o', f('root.pem')])).code).toBe(0);
    expect((await cc(['ca', 'export', '--remote', ...conn(emu), sub, '-o', f('sub-chain.pem')])).code).toBe(0);
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), f('sub-chain.pem')])).toContain(': OK');
    const leaf = jsonOf(await cc(['cert', 'apply', '--remote', ...conn(emu), write('apply.json', applyBody(sub)), '--json'])).certificate_id;
    const e = JSON.parse((await cc(['cert', 'export', '--remote', ...conn(emu), leaf, '--type', 'OTHER'])).stdout);
    writeFileSync(f('leaf.pem'), e.certificate.replace(/\r\n/g, '\n') + '\n');
    writeFileSync(f('sub.pem'), readFileSync(f('sub-chain.pem'), 'utf8').split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), '-untrusted', f('sub.pem'), f('leaf.pem')])).toContain(': OK');
  });

  it('6. run again: push has nothing to do; pull records the CA as ACTIVED with its certificate', async () => {
    const again = await cc(['sync', 'push', '--workspace', local, ...conn(emu)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to push');
    const r = jsonOf(await cc(['sync', 'pull', '--workspace', local, ...conn(emu), '--service', 'pca', '--json']));
    expect(r.pca_cas.exported).toBe(1);
    const ws = openWorkspace(local, { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
    try {
      const row = new SyncStore(ws).caById(sub)!;
      expect(row.status).toBe('ACTIVED');
      expect(row.csr).toBeNull();
      expect(row.certificate).toContain('BEGIN CERTIFICATE');
    } finally {
      ws.close();
    }
  });
});

describe('an interrupted push, run again, finishes without duplicates', () => {
  it('the first import is stored but its answer lost; the run stops; the next run finds it and imports the rest', async () => {
    const emu = await startEmu({ faults: 'drop-after@#1~POST:/v3/scm/certificates/import' });
    try {
      const local = makeWorkspace(f('push-ws'));
      for (const cn of ['one.example.com', 'two.example.com']) {
        const m = importMaterial(cn);
        writeFileSync(f(`${cn}.json`), JSON.stringify(m.body));
        const q = await cc(['sync', 'queue', '--workspace', local, '--scm', f(`${cn}.json`), '--json']);
        expect(q.code, q.stderr).toBe(0);
        expect(jsonOf(q).added).toBe(true);
        // queued once only
        expect(jsonOf(await cc(['sync', 'queue', '--workspace', local, '--scm', f(`${cn}.json`), '--json'])).added).toBe(false);
      }
      // Interrupted: no retries allowed, so the lost answer stops the run (as a crash would).
      const first = await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--retries', '0']);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('CCMKIT.0207');
      expect(jsonOf(await cc(['sync', 'status', '--workspace', local, '--json'])).outbox.map((o: any) => o.state)).toEqual(['pending', 'pending']);
      const plan = jsonOf(await cc(['sync', 'plan', '--workspace', local, ...conn(emu), '--json']));
      expect(plan.map((p: any) => p.action)).toEqual(['present', 'import']);
      const second = await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--json']);
      expect(second.code, second.stderr).toBe(0);
      expect(jsonOf(second).map((i: any) => i.outcome)).toEqual(['already-present', 'imported']);
      expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(2);
      const all = jsonOf(await cc(['scm', 'list', ...conn(emu), '--all', '--json']));
      expect(all.certificates.map((c: any) => c.domain).sort()).toEqual(['one.example.com', 'two.example.com']);
      expect(jsonOf(await cc(['sync', 'status', '--workspace', local, '--json'])).outbox.map((o: any) => o.state)).toEqual(['done', 'done']);
      // a certificate that is already in SCM, queued again from elsewhere, is not uploaded
      const dup = importMaterial('one.example.com');
      writeFileSync(f('dup.json'), JSON.stringify({ ...dup.body, certificate: readFileSync(f('one.example.com.json'), 'utf8') && JSON.parse(readFileSync(f('one.example.com.json'), 'utf8')).certificate, private_key: JSON.parse(readFileSync(f('one.example.com.json'), 'utf8')).private_key, name: 'other_name' }));
      expect((await cc(['sync', 'queue', '--workspace', local, '--scm', f('dup.json')])).code).toBe(0);
      const third = jsonOf(await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--json']));
      expect(third.map((i: any) => i.outcome)).toEqual(['already-present']);
      expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(2);
    } finally {
      await emu.stop();
    }
  });

  it('a queued CA certificate for a CA that is no longer PENDING is blocked, not sent', async () => {
    const emu = await startEmu();
    try {
      const local = makeWorkspace(f('blocked-ws'));
      const sub = jsonOf(await cc(['ca', 'create', '--remote', ...conn(emu), write('p.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'P' } }), '--json'])).ca_id;
      const root = jsonOf(await cc(['ca', 'create', '--workspace', local, write('r.json', rootBody()), '--json'])).ca_id;
      expect((await cc(['sync', 'pull', '--workspace', local, ...conn(emu), '--service', 'pca'])).code).toBe(0);
      expect((await cc(['sync', 'sign', sub, '--workspace', local, '--issuer', root, '--validity', 'YEAR:1'])).code).toBe(0);
      expect((await cc(['ca', 'delete', '--remote', ...conn(emu), sub, '--pending-days', '7'])).code).toBe(0);
      const p = await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--json']);
      expect(p.code).toBe(1);
      expect(jsonOf(p)[0]).toMatchObject({ outcome: 'blocked' });
      expect(await emu.count('POST', `/v1/private-certificate-authorities/${sub}/import`)).toBe(0);
    } finally {
      await emu.stop();
    }
  });
});

describe('sync pull: incremental and resumable', () => {
  let emu: Emu;
  let local = '';
  const ids: string[] = [];

  function client(e: Emu, retries = 4): CcmClient {
    return new CcmClient({ credentials: loadClientCredentials({ file: e.credsFile, env: {} }), endpoints: resolveEndpoints({ endpoint: e.url }, {}), env: {}, maxAttempts: retries + 1 });
  }
  async function doPull(e: Emu, o: Partial<Parameters<typeof pull>[2]> = {}, retries = 4): Promise<Awaited<ReturnType<typeof pull>>> {
    const ws = openWorkspace(local, { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
    const c = client(e, retries);
    try {
      const ctx = createContext(ws, { now: () => new Date(), random: (n) => Buffer.alloc(n, 7), passphrase: () => PASSPHRASE });
      return await pull(c, ws, { scm: true, pca: false, scmPageSize: 10, concurrency: 1, seal: (k) => ctx.vault.seal(k), ...o });
    } finally {
      c.close();
      ws.close();
    }
  }

  beforeAll(async () => {
    emu = await startEmu();
    await emu.stop(true);
    local = makeWorkspace(f('pull-ws'));
    // 25 certificates straight into the emulator's workspace (the SCM service in-process: fast), then served.
    const ws = openWorkspace(emu.dir, { migrations: [...PCA_MIGRATIONS, ...SCM_MIGRATIONS] });
    try {
      const vault = new KeyVault(parseKdfRecord(ws.setting('kdf'), ws.dir), () => PASSPHRASE, randomBytes);
      const ctx = createScmContext(ws, { now: () => new Date(), random: randomBytes, vault, domainId: emu.credentials.domain_id });
      for (let i = 0; i < 25; i++) ids.push(((await importCertificate(ctx, { body: importMaterial(`n${i}.example.com`).body })).body as { certificate_id: string }).certificate_id);
    } finally {
      ws.close();
    }
  });
  afterAll(() => rmSync(dirname(emu.dir), { recursive: true, force: true }));

  it('a listing stopped half-way resumes at the offset it reached', async () => {
    // Pages of 10: the pages at offsets 0 and 10 succeed, the third fails for good. (The same port on
    // every restart: a pull resumes only against the endpoint it started with.)
    const e = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port, faults: '503@#3+~GET:/v3/scm/certificates' });
    try {
      await expect(doPull(e, {}, 0)).rejects.toBeInstanceOf(RemoteError);
    } finally {
      await e.stop();
    }
    const ws = openWorkspace(local, { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
    try {
      const run = new SyncStore(ws).getRun('scm')!;
      expect(run.next_offset).toBe(20);
      expect(run.done_at).toBeNull();
      expect(new SyncStore(ws).counts().scm).toBe(20);
    } finally {
      ws.close();
    }
  });

  it('downloads stopped half-way continue; nothing already downloaded is fetched again', async () => {
    // The listing finishes; exports 1-3 succeed, the 4th and later fail for good.
    const e = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port, faults: '500@#4+~POST:/v3/scm/certificates/' });
    try {
      await expect(doPull(e, { commitEvery: 1 }, 0)).rejects.toMatchObject({ httpStatus: 500 });
      expect((await e.log()).filter((l) => l.method === 'GET' && l.path.startsWith('/v3/scm/certificates?')).map((l) => /offset=(\d+)/.exec(l.path)![1])).toEqual(['20']); // resumed at offset 20
    } finally {
      await e.stop();
    }
    const e2 = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port });
    try {
      const r = await doPull(e2);
      expect(r.scm).toMatchObject({ total: 25, complete: true, exported: 22, gone: 0 });
      expect(await e2.count('POST', '/v3/scm/certificates/')).toBe(22);
      // incremental: a second pull downloads nothing, reads only the list pages
      const again = await doPull(e2);
      expect(again.scm).toMatchObject({ exported: 0, changed: 0 });
      expect(again.requests).toBe(3);
      // one deleted in SCM: marked gone
      expect((await cc(['scm', 'delete', ...conn(e2), ids[0]!])).code).toBe(0);
      const third = await doPull(e2);
      expect(third.scm).toMatchObject({ total: 24, gone: 1, exported: 0 });
    } finally {
      await e2.stop(true);
    }
  });

  it('keys only with --with-keys, sealed, and they match their certificates; the mirror PEMs are the certificates SCM holds', async () => {
    const e = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port });
    try {
      const ws0 = openWorkspace(local, { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
      expect(new SyncStore(ws0).counts().scm_keys).toBe(0);
      ws0.close();
      const r = await doPull(e, { withKeys: true });
      expect(r.scm!.keys).toBe(24);
      const ws = openWorkspace(local, { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
      try {
        const ctx = createContext(ws, { now: () => new Date(), random: (n) => Buffer.alloc(n, 7), passphrase: () => PASSPHRASE });
        const store = new SyncStore(ws);
        for (const id of ids.slice(1)) {
          const row = store.scmById(id)!;
          const cert = new X509Certificate(row.certificate!);
          expect(row.fingerprint).toBe(cert.fingerprint256.replace(/:/g, '').toLowerCase());
          expect(row.private_key!.subarray(0, 1)[0]).toBe(0x30); // DER: encrypted PKCS#8, not PEM text
          expect(row.private_key!.toString('latin1')).not.toContain('PRIVATE KEY');
          const key = ctx.vault.open(row.private_key!, id);
          expect(createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
        }
      } finally {
        ws.close();
      }
    } finally {
      await e.stop(true);
    }
  });

  it('on a terminal a long pull shows a count and a bar on stderr; with --json it does not', async () => {
    const e = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port, faults: 'delay=250@*1~POST:/v3/scm/certificates/' });
    try {
      const onTty = async (extra: string[]): Promise<string> => {
        const ws = makeWorkspace(f(`tty-ws-${extra.length}`));
        const r = await runAsync('python3', [join(ROOT, 'test/helpers/on-terminal.py'), '--', BIN, 'sync', 'pull', '--workspace', ws, ...conn(e), '--service', 'scm', ...extra], { env: { ...cleanEnv(), CI: '' } });
        expect(r.code, r.stderr).toBe(0);
        const res = JSON.parse(r.stdout) as { code: number; out: string };
        expect(res.code).toBe(0);
        return res.out;
      };
      const shown = await onTty([]);
      const n = Number(/SCM certificates: (\d+) listed/.exec(shown)![1]);
      expect(n).toBeGreaterThanOrEqual(24);
      expect(shown).toMatch(new RegExp(`SCM export \\[#*-*\\] \\d+/${n} \\d+%`));
      const quiet = await onTty(['--json']);
      expect(quiet).not.toContain('SCM export [');
      expect(JSON.parse(quiet.slice(quiet.indexOf('{'))).scm.exported).toBe(n);
    } finally {
      await e.stop(true);
    }
  });

  it('the CLI pull over both services: report, progress quiet in a pipe', async () => {
    const e = await startEmu({ workspace: emu.dir, credsFile: emu.credsFile, port: emu.port });
    try {
      const r = await cc(['sync', 'pull', '--workspace', local, ...conn(e), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rep = jsonOf(r);
      expect(rep.scm).toMatchObject({ total: 24, complete: true, exported: 0 });
      expect(rep.pca_cas).toMatchObject({ total: 0, complete: true });
      expect(rep.pca_certs).toMatchObject({ total: 0, complete: true });
      expect(r.stderr).toBe('');
      const human = await cc(['sync', 'pull', '--workspace', local, ...conn(e)]);
      expect(human.stdout).toMatch(/SCM certificates: 24 listed, 0 new or changed; 0 downloaded/);
    } finally {
      await e.stop(true);
    }
  });
});

describe('sync queue: the other ways in', () => {
  it('--ca: a CA certificate an outside CA signed (checked against the pulled CSR), --scm-cert: a certificate the workspace issued with its key, --drop', async () => {
    const emu = await startEmu();
    try {
      const local = makeWorkspace(f('queue-ws'));
      const sub = jsonOf(await cc(['ca', 'create', '--remote', ...conn(emu), write('q-p.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Queued Sub' } }), '--json'])).ca_id;
      expect((await cc(['sync', 'pull', '--workspace', local, ...conn(emu), '--service', 'pca'])).code).toBe(0);
      // An outside CA signs the CSR that pull recorded.
      expect((await cc(['ca', 'csr', '--remote', ...conn(emu), sub, '-o', f('q.csr')])).code).toBe(0);
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('q-root.key'), '-out', f('q-root.pem'), '-subj', '/CN=Queue Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      writeFileSync(f('q.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
      openssl(['x509', '-req', '-in', f('q.csr'), '-CA', f('q-root.pem'), '-CAkey', f('q-root.key'), '-CAcreateserial', '-days', '365', '-extfile', f('q.ext'), '-out', f('q.pem')]);
      // A certificate for another key is refused by PCA's import pre-flight, offline, and not queued.
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('other.key'), '-out', f('other.pem'), '-subj', '/CN=Other', '-days', '30']);
      const wrong = await cc(['sync', 'queue', '--workspace', local, '--ca', sub, '--certificate', f('other.pem'), '--certificate-chain', f('q-root.pem')]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('not queued: PCA would answer');
      const ok = await cc(['sync', 'queue', '--workspace', local, '--ca', sub, '--certificate', f('q.pem'), '--certificate-chain', f('q-root.pem'), '--json']);
      expect(ok.code, ok.stderr).toBe(0);
      // A certificate this workspace issued with its own key, for SCM.
      const root = jsonOf(await cc(['ca', 'create', '--workspace', local, write('q-r.json', rootBody()), '--json'])).ca_id;
      const leaf = jsonOf(await cc(['cert', 'apply', '--workspace', local, write('q-a.json', applyBody(root, { distinguished_name: { common_name: 'local.example.test' }, subject_alternative_names: [{ type: 'DNS', value: 'local.example.test' }] })), '--json'])).certificate_id;
      const s = await cc(['sync', 'queue', '--workspace', local, '--scm-cert', leaf, '--json']);
      expect(s.code, s.stderr).toBe(0);
      // and one more, dropped again
      const m = importMaterial('dropped.example.com');
      writeFileSync(f('drop.json'), JSON.stringify(m.body));
      const d = jsonOf(await cc(['sync', 'queue', '--workspace', local, '--scm', f('drop.json'), '--json'])).outbox_id;
      expect((await cc(['sync', 'queue', '--workspace', local, '--drop', String(d)])).code).toBe(0);
      expect((await cc(['sync', 'queue', '--workspace', local, '--drop', String(d)])).code).toBe(1);
      const push = await cc(['sync', 'push', '--workspace', local, ...conn(emu), '--json']);
      expect(push.code, push.stderr).toBe(0);
      expect(jsonOf(push).map((i: any) => [i.kind, i.outcome])).toEqual([
        ['pca-ca-import', 'imported'],
        ['scm-import', 'imported'],
      ]);
      expect(jsonOf(await cc(['ca', 'show', '--remote', ...conn(emu), sub, '--json'])).status).toBe('ACTIVED');
      expect(jsonOf(await cc(['scm', 'list', ...conn(emu), '--json'])).certificates.map((c: any) => c.domain)).toEqual(['local.example.test']);
      expect((await cc(['sync', 'queue', '--workspace', local])).code).toBe(2);
    } finally {
      await emu.stop();
    }
  });
});
