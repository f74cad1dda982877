// benchmarks/chain-build: chains for every leaf of a generated, shuffled bag.
//
// Bag (issue #3): 100 roots, 900 intermediates (800 CAs in two levels plus 100
// cross-signs of level-1 CAs by another root), 9,000 leaves, and 1,000
// distractors (CA certificates with an intermediate's name but another key),
// shuffled. Built with src/engine/builder.ts, EC P-256, pinned to REF.
//
// ccmkit: parse the PEM bag + buildChains(bag, {roots, at}), in process.
// pyca/cryptography (same run, same PEM files in benchmarks/.data):
// load_pem_x509_certificates, then one ClientVerifier.verify(leaf, intermediates)
// per leaf, intermediates = every non-leaf certificate of the bag (the leaves
// themselves are left out of pyca's pool: it rebuilds the pool on every call,
// and 9,000 useless leaves in it would only slow pyca down).
// Both must find a valid chain for all 9,000 leaves; the script checks that.
// Also printed: a lower bound for pyca where each leaf is handed only its own
// issuers (not the task, which makes pyca search the bag; it shows how
// much of pyca's time is its per-call intermediate pool).
//
// Then ccmkit alone at 1k, 10k and 100k certificates (same proportions) to
// show growth is about linear.
//
// Run: npx tsx benchmarks/chain-build.ts [--no-100k]

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  authorityKeyIdExt,
  basicConstraintsExt,
  buildCertificate,
  extKeyUsageExt,
  keyIdentifier,
  keyUsageExt,
  spkiOf,
  subjectAltNameExt,
  subjectKeyIdExt,
} from '../src/engine/builder.js';
import { buildChains } from '../src/engine/chain.js';
import { parsePem, toPem } from '../src/engine/pem.js';
import { result } from './lib.js';

const REF = new Date('2025-06-01T00:00:00Z');
const YEAR = 365 * 24 * 3600 * 1000;
const DATA = resolve(import.meta.dirname, '.data');

interface Ca {
  name: [string, string][];
  key: KeyObject;
  spki: Buffer;
  kid: Buffer;
}

let seed = 12345;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

function ecKey(): { key: KeyObject; spki: Buffer; kid: Buffer } {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const spki = spkiOf(key);
  return { key, spki, kid: keyIdentifier(spki) };
}

let serial = 1n;
function cert(subject: [string, string][], subj: { spki: Buffer }, issuer: Ca, ca: boolean, dns?: string): Buffer {
  const exts = [subjectKeyIdExt(subj.spki), authorityKeyIdExt(issuer.kid)];
  if (ca) exts.push(basicConstraintsExt(true), keyUsageExt(['keyCertSign', 'cRLSign']));
  else exts.push(basicConstraintsExt(false), keyUsageExt(['digitalSignature']), extKeyUsageExt(['serverAuth', 'clientAuth']), subjectAltNameExt([{ type: 'DNS', value: dns! }]));
  return buildCertificate({
    serial: serial++,
    subject,
    issuer: issuer.name,
    notBefore: new Date(REF.getTime() - YEAR),
    notAfter: new Date(REF.getTime() + (ca ? 10 : 1) * YEAR),
    publicKey: subj.spki,
    extensions: exts,
    signingKey: issuer.key,
  });
}

/** A bag of `total` certificates in the proportions, plus 10% distractors. */
function generate(total: number): { roots: Buffer[]; bag: Buffer[]; leaves: number } {
  const nRoots = total / 100, nCross = total / 100, nInter = (total * 9) / 100 - nCross, nLeaves = (total * 90) / 100, nDistract = total / 10;
  const roots: Ca[] = [];
  const rootDer: Buffer[] = [];
  for (let i = 0; i < nRoots; i++) {
    const k = ecKey();
    const ca: Ca = { name: [['O', 'ccmkit bench'], ['CN', `Root ${i}`]], ...k };
    roots.push(ca);
    rootDer.push(cert(ca.name, ca, ca, true));
  }
  const bag: Buffer[] = [...rootDer];
  const level1: Ca[] = [];
  const inters: Ca[] = [];
  for (let i = 0; i < nInter; i++) {
    const k = ecKey();
    const ca: Ca = { name: [['O', 'ccmkit bench'], ['CN', `Intermediate ${i}`]], ...k };
    const isLevel1 = i < nInter / 2;
    const parent = isLevel1 ? roots[i % nRoots]! : level1[rand(level1.length)]!;
    bag.push(cert(ca.name, ca, parent, true));
    if (isLevel1) level1.push(ca);
    inters.push(ca);
  }
  for (let i = 0; i < nCross; i++) {
    // Cross-sign: the same CA (name and key) certified by another root.
    const ca = level1[i % level1.length]!;
    const other = roots[(level1.indexOf(ca) + 1 + rand(nRoots - 1)) % nRoots]!;
    bag.push(cert(ca.name, ca, other, true));
  }
  const pool = Array.from({ length: 256 }, ecKey);
  for (let i = 0; i < nLeaves; i++) {
    const dns = `leaf${i}.bench.test`;
    bag.push(cert([['O', 'ccmkit bench'], ['CN', dns]], pool[i % pool.length]!, inters[rand(inters.length)]!, false, dns));
  }
  for (let i = 0; i < nDistract; i++) {
    const victim = inters[rand(inters.length)]!;
    bag.push(cert(victim.name, pool[rand(pool.length)]!, roots[rand(nRoots)]!, true));
  }
  for (let i = bag.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [bag[i], bag[j]] = [bag[j]!, bag[i]!];
  }
  return { roots: rootDer, bag, leaves: nLeaves };
}

/** Runs the ccmkit measurement in a fresh process, like pyca's, so neither inherits the generator's heap. */
function ccmkitChild(rootsFile: string, bagFile: string): { ms: number; parseMs: number; valid: number; leaves: number } {
  const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--measure', rootsFile, bagFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`ccmkit measurement failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; parseMs: number; valid: number; leaves: number };
}

function ccmkitRun(rootsPem: string, bagPem: string): { ms: number; parseMs: number; valid: number; leaves: number } {
  const t0 = performance.now();
  const roots = parsePem(rootsPem).map((b) => b.der);
  const bag = parsePem(bagPem).map((b) => b.der);
  const t1 = performance.now();
  const r = buildChains(bag, { roots, at: REF });
  const ms = performance.now() - t0;
  return { ms, parseMs: t1 - t0, valid: r.leaves.filter((l) => l.chains[0]?.valid).length, leaves: r.leaves.length };
}

const PY = String.raw`
import sys, time, datetime
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store
roots_path, bag_path, at = sys.argv[1], sys.argv[2], datetime.datetime.fromisoformat(sys.argv[3])
t0 = time.perf_counter()
roots = x509.load_pem_x509_certificates(open(roots_path, 'rb').read())
bag = x509.load_pem_x509_certificates(open(bag_path, 'rb').read())
leaves, inters = [], []
for c in bag:
    try:
        ca = c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        ca = False
    (inters if ca else leaves).append(c)
t1 = time.perf_counter()
verifier = PolicyBuilder().store(Store(roots)).time(at).build_client_verifier()
ok = 0
for leaf in leaves:
    try:
        verifier.verify(leaf, inters)
        ok += 1
    except Exception:
        pass
t2 = time.perf_counter()
# Lower bound for pyca, not the issue's task: each leaf gets only the
# certificates named as its issuer and their issuers (the bag is two levels
# deep), so pyca's per-call pool is tiny. Selection time is included.
by_subject = {}
for c in inters:
    by_subject.setdefault(c.subject, []).append(c)
ok2 = 0
t3 = time.perf_counter()
for leaf in leaves:
    pool = list(by_subject.get(leaf.issuer, []))
    for c in list(pool):
        pool.extend(by_subject.get(c.issuer, []))
    try:
        verifier.verify(leaf, pool)
        ok2 += 1
    except Exception:
        pass
t4 = time.perf_counter()
print(f"{(t2 - t0) * 1000:.1f} {(t1 - t0) * 1000:.1f} {ok} {len(leaves)} {(t4 - t3 + t1 - t0) * 1000:.1f} {ok2}")
`;

function pycaRun(rootsFile: string, bagFile: string): { ms: number; parseMs: number; valid: number; leaves: number; lowerMs: number; lowerValid: number } | undefined {
  const r = spawnSync('python3', ['-c', PY, rootsFile, bagFile, REF.toISOString().replace('Z', '+00:00')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.log(`pyca failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    return undefined;
  }
  const [ms, parseMs, valid, leaves, lowerMs, lowerValid] = r.stdout.trim().split(' ').map(Number);
  return { ms: ms!, parseMs: parseMs!, valid: valid!, leaves: leaves!, lowerMs: lowerMs!, lowerValid: lowerValid! };
}

function main(): void {
  mkdirSync(DATA, { recursive: true });
  const sizes = process.argv.includes('--no-100k') ? [1000, 10000] : [1000, 10000, 100000];
  const perCert: { n: number; ms: number }[] = [];
  for (const n of sizes) {
    const tg = performance.now();
    const g = generate(n);
    const rootsPem = g.roots.map((d) => toPem('CERTIFICATE', d)).join('');
    const bagPem = g.bag.map((d) => toPem('CERTIFICATE', d)).join('');
    const rootsFile = join(DATA, `chain-roots-${n}.pem`);
    const bagFile = join(DATA, `chain-bag-${n}.pem`);
    writeFileSync(rootsFile, rootsPem);
    writeFileSync(bagFile, bagPem);
    console.log(`\n== ${g.bag.length} certificates (${n} + ${n / 10} distractors; ${g.leaves} leaves), generated in ${((performance.now() - tg) / 1000).toFixed(1)} s -> ${bagFile}`);
    const c = ccmkitChild(rootsFile, bagFile);
    if (c.valid !== g.leaves) throw new Error(`ccmkit found ${c.valid} valid chains for ${g.leaves} leaves`);
    console.log(`ccmkit  ${c.ms.toFixed(0).padStart(7)} ms total (parse ${c.parseMs.toFixed(0)} ms), ${c.valid}/${c.leaves} leaves with a valid chain, ${(c.ms / g.bag.length * 1000).toFixed(1)} µs per certificate`);
    perCert.push({ n: g.bag.length, ms: c.ms });
    if (n <= 10000) {
      const p = pycaRun(rootsFile, bagFile);
      if (p) {
        if (p.valid !== g.leaves) console.log(`WARNING: pyca verified ${p.valid} of ${g.leaves} leaves`);
        console.log(`pyca    ${p.ms.toFixed(0).padStart(7)} ms total (parse ${p.parseMs.toFixed(0)} ms), ${p.valid}/${p.leaves} leaves verified`);
        // Same convention as benchmarks/lib.ts compare() on main: theirs / ours, >1 = ccmkit faster.
        const ratio = p.ms / c.ms;
        console.log(`ratio   ${ratio.toFixed(2)}x ${ratio >= 1 ? '(ccmkit faster)' : '(ccmkit slower)'}  [pyca time / ccmkit time]`);
        result({ figure: `chain build, ${g.bag.length} certificates`, unit: 'ms', ours: c.ms, comparator: 'pyca PolicyBuilder', theirs: p.ms, ratio });
        const lower = p.lowerMs / c.ms;
        console.log(`pyca lower bound (each leaf handed only its own issuers, parse included): ${p.lowerMs.toFixed(0)} ms, ${p.lowerValid}/${p.leaves} verified; ratio ${lower.toFixed(2)}x ${lower >= 1 ? '(ccmkit faster)' : '(ccmkit slower)'}`);
      }
    }
  }
  if (perCert.length > 1) {
    const base = perCert[0]!;
    console.log('\ngrowth (time per certificate relative to the smallest bag and to the previous one; 1.0 = linear):');
    perCert.forEach((x, i) => {
      const prev = perCert[Math.max(0, i - 1)]!;
      console.log(`  ${String(x.n).padStart(7)} certificates: ${(x.ms / 1000).toFixed(2)} s, ${((x.ms / x.n) / (base.ms / base.n)).toFixed(2)}x vs smallest, ${((x.ms / x.n) / (prev.ms / prev.n)).toFixed(2)}x vs previous`);
    });
  }
}

const m = process.argv.indexOf('--measure');
if (m > 0) {
  const [rootsFile, bagFile] = process.argv.slice(m + 1);
  console.log(JSON.stringify(ccmkitRun(readFileSync(rootsFile!, 'utf8'), readFileSync(bagFile!, 'utf8'))));
} else main();
