// Shared benchmark plumbing: a data folder, timing, python comparators, test
// CSRs, and a uniform "ccmkit vs comparator" line plus a machine-readable
// RESULT line that benchmarks/run-all.sh collects into one table.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCsr, subjectAltNameExt } from '../src/engine/builder.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const DATA = join(ROOT, 'benchmarks/.data');
mkdirSync(DATA, { recursive: true });

export function hr(): bigint {
  return process.hrtime.bigint();
}

export function secondsSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Runs a python3 snippet (argv after the code) and returns its stdout; throws on failure. */
export function python(code: string, args: string[] = []): string {
  const r = spawnSync('python3', ['-c', code, ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * One result line: ours, theirs, and how many times faster ours is (>1 = ccmkit wins).
 * `goal`, when the figure has one, is the ratio it must reach (issue 16: 1.0 against pyca).
 * Also prints a `RESULT {json}` line for run-all.sh.
 */
export function compare(what: string, unit: string, ours: number, theirsName: string, theirs: number, higherIsBetter: boolean, goal?: number): string {
  const ratio = higherIsBetter ? ours / theirs : theirs / ours;
  const line = `${what.padEnd(34)} ccmkit ${fmt(ours)} ${unit}   ${theirsName} ${fmt(theirs)} ${unit}   ratio ${ratio.toFixed(2)}x ${ratio >= 1 ? '(ccmkit faster)' : '(ccmkit slower)'}`;
  console.log(line);
  result({ figure: what, unit, ours, comparator: theirsName, theirs, ratio, ...(goal !== undefined ? { goal: `ratio >= ${goal}`, met: ratio >= goal } : {}) });
  return line;
}

export interface Result {
  figure: string;
  unit: string;
  ours: number;
  comparator?: string;
  theirs?: number;
  ratio?: number;
  /** The goal in words ("ratio >= 1", "<= 100 ms") and whether this run met it. */
  goal?: string;
  met?: boolean;
}

/** The machine-readable line: `RESULT ` + JSON, with the 1-minute load average of the run. */
export function result(r: Result): void {
  console.log(`RESULT ${JSON.stringify({ script: process.argv[1]?.split('/').pop(), ...r, load1: Number(loadavg()[0]!.toFixed(2)) })}`);
}

export function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 3);
}

export type CsrAlg = 'RSA2048' | 'RSA4096' | 'EC256' | 'EC384';

function newKey(alg: CsrAlg): KeyObject {
  if (alg.startsWith('RSA')) return generateKeyPairSync('rsa', { modulusLength: Number(alg.slice(3)) }).privateKey;
  return generateKeyPairSync('ec', { namedCurve: alg === 'EC256' ? 'P-256' : 'P-384' }).privateKey;
}

/**
 * `n` CSRs of one algorithm as one PEM file in benchmarks/.data (made once).
 * Subject C/O/CN and one DNS SAN, each CSR its own names. EC keys are all
 * distinct; RSA keys come from a pool of 64 (RSA4096 generation would
 * otherwise take minutes). ccmkit caches no CSR key between CSRs, so the pool
 * does not flatter it.
 */
export function csrDataFile(alg: CsrAlg, n: number): string {
  const f = join(DATA, `csr-${alg}-${n}.pem`);
  if (existsSync(f)) return f;
  process.stdout.write(`generating ${n} ${alg} CSRs... `);
  const pool = Array.from({ length: alg.startsWith('RSA') ? Math.min(64, n) : n }, () => newKey(alg));
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const der = buildCsr({
      subject: [['C', 'CN'], ['O', 'Bench Org'], ['CN', `host${i}.bench.example`]],
      key: pool[i % pool.length]!,
      extensions: [subjectAltNameExt([{ type: 'DNS', value: `host${i}.bench.example` }])],
      hash: alg === 'EC384' ? 'SHA384' : 'SHA256',
    });
    parts.push(`-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`);
  }
  writeFileSync(f, parts.join(''));
  console.log('done');
  return f;
}
