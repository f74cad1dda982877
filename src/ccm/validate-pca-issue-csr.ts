// Pre-flight for PCA "Issuing a certificate via CSR" (ccm-api-reference.txt
// 4.2.2.3, POST /v1/private-certificates/csr): body {issuer_id, csr,
// validity{type,value,start_from?}, type?, path_length?,
// subject_alternative_names?}. issuer_id and validity use the checks shared
// with create-CA and apply-for-certificate (pca-bodies.ts); the CSR itself is
// checked as PCA parses it (pca-csr.* rows) plus CCM's SAN rules.

import type { Csr } from '../engine/csr.js';
import { csrFindings, CSR_MAX_CHARS } from './csr-report.js';
import { readCsrString, unknownFieldFindings, type PreparsedCsr } from './csr-bodies.js';
import { sanFindings } from './csr-request.js';
import type { Finding } from './findings.js';
import { checkCaId, checkValidity, type PcaBodyOptions } from './pca-bodies.js';
import { finding } from './rules.js';
import { fieldIs, isObject, shown, toResult, typeName, type ValidationResult } from './validation.js';

const FIELDS = ['issuer_id', 'csr', 'validity', 'type', 'path_length', 'subject_alternative_names'] as const;

/**
 * How {@link validatePcaIssueCsr} judges a body, and where it may hand back the CSR it parsed.
 *
 * @example
 * ```ts
 * const keep: { csr?: Csr } = {};
 * const r = validatePcaIssueCsr(body, { at: new Date(), keep });
 * if (r.valid) console.log(keep.csr!.subject);
 * ```
 */
export interface PcaIssueCsrOptions extends PcaBodyOptions {
  /** Receives the parsed, signature-checked CSR, so a caller that goes on to issue need not parse and verify it again. */
  keep?: { csr?: Csr };
  /** The body's csr already parsed (and its key imported) by a batch issuer: see readCsrString. @internal */
  pre?: PreparsedCsr;
}

/**
 * What PCA's "Issuing a certificate via CSR" (POST /v1/private-certificates/csr,
 * 4.2.2.3) would answer to `body`: issuer_id (PCA.00020201), csr at most 5120
 * characters and a CSR whose signature verifies (PCA.00020401) with a CCM
 * key algorithm (PCA.00020102), hash (PCA.00020103), DN (PCA.00020101) and
 * SANs (PCA.00020110-112), validity at most 20 years (PCA.00020109), type and
 * path_length 0-6 (PCA.00020203).
 *
 * @example
 * ```ts
 * const r = validatePcaIssueCsr(
 *   { issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', csr: csrPem, validity: { type: 'YEAR', value: 1 } },
 *   { at: new Date() },
 * );
 * ```
 */
export function validatePcaIssueCsr(body: unknown, opts: PcaIssueCsrOptions): ValidationResult {
  if (!isObject(body)) return toResult([finding('pca.body.shape', `The body is ${typeName(body)}, not a JSON object.`, 'Send {"issuer_id": ..., "csr": ..., "validity": {...}}.', 'error', 'body')]);
  const b = body;
  const out: Finding[] = [];

  checkCaId(b, 'issuer_id', out, true);

  const csrText = b.csr;
  if (csrText === undefined || csrText === null) out.push(finding('pca-issue-csr.csr.required', 'csr is missing.', 'Put the PEM CSR in csr, newlines written as \\n.'));
  else if (typeof csrText !== 'string') out.push(finding('pca-issue-csr.csr.required', `csr is ${typeName(csrText)}, not a string.`, 'Send csr as a JSON string holding the PEM CSR.'));
  else {
    const len = [...csrText].length;
    if (len > CSR_MAX_CHARS) out.push(finding('pca-csr.csr.length', `csr is ${len} characters; PCA accepts at most ${CSR_MAX_CHARS}.`, 'Use an EC key (EC256/EC384) or fewer subject alternative names.'));
    const read = readCsrString(csrText, opts.pre);
    if ('problem' in read) out.push(finding('pca-csr.csr.parse', `csr ${read.problem}.`, 'Send a PEM CSR made by ccmkit csr create or openssl req -new.'));
    else {
      // What PCA checks in the CSR itself: key algorithm, hash, DN limits; plus CCM's SAN rules.
      // readCsrString has verified the self-signature already: do not pay for it twice.
      if (opts.keep) opts.keep.csr = read.csr;
      out.push(...csrFindings(read.csr, undefined, { valid: true }).map((f) => ({ ...f, field: f.field.startsWith('csr') ? f.field : `csr.${f.field}` })));
      out.push(...sanFindings(read.csr.extensions.subjectAltNames ?? []).map((f) => ({ ...f, field: `csr.${f.field}` })));
    }
  }

  // 4.2.2.3 Table 4-173: subordinate CAs and private certificates, at most 20 years.
  checkValidity(b, out, true, 20, opts.at);

  const type = b.type;
  if (type !== undefined && type !== null && type !== 'ENTITY_CERT' && type !== 'INTERMEDIATE_CA') {
    out.push(finding('pca-issue-csr.type', fieldIs('type', type, 'is not ENTITY_CERT or INTERMEDIATE_CA.'), 'Use ENTITY_CERT (default) or INTERMEDIATE_CA.'));
  }
  const pl = b.path_length;
  if (pl !== undefined && pl !== null) {
    if (typeof pl !== 'number' || !Number.isInteger(pl) || pl < 0 || pl > 6) {
      out.push(finding('pca.path_length', `path_length ${typeof pl === 'number' ? pl : shown(pl)} is outside 0-6.`, 'Use 0 (issues only end-entity certificates) to 6.'));
    } else if (type !== 'INTERMEDIATE_CA') {
      // Table 4-172: "valid only when a subordinate CA is issued": ignored otherwise, so not an error.
      out.push(finding('pca.path_length', 'path_length is ignored unless type is INTERMEDIATE_CA.', 'Drop path_length, or set type INTERMEDIATE_CA.', 'warning'));
    }
  }
  const sans = b.subject_alternative_names;
  if (sans !== undefined && sans !== null) {
    if (!Array.isArray(sans)) out.push(finding('pca.body.shape', `subject_alternative_names must be an array, not ${typeName(sans)}.`, 'Drop it: put the names in the CSR.', 'error', 'subject_alternative_names'));
    else out.push(finding('pca.body.shape', "subject_alternative_names is reserved and ignored by PCA (4.2.2.3); the CSR's own SANs are used.", 'Put the names in the CSR (ccmkit csr create --san ...).', 'warning', 'subject_alternative_names'));
  }
  out.push(...unknownFieldFindings(b, FIELDS, 'pca.body.shape'));
  return toResult(out);
}
