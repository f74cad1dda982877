/**
 * CRLs: build and sign a full or delta CRL with CCM's revocation reasons,
 * read and verify one, and check whether a certificate is revoked.
 *
 * ```ts
 * import { buildCrlFromRequest, loadCrl, crlView, checkCrl } from 'ccmkit/crl';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/crl
 */

export {
  buildCrlFromRequest,
  loadCrl,
  loadCertificate,
  certificateForCrl,
  crlView,
  crlEntryView,
  checkCrl,
  type FileBytes,
  type BuildCrlRequest,
  type BuildCrlResult,
  type CrlSummary,
  type CrlView,
  type CrlEntryView,
  type CrlCheckResult,
} from '../service/crl.js';
export { crlEntries, pemChunks, type Crl, type CrlEntry, type BuiltCrl } from '../engine/crl.js';
export { CCM_REVOCATION_REASONS, isCcmReason, type CcmRevocationReason, type RevokedInputBytes } from '../ccm/revocation.js';
