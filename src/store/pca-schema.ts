// The PCA tables of a workspace (module "pca" in schema_migrations).
//
// Stored statuses are the ones an action sets: PENDING, ACTIVED, DISABLED,
// DELETED for CAs; ISSUED, REVOKED for certificates. EXPIRED is never stored:
// it is derived from not_after and the clock when a row is read or filtered
// (ACTIVED past not_after reads EXPIRED; ISSUED past not_after reads EXPIRED),
// so it can never be stale.
//
// pca_serial holds every serial a CA has used, for subordinate CAs and
// certificates alike: its primary key is what makes serials unique per CA,
// even across processes. Deleting a certificate only sets delete_time: a
// revoked certificate must stay on its CA's CRL after it is deleted.

import type { Migration } from './migrations.js';

/**
 * The PCA service's tables (CAs, certificates, serials, CRLs): open a workspace with them to use the PCA operations.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS });
 * ```
 */
export const PCA_MIGRATIONS: readonly Migration[] = [
  {
    module: 'pca',
    version: 1,
    description: 'CAs, certificates, serials, CRLs',
    up: `
CREATE TABLE pca_ca (
  ca_id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('ROOT', 'SUBORDINATE')),
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVED', 'DISABLED', 'DELETED')),
  -- 0 for an INTERMEDIATE_CA issued from a CSR (4.2.2.3): not listed, no quota, no key.
  listed INTEGER NOT NULL DEFAULT 1,
  issuer_id TEXT REFERENCES pca_ca (ca_id),
  issuer_name TEXT,
  path_length INTEGER,
  key_algorithm TEXT NOT NULL,
  signature_algorithm TEXT,
  gen_mode TEXT NOT NULL CHECK (gen_mode IN ('GENERATE', 'IMPORT', 'CSR')),
  serial_number TEXT,
  common_name TEXT NOT NULL,
  distinguished_name TEXT NOT NULL,
  key_usages TEXT,
  crl_configuration TEXT,
  create_time INTEGER NOT NULL,
  delete_time INTEGER,
  not_before INTEGER,
  not_after INTEGER,
  certificate BLOB,
  certificate_chain BLOB,
  csr BLOB,
  private_key BLOB,
  revoked_time INTEGER,
  revoke_reason TEXT,
  crl_number INTEGER NOT NULL DEFAULT 0,
  freeze_flag INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pca_ca_by_create ON pca_ca (create_time);
CREATE INDEX pca_ca_by_issuer ON pca_ca (issuer_id) WHERE issuer_id IS NOT NULL;

CREATE TABLE pca_serial (
  issuer_id TEXT NOT NULL REFERENCES pca_ca (ca_id),
  serial_number TEXT NOT NULL,
  PRIMARY KEY (issuer_id, serial_number)
) WITHOUT ROWID;

CREATE TABLE pca_cert (
  certificate_id TEXT PRIMARY KEY,
  issuer_id TEXT NOT NULL REFERENCES pca_ca (ca_id),
  issuer_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ISSUED', 'REVOKED')),
  common_name TEXT NOT NULL,
  distinguished_name TEXT NOT NULL,
  key_algorithm TEXT NOT NULL,
  signature_algorithm TEXT NOT NULL,
  gen_mode TEXT NOT NULL CHECK (gen_mode IN ('GENERATE', 'CSR')),
  serial_number TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  delete_time INTEGER,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  revoked_time INTEGER,
  revoke_reason TEXT,
  FOREIGN KEY (issuer_id, serial_number) REFERENCES pca_serial (issuer_id, serial_number)
);
-- The certificate and its sealed key live apart: list pages and scans read
-- small rows (a third of the bytes), the blobs are read for one certificate.
CREATE TABLE pca_cert_der (
  certificate_id TEXT PRIMARY KEY REFERENCES pca_cert (certificate_id),
  certificate BLOB NOT NULL,
  private_key BLOB
);
-- A list page (limit 50 of 100,000, filtered and sorted) walks the index of its
-- sort key and stops after 50 matches: each sort index carries the filtered
-- columns (status, not_after, common_name), so filtering never reads a row.
CREATE INDEX pca_cert_by_create ON pca_cert (create_time, status, not_after, common_name) WHERE delete_time IS NULL;
CREATE INDEX pca_cert_by_name ON pca_cert (common_name, status, not_after) WHERE delete_time IS NULL;
CREATE INDEX pca_cert_by_issuer_name ON pca_cert (issuer_name, status, not_after, common_name) WHERE delete_time IS NULL;
CREATE INDEX pca_cert_by_not_after ON pca_cert (not_after, status, common_name) WHERE delete_time IS NULL;
CREATE INDEX pca_cert_by_status ON pca_cert (status, not_after) WHERE delete_time IS NULL;
-- The CRL of a CA lists its revoked certificates, deleted or not.
CREATE INDEX pca_cert_revoked ON pca_cert (issuer_id) WHERE status = 'REVOKED';

-- Live certificates per stored status, kept by triggers in the same
-- transaction: the unfiltered list total and the quota are O(1), not a count
-- over 100,000 index entries per page (or per issued certificate).
CREATE TABLE pca_cert_count (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO pca_cert_count (status, n) VALUES ('ISSUED', 0), ('REVOKED', 0);
CREATE TRIGGER pca_cert_count_insert AFTER INSERT ON pca_cert WHEN NEW.delete_time IS NULL
BEGIN UPDATE pca_cert_count SET n = n + 1 WHERE status = NEW.status; END;
CREATE TRIGGER pca_cert_count_delete AFTER DELETE ON pca_cert WHEN OLD.delete_time IS NULL
BEGIN UPDATE pca_cert_count SET n = n - 1 WHERE status = OLD.status; END;
CREATE TRIGGER pca_cert_count_update AFTER UPDATE OF status, delete_time ON pca_cert
BEGIN
  UPDATE pca_cert_count SET n = n - 1 WHERE OLD.delete_time IS NULL AND status = OLD.status;
  UPDATE pca_cert_count SET n = n + 1 WHERE NEW.delete_time IS NULL AND status = NEW.status;
END;

CREATE TABLE pca_crl (
  ca_id TEXT NOT NULL REFERENCES pca_ca (ca_id),
  crl_number INTEGER NOT NULL,
  this_update INTEGER NOT NULL,
  next_update INTEGER NOT NULL,
  revoked_count INTEGER NOT NULL,
  crl BLOB NOT NULL,
  UNIQUE (ca_id, crl_number)
);
`,
  },
];
