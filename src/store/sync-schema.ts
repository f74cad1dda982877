// The sync tables of a workspace (module "sync"): what `ccmkit sync pull`
// recorded of CCM's inventory, where a listing stopped (so an interrupted
// pull resumes), and the outbox `sync push` empties.
//
// The mirror tables are apart from the PCA and SCM tables on purpose: those
// hold what this workspace *is* (its own CAs, with keys); these hold what CCM
// *has*, as CCM described it (each row keeps CCM's JSON item as it came).
// A row CCM no longer lists is kept with gone_at set, not deleted: an
// offline check may still want to know what was there.
//
// Keys: SCM certificates' private keys are stored only when `sync pull
// --with-keys` asks, sealed by the workspace key vault like every other key.

import type { Migration } from './migrations.js';

/**
 * The workspace tables sync uses (mirror of CCM's inventory, the outbox):
 * open a workspace with them to pull or push.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ws', { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
 * ```
 */
export const SYNC_MIGRATIONS: readonly Migration[] = [
  {
    module: 'sync',
    version: 1,
    description: 'CCM inventory mirror, pull progress, push outbox',
    up: `
CREATE TABLE sync_scm_cert (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  status TEXT NOT NULL,
  expire_time TEXT,
  -- the list item exactly as SCM sent it (JSON)
  item TEXT NOT NULL,
  -- SHA-256 of the leaf's DER (lower-case hex), known once the certificate was exported
  fingerprint TEXT,
  certificate TEXT,
  certificate_chain TEXT,
  private_key BLOB,
  seen_run INTEGER NOT NULL,
  pulled_at INTEGER NOT NULL,
  gone_at INTEGER
);
CREATE INDEX sync_scm_cert_fp ON sync_scm_cert (fingerprint);

CREATE TABLE sync_pca_ca (
  ca_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  type TEXT NOT NULL,
  common_name TEXT NOT NULL,
  item TEXT NOT NULL,
  certificate TEXT,
  certificate_chain TEXT,
  fingerprint TEXT,
  -- a PENDING CA's CSR (PEM), for a local CA to sign
  csr TEXT,
  seen_run INTEGER NOT NULL,
  pulled_at INTEGER NOT NULL,
  gone_at INTEGER
);

CREATE TABLE sync_pca_cert (
  certificate_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  issuer_id TEXT,
  common_name TEXT NOT NULL,
  item TEXT NOT NULL,
  certificate TEXT,
  certificate_chain TEXT,
  fingerprint TEXT,
  seen_run INTEGER NOT NULL,
  pulled_at INTEGER NOT NULL,
  gone_at INTEGER
);
CREATE INDEX sync_pca_cert_fp ON sync_pca_cert (fingerprint);

-- One row per listing: the run number rows are stamped with, and the offset
-- below which every page is recorded. A run that did not finish is resumed.
CREATE TABLE sync_run (
  phase TEXT PRIMARY KEY,
  run INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  total INTEGER,
  endpoint TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  done_at INTEGER
);

CREATE TABLE sync_outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('pca-ca-import', 'scm-import')),
  -- the PENDING CA's ca_id, or the SCM certificate name
  target TEXT NOT NULL,
  -- SHA-256 of the certificate's DER: what "already there" is decided by
  sha256 TEXT NOT NULL,
  certificate TEXT NOT NULL,
  certificate_chain TEXT NOT NULL DEFAULT '',
  private_key BLOB,
  origin TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  remote_id TEXT,
  result TEXT,
  created_at INTEGER NOT NULL,
  done_at INTEGER,
  UNIQUE (kind, target, sha256)
);
`,
  },
];
