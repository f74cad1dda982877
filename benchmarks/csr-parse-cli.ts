// benchmarks/csr-parse-cli: `ccmkit csr parse --json` through the CLI, as users
// run it, against the same job written with pyca/cryptography
// (benchmarks/pyca/csr_parse.py: the same JSON fields, byte for byte), on the
// same 3,000 CSRs, in the same run. Both layouts: one file holding 3,000 PEM
// CSRs, and 3,000 files of one CSR each. Wall time of the whole process
// (start-up included, output read through a pipe); ccmkit and pyca alternate,
// median of RUNS each. Goal (issue 16): ratio >= 1.0 for RSA2048 and EC256.
//
// Every run's output is compared with pyca's: a ccmkit answer that differs in
// any field fails the benchmark instead of being timed.
//
// Then the crossover for worker threads (csr-parse.ts PARALLEL_MIN): batches of
// growing size from the one file, run with workers forced off
// (CCMKIT_WORKERS=0) and forced on (CCMKIT_PARALLEL_MIN=1), alternating; the
// smallest size where workers win, for each algorithm.
//
// Run: npx tsx benchmarks/csr-parse-cli.ts   (CSR_CLI_N=3000, CSR_CLI_RUNS=5; CSR_CLI_CROSSOVER=0 skips the crossover)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, csrDataFile, DATA, hr, median, ROOT, secondsSince, type CsrAlg } from './lib.js';

const N = Number(process.env.CSR_CLI_N ?? 3000);
const RUNS = Number(process.env.CSR_CLI_RUNS ?? 5);
const BIN = join(ROOT, 'bin/ccmkit');
const PY = join(ROOT, 'benchmarks/pyca/csr_parse.py');

/** The same CSRs, one per file, in a folder next to the big file. */
function splitFiles(alg: CsrAlg, file: string): { dir: string; names: string[] } {
  const dir = join(DATA, `csr-${alg}-${N}-files`);
  const names = Array.from({ length: N }, (_, i) => `c${String(i).padStart(5, '0')}.csr`);
  if (!existsSync(join(dir, names[N - 1]!))) {
    mkdirSync(dir, { recursive: true });
    const blocks = readFileSync(file, 'utf8').split(/(?=-----BEGIN CERTIFICATE REQUEST-----)/);
    blocks.forEach((b, i) => writeFileSync(join(dir, names[i]!), b));
  }
  return { dir, names };
}

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { secs: number; stdout: string } {
  const t0 = hr();
  const r = spawnSync(cmd, args, { cwd, env, maxBuffer: 1024 * 1024 * 1024 });
  const secs = secondsSince(t0);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return { secs, stdout: r.stdout.toString() };
}

function sameOutput(ours: string, theirs: string, what: string): void {
  if (ours === theirs) return;
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  throw new Error(`${what}: ccmkit and pyca differ at line ${i + 1}:\n  ccmkit ${a[i]?.slice(0, 300)}\n  pyca   ${b[i]?.slice(0, 300)}`);
}

console.log(`csr-parse-cli: ${N} CSRs through the CLI (csr parse --json) vs pyca, wall time, median of ${RUNS} alternating runs`);
for (const alg of ['RSA2048', 'EC256'] as const) {
  const file = csrDataFile(alg, N);
  const split = splitFiles(alg, file);
  for (const layout of ['one file', `${N} files`] as const) {
    const cwd = layout === 'one file' ? DATA : split.dir;
    const args = layout === 'one file' ? [file.slice(DATA.length + 1)] : split.names;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const a = timed(BIN, ['csr', 'parse', '--json', ...args], cwd);
      const b = timed('python3', [PY, ...args], cwd);
      if (run === 0) sameOutput(a.stdout, b.stdout, `${alg}, ${layout}`);
      ours.push(a.secs);
      theirs.push(b.secs);
    }
    compare(`${alg} csr parse --json, ${layout}`, 'CSR/s', N / median(ours), 'pyca script', N / median(theirs), true, 1.0);
  }
}

if (process.env.CSR_CLI_CROSSOVER !== '0') {
  const SIZES = [256, 512, 1024, 2048, 3000].filter((n) => n <= N);
  const off = { ...process.env, CCMKIT_WORKERS: '0' };
  const on = { ...process.env, CCMKIT_WORKERS: '1', CCMKIT_PARALLEL_MIN: '1' };
  console.log(`crossover: wall ms, median of ${RUNS}, workers off / on (one worker)`);
  for (const alg of ['RSA2048', 'EC256'] as const) {
    const blocks = readFileSync(csrDataFile(alg, N), 'utf8').split(/(?=-----BEGIN CERTIFICATE REQUEST-----)/);
    // The crossover: the smallest size from which workers win at every larger size too.
    let crossover: number | undefined;
    for (const n of SIZES) {
      const f = join(DATA, `crossover-${alg}-${n}.pem`);
      if (!existsSync(f)) writeFileSync(f, blocks.slice(0, n).join(''));
      const a: number[] = [];
      const b: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const x = timed(BIN, ['csr', 'parse', '--json', f], DATA, off);
        const y = timed(BIN, ['csr', 'parse', '--json', f], DATA, on);
        if (run === 0 && x.stdout !== y.stdout) throw new Error(`${alg} ${n}: output differs with workers`);
        a.push(x.secs * 1000);
        b.push(y.secs * 1000);
      }
      const [ma, mb] = [median(a), median(b)];
      if (mb < ma) crossover ??= n;
      else crossover = undefined;
      console.log(`  ${alg.padEnd(8)} ${String(n).padStart(5)} CSRs   off ${ma.toFixed(1).padStart(7)} ms   on ${mb.toFixed(1).padStart(7)} ms   ${mb < ma ? 'workers win' : 'one thread wins'}`);
    }
    console.log(`  ${alg}: workers win from ${crossover ?? `more than ${SIZES.at(-1)}`} CSRs (csr-parse.ts PARALLEL_MIN)`);
  }
}
