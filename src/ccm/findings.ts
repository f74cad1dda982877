// Findings: what validators return, the way a linter does. They never throw
// on the first problem; the first `error` finding is what CCM would answer.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** CCM error code (SCM.xxxx / PCA.xxxxxxxx) or a local CCMKIT.xxxx code. */
  code: string;
  severity: Severity;
  /** The request field (or object part) the finding is about. */
  field: string;
  message: string;
  /** How to fix it, in one sentence. */
  fix?: string;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
