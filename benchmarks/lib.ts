// Shared benchmark plumbing: a data folder, timing, python comparators, and a
// uniform "ccmkit vs comparator" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

/** One result line: ours, theirs, and how many times faster ours is (>1 = ccmkit wins). */
export function compare(what: string, unit: string, ours: number, theirsName: string, theirs: number, higherIsBetter: boolean): string {
  const ratio = higherIsBetter ? ours / theirs : theirs / ours;
  const line = `${what.padEnd(34)} ccmkit ${fmt(ours)} ${unit}   ${theirsName} ${fmt(theirs)} ${unit}   ratio ${ratio.toFixed(2)}x ${ratio >= 1 ? '(ccmkit faster)' : '(ccmkit slower)'}`;
  console.log(line);
  return line;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 3);
}
