// The table benchmarks/run-all.sh prints: every RESULT line of the logs given,
// in order. Ratio > 1 means ccmkit is better (faster, smaller).
import { readFileSync } from 'node:fs';
import { fmt, type Result } from './lib.js';

type Row = Result & { script: string; load1: number };

const rows: Row[] = [];
for (const f of process.argv.slice(2)) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (line.startsWith('RESULT ')) rows.push(JSON.parse(line.slice(7)) as Row);
  }
}
const table = [
  ['script', 'figure', 'ccmkit', 'comparator', 'theirs', 'ratio', 'goal', 'met', 'load'],
  ...rows.map((r) => [
    r.script.replace(/\.ts$/, ''),
    r.figure,
    `${fmt(r.ours)} ${r.unit}`,
    r.comparator ?? '',
    r.theirs !== undefined ? `${fmt(r.theirs)} ${r.unit}` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    String(r.load1),
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const [k, row] of table.entries()) {
  console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const goals = rows.filter((r) => r.met !== undefined);
console.log(`\n${goals.filter((r) => r.met).length} of ${goals.length} goals met; ratio > 1: ccmkit better. Load is the 1-minute load average during each figure.`);
