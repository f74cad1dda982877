// benchmarks/export: 1,000 IIS (legacy PFX) and 1,000 TOMCAT (JKS) bundles.
//
// Compares, in the same run on the same keys and certificates, ccmkit's bundle
// engine with pyca/cryptography's pkcs12.serialize_key_and_certificates using
// the same algorithms and iteration counts: pbeWithSHAAnd3-KeyTripleDES-CBC for
// the key and certificate bags, HMAC-SHA1 MAC, 2,048 iterations, a fresh
// 20-character password per bundle.
//
// pyca cannot write JKS; for TOMCAT its nearest equivalent (a PKCS#12 keystore of
// the same key and chain, same legacy profile) is the comparator, and the line
// says so. ccmkit is timed twice: the engine alone (buildBundle: keystore +
// password, what pyca's call does) and with the zip written in memory too.
//
// Inputs: 20 key/certificate sets (10 RSA2048, 10 EC256, each with an
// intermediate and a root), cycled over the 1,000 bundles; written as PEM to
// benchmarks/.data/export/ so both sides read the same files.
//
// Run: npx tsx benchmarks/export.ts   (EXPORT_BENCH_N to change the count)
import { spawnSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildBundle, type ExportType } from '../src/engine/bundle.js';
import { readPkcs12 } from '../src/engine/pkcs12.js';
import { writeZip } from '../src/service/zip.js';
import { chain, keyPem, pem } from '../test/helpers/pki.js';
import { result } from './lib.js';

const N = Number(process.env.EXPORT_BENCH_N ?? 1000);
const SETS = 20;
const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, 'benchmarks/.data/export');
mkdirSync(DATA, { recursive: true });

interface Set {
  leaf: Buffer;
  chain: Buffer[];
  key: KeyObject;
}

function pemDers(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

function inputs(): Set[] {
  const out: Set[] = [];
  for (let i = 0; i < SETS; i++) {
    const base = join(DATA, `set${i}`);
    if (!existsSync(`${base}.key`)) {
      const c = chain(2, i % 2 ? 'EC256' : 'RSA2048', `host${i}.bench.example`);
      writeFileSync(`${base}.crt`, [c.leaf.der, ...c.intermediates.map((x) => x.der), c.root.der].map((d) => pem('CERTIFICATE', d)).join(''));
      writeFileSync(`${base}.key`, keyPem(c.leaf.key));
    }
    const ders = pemDers(readFileSync(`${base}.crt`, 'utf8'));
    out.push({ leaf: ders[0]!, chain: ders.slice(1), key: createPrivateKey(readFileSync(`${base}.key`)) });
  }
  return out;
}

const PY = `
import sys, time, os, string, secrets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
data, sets, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
loaded = []
for i in range(sets):
    certs = x509.load_pem_x509_certificates(open(f"{data}/set{i}.crt", "rb").read())
    key = serialization.load_pem_private_key(open(f"{data}/set{i}.key", "rb").read(), None)
    loaded.append((key, certs[0], certs[1:]))
alphabet = string.ascii_letters + string.digits
def one(i):
    key, leaf, chain = loaded[i % sets]
    pw = "".join(secrets.choice(alphabet) for _ in range(20)).encode()
    enc = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
           .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(pw))
    return pkcs12.serialize_key_and_certificates(b"server", key, leaf, chain, enc)
for i in range(20): one(i)
t = time.perf_counter()
total = 0
for i in range(n): total += len(one(i))
print(time.perf_counter() - t, total)
`;

function pyca(n: number): number {
  const r = spawnSync('python3', ['-c', PY, DATA, String(SETS), String(n)], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
  const [secs] = r.stdout.toString().trim().split(' ').map(Number) as [number];
  return (secs * 1000) / n;
}

function ccmkit(sets: Set[], type: ExportType, n: number, zip: boolean): number {
  const at = new Date('2025-06-01T00:00:00Z');
  const one = (i: number): number => {
    const s = sets[i % sets.length]!;
    const b = buildBundle({ type, leaf: s.leaf, chain: s.chain, key: s.key, at, pfxProfile: 'legacy' });
    if (zip) return writeZip(b.files.map((f) => ({ name: f.name, data: f.data, mode: f.secret ? 0o600 : 0o644 })), at).length;
    return b.files[0]!.data.length;
  };
  for (let i = 0; i < 20; i++) one(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) one(i);
  return Number(process.hrtime.bigint() - t) / 1e6 / n;
}

function line(what: string, ours: number, theirsName: string, theirs: number): void {
  const ratio = theirs / ours;
  console.log(`${what.padEnd(40)} ccmkit ${ours.toFixed(3)} ms/bundle   ${theirsName} ${theirs.toFixed(3)} ms/bundle   ratio ${ratio.toFixed(2)}x ${ratio >= 1 ? '(ccmkit faster)' : '(ccmkit slower)'}`);
  result({ figure: what, unit: 'ms/bundle', ours, comparator: theirsName, theirs, ratio });
}

function main(): void {
  console.log(`export: ${N} IIS (legacy PFX) and ${N} TOMCAT (JKS) bundles, ${SETS} RSA2048/EC256 key sets with 2-certificate chains`);
  const sets = inputs();
  // Sanity: what we time is a real, readable keystore.
  const check = buildBundle({ type: 'IIS', leaf: sets[0]!.leaf, chain: sets[0]!.chain, key: sets[0]!.key, at: new Date(0) });
  if (readPkcs12(check.files[0]!.data, { password: check.files[1]!.data.toString() }).certificates.length !== 3) throw new Error('bad PFX');
  // The machine may be shared: measure in 5 interleaved rounds of N/5 bundles and
  // report each side's median round, so a burst of outside load hits both sides alike.
  const rounds = 5;
  const per = Math.max(1, Math.round(N / rounds));
  const r: Record<string, number[]> = { py: [], iis: [], iisZip: [], tomcat: [], tomcatZip: [] };
  for (let k = 0; k < rounds; k++) {
    r.py!.push(pyca(per));
    r.iis!.push(ccmkit(sets, 'IIS', per, false));
    r.iisZip!.push(ccmkit(sets, 'IIS', per, true));
    r.tomcat!.push(ccmkit(sets, 'TOMCAT', per, false));
    r.tomcatZip!.push(ccmkit(sets, 'TOMCAT', per, true));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const py = med(r.py!);
  console.log(`(${rounds} rounds of ${per} bundles per side; median round shown)`);
  line('IIS legacy PFX (engine)', med(r.iis!), 'pyca pkcs12', py);
  line('IIS legacy PFX + zip', med(r.iisZip!), 'pyca pkcs12 (no zip)', py);
  line('TOMCAT JKS (engine)', med(r.tomcat!), 'pyca pkcs12*', py);
  line('TOMCAT JKS + zip', med(r.tomcatZip!), 'pyca pkcs12* (no zip)', py);
  console.log('* pyca has no JKS writer: its PKCS#12 keystore (same key, chain, legacy profile) is the nearest comparator.');
}

main();
