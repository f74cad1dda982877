/**
 * The offline CA: PCA v1's operations over a workspace (one SQLite file and
 * the CRLs published from it), answering with PCA's own status codes and
 * response bodies. Unlike the rest of ccmkit this does I/O: the workspace is
 * on disk. It is not re-exported by `ccmkit`; import it from `ccmkit/pca`.
 *
 * ```ts
 * import { initWorkspace, openWorkspace, createContext, createCa, PCA_MIGRATIONS } from 'ccmkit/pca';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/pca
 */

// ---- what the operations throw and return that other entry points define too ----
export { CcmError, LocalCode, type CcmErrorBody } from '../engine/errors.js';
export type { DistinguishedName } from '../engine/name.js';

// ---- the workspace ----
export { initWorkspace, openWorkspace, quickCheck, Workspace, DB_FILE, CRL_DIR, type OpenWorkspaceOptions } from '../store/workspace.js';
export { newKdfRecord, type KdfRecord, type Random } from '../store/vault.js';
export { mapStoreError } from '../store/errors.js';
export type { Migration } from '../store/migrations.js';
export { PCA_MIGRATIONS, SETTING, DEFAULT_CA_QUOTA, DEFAULT_CERTIFICATE_QUOTA, checkWorkspace, type CheckReport, type CheckProblem } from '../service/pca/index.js';

// ---- a context per process, and PCA's request/response ----
export { createContext, type PcaContext, type ContextOptions, type PcaRequest, type PcaResponse } from '../service/pca/index.js';

// ---- CAs (4.2.1) ----
export {
  createCa,
  listCas,
  showCa,
  caQuota,
  exportCaCsr,
  exportCa,
  disableCa,
  enableCa,
  restoreCa,
  deleteCa,
  revokeCa,
  activateCa,
  importCaCertificate,
  generateCaCrl,
  publishCrl,
  type BuiltCaCrl,
  type CaBody,
  type CaStatusName,
  type CrlConfiguration,
} from '../service/pca/index.js';

// ---- certificates (4.2.2) ----
export {
  applyCert,
  issueCertByCsr,
  listCerts,
  showCert,
  certQuota,
  exportCert,
  revokeCert,
  deleteCert,
  issueCsrBatch,
  issueCsrBatchParallel,
  BatchInputError,
  revokeMany,
  type BatchOptions,
  type ParallelOptions,
  type RevokeItem,
  type CertBody,
  type CertStatusName,
} from '../service/pca/index.js';

// ---- PCA's paths ----
export { PCA_ROUTES, matchRoute, callPca, type PcaRoute } from '../service/pca/index.js';
