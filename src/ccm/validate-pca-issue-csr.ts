// Pre-flight for PCA "Issuing a certificate via CSR" (ccm-api-reference.txt
// 4.2.2.3, POST /v1/private-certificates/csr): body {issuer_id, csr,
// validity{type,value,start_from?}, type?, path_length?,
// subject_alternative_names?}. Rules: rules.ts pca-issue-csr.*, pca-csr.*.

import { csrReport, CSR_MAX_CHARS } from './csr-report.js';
import { readCsrString } from './csr-bodies.js';
import { sanFindings } from './csr-request.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';
import { describeJson, objectBody, unknownFieldFindings, validateBytes, validationResult, type ValidationResult } from './validation.js';

const FIELDS = ['issuer_id', 'csr', 'validity', 'type', 'path_length', 'subject_alternative_names'] as const;

/** 4.2.2.3 Table 4-173: subordinate CA and private certificates, "no longer than 20 years", per validity type. */
export const MAX_VALIDITY: Record<string, number> = { YEAR: 20, MONTH: 240, DAY: 7300, HOUR: 175200 };

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

export function validatePcaIssueCsrBytes(bytes: Uint8Array): ValidationResult {
  return validateBytes(bytes, 'pca-issue-csr.body.json', validatePcaIssueCsr);
}

export function validatePcaIssueCsr(body: unknown): ValidationResult {
  const ob = objectBody(body, 'pca-issue-csr.body.json', '{"issuer_id": ..., "csr": ..., "validity": {...}}');
  if ('result' in ob) return ob.result;
  const b = ob.body;
  const out: Finding[] = [];

  const id = b.issuer_id;
  if (id === undefined || id === null) out.push(finding('pca-issue-csr.issuer_id.format', 'issuer_id is missing.', 'Give the parent CA id (ccmkit ... or the PCA console).'));
  else if (typeof id !== 'string') out.push(finding('pca-issue-csr.issuer_id.format', `issuer_id is ${describeJson(id)}, not a string.`, 'Send issuer_id as a JSON string.'));
  else if (!UUID.test(id)) out.push(finding('pca-issue-csr.issuer_id.format', `issuer_id "${id.slice(0, 40)}" is not a CA id.`, 'Use the 36-character id of the parent CA, such as 2cb2878b-6cd1-460d-bd25-afe655159bdc.'));

  const csrText = b.csr;
  if (csrText === undefined || csrText === null) out.push(finding('pca-issue-csr.csr.required', 'csr is missing.', 'Put the PEM CSR in csr, newlines written as \\n.'));
  else if (typeof csrText !== 'string') out.push(finding('pca-issue-csr.csr.required', `csr is ${describeJson(csrText)}, not a string.`, 'Send csr as a JSON string holding the PEM CSR.'));
  else {
    const len = [...csrText].length;
    if (len > CSR_MAX_CHARS) out.push(finding('pca-csr.csr.length', `csr is ${len} characters; PCA accepts at most ${CSR_MAX_CHARS}.`, 'Use an EC key (EC256/EC384) or fewer subject alternative names.'));
    const read = readCsrString(csrText);
    if ('problem' in read) out.push(finding('pca-csr.csr.parse', `csr ${read.problem}.`, 'Send a PEM CSR made by ccmkit csr create or openssl req -new.'));
    else {
      // What PCA checks in the CSR itself: key algorithm, hash, DN limits; plus CCM's SAN rules.
      const report = csrReport(read.csr);
      out.push(...report.findings.map((f) => ({ ...f, field: f.field.startsWith('csr') ? f.field : `csr.${f.field}` })));
      out.push(...sanFindings(report.subject_alternative_names, 'csr.subject_alternative_names'));
    }
  }

  out.push(...validityFindings(b.validity));

  const type = b.type;
  if (type !== undefined && type !== null && type !== 'ENTITY_CERT' && type !== 'INTERMEDIATE_CA') {
    out.push(finding('pca-issue-csr.type', `type is ${typeof type === 'string' ? `"${type.slice(0, 30)}"` : describeJson(type)}.`, 'Use ENTITY_CERT (default) or INTERMEDIATE_CA.'));
  }
  const pl = b.path_length;
  if (pl !== undefined && pl !== null) {
    if (typeof pl !== 'number' || !Number.isInteger(pl)) out.push(finding('pca-issue-csr.path_length', `path_length is ${describeJson(pl)}, not an integer.`, 'Send an integer from 0 to 6.'));
    else if (pl < 0 || pl > 6) out.push(finding('pca-issue-csr.path_length', `path_length ${pl} is outside 0..6.`, 'Send an integer from 0 to 6.'));
    else if (type !== 'INTERMEDIATE_CA') out.push(finding('pca-issue-csr.path_length', 'path_length is ignored unless type is INTERMEDIATE_CA.', 'Drop path_length, or set type INTERMEDIATE_CA.', 'warning'));
  }
  const sans = b.subject_alternative_names;
  if (sans !== undefined && sans !== null) {
    if (!Array.isArray(sans)) out.push(finding('pca-issue-csr.body.json', `subject_alternative_names is ${describeJson(sans)}, not an array.`, 'Drop subject_alternative_names: put the names in the CSR.', 'error', 'subject_alternative_names'));
    else out.push(finding('pca-issue-csr.body.json', 'subject_alternative_names is reserved and ignored by PCA (4.2.2.3); the CSR\'s own SANs are used.', 'Put the names in the CSR (ccmkit csr create --san ...).', 'warning', 'subject_alternative_names'));
  }
  out.push(...unknownFieldFindings(b, FIELDS, 'pca-issue-csr.body.json'));
  return validationResult(out);
}

function validityFindings(v: unknown): Finding[] {
  const rule = 'pca-issue-csr.validity';
  const fix = 'Send {"type": "YEAR", "value": 1} (type YEAR, MONTH, DAY or HOUR; at most 20 years).';
  if (v === undefined || v === null) return [finding(rule, 'validity is missing.', fix)];
  if (typeof v !== 'object' || Array.isArray(v)) return [finding(rule, `validity is ${describeJson(v)}, not an object.`, fix)];
  const o = v as Record<string, unknown>;
  const out: Finding[] = [];
  const t = o.type;
  if (typeof t !== 'string' || !(t in MAX_VALIDITY)) out.push(finding(rule, `validity.type is ${typeof t === 'string' ? `"${t.slice(0, 20)}"` : describeJson(t)}.`, fix, 'error', 'validity.type'));
  const val = o.value;
  if (typeof val !== 'number' || !Number.isInteger(val)) out.push(finding(rule, `validity.value is ${describeJson(val)}, not an integer.`, fix, 'error', 'validity.value'));
  else if (val < 1) out.push(finding(rule, `validity.value ${val} is below 1.`, fix, 'error', 'validity.value'));
  else if (typeof t === 'string' && t in MAX_VALIDITY && val > MAX_VALIDITY[t]!) {
    out.push(finding(rule, `validity ${val} ${t} is more than 20 years (at most ${MAX_VALIDITY[t]} ${t}).`, fix, 'error', 'validity.value'));
  }
  const sf = o.start_from;
  if (sf !== undefined && sf !== null && (typeof sf !== 'number' || !Number.isInteger(sf) || sf < 0)) {
    out.push(finding(rule, `validity.start_from is ${describeJson(sf)}, not a millisecond timestamp.`, 'Send start_from as milliseconds since 1970, or omit it.', 'error', 'validity.start_from'));
  }
  for (const k of Object.keys(o)) if (!['type', 'value', 'start_from'].includes(k)) out.push(finding(rule, `validity has an unknown field "${k.slice(0, 40)}".`, fix, 'warning', `validity.${k.slice(0, 40)}`));
  return out;
}
