// Findings: what validators return, the way a linter does. They never throw
// on the first problem; the first `error` finding is what CCM would answer.

/**
 * How serious a finding is: an `error` is what CCM would refuse; a `warning`
 * CCM accepts but a client or operator should hear; `info` is a note.
 *
 * @example
 * ```ts
 * const errors = r.findings.filter((f) => f.severity === 'error');
 * ```
 */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem a pre-flight found, linter-style: CCM's code, the field, what
 * is wrong, and how to fix it.
 *
 * @example
 * ```ts
 * for (const f of r.findings) console.log(`${f.severity} ${f.code} ${f.field}: ${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`);
 * ```
 */
export interface Finding {
  /** CCM error code (SCM.xxxx / PCA.xxxxxxxx) or a local CCMKIT.xxxx code. */
  code: string;
  /** How serious. */
  severity: Severity;
  /** The request field (or object part) the finding is about. */
  field: string;
  /** What is wrong, ending with CCM's own message for the code. */
  message: string;
  /** How to fix it, in one sentence. */
  fix?: string;
}

/**
 * Whether any finding is an error (CCM would refuse).
 *
 * @example
 * ```ts
 * if (hasErrors(csrReport(csr).findings)) process.exitCode = 1;
 * ```
 */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
