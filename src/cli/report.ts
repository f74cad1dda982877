import type { Finding } from '../ccm/findings.js';
import { out } from './io.js';

/** One line per finding, with its fix on the next. */
export function printFindings(findings: readonly Finding[], indent = '  ', write: (line: string) => void = out): void {
  for (const f of findings) {
    write(`${indent}${f.severity.toUpperCase().padEnd(7)} ${f.code} ${f.field}: ${f.message}`);
    if (f.fix) write(`${indent}        fix: ${f.fix}`);
  }
}
