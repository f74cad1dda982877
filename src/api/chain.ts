/**
 * Chains: from an unordered bag of certificates to every leaf's chains,
 * verified link by link (RFC 5280 path validation, optional CA/Browser Forum
 * rules), ordered the way CCM wants them (leaf, then intermediate > ... > root).
 *
 * ```ts
 * import { certBag, buildChainReport, verifyChainReport, ccmChainBody } from 'ccmkit/chain';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/chain
 */

export {
  certBag,
  buildChainReport,
  verifyChainReport,
  ccmChainBody,
  chainCertificates,
  describeChainProblem,
  summariseCertificate,
  type CertBag,
  type BuildReport,
  type ChainJson,
  type VerifyReport,
} from '../service/chain.js';
export {
  PROFILES,
  PURPOSES,
  orderForCcm,
  type ChainProfile,
  type Purpose,
  type ChainOptions,
  type Chain,
  type ChainProblem,
  type CertSummary,
  type BuildResult,
  type ChainProblemKind,
  type AnchorKind,
  type CertInput,
  type LeafChains,
  type MissingIssuer,
  type ChainCert,
  type RejectedInput,
} from '../engine/chain.js';
