// The one shape every `validate ...` pre-flight returns: the answer CCM would
// give (its first error, as status + error_code + error_msg) plus every
// finding, the way a linter lists them. Validators never throw on bad input.

import type { Finding } from './findings.js';
import { finding, RULES } from './rules.js';

export interface ValidationResult {
  /** True when no finding has severity "error". */
  valid: boolean;
  /** HTTP status CCM would answer: 200 when valid, else the first error's status. */
  status: number;
  /** The first error's CCM code, or null when valid. */
  error_code: string | null;
  /** CCM's message for the first error, or null when valid. */
  error_msg: string | null;
  findings: Finding[];
}

const STATUS_BY_CODE = new Map<string, number>();
for (const r of RULES) if (!STATUS_BY_CODE.has(r.error_code)) STATUS_BY_CODE.set(r.error_code, r.status);
const MSG_BY_CODE = new Map<string, string>();
for (const r of RULES) if (!MSG_BY_CODE.has(r.error_code)) MSG_BY_CODE.set(r.error_code, r.error_msg);

/**
 * Findings to a result. CCM stops at the first problem it meets, so the first
 * error finding (validators emit them in CCM's field order) is its answer.
 */
export function validationResult(findings: Finding[]): ValidationResult {
  const first = findings.find((f) => f.severity === 'error');
  return first
    ? { valid: false, status: STATUS_BY_CODE.get(first.code) ?? 400, error_code: first.code, error_msg: MSG_BY_CODE.get(first.code) ?? first.message, findings }
    : { valid: true, status: 200, error_code: null, error_msg: null, findings };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a request body: strict UTF-8, JSON, an object. Anything else is one
 * finding of rule `bodyRule` (each operation's "body" row in rules.ts).
 */
export function parseJsonBody(bytes: Uint8Array, bodyRule: string): { body: Record<string, unknown> } | { findings: Finding[] } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { findings: [finding(bodyRule, 'The body is not valid UTF-8.', 'Send the body as UTF-8 JSON.')] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { findings: [finding(bodyRule, `The body is not JSON (${String((e as Error).message).slice(0, 80)}).`, 'Send a JSON object.')] };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { findings: [finding(bodyRule, `The body is ${describeJson(v)}, not a JSON object.`, 'Send a JSON object.')] };
  }
  return { body: v as Record<string, unknown> };
}

/**
 * The common front of every body validator: raw bytes -> object -> `validate`.
 * Non-objects become one finding of `bodyRule`.
 */
export function validateBytes(bytes: Uint8Array, bodyRule: string, validate: (body: Record<string, unknown>) => ValidationResult): ValidationResult {
  const parsed = parseJsonBody(bytes, bodyRule);
  return 'findings' in parsed ? validationResult(parsed.findings) : validate(parsed.body);
}

/** `body` as an object, or the result for a body that is not one. */
export function objectBody(body: unknown, bodyRule: string, example: string): { body: Record<string, unknown> } | { result: ValidationResult } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { result: validationResult([finding(bodyRule, `The body is ${describeJson(body)}, not a JSON object.`, `Send ${example}.`)]) };
  }
  return { body: body as Record<string, unknown> };
}

/** "a string", "null", "an array"...: for messages about wrong JSON types. */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  return typeof v;
}

/** Warnings for fields the operation does not define (CCM may ignore or refuse them). */
export function unknownFieldFindings(body: Record<string, unknown>, known: readonly string[], bodyRule: string): Finding[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => finding(bodyRule, `Unknown field "${k.slice(0, 40)}".`, `Remove "${k.slice(0, 40)}"; the operation defines ${known.join(', ')}.`, 'warning', k.slice(0, 40)));
}
