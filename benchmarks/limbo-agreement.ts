// benchmarks/limbo-agreement: ccmkit's agreement with an x509-limbo suite.
//
// Usage: npx tsx benchmarks/limbo-agreement.ts [LIMBO.json] [--list]
// Default: ../shared/corpora/limbo-open.json (the 55-case open subset). Give
// the full suite's limbo.json (x509-limbo's published file; not kept in this
// repository) to measure the goal of issue #17: 0 chains accepted that should
// fail, and at most 1% of the rest disagreeing. Prints the totals, the
// disagreements by namespace, and with --list every disagreeing id and reason.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCase, skipReason, type LimboCase } from '../test/helpers/limbo.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? resolve(import.meta.dirname, '../../shared/corpora/limbo-open.json');
const suite = JSON.parse(readFileSync(file, 'utf8')) as { testcases: LimboCase[] };
const REF = new Date('2025-06-01T00:00:00Z');

let judged = 0, skipped = 0, acceptedBad = 0, refusedGood = 0;
const byNs = new Map<string, { n: number; bad: number }>();
const wrong: string[] = [];
const t0 = performance.now();
for (const c of suite.testcases) {
  if (skipReason(c)) {
    skipped++;
    continue;
  }
  judged++;
  let got: 'SUCCESS' | 'FAILURE';
  let why = '';
  try {
    const r = runCase(c, REF);
    got = r.valid ? 'SUCCESS' : 'FAILURE';
    why = r.reason ?? '';
  } catch (e) {
    got = 'FAILURE';
    why = `threw: ${(e as Error).message}`;
  }
  const ns = c.id.split('::').slice(0, 2).join('::');
  const s = byNs.get(ns) ?? { n: 0, bad: 0 };
  s.n++;
  if (got !== c.expected_result) {
    s.bad++;
    if (got === 'SUCCESS') acceptedBad++;
    else refusedGood++;
    wrong.push(`${c.id}: expected ${c.expected_result}, got ${got}${why ? ` (${why})` : ''}`);
  }
  byNs.set(ns, s);
}
const ms = performance.now() - t0;
const agree = judged - acceptedBad - refusedGood;
console.log(`${file}: ${suite.testcases.length} cases, ${judged} judged, ${skipped} skipped, ${ms.toFixed(0)} ms`);
console.log(`agreement ${agree}/${judged} (${((100 * agree) / Math.max(1, judged)).toFixed(2)}%); accepted that should fail: ${acceptedBad}; refused that should pass: ${refusedGood}`);
for (const [ns, s] of [...byNs.entries()].sort()) if (s.bad) console.log(`  ${ns}: ${s.bad} of ${s.n} disagree`);
if (args.includes('--list')) for (const w of wrong) console.log(`  ${w}`);
