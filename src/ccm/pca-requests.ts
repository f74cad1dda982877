// Pre-flight for the PCA requests that pca-bodies.ts does not cover: CA
// activation (4.2.1.6), revocation (4.2.1.13, 4.2.2.9), certificate export
// (4.2.2.8), and the list queries (4.2.1.1, 4.2.2.1) and pending_days
// (4.2.1.5), which arrive as strings in the query.

import { CCM_REVOCATION_REASONS, isCcmReason, type CcmRevocationReason } from './revocation.js';
import type { Finding } from './findings.js';
import { checkCaId, checkSignatureAlgorithm, checkValidity, type PcaBodyOptions } from './pca-bodies.js';
import { finding } from './rules.js';
import { isObject, shown, toResult, typeName, type ValidationResult } from './validation.js';

export const PCA_EXPORT_TYPES = ['APACHE', 'NGINX', 'IIS', 'TOMCAT', 'OTHER'] as const;
export type PcaExportType = (typeof PCA_EXPORT_TYPES)[number];

function notObject(body: unknown, example: string): ValidationResult | undefined {
  if (isObject(body)) return undefined;
  return toResult([finding('pca.body.shape', `The body is ${typeName(body)}, not a JSON object.`, `Send ${example}.`, 'error', 'body')]);
}

/** POST /v1/private-certificate-authorities/{ca_id}/activate (4.2.1.6 Table 4-88: every field mandatory). */
export function validatePcaActivateCa(body: unknown, opts: PcaBodyOptions): ValidationResult {
  const bad = notObject(body, '{"issuer_id": ..., "path_length": 0, "signature_algorithm": "SHA256", "validity": {"type": "YEAR", "value": 1}}');
  if (bad) return bad;
  const b = body as Record<string, unknown>;
  const out: Finding[] = [];
  checkCaId(b, 'issuer_id', out, true);
  const pl = b.path_length;
  if (pl === undefined || pl === null) out.push(finding('pca-activate-ca.body', 'path_length is missing (activation requires it).', 'Set path_length 0 (issues end-entity certificates only) to 6.', 'error', 'path_length'));
  else if (typeof pl !== 'number' || !Number.isInteger(pl) || pl < 0 || pl > 6) out.push(finding('pca.path_length', `path_length ${typeof pl === 'number' ? pl : shown(pl)} is outside 0-6.`, 'Use 0 to 6.'));
  checkSignatureAlgorithm(b, out, true);
  checkValidity(b, out, true, 20, opts.at);
  return toResult(out, 204);
}

export interface RevokeRequest {
  reason: CcmRevocationReason;
}

/** Revocation body: `{}` or `{"reason": R}` with one of CCM's nine reasons (4.2.2.9 Table 4-226). */
export function validatePcaRevoke(body: unknown): ValidationResult & { request?: RevokeRequest } {
  const bad = notObject(body, '{} or {"reason": "KEY_COMPROMISE"}');
  if (bad) return bad;
  const b = body as Record<string, unknown>;
  const out: Finding[] = [];
  const r = b.reason;
  let reason: CcmRevocationReason = 'UNSPECIFIED';
  if (r !== undefined && r !== null) {
    if (typeof r !== 'string' || !isCcmReason(r)) {
      out.push(finding('pca-crl.revoked.reason', `reason ${shown(r)} is not a CCM revocation reason.`, `Use one of ${Object.keys(CCM_REVOCATION_REASONS).join(', ')}, or send {} for none.`, 'error', 'reason'));
    } else reason = r;
  }
  for (const k of Object.keys(b)) if (k !== 'reason') out.push(finding('pca.body.shape', `${k} is not a field of a revocation body.`, 'Send {} or {"reason": ...} only.', 'error', k));
  const res = toResult(out, 204);
  return res.valid ? { ...res, request: { reason } } : res;
}

export interface ExportRequest {
  compressed: boolean;
  type: PcaExportType;
  password?: string;
}

/** POST /v1/private-certificates/{certificate_id}/export (4.2.2.8 Table 4-217). */
export function validatePcaExportCert(body: unknown): ValidationResult & { request?: ExportRequest } {
  const bad = notObject(body, '{"is_compressed": "true", "type": "NGINX"}');
  if (bad) return bad;
  const b = body as Record<string, unknown>;
  const out: Finding[] = [];
  const c = b.is_compressed;
  let compressed = false;
  // The SDKs send the string "true"/"false"; Terraform sends a JSON boolean (notes/ccm-api.md): both are accepted.
  if (c === true || c === 'true') compressed = true;
  else if (c === false || c === 'false') compressed = false;
  else out.push(finding('pca-export-cert.body', c === undefined ? 'is_compressed is missing.' : `is_compressed ${shown(c)} is not "true" or "false".`, 'Send "is_compressed": "true" (a zip) or "false" (JSON).', 'error', 'is_compressed'));
  const t = b.type;
  const type = typeof t === 'string' ? (PCA_EXPORT_TYPES as readonly string[]).find((x) => x === t.toUpperCase()) : undefined;
  if (!type) out.push(finding('pca-export-cert.body', t === undefined ? 'type is missing.' : `type ${shown(t)} is not one of ${PCA_EXPORT_TYPES.join(', ')}.`, 'Send e.g. "type": "NGINX" (any case).', 'error', 'type'));
  const p = b.password;
  if (p !== undefined && p !== null) {
    const n = typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : -1;
    if (n < 1 || n > 32) out.push(finding('pca-export-cert.body', typeof p === 'string' ? `password is ${n} bytes; PCA allows 1 to 32.` : `password must be a string, not ${typeName(p)}.`, 'Use a password of 1-32 bytes.', 'error', 'password'));
  }
  if (!compressed && (type === 'IIS' || type === 'TOMCAT') && out.length === 0) {
    out.push(finding('pca-export-cert.body', `a non-compressed export of type ${type} is not defined by PCA (4.2.2.8).`, 'Export it compressed ("is_compressed": "true").', 'error', 'is_compressed'));
  }
  const res = toResult(out);
  if (!res.valid) return res;
  const request: ExportRequest = { compressed, type: type as PcaExportType };
  if (typeof p === 'string') request.password = p;
  return { ...res, request };
}

// ---- list queries ------------------------------------------------------------------

export interface ListQueryValues {
  limit: number;
  offset: number;
  name?: string;
  status?: string;
  type?: string;
  sortKey: string;
  sortDir: 'ASC' | 'DESC';
}

export interface ListQuerySpec {
  statuses: readonly string[];
  sortKeys: Record<string, string>;
  /** Types accepted by the `type` filter (CA lists only). */
  types?: readonly string[];
}

export const CA_LIST_SPEC: ListQuerySpec = {
  statuses: ['PENDING', 'ACTIVED', 'DISABLED', 'DELETED', 'EXPIRED'],
  // 4.2.1.1 names ca_type; the SDKs and notes/ccm-api.md name type: both sort by the CA type.
  sortKeys: { create_time: 'create_time', common_name: 'common_name', ca_type: 'type', type: 'type', not_after: 'not_after' },
  types: ['ROOT', 'SUBORDINATE'],
};

export const CERT_LIST_SPEC: ListQuerySpec = {
  statuses: ['ISSUED', 'REVOKED', 'EXPIRED'],
  sortKeys: { create_time: 'create_time', common_name: 'common_name', issuer_name: 'issuer_name', not_after: 'not_after' },
};

function intParam(v: string | undefined, name: string, min: number, max: number, dflt: number, out: Finding[]): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
    out.push(finding('pca-list.query', `${name} ${shown(v)} is not an integer from ${min} to ${max}.`, `Give ${name} between ${min} and ${max}.`, 'error', name));
    return dflt;
  }
  return Number(v);
}

/** A list query as it arrives (strings), checked: the values, or the findings. */
export function validateListQuery(q: Record<string, string | undefined>, spec: ListQuerySpec): ValidationResult & { values?: ListQueryValues } {
  const out: Finding[] = [];
  const values: ListQueryValues = {
    limit: intParam(q.limit, 'limit', 0, 1000, 10, out),
    offset: intParam(q.offset, 'offset', 0, 2 ** 31 - 1, 0, out),
    sortKey: 'create_time',
    sortDir: 'DESC',
  };
  if (q.name !== undefined) {
    const n = [...q.name].length;
    if (n < 1 || n > 64) out.push(finding('pca-list.query', `name is ${n} characters; PCA allows 1 to 64.`, 'Give 1-64 characters of the common name.', 'error', 'name'));
    else values.name = q.name;
  }
  if (q.status !== undefined) {
    const s = q.status.toUpperCase();
    if (!spec.statuses.includes(s)) out.push(finding('pca-list.status', `status ${shown(q.status)} is not one of ${spec.statuses.join(', ')}.`, undefined, 'error', 'status'));
    else values.status = s;
  }
  if (q.type !== undefined) {
    const t = q.type.toUpperCase();
    if (!spec.types) out.push(finding('pca-list.query', 'type is not a filter of this list.', undefined, 'error', 'type'));
    else if (!spec.types.includes(t)) out.push(finding('pca-list.type', `type ${shown(q.type)} is not ROOT or SUBORDINATE.`, undefined, 'error', 'type'));
    else values.type = t;
  }
  if (q.sort_key !== undefined) {
    const k = spec.sortKeys[q.sort_key.toLowerCase()];
    if (!k) out.push(finding('pca-list.query', `sort_key ${shown(q.sort_key)} is not one of ${Object.keys(spec.sortKeys).join(', ')}.`, undefined, 'error', 'sort_key'));
    else values.sortKey = k;
  }
  if (q.sort_dir !== undefined) {
    const d = q.sort_dir.toUpperCase();
    if (d !== 'ASC' && d !== 'DESC') out.push(finding('pca-list.query', `sort_dir ${shown(q.sort_dir)} is not ASC or DESC.`, undefined, 'error', 'sort_dir'));
    else values.sortDir = d;
  }
  const res = toResult(out);
  return res.valid ? { ...res, values } : res;
}

/** DELETE ...?pending_days=N (4.2.1.5 Table 4-79): required, 7-30. */
export function validatePendingDays(v: string | undefined): ValidationResult & { days?: number } {
  if (v === undefined || !/^\d{1,3}$/.test(v) || Number(v) < 7 || Number(v) > 30) {
    return toResult([finding('pca-delete-ca.pending_days', v === undefined ? 'pending_days is missing.' : `pending_days ${shown(v)} is not an integer from 7 to 30.`, 'Give --pending-days 7 to 30 (days until the CA is deleted).', 'error', 'pending_days')], 204);
  }
  return { ...toResult([], 204), days: Number(v) };
}
