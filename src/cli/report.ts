import type { Finding } from '../ccm/findings.js';
import { out } from './io.js';

/** One line per finding, with its fix on the next. */
export function printFindings(findings: readonly Finding[], indent = '  '): void {
  for (const f of findings) {
    out(`${indent}${f.severity.toUpperCase().padEnd(7)} ${f.code} ${f.field}: ${f.message}`);
    if (f.fix) out(`${indent}        fix: ${f.fix}`);
  }
}
