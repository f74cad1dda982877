// benchmarks/startup: wall time of one short CLI call, as a user feels it.
// `ccmkit --version` and `ccmkit csr parse ONE.csr`, median of RUNS, with
// `node -e 0` (the floor any Node CLI starts from) and `openssl req -verify`
// measured in the same rounds, one of each per round. Goal (issue 16): each
// ccmkit call at most 100 ms on a quiet machine.
//
// When NODE_EXTRA_CA_CERTS is set (as in some sandboxes), Node reads and
// parses that CA file at every start, before any of ccmkit's code runs (~400
// million instructions for the Debian bundle, more than all the rest of
// `node -e 0`); the same calls without it are shown beside, for information.
//
// Run: npx tsx benchmarks/startup.ts   (STARTUP_RUNS=15)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csrDataFile, DATA, fmt, hr, median, result, ROOT, secondsSince } from './lib.js';

const RUNS = Number(process.env.STARTUP_RUNS ?? 15);
const BIN = join(ROOT, 'bin/ccmkit');
const GOAL_MS = 100;

const one = join(DATA, 'startup-one.csr');
writeFileSync(one, readFileSync(csrDataFile('EC256', 3000), 'utf8').split(/(?<=-----END CERTIFICATE REQUEST-----\n)/)[0]!);

const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const withoutCa = { ...process.env };
delete withoutCa.NODE_EXTRA_CA_CERTS;
const calls: [string, string, string[], NodeJS.ProcessEnv?][] = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['ccmkit --version', BIN, ['--version']],
  ['ccmkit csr parse ONE.csr', BIN, ['csr', 'parse', one]],
  ['openssl req -verify', 'openssl', ['req', '-in', one, '-noout', '-verify']],
  ...(extraCa
    ? ([
        ['node -e 0, no NODE_EXTRA_CA_CERTS', process.execPath, ['-e', '0'], withoutCa],
        ['ccmkit --version, no NODE_EXTRA_CA_CERTS', BIN, ['--version'], withoutCa],
        ['csr parse ONE.csr, no NODE_EXTRA_CA_CERTS', BIN, ['csr', 'parse', one], withoutCa],
      ] as [string, string, string[], NodeJS.ProcessEnv][])
    : []),
];
const times = new Map<string, number[]>(calls.map(([name]) => [name, []]));
for (let round = 0; round < RUNS + 1; round++) {
  for (const [name, cmd, args, env] of calls) {
    const t0 = hr();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const ms = secondsSince(t0) * 1000;
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr.toString().slice(0, 300)}`);
    if (round > 0) times.get(name)!.push(ms); // round 0 warms the file cache
  }
}
const m = (name: string): number => median(times.get(name)!);
console.log(`startup: wall ms, median of ${RUNS} rounds (one call of each per round)`);
for (const [name] of calls) console.log(`  ${name.padEnd(42)} ${fmt(m(name)).padStart(7)} ms`);
if (extraCa) console.log(`  (NODE_EXTRA_CA_CERTS=${extraCa}: Node parses it at every start; the goal is judged with it set, as run here)`);
for (const name of ['ccmkit --version', 'ccmkit csr parse ONE.csr']) {
  const ours = m(name);
  result({ figure: `${name} (wall, median of ${RUNS})`, unit: 'ms', ours, comparator: 'node -e 0', theirs: m('node -e 0'), ratio: m('node -e 0') / ours, goal: `<= ${GOAL_MS} ms`, met: ours <= GOAL_MS });
}
result({ figure: `csr parse ONE.csr vs openssl (wall, median of ${RUNS})`, unit: 'ms', ours: m('ccmkit csr parse ONE.csr'), comparator: 'openssl req -verify', theirs: m('openssl req -verify'), ratio: m('openssl req -verify') / m('ccmkit csr parse ONE.csr') });
