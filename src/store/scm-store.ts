// Data access for the SCM tables (scm-schema.ts). Statements are prepared
// once per store. Writes are meant to run inside Workspace.tx (one
// transaction per operation); reads go through Workspace.read.

import type { Statement } from 'better-sqlite3';
import type { Workspace } from './workspace.js';

export interface ScmCertRow {
  id: string;
  name: string;
  status: string;
  domain: string;
  sans: string;
  domain_type: string;
  domain_count: number;
  wildcard_count: number;
  signature_algorithm: string;
  brand: string;
  fingerprint: string;
  serial_number: string;
  not_before: number;
  not_after: number;
  create_time: number;
  update_time: number;
  certificate: string;
  certificate_chain: string;
  private_key: Buffer;
  key_format: 'pkcs1' | 'sec1' | 'pkcs8';
  enterprise_project_id: string;
  description: string;
  item_json: string;
}

export interface ScmCsrRow {
  id: string;
  name: string;
  source: 'UPLOAD' | 'CREATE';
  domain_name: string | null;
  sans: string | null;
  private_key_algo: string | null;
  usage: string | null;
  company_country: string | null;
  company_province: string | null;
  company_city: string | null;
  company_name: string | null;
  csr: string;
  private_key: Buffer | null;
  key_format: 'pkcs1' | 'sec1' | 'pkcs8' | null;
  create_time: number;
  update_time: number;
}

export type ScmSortKey = 'certExpiredTime' | 'certStatus' | 'certUpdateTime';

export interface ScmCertQuery {
  /** A stored status, or EXPIRED (derived), or undefined for all. */
  status?: string;
  /** Substring of the name or the domain, case-insensitive. */
  content?: string;
  enterpriseProjectId?: string;
  sortKey: ScmSortKey;
  sortDir: 'ASC' | 'DESC';
  limit: number;
  offset: number;
  /** The time EXPIRED is derived at. */
  nowMs: number;
}

const CERT_COLUMNS = `id, name, status, domain, sans, domain_type, domain_count, wildcard_count, signature_algorithm, brand, fingerprint, serial_number,
  not_before, not_after, create_time, update_time, key_format, enterprise_project_id, description, item_json, certificate, certificate_chain, private_key`;

/** A list page's row: the stored list item and what its status is derived from. */
export interface ScmCertListRow {
  item_json: string;
  status: string;
  not_after: number;
}

export class ScmStore {
  constructor(readonly ws: Workspace) {}

  private st(sql: string): Statement {
    return this.ws.prepared(sql);
  }

  // ---- certificates --------------------------------------------------------------------

  /**
   * The next certificate ID: "scs" + 13 digits, the creation time in ms as the
   * real IDs look, bumped past the last one so IDs stay unique and ordered
   * when many imports land in the same millisecond. Call inside the write
   * transaction that inserts it.
   */
  nextCertId(nowMs: number): string {
    const last = this.st(`SELECT max(id) AS id FROM scm_cert`).get() as { id: string | null };
    const lastNum = last.id ? Number(last.id.slice(3)) : 0;
    const n = Math.max(nowMs, lastNum + 1);
    return 'scs' + String(n).padStart(13, '0').slice(-13);
  }

  insertCert(r: ScmCertRow): void {
    this.st(`INSERT INTO scm_cert (id, name, status, domain, sans, domain_type, domain_count, wildcard_count, signature_algorithm, brand, fingerprint, serial_number,
      not_before, not_after, create_time, update_time, certificate, certificate_chain, private_key, key_format, enterprise_project_id, description, item_json) VALUES (@id, @name, @status, @domain, @sans, @domain_type, @domain_count, @wildcard_count, @signature_algorithm, @brand,
      @fingerprint, @serial_number, @not_before, @not_after, @create_time, @update_time, @certificate, @certificate_chain, @private_key, @key_format, @enterprise_project_id, @description, @item_json)`).run(r);
  }

  getCert(id: string): ScmCertRow | undefined {
    return this.ws.read(() => this.st(`SELECT ${CERT_COLUMNS} FROM scm_cert WHERE id = ?`).get(id) as ScmCertRow | undefined);
  }

  /** An ID holding this fingerprint, if any (call inside the import transaction). */
  idByFingerprint(fingerprint: string): string | undefined {
    const r = this.st(`SELECT id FROM scm_cert WHERE fingerprint = ? LIMIT 1`).get(fingerprint) as { id: string } | undefined;
    return r?.id;
  }

  deleteCert(id: string): boolean {
    return this.st(`DELETE FROM scm_cert WHERE id = ?`).run(id).changes === 1;
  }

  countCerts(): number {
    return this.ws.read(() => (this.st(`SELECT count(*) AS n FROM scm_cert`).get() as { n: number }).n);
  }

  listCerts(q: ScmCertQuery): { rows: ScmCertListRow[]; total: number } {
    const where: string[] = [];
    const args: Record<string, unknown> = { now: q.nowMs, limit: q.limit, offset: q.offset };
    const status = `(CASE WHEN not_after < @now THEN 'EXPIRED' ELSE status END)`;
    if (q.status !== undefined) {
      where.push(`${status} = @status`);
      args.status = q.status;
    }
    if (q.content !== undefined && q.content !== '') {
      where.push(`(instr(lower(name), @content) > 0 OR instr(lower(domain), @content) > 0 OR instr(lower(sans), @content) > 0)`);
      args.content = q.content.toLowerCase();
    }
    if (q.enterpriseProjectId !== undefined) {
      where.push(`enterprise_project_id = @eps`);
      args.eps = q.enterpriseProjectId;
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const col = q.sortKey === 'certExpiredTime' ? 'not_after' : q.sortKey === 'certStatus' ? status : 'update_time';
    // The ID breaks ties, in the same direction, so pages never overlap or skip.
    const order = `ORDER BY ${col} ${q.sortDir}, id ${q.sortDir}`;
    return this.ws.snapshot(() => {
      const total = (this.st(`SELECT count(*) AS n FROM scm_cert ${w}`).get(args) as { n: number }).n;
      const rows = this.st(`SELECT item_json, status, not_after FROM scm_cert ${w} ${order} LIMIT @limit OFFSET @offset`).all(args) as ScmCertListRow[];
      return { rows, total };
    });
  }

  // ---- CSRs ------------------------------------------------------------------------------

  insertCsr(r: ScmCsrRow): void {
    this.st(`INSERT INTO scm_csr (id, name, source, domain_name, sans, private_key_algo, usage, company_country, company_province, company_city, company_name,
      csr, private_key, key_format, create_time, update_time) VALUES (@id, @name, @source, @domain_name, @sans, @private_key_algo, @usage, @company_country,
      @company_province, @company_city, @company_name, @csr, @private_key, @key_format, @create_time, @update_time)`).run(r);
  }

  getCsr(id: string): ScmCsrRow | undefined {
    return this.ws.read(() => this.st(`SELECT * FROM scm_csr WHERE id = ?`).get(id) as ScmCsrRow | undefined);
  }

  deleteCsr(id: string): boolean {
    return this.st(`DELETE FROM scm_csr WHERE id = ?`).run(id).changes === 1;
  }

  listCsrs(limit: number, offset: number, name?: string): { rows: ScmCsrRow[]; total: number } {
    const w = name !== undefined && name !== '' ? `WHERE instr(lower(name), @name) > 0` : '';
    const args = { limit, offset, name: name?.toLowerCase() };
    return this.ws.snapshot(() => {
      const total = (this.st(`SELECT count(*) AS n FROM scm_csr ${w}`).get(args) as { n: number }).n;
      const rows = this.st(`SELECT * FROM scm_csr ${w} ORDER BY create_time DESC, id DESC LIMIT @limit OFFSET @offset`).all(args) as ScmCsrRow[];
      return { rows, total };
    });
  }
}
