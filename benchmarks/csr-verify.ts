// benchmarks/csr-verify: parse + verify CSRs in one process.
// Compares, in the same run on the same files: ccmkit's engine, pyca/cryptography
// (load_pem_x509_csr(...).is_signature_valid) and @peculiar/x509; then the wall
// time of one `ccmkit csr parse` against `openssl req -verify`.
//
// Inputs: N CSRs per algorithm, generated once into benchmarks/.data. EC keys
// are all distinct; RSA keys come from a pool of 64 (RSA4096 generation would
// otherwise take minutes). Nothing in ccmkit caches keys between CSRs, so the
// pool does not flatter it; every CSR has its own subject.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import * as px from '@peculiar/x509';
import { parseCsr, verifyCsrBatch, verifyCsrSignature } from '../src/engine/csr.js';
import { readInput } from '../src/engine/input.js';
import { csrReport } from '../src/ccm/csr-report.js';
import { compare, csrDataFile, DATA, hr, median, python, ROOT, secondsSince } from './lib.js';

const N = Number(process.env.CSR_BENCH_N ?? 3000);
const ALGS = ['RSA2048', 'RSA4096', 'EC256', 'EC384'] as const;
type Alg = (typeof ALGS)[number];

const dataFile = (alg: Alg): string => csrDataFile(alg, N);

const PY = `
import sys, time
from cryptography import x509
blocks = [b"-----BEGIN" + p for p in open(sys.argv[1], "rb").read().split(b"-----BEGIN")[1:]]
ok = 0
t = time.perf_counter()
for b in blocks:
    if x509.load_pem_x509_csr(b).is_signature_valid: ok += 1
print(len(blocks), ok, time.perf_counter() - t)
`;

async function main(): Promise<void> {
  console.log(`csr-verify: ${N} CSRs per algorithm, parse + signature verification, one process each`);
  for (const alg of ALGS) {
    const file = dataFile(alg);
    const text = readFileSync(file, 'utf8');
    const ders = readInput(Buffer.from(text), 'bench').objects.map((o) => o.der);

    // ccmkit, engine: parse + verify (what pyca's load + is_signature_valid does). Warm up once.
    for (const d of ders.slice(0, 200)) verifyCsrSignature(parseCsr(d));
    let t0 = hr();
    let ok = 0;
    for (const d of ders) if (verifyCsrSignature(parseCsr(d)).valid) ok++;
    const oursRate = ders.length / secondsSince(t0);
    if (ok !== ders.length) throw new Error(`ccmkit verified ${ok}/${ders.length}`);

    // ccmkit, batch: same work, signatures verified on libuv's thread pool (what `csr parse` does with many files).
    t0 = hr();
    const verdicts = await verifyCsrBatch(ders.map((d) => parseCsr(d)));
    const batchRate = ders.length / secondsSince(t0);
    if (verdicts.some((v) => !v.valid)) throw new Error('batch verification failed');

    // ccmkit, from PEM text to CCM's full response (PEM decode, parse, verify, policy, public_key PEM).
    t0 = hr();
    const objs = readInput(Buffer.from(text), 'bench').objects;
    for (const o of objs) csrReport(parseCsr(o.der));
    const fullRate = objs.length / secondsSince(t0);

    const [n, pyOk, pySecs] = python(PY, [file]).trim().split(' ').map(Number) as [number, number, number];
    if (pyOk !== n) throw new Error(`pyca verified ${pyOk}/${n}`);
    const pyRate = n / pySecs;

    // @peculiar/x509 (async WebCrypto verify); a subset, it is slow.
    const pems = text.split('-----BEGIN').slice(1).map((p) => '-----BEGIN' + p).slice(0, Math.min(500, N));
    t0 = hr();
    for (const p of pems) {
      const csr = new px.Pkcs10CertificateRequest(p);
      if (!(await csr.verify())) throw new Error('peculiar failed to verify');
    }
    const pxRate = pems.length / secondsSince(t0);

    compare(`${alg} parse+verify, 1 thread`, 'CSR/s', oursRate, 'pyca', pyRate, true);
    compare(`${alg} parse+verify, batch`, 'CSR/s', batchRate, 'pyca', pyRate, true);
    compare(`${alg} parse+verify`, 'CSR/s', oursRate, '@peculiar/x509', pxRate, true);
    console.log(`${`${alg} PEM -> full CCM report`.padEnd(34)} ccmkit ${Math.round(fullRate).toLocaleString('en-US')} CSR/s`);
  }

  // Start-up: one CLI call vs openssl, wall time, median of 15.
  const one = join(DATA, 'one.csr');
  writeFileSync(one, readFileSync(dataFile('EC256'), 'utf8').split('-----END CERTIFICATE REQUEST-----')[0] + '-----END CERTIFICATE REQUEST-----\n');
  const time = (cmd: string, args: string[]): number => {
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = hr();
      const r = spawnSync(cmd, args);
      if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
      xs.push(secondsSince(t) * 1000);
    }
    return median(xs);
  };
  const ours = time(join(ROOT, 'bin/ccmkit'), ['csr', 'parse', one]);
  const theirs = time('openssl', ['req', '-in', one, '-noout', '-verify']);
  compare('one CLI call (wall, median of 15)', 'ms', ours, 'openssl req -verify', theirs, false);
}

await main();
