// The PCA service: one function per PCA v1 operation over a workspace.
// Front doors: the CLI (src/cli/commands/ca.ts, cert.ts, crl-generate.ts) and,
// next, the HTTP emulator (PCA_ROUTES at PCA's own paths).

export * from './context.js';
export * from './model.js';
export * from './ca.js';
export * from './cert.js';
export * from './routes.js';
export { issueCsrBatchParallel, type ParallelOptions } from './issue-pool.js';
export * from './check.js';
export { publishCrl, type BuiltCaCrl } from './authority.js';
export { PCA_MIGRATIONS } from '../../store/pca-schema.js';
