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
import { CcmError, LocalCode } from '../engine/errors.js';
import { readInput } from '../engine/input.js';
import { proveKeyPair } from '../engine/match.js';
import { parsePrivateKey, type PrivateKeyInfo } from '../engine/privatekey.js';

/** Exactly one private key from a file's bytes (PEM, DER, encrypted PKCS#8, legacy encrypted PEM). */
export function loadOnePrivateKey(bytes: Uint8Array, name: string, password?: string): PrivateKeyInfo {
  const r = readInput(bytes, name);
  if (r.problems.length) throw r.problems[0]!.error;
  const keys = r.objects.filter((o) => o.kind === 'private-key');
  if (keys.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${name} holds no private key.`, name);
  if (keys.length > 1) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${name} holds ${keys.length} private keys; give a file with exactly one.`, name);
  const k = keys[0]!;
  try {
    return parsePrivateKey(k.der, { ...(password !== undefined ? { password } : {}), ...(k.legacyPem ? { pem: k.legacyPem } : {}) });
  } catch (e) {
    throw e instanceof CcmError ? e.withSource(k.source) : e;
  }
}

export type BodyRequest =
  | { kind: 'scm-upload'; name: string }
  | { kind: 'pca-issue'; issuerId: string; validity: { type: string; value: number }; type?: 'ENTITY_CERT' | 'INTERMEDIATE_CA'; pathLength?: number };

export interface CsrCreateResult {
  der: Buffer;
  /** PEM with \n line breaks and a final newline. */
  pem: string;
  report: CsrReport;
  warnings: Finding[];
  body?: ScmUploadCsrBody | PcaIssueCsrBody;
  bodyValidation?: ValidationResult;
}

/** `at`: the time of the check (a body's validity.start_from is compared with it). */
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
