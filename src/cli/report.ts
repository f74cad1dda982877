import type { Finding } from '../ccm/findings.js';
import { out } from './io.js';

/** One line per finding, with its fix on the next. */
export function printFindings(findings: readonly Finding[], indent = '  '): void {
  printFindingsTo(findings, out, indent);
}

/** Same, to any line sink (stderr when stdout carries data). */
export function printFindingsTo(findings: readonly Finding[], line: (s: string) => void, indent = '  '): void {
  for (const f of findings) {
    line(`${indent}${f.severity.toUpperCase().padEnd(7)} ${f.code} ${f.field}: ${f.message}`);
    if (f.fix) line(`${indent}        fix: ${f.fix}`);
  }
}
