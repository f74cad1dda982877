// What every pre-flight validator returns: all findings, plus the first error
// as CCM itself would answer it (status, error_code, error_msg).

import type { Finding } from './findings.js';
import { RULES } from './rules.js';

/**
 * What a pre-flight answers: every finding, and the first error as CCM itself
 * would answer it (HTTP status, `error_code`, `error_msg`).
 *
 * @example
 * ```ts
 * const r: ValidationResult = validateScmUploadCsr(body);
 * if (!r.valid) console.log(`CCM would answer HTTP ${r.status} ${r.error_code}: ${r.error_msg}`);
 * ```
 */
export interface ValidationResult {
  /** CCM would accept the request (warnings may remain). */
  valid: boolean;
  /** The HTTP status CCM would answer: 200 (or 204) when valid. */
  status: number;
  /** The first error's code, when invalid. */
  error_code?: string;
  /** CCM's message for that code, when invalid. */
  error_msg?: string;
  /** Every finding: errors, warnings and notes, in the order CCM checks. */
  findings: Finding[];
}

/**
 * A ValidationResult from findings: CCM answers the first error it meets, so
 * that one is the answer (status and message from the rules table) and the
 * rest are listed.
 *
 * @param okStatus - the status when valid (200, or 204 for operations that answer no content)
 *
 * @example
 * ```ts
 * const r = toResult([finding('scm-import.body.shape', 'The body is not UTF-8 text.')]);
 * // { valid: false, status: 400, error_code: 'SCM.0005', ... }
 * ```
 */
export function toResult(findings: Finding[], okStatus = 200): ValidationResult {
  const first = findings.find((f) => f.severity === 'error');
  if (!first) return { valid: true, status: okStatus, findings };
  const rule = RULES.find((r) => r.error_code === first.code);
  return {
    valid: false,
    status: statusFor(first.code, rule?.status),
    error_code: first.code,
    error_msg: rule?.error_msg ?? first.message,
    findings,
  };
}

/** A code's HTTP status from CCM's error tables (A.2): SCM.0013 and friends are 500s, PCA.0003xxxx are 403/404. */
function statusFor(code: string, fromRule?: number): number {
  if (fromRule) return fromRule;
  if (/^PCA\.000303/.test(code) || /^PCA\.000302/.test(code) || code === 'PCA.00030001') return 403;
  if (/^PCA\.000301/.test(code)) return 404;
  return 400;
}

// ---- loose JSON access: request bodies arrive as `unknown` -------------------------------

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * "FIELD is missing." for an absent value, else "FIELD <value> REST": a
 * required field left out must not read as "type undefined is not ROOT".
 */
export function fieldIs(field: string, v: unknown, rest: string): string {
  return v === undefined || v === null ? `${field} is missing.` : `${field} ${shown(v)} ${rest}`;
}

/** A printable, short, secret-free rendering of a value for messages. */
export function shown(v: unknown, max = 40): string {
  if (typeof v !== 'string') return typeName(v);
  const s = v.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(s.length > max ? s.slice(0, max) + '...' : s);
}
