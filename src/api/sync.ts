/**
 * The CCM client: SCM v3 and PCA v1 over HTTPS, every request signed with
 * the AK/SK (SDK-HMAC-SHA256, as the official SDKs sign) or sent with an IAM
 * token; retried only where that is safe; CCM's refusals as a
 * {@link RemoteError} with CCM's own status, error_code and error_msg. Also
 * the air-gapped round trip over a workspace (`pull`, `plan`, `push`).
 *
 * Unlike the rest of ccmkit this does I/O: the network (and, for pull and
 * push, the workspace on disk). It is not re-exported by `ccmkit`; import it
 * from `ccmkit/sync`. Credentials are a plain object; nothing here reads the
 * environment or a file except the helpers named for it
 * (`readCredentialsFile`, `loadClientCredentials`; `credentialsFromEnv`
 * reads the object you pass it).
 *
 * ```ts
 * import { CcmClient, resolveEndpoints, scmImport, pcaCall } from 'ccmkit/sync';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/sync
 */

// ---- what calls throw, defined by other entry points too ----
export { CcmError, LocalCode, type CcmErrorBody } from '../engine/errors.js';

// ---- the client ----
export {
  CcmClient,
  pathOf,
  type ClientOptions,
  type CallSpec,
  type CallKind,
  type CallResult,
  type ClientStats,
  type RequestLogLine,
} from '../sync/client.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, type TransportOptions } from '../sync/transport.js';
export { RemoteError, NetworkError, SyncCode, type NetworkKind } from '../sync/errors.js';

// ---- who: credentials as plain objects (and the named helpers that read them) ----
export {
  credentialsFromProfile,
  credentialsFromEnv,
  readCredentialsFile,
  loadClientCredentials,
  chooseAuth,
  describeCredentials,
  type ClientCredentials,
  type AkSk,
  type Password,
  type AuthMethod,
  type CredentialOptions,
} from '../sync/credentials.js';

// ---- where ----
export {
  resolveEndpoints,
  normaliseEndpoint,
  SCM_REGIONS,
  PCA_REGIONS,
  DEFAULT_IAM_ENDPOINT,
  type Endpoints,
  type EndpointOptions,
  type ServiceName,
} from '../sync/endpoints.js';

// ---- SCM v3 (4.1) ----
export {
  scmList,
  scmShow,
  scmExport,
  scmDelete,
  scmImport,
  scmUploadCsr,
  SCM_PAGE_MAX,
  type ScmListItem,
  type ScmListPage,
  type ScmExport,
  type ScmQuery,
  type ScmImportOutcome,
} from '../sync/scm.js';

// ---- PCA v1 (4.2): ccmkit/pca's routes, sent to PCA ----
export { pcaCall, pemSha256, type PcaRemoteRequest } from '../sync/pca.js';

// ---- the air-gapped round trip over a workspace (open it with ccmkit/pca's openWorkspace) ----
export { pull, PCA_PAGE_MAX, type PullOptions, type PullReport, type ListingReport } from '../sync/pull.js';
export { plan, push, type Action as PushAction, type PlanItem, type PushItem, type PushOptions } from '../sync/push.js';
export { SYNC_MIGRATIONS } from '../store/sync-schema.js';
export type { OutboxKind } from '../store/sync-store.js';
export type { Workspace } from '../store/workspace.js';
export type { Migration } from '../store/migrations.js';
