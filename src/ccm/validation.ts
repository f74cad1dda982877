// What every pre-flight validator returns: all findings, plus the first error
// as CCM itself would answer it (status, error_code, error_msg).

import type { Finding } from './findings.js';
import { RULES } from './rules.js';

export interface ValidationResult {
  valid: boolean;
  /** The HTTP status CCM would answer: 200 (or 204) when valid. */
  status: number;
  error_code?: string;
  error_msg?: string;
  findings: Finding[];
}

/** CCM answers the first error it meets; ccmkit reports that one as the answer and lists the rest. */
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
