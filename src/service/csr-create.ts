// The `csr create` operation: key bytes + a CCM-shaped request in, a signed,
// re-parsed and checked CSR out, optionally wrapped in the SCM "Upload CSR"
// or PCA "issue via CSR" request body, which is validated before it is returned.

import { csrBodyString, pcaIssueCsrBody, scmUploadCsrBody, type PcaIssueCsrBody, type ScmUploadCsrBody } from '../ccm/csr-bodies.js';
import { createCsr, firstError, type CsrRequest } from '../ccm/csr-request.js';
import type { CsrReport } from '../ccm/csr-report.js';
import type { Finding } from '../ccm/findings.js';
import { validatePcaIssueCsr } from '../ccm/validate-pca-issue-csr.js';
import { validateScmUploadCsr } from '../ccm/validate-scm-upload-csr.js';
import type { ValidationResult } from '../ccm/validation.js';
import { CcmError } from '../engine/errors.js';
import { proveKeyPair } from '../engine/match.js';
import type { PrivateKeyInfo } from '../engine/privatekey.js';

// readPrivateKey moved to keys.ts (key generation and matching need it without CSR creation's rules).
export { readPrivateKey } from './keys.js';

/**
 * Which request body {@link csrCreate} wraps the CSR in: SCM "Upload CSR",
 * or PCA "issue a certificate via CSR".
 *
 * @example
 * ```ts
 * const upload: BodyRequest = { kind: 'scm-upload', name: 'www' };
 * const issue: BodyRequest = { kind: 'pca-issue', issuerId: '2cb2878b-6cd1-460d-bd25-afe655159bdc', validity: { type: 'YEAR', value: 1 } };
 * ```
 */
export type BodyRequest =
  | { kind: 'scm-upload'; name: string }
  | { kind: 'pca-issue'; issuerId: string; validity: { type: string; value: number }; type?: 'ENTITY_CERT' | 'INTERMEDIATE_CA'; pathLength?: number };

/**
 * A CSR {@link csrCreate} made, checked, and (when asked) wrapped in a request body.
 *
 * @example
 * ```ts
 * const { pem, report, warnings, body } = csrCreate({ key, request, at: new Date() });
 * ```
 */
export interface CsrCreateResult {
  /** The CSR, DER. */
  der: Buffer;
  /** PEM with `\n` line breaks and a final newline. */
  pem: string;
  /** The CSR re-parsed as CCM would parse it (its signature verified). */
  report: CsrReport;
  /** Findings that did not stop it (CCM would still accept the CSR). */
  warnings: Finding[];
  /** The request body, when one was asked for. */
  body?: ScmUploadCsrBody | PcaIssueCsrBody;
  /** The body's pre-flight (always valid: an invalid body is thrown). */
  bodyValidation?: ValidationResult;
}

/**
 * Makes a CSR within CCM's rules: the request is checked first (DN limits,
 * SANs, key usages: any error is thrown as CCM's CcmError, nothing is
 * signed), then signed with `key`, re-parsed and its signature verified. With
 * `body`, the SCM "Upload CSR" or PCA "issue via CSR" body is built and
 * pre-flighted too; a body CCM would refuse is thrown.
 *
 * @param o - `key` signs; `request` says what to ask for; `expectedAlgorithm`
 *   (RSA2048...) refuses another key; `at` is the time of the body's check
 *
 * @example
 * ```ts
 * const key = readPrivateKey(readFileSync('server.key'), 'server.key');
 * const { pem, body } = csrCreate({
 *   key,
 *   request: { subject: { common_name: 'www.example.com' }, sans: [{ type: 'DNS', value: 'www.example.com' }] },
 *   body: { kind: 'scm-upload', name: 'www' },
 *   at: new Date(),
 * });
 * ```
 */
export function csrCreate(o: { key: PrivateKeyInfo; request: CsrRequest; expectedAlgorithm?: string; body?: BodyRequest; at: Date }): CsrCreateResult {
  // The CSR pairs the key with the public half its file carries: prove that pair before signing,
  // so a tampered key is named as such rather than surfacing as a CSR whose signature fails.
  if (!proveKeyPair(o.key.keyObject, o.key.publicKey)) {
    throw new CcmError(400, 'SCM.0012', 'The private key failed to be resolved: its private part does not match the public key it carries (a signature made with it does not verify: corrupt or tampered key).');
  }
  const made = createCsr(o.request, o.key.keyObject, o.key.publicKey, o.expectedAlgorithm);
  const res: CsrCreateResult = { der: made.der, pem: csrBodyString(made.der) + '\n', report: made.report, warnings: made.findings };
  if (!o.body) return res;
  let body: ScmUploadCsrBody | PcaIssueCsrBody;
  let v: ValidationResult;
  if (o.body.kind === 'scm-upload') {
    body = scmUploadCsrBody(o.body.name, made.der);
    v = validateScmUploadCsr(body);
  } else {
    body = pcaIssueCsrBody({ der: made.der, issuerId: o.body.issuerId, validity: o.body.validity, ...(o.body.type ? { type: o.body.type } : {}), ...(o.body.pathLength !== undefined ? { pathLength: o.body.pathLength } : {}) });
    v = validatePcaIssueCsr(body, { at: o.at });
  }
  if (!v.valid) {
    const e = firstError(v.findings)!;
    throw new CcmError(v.status, e.code, `the ${o.body.kind} body would be refused: ${e.message}`, e.source);
  }
  res.body = body;
  res.bodyValidation = v;
  return res;
}
