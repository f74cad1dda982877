import type { Finding } from '../api/validate.js';
import { out } from './io.js';

/** One line per finding, with its fix on the next; to stdout unless another line sink is given. */
export function printFindings(findings: readonly Finding[], indent = '  ', write: (line: string) => void = out): void {
  for (const f of findings) {
    write(`${indent}${f.severity.toUpperCase().padEnd(7)} ${f.code} ${f.field}: ${f.message}`);
    if (f.fix) write(`${indent}        fix: ${f.fix}`);
  }
}

/** Same, to any line sink (stderr when stdout carries data). */
export function printFindingsTo(findings: readonly Finding[], line: (s: string) => void, indent = '  '): void {
  printFindings(findings, indent, line);
}
