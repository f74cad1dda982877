/**
 * ccmkit: an offline PKI toolkit whose answers match Huawei Cloud
 * Certificate Manager (SCM v3, PCA v1).
 *
 * `ccmkit` exports everything below; each subpath (`ccmkit/chain`,
 * `ccmkit/validate`, ...) is one task's slice and loads only the modules
 * that task needs. Pure: no file system, network or clock; time comes in as
 * `at`. ESM only; Node.js 20.15 or later.
 *
 * ```ts
 * import { readInput, validateScmImport, buildChainReport } from 'ccmkit';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit
 */

export * from './api/errors.js';
export * from './api/inputs.js';
export * from './api/csr.js';
export * from './api/key.js';
export * from './api/chain.js';
export * from './api/validate.js';
export * from './api/export.js';
export * from './api/crl.js';
