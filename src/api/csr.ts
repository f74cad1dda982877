/**
 * CSRs: parse one into CCM's "Parsing a CSR" response with policy findings,
 * verify a batch of signatures, and create one within CCM's rules, bare or
 * wrapped in the SCM "Upload CSR" / PCA "issue via CSR" request body.
 *
 * ```ts
 * import { parseCsrOrFail, csrReport, csrCreate } from 'ccmkit/csr';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/csr
 */

export { parseCsrOrFail, csrReport, type CsrReport } from '../ccm/csr-report.js';
export { verifyCsrBatch, type Csr } from '../engine/csr.js';
export type { VerifyResult as SignatureVerdict } from '../engine/signature.js';
export { csrCreate, type CsrCreateResult, type BodyRequest } from '../service/csr-create.js';
export { dnFromJson, parseSanArg, type CsrRequest, type SanInput } from '../ccm/csr-request.js';
export { parseValidityArg, type ScmUploadCsrBody, type PcaIssueCsrBody } from '../ccm/csr-bodies.js';
