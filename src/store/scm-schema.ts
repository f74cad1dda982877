// The SCM tables of a workspace (module "scm" in schema_migrations): what the
// emulator's SCM v3 API manages. Certificates imported through
// POST /v3/scm/certificates/import, and CSRs (uploaded, or made with a
// server-side key).
//
// Private keys are stored only sealed by the workspace's key vault
// (encrypted PKCS#8, store/vault.ts); key_format remembers the form the key
// was given in (pkcs1, sec1, pkcs8) so an export hands it back the same way.
// Status is stored as SCM sets it (UPLOAD for an imported certificate);
// EXPIRED is derived from not_after when a row is read, never stored stale.

import type { Migration } from './migrations.js';

export const SCM_MIGRATIONS: readonly Migration[] = [
  {
    module: 'scm',
    version: 1,
    description: 'SCM certificates and CSRs',
    up: `
CREATE TABLE scm_cert (
  -- "scs" + 13 digits (seed 4.1.2: 16 characters, e.g. scs1600313391074)
  id TEXT PRIMARY KEY CHECK (length(id) = 16 AND substr(id, 1, 3) = 'scs'),
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'UPLOAD',
  domain TEXT NOT NULL,
  sans TEXT NOT NULL,
  domain_type TEXT NOT NULL,
  domain_count INTEGER NOT NULL,
  wildcard_count INTEGER NOT NULL,
  signature_algorithm TEXT NOT NULL,
  brand TEXT NOT NULL,
  -- SHA-256 of the leaf's DER, lower-case hex: duplicate_check and clients' lookups
  fingerprint TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  certificate TEXT NOT NULL,
  certificate_chain TEXT NOT NULL,
  private_key BLOB NOT NULL,
  key_format TEXT NOT NULL CHECK (key_format IN ('pkcs1', 'sec1', 'pkcs8')),
  enterprise_project_id TEXT NOT NULL DEFAULT '0',
  description TEXT NOT NULL DEFAULT '',
  -- The list item (4.1.1 CertificateDetail) as JSON, without the two fields that change with
  -- the clock or the account (status, domain_id): a list page is these strings joined.
  item_json TEXT NOT NULL
);
CREATE INDEX scm_cert_by_update ON scm_cert (update_time, id);
CREATE INDEX scm_cert_by_expiry ON scm_cert (not_after, id);
CREATE INDEX scm_cert_by_fingerprint ON scm_cert (fingerprint);

CREATE TABLE scm_csr (
  -- 32 hex digits (scm-upload-csr.txt: "id ... Minimum: 32 Maximum: 32")
  id TEXT PRIMARY KEY CHECK (length(id) = 32),
  name TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('UPLOAD', 'CREATE')),
  domain_name TEXT,
  sans TEXT,
  private_key_algo TEXT,
  usage TEXT,
  company_country TEXT,
  company_province TEXT,
  company_city TEXT,
  company_name TEXT,
  csr TEXT NOT NULL,
  private_key BLOB,
  key_format TEXT CHECK (key_format IS NULL OR key_format IN ('pkcs1', 'sec1', 'pkcs8')),
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
);
CREATE INDEX scm_csr_by_create ON scm_csr (create_time, id);
`,
  },
];
