// SQL for the PCA tables: rows in, rows out. No PCA rules here (they live in
// src/service/pca); only what the database itself guarantees.

import type { Workspace } from './workspace.js';
import type { Statement } from 'better-sqlite3';

export type CaStatus = 'PENDING' | 'ACTIVED' | 'DISABLED' | 'DELETED';
export type CertStatus = 'ISSUED' | 'REVOKED';

export interface CaRow {
  ca_id: string;
  type: 'ROOT' | 'SUBORDINATE';
  status: CaStatus;
  listed: number;
  issuer_id: string | null;
  issuer_name: string | null;
  path_length: number | null;
  key_algorithm: string;
  signature_algorithm: string | null;
  gen_mode: 'GENERATE' | 'IMPORT' | 'CSR';
  serial_number: string | null;
  common_name: string;
  /** JSON of the DistinguishedName object. */
  distinguished_name: string;
  /** JSON array of key usage names requested at creation. */
  key_usages: string | null;
  /** JSON of the CrlConfiguration object. */
  crl_configuration: string | null;
  create_time: number;
  delete_time: number | null;
  not_before: number | null;
  not_after: number | null;
  certificate: Buffer | null;
  /** DERs of the imported issuer chain (intermediate > ... > root), concatenated. */
  certificate_chain: Buffer | null;
  csr: Buffer | null;
  private_key: Buffer | null;
  revoked_time: number | null;
  revoke_reason: string | null;
  crl_number: number;
  freeze_flag: number;
}

export interface CertRow {
  certificate_id: string;
  issuer_id: string;
  issuer_name: string;
  status: CertStatus;
  common_name: string;
  distinguished_name: string;
  key_algorithm: string;
  signature_algorithm: string;
  gen_mode: 'GENERATE' | 'CSR';
  serial_number: string;
  create_time: number;
  delete_time: number | null;
  not_before: number;
  not_after: number;
  certificate: Buffer;
  private_key: Buffer | null;
  revoked_time: number | null;
  revoke_reason: string | null;
}

export interface CrlRow {
  ca_id: string;
  crl_number: number;
  this_update: number;
  next_update: number;
  revoked_count: number;
  crl: Buffer;
}

/** Status filters as stored columns: EXPIRED is derived from not_after at `now`. */
export type StatusFilter = { status: string; now: number } | undefined;

export interface ListQuery {
  limit: number;
  offset: number;
  sortColumn: string;
  desc: boolean;
  where: string[];
  params: Record<string, unknown>;
}

const CA_COLUMNS = Object.freeze([
  'ca_id', 'type', 'status', 'listed', 'issuer_id', 'issuer_name', 'path_length', 'key_algorithm', 'signature_algorithm', 'gen_mode', 'serial_number',
  'common_name', 'distinguished_name', 'key_usages', 'crl_configuration', 'create_time', 'delete_time', 'not_before', 'not_after', 'certificate',
  'certificate_chain', 'csr', 'private_key', 'revoked_time', 'revoke_reason', 'crl_number', 'freeze_flag',
]);
/** pca_cert's own columns; the certificate and its key are in pca_cert_der. */
const CERT_COLUMNS = Object.freeze([
  'certificate_id', 'issuer_id', 'issuer_name', 'status', 'common_name', 'distinguished_name', 'key_algorithm', 'signature_algorithm', 'gen_mode',
  'serial_number', 'create_time', 'delete_time', 'not_before', 'not_after', 'revoked_time', 'revoke_reason',
]);
const CERT_DER_COLUMNS = Object.freeze(['certificate', 'private_key']);
const CERT_LIST_COLUMNS = CERT_COLUMNS.join(', ');
// Built once: a batch issue inserts thousands of rows, each looking its statement up by this text.
const CERT_INSERT = `INSERT INTO pca_cert (${CERT_LIST_COLUMNS}) VALUES (${CERT_COLUMNS.map((c) => '@' + c).join(', ')})`;
const CERT_SELECT = `SELECT c.*, d.certificate, d.private_key FROM pca_cert c JOIN pca_cert_der d ON d.certificate_id = c.certificate_id`;

/**
 * The index a sort key walks, and the ORDER BY that follows it exactly (so
 * SQLite never sorts: ties fall in index order, the same on every call).
 */
const SORT_INDEX: Record<string, { index: string; columns: string[] }> = {
  create_time: { index: 'pca_cert_by_create', columns: ['create_time', 'status', 'not_after', 'common_name'] },
  common_name: { index: 'pca_cert_by_name', columns: ['common_name', 'status', 'not_after'] },
  issuer_name: { index: 'pca_cert_by_issuer_name', columns: ['issuer_name', 'status', 'not_after', 'common_name'] },
  not_after: { index: 'pca_cert_by_not_after', columns: ['not_after', 'status', 'common_name'] },
};
const CA_LIST_COLUMNS = CA_COLUMNS.filter((c) => !['certificate', 'certificate_chain', 'csr', 'private_key'].includes(c)).join(', ');

export class PcaStore {
  constructor(readonly ws: Workspace) {}

  private st(sql: string): Statement {
    return this.ws.prepared(sql);
  }

  // ---- CAs ------------------------------------------------------------------

  getCa(id: string): CaRow | undefined {
    return this.st('SELECT * FROM pca_ca WHERE ca_id = ?').get(id) as CaRow | undefined;
  }

  insertCa(r: CaRow): void {
    this.st(`INSERT INTO pca_ca (${CA_COLUMNS.join(', ')}) VALUES (${CA_COLUMNS.map((c) => '@' + c).join(', ')})`).run(r);
  }

  /** Updates the given columns of a CA. */
  updateCa(id: string, set: Partial<CaRow>): void {
    const cols = Object.keys(set);
    if (!cols.length) return;
    for (const c of cols) if (!CA_COLUMNS.includes(c)) throw new Error(`unknown CA column ${c}`);
    this.st(`UPDATE pca_ca SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE ca_id = @ca_id__`).run({ ...set, ca_id__: id });
  }

  deleteCa(id: string): void {
    this.st('DELETE FROM pca_ca WHERE ca_id = ?').run(id);
  }

  /** CAs that count against the quota at `now`: listed ones, minus those whose scheduled deletion has passed. */
  countCasInQuota(now: number): number {
    return (this.st("SELECT count(*) AS n FROM pca_ca WHERE listed = 1 AND NOT (status = 'DELETED' AND delete_time <= ?)").get(now) as { n: number }).n;
  }

  listCas(q: ListQuery): { rows: CaRow[]; total: number } {
    const where = q.where.length ? `WHERE ${q.where.join(' AND ')}` : '';
    const total = (this.ws.db.prepare(`SELECT count(*) AS n FROM pca_ca ${where}`).get(q.params) as { n: number }).n;
    const rows = this.ws.db
      .prepare(`SELECT ${CA_LIST_COLUMNS} FROM pca_ca ${where} ORDER BY ${q.sortColumn} ${q.desc ? 'DESC' : 'ASC'}, rowid ${q.desc ? 'DESC' : 'ASC'} LIMIT @limit__ OFFSET @offset__`)
      .all({ ...q.params, limit__: q.limit, offset__: q.offset }) as CaRow[];
    return { rows, total };
  }

  allCas(): CaRow[] {
    return this.st('SELECT * FROM pca_ca ORDER BY rowid').all() as CaRow[];
  }

  // ---- serials -----------------------------------------------------------------

  /** Claims a serial for `issuer`; false when the CA has used it already. */
  claimSerial(issuer: string, serial: string): boolean {
    return this.st('INSERT OR IGNORE INTO pca_serial (issuer_id, serial_number) VALUES (?, ?)').run(issuer, serial).changes === 1;
  }

  // ---- certificates ---------------------------------------------------------------

  getCert(id: string): CertRow | undefined {
    return this.st(`${CERT_SELECT} WHERE c.certificate_id = ?`).get(id) as CertRow | undefined;
  }

  insertCert(r: CertRow): void {
    this.st(CERT_INSERT).run(r);
    this.st('INSERT INTO pca_cert_der (certificate_id, certificate, private_key) VALUES (@certificate_id, @certificate, @private_key)').run(r);
  }

  updateCert(id: string, set: Partial<CertRow>): void {
    const cols = Object.keys(set);
    for (const c of cols) if (!CERT_COLUMNS.includes(c) && !CERT_DER_COLUMNS.includes(c)) throw new Error(`unknown certificate column ${c}`);
    const own = cols.filter((c) => CERT_COLUMNS.includes(c));
    const der = cols.filter((c) => CERT_DER_COLUMNS.includes(c));
    const v = { ...set, certificate_id__: id };
    if (own.length) this.st(`UPDATE pca_cert SET ${own.map((c) => `${c} = @${c}`).join(', ')} WHERE certificate_id = @certificate_id__`).run(v);
    if (der.length) this.st(`UPDATE pca_cert_der SET ${der.map((c) => `${c} = @${c}`).join(', ')} WHERE certificate_id = @certificate_id__`).run(v);
  }

  /** Live (not deleted) certificates, from the trigger-kept counts. */
  countCertsInQuota(): number {
    return (this.st('SELECT coalesce(sum(n), 0) AS n FROM pca_cert_count').get() as { n: number }).n;
  }

  /** Live certificates with a stored status, from the trigger-kept counts. */
  countCertsWithStatus(status: 'ISSUED' | 'REVOKED'): number {
    return (this.st('SELECT n FROM pca_cert_count WHERE status = ?').get(status) as { n: number } | undefined)?.n ?? 0;
  }

  /**
   * A list page and the total. The total is counted on the narrowest index
   * that covers the filters; the page walks the sort key's index (filters
   * checked on index entries), then reads just the rows of the page.
   */
  listCerts(q: ListQuery & { nameFilter?: boolean }): { rows: Omit<CertRow, 'certificate' | 'private_key'>[]; total: number } {
    const where = ['delete_time IS NULL', ...q.where].join(' AND ');
    // instr() cannot use an index: scan the narrow name index rather than the table.
    const countFrom = q.nameFilter ? 'pca_cert INDEXED BY pca_cert_by_name' : 'pca_cert';
    const total = q.where.length === 0 ? this.countCertsInQuota() : (this.st(`SELECT count(*) AS n FROM ${countFrom} WHERE ${where}`).get(q.params) as { n: number }).n;
    const sort = SORT_INDEX[q.sortColumn];
    if (!sort) throw new Error(`no index for sort key ${q.sortColumn}`);
    const dir = q.desc ? 'DESC' : 'ASC';
    const ids = this.st(`SELECT rowid AS r FROM pca_cert INDEXED BY ${sort.index} WHERE ${where} ORDER BY ${sort.columns.map((c) => `${c} ${dir}`).join(', ')} LIMIT @limit__ OFFSET @offset__`)
      .all({ ...q.params, limit__: q.limit, offset__: q.offset }) as { r: number }[];
    if (!ids.length) return { rows: [], total };
    const byRowid = new Map(
      (this.st(`SELECT rowid AS r, ${CERT_LIST_COLUMNS} FROM pca_cert WHERE rowid IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids.map((x) => x.r))) as (CertRow & { r: number })[]).map((x) => [x.r, x]),
    );
    return { rows: ids.map((x) => byRowid.get(x.r)!), total };
  }

  /** Certificate rows with their DER and key, by rowid, a page at a time (workspace check over 100,000 rows). */
  certPage(afterRowid: number, limit: number): (CertRow & { rid: number })[] {
    return this.st(`SELECT c.rowid AS rid, c.*, d.certificate, d.private_key FROM pca_cert c JOIN pca_cert_der d ON d.certificate_id = c.certificate_id WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?`).all(afterRowid, limit) as (CertRow & { rid: number })[];
  }

  // ---- revocation and CRLs ------------------------------------------------------------

  /** What a CA's CRL lists: its revoked certificates (deleted or not) and revoked subordinate CAs. */
  revokedBy(caId: string): { serial_number: string; revoked_time: number; revoke_reason: string | null }[] {
    return this.st(
      `SELECT serial_number, revoked_time, revoke_reason FROM pca_cert WHERE status = 'REVOKED' AND issuer_id = @id
       UNION ALL
       SELECT serial_number, revoked_time, revoke_reason FROM pca_ca WHERE issuer_id = @id AND revoked_time IS NOT NULL`,
    ).all({ id: caId }) as { serial_number: string; revoked_time: number; revoke_reason: string | null }[];
  }

  insertCrl(r: CrlRow): void {
    this.st('INSERT INTO pca_crl (ca_id, crl_number, this_update, next_update, revoked_count, crl) VALUES (@ca_id, @crl_number, @this_update, @next_update, @revoked_count, @crl)').run(r);
  }

  latestCrl(caId: string): CrlRow | undefined {
    return this.st('SELECT * FROM pca_crl WHERE ca_id = ? ORDER BY crl_number DESC LIMIT 1').get(caId) as CrlRow | undefined;
  }

  count(table: 'pca_ca' | 'pca_cert' | 'pca_cert_der' | 'pca_crl' | 'pca_serial', where = '1'): number {
    return (this.ws.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  }
}
