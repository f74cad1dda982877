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
// Run: npx tsx benchmarks/csr-parse-cli.ts   (CSR_CLI_N=3000, CSR_CLI_RUNS=5)
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

function timed(cmd: string, args: string[], cwd: string): { secs: number; stdout: string } {
  const t0 = hr();
  const r = spawnSync(cmd, args, { cwd, maxBuffer: 1024 * 1024 * 1024 });
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
