// Data access for the sync tables (sync-schema.ts). Writes are meant to run
// inside Workspace.tx; statements are prepared once per store.

import type { Statement } from 'better-sqlite3';
import type { Workspace } from './workspace.js';

export type Phase = 'scm' | 'pca-ca' | 'pca-cert';

export interface RunRow {
  phase: Phase;
  run: number;
  next_offset: number;
  total: number | null;
  endpoint: string;
  started_at: number;
  done_at: number | null;
}

export interface ScmMirrorRow {
  id: string;
  name: string;
  domain: string;
  status: string;
  expire_time: string | null;
  item: string;
  fingerprint: string | null;
  certificate: string | null;
  certificate_chain: string | null;
  private_key: Buffer | null;
  seen_run: number;
  pulled_at: number;
  gone_at: number | null;
}

export interface CaMirrorRow {
  ca_id: string;
  status: string;
  type: string;
  common_name: string;
  item: string;
  certificate: string | null;
  certificate_chain: string | null;
  fingerprint: string | null;
  csr: string | null;
  seen_run: number;
  pulled_at: number;
  gone_at: number | null;
}

export interface CertMirrorRow {
  certificate_id: string;
  status: string;
  issuer_id: string | null;
  common_name: string;
  item: string;
  certificate: string | null;
  certificate_chain: string | null;
  fingerprint: string | null;
  seen_run: number;
  pulled_at: number;
  gone_at: number | null;
}

/**
 * What a queued upload is: a CA certificate for a PENDING PCA CA, or a
 * certificate (with its key) for SCM.
 *
 * @example
 * ```ts
 * const kind: OutboxKind = 'pca-ca-import';
 * ```
 */
export type OutboxKind = 'pca-ca-import' | 'scm-import';

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  target: string;
  sha256: string;
  certificate: string;
  certificate_chain: string;
  private_key: Buffer | null;
  origin: string;
  state: 'pending' | 'done';
  remote_id: string | null;
  result: string | null;
  created_at: number;
  done_at: number | null;
}

export class SyncStore {
  constructor(readonly ws: Workspace) {}

  private st(sql: string): Statement {
    return this.ws.prepared(sql);
  }

  // ---- listings ------------------------------------------------------------------------

  getRun(phase: Phase): RunRow | undefined {
    return this.st('SELECT * FROM sync_run WHERE phase = ?').get(phase) as RunRow | undefined;
  }

  /**
   * The run to stamp rows with: the unfinished one for the same endpoint
   * (resumed at its offset), else a new one from offset 0.
   */
  beginRun(phase: Phase, endpoint: string, nowMs: number): RunRow {
    const cur = this.getRun(phase);
    if (cur && cur.done_at === null && cur.endpoint === endpoint) return cur;
    const run = (cur?.run ?? 0) + 1;
    this.st('INSERT INTO sync_run (phase, run, next_offset, total, endpoint, started_at, done_at) VALUES (?, ?, 0, NULL, ?, ?, NULL) ON CONFLICT(phase) DO UPDATE SET run = excluded.run, next_offset = 0, total = NULL, endpoint = excluded.endpoint, started_at = excluded.started_at, done_at = NULL').run(phase, run, endpoint, nowMs);
    return this.getRun(phase)!;
  }

  advanceRun(phase: Phase, nextOffset: number, total: number): void {
    this.st('UPDATE sync_run SET next_offset = max(next_offset, ?), total = ? WHERE phase = ?').run(nextOffset, total, phase);
  }

  finishRun(phase: Phase, nowMs: number): void {
    this.st('UPDATE sync_run SET done_at = ? WHERE phase = ?').run(nowMs, phase);
  }

  /** Rows a complete listing of `run` did not see: CCM no longer has them. */
  markGone(phase: Phase, run: number, nowMs: number): number {
    const table = phase === 'scm' ? 'sync_scm_cert' : phase === 'pca-ca' ? 'sync_pca_ca' : 'sync_pca_cert';
    return this.st(`UPDATE ${table} SET gone_at = ? WHERE seen_run < ? AND gone_at IS NULL`).run(nowMs, run).changes;
  }

  countSeen(phase: Phase, run: number): number {
    const table = phase === 'scm' ? 'sync_scm_cert' : phase === 'pca-ca' ? 'sync_pca_ca' : 'sync_pca_cert';
    return (this.st(`SELECT count(*) AS n FROM ${table} WHERE seen_run = ?`).get(run) as { n: number }).n;
  }

  // ---- SCM ----------------------------------------------------------------------------------

  /** Records a listed SCM certificate; returns true when it is new or changed. */
  upsertScm(r: { id: string; name: string; domain: string; status: string; expire_time: string | null; item: string }, run: number, nowMs: number): boolean {
    const prev = this.st('SELECT item, gone_at FROM sync_scm_cert WHERE id = ?').get(r.id) as { item: string; gone_at: number | null } | undefined;
    this.st(
      `INSERT INTO sync_scm_cert (id, name, domain, status, expire_time, item, seen_run, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, domain = excluded.domain, status = excluded.status, expire_time = excluded.expire_time,
         item = excluded.item, seen_run = excluded.seen_run, pulled_at = CASE WHEN sync_scm_cert.item = excluded.item THEN sync_scm_cert.pulled_at ELSE excluded.pulled_at END, gone_at = NULL`,
    ).run(r.id, r.name, r.domain, r.status, r.expire_time, r.item, run, nowMs);
    return !prev || prev.item !== r.item || prev.gone_at !== null;
  }

  /** SCM certificates still without their PEM (or key, when keys are wanted). */
  scmNeedingExport(withKeys: boolean): string[] {
    const sql = withKeys
      ? 'SELECT id FROM sync_scm_cert WHERE gone_at IS NULL AND (certificate IS NULL OR private_key IS NULL) ORDER BY id'
      : 'SELECT id FROM sync_scm_cert WHERE gone_at IS NULL AND certificate IS NULL ORDER BY id';
    return (this.st(sql).all() as { id: string }[]).map((r) => r.id);
  }

  setScmPem(id: string, v: { certificate: string; certificate_chain: string; fingerprint: string; private_key?: Buffer }): void {
    if (v.private_key) this.st('UPDATE sync_scm_cert SET certificate = ?, certificate_chain = ?, fingerprint = ?, private_key = ? WHERE id = ?').run(v.certificate, v.certificate_chain, v.fingerprint, v.private_key, id);
    else this.st('UPDATE sync_scm_cert SET certificate = ?, certificate_chain = ?, fingerprint = ? WHERE id = ?').run(v.certificate, v.certificate_chain, v.fingerprint, id);
  }

  scmById(id: string): ScmMirrorRow | undefined {
    return this.st('SELECT * FROM sync_scm_cert WHERE id = ?').get(id) as ScmMirrorRow | undefined;
  }

  scmByFingerprint(fp: string): ScmMirrorRow | undefined {
    return this.st('SELECT * FROM sync_scm_cert WHERE fingerprint = ? AND gone_at IS NULL').get(fp) as ScmMirrorRow | undefined;
  }

  // ---- PCA ----------------------------------------------------------------------------------

  upsertCa(r: { ca_id: string; status: string; type: string; common_name: string; item: string }, run: number, nowMs: number): boolean {
    const prev = this.st('SELECT item, status, gone_at FROM sync_pca_ca WHERE ca_id = ?').get(r.ca_id) as { item: string; status: string; gone_at: number | null } | undefined;
    this.st(
      `INSERT INTO sync_pca_ca (ca_id, status, type, common_name, item, seen_run, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(ca_id) DO UPDATE SET status = excluded.status, type = excluded.type, common_name = excluded.common_name, item = excluded.item,
         seen_run = excluded.seen_run, pulled_at = CASE WHEN sync_pca_ca.item = excluded.item THEN sync_pca_ca.pulled_at ELSE excluded.pulled_at END, gone_at = NULL,
         -- a CA that left PENDING has no CSR to sign any more; one that became ACTIVED gets its certificate fetched again
         csr = CASE WHEN excluded.status = 'PENDING' THEN sync_pca_ca.csr ELSE NULL END,
         certificate = CASE WHEN sync_pca_ca.status = excluded.status THEN sync_pca_ca.certificate ELSE NULL END,
         certificate_chain = CASE WHEN sync_pca_ca.status = excluded.status THEN sync_pca_ca.certificate_chain ELSE NULL END,
         fingerprint = CASE WHEN sync_pca_ca.status = excluded.status THEN sync_pca_ca.fingerprint ELSE NULL END`,
    ).run(r.ca_id, r.status, r.type, r.common_name, r.item, run, nowMs);
    return !prev || prev.item !== r.item || prev.gone_at !== null;
  }

  /** CAs to export (ACTIVED or EXPIRED without a certificate) and CSRs to fetch (PENDING without one). */
  caWork(): { exports: string[]; csrs: string[] } {
    const exports = (this.st("SELECT ca_id FROM sync_pca_ca WHERE gone_at IS NULL AND certificate IS NULL AND status IN ('ACTIVED', 'EXPIRED') ORDER BY ca_id").all() as { ca_id: string }[]).map((r) => r.ca_id);
    const csrs = (this.st("SELECT ca_id FROM sync_pca_ca WHERE gone_at IS NULL AND csr IS NULL AND status = 'PENDING' ORDER BY ca_id").all() as { ca_id: string }[]).map((r) => r.ca_id);
    return { exports, csrs };
  }

  setCaPem(caId: string, v: { certificate: string; certificate_chain: string; fingerprint: string }): void {
    this.st('UPDATE sync_pca_ca SET certificate = ?, certificate_chain = ?, fingerprint = ? WHERE ca_id = ?').run(v.certificate, v.certificate_chain, v.fingerprint, caId);
  }

  setCaCsr(caId: string, csr: string): void {
    this.st('UPDATE sync_pca_ca SET csr = ? WHERE ca_id = ?').run(csr, caId);
  }

  caById(caId: string): CaMirrorRow | undefined {
    return this.st('SELECT * FROM sync_pca_ca WHERE ca_id = ?').get(caId) as CaMirrorRow | undefined;
  }

  allCas(): CaMirrorRow[] {
    return this.st('SELECT * FROM sync_pca_ca ORDER BY common_name, ca_id').all() as CaMirrorRow[];
  }

  upsertCert(r: { certificate_id: string; status: string; issuer_id: string | null; common_name: string; item: string }, run: number, nowMs: number): boolean {
    const prev = this.st('SELECT item, gone_at FROM sync_pca_cert WHERE certificate_id = ?').get(r.certificate_id) as { item: string; gone_at: number | null } | undefined;
    this.st(
      `INSERT INTO sync_pca_cert (certificate_id, status, issuer_id, common_name, item, seen_run, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(certificate_id) DO UPDATE SET status = excluded.status, issuer_id = excluded.issuer_id, common_name = excluded.common_name, item = excluded.item,
         seen_run = excluded.seen_run, pulled_at = CASE WHEN sync_pca_cert.item = excluded.item THEN sync_pca_cert.pulled_at ELSE excluded.pulled_at END, gone_at = NULL`,
    ).run(r.certificate_id, r.status, r.issuer_id, r.common_name, r.item, run, nowMs);
    return !prev || prev.item !== r.item || prev.gone_at !== null;
  }

  certsNeedingPem(): string[] {
    return (this.st("SELECT certificate_id FROM sync_pca_cert WHERE gone_at IS NULL AND certificate IS NULL AND status = 'ISSUED' ORDER BY certificate_id").all() as { certificate_id: string }[]).map((r) => r.certificate_id);
  }

  setCertPem(id: string, v: { certificate: string; certificate_chain: string; fingerprint: string }): void {
    this.st('UPDATE sync_pca_cert SET certificate = ?, certificate_chain = ?, fingerprint = ? WHERE certificate_id = ?').run(v.certificate, v.certificate_chain, v.fingerprint, id);
  }

  counts(): { scm: number; scm_pem: number; scm_keys: number; cas: number; pending_csrs: number; certs: number; cert_pem: number; gone: number } {
    const one = (sql: string): number => (this.st(sql).get() as { n: number }).n;
    return {
      scm: one('SELECT count(*) AS n FROM sync_scm_cert WHERE gone_at IS NULL'),
      scm_pem: one('SELECT count(*) AS n FROM sync_scm_cert WHERE gone_at IS NULL AND certificate IS NOT NULL'),
      scm_keys: one('SELECT count(*) AS n FROM sync_scm_cert WHERE gone_at IS NULL AND private_key IS NOT NULL'),
      cas: one('SELECT count(*) AS n FROM sync_pca_ca WHERE gone_at IS NULL'),
      pending_csrs: one("SELECT count(*) AS n FROM sync_pca_ca WHERE gone_at IS NULL AND status = 'PENDING' AND csr IS NOT NULL"),
      certs: one('SELECT count(*) AS n FROM sync_pca_cert WHERE gone_at IS NULL'),
      cert_pem: one('SELECT count(*) AS n FROM sync_pca_cert WHERE gone_at IS NULL AND certificate IS NOT NULL'),
      gone: one('SELECT (SELECT count(*) FROM sync_scm_cert WHERE gone_at IS NOT NULL) + (SELECT count(*) FROM sync_pca_ca WHERE gone_at IS NOT NULL) + (SELECT count(*) FROM sync_pca_cert WHERE gone_at IS NOT NULL) AS n'),
    };
  }

  // ---- outbox ---------------------------------------------------------------------------------

  /** Queues an upload; an identical one (same kind, target and certificate) is not queued twice. Returns its id and whether it was new. */
  enqueue(r: { kind: OutboxKind; target: string; sha256: string; certificate: string; certificate_chain: string; private_key: Buffer | null; origin: string }, nowMs: number): { id: number; added: boolean } {
    const prev = this.st('SELECT id FROM sync_outbox WHERE kind = ? AND target = ? AND sha256 = ?').get(r.kind, r.target, r.sha256) as { id: number } | undefined;
    if (prev) return { id: prev.id, added: false };
    const info = this.st('INSERT INTO sync_outbox (kind, target, sha256, certificate, certificate_chain, private_key, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(r.kind, r.target, r.sha256, r.certificate, r.certificate_chain, r.private_key, r.origin, nowMs);
    return { id: Number(info.lastInsertRowid), added: true };
  }

  outbox(state?: 'pending' | 'done'): OutboxRow[] {
    return (state ? this.st('SELECT * FROM sync_outbox WHERE state = ? ORDER BY id').all(state) : this.st('SELECT * FROM sync_outbox ORDER BY id').all()) as OutboxRow[];
  }

  markDone(id: number, remoteId: string | null, result: string, nowMs: number): void {
    this.st("UPDATE sync_outbox SET state = 'done', remote_id = ?, result = ?, done_at = ? WHERE id = ?").run(remoteId, result, nowMs, id);
  }

  /** A pending item that was refused: kept pending, with why. */
  noteResult(id: number, result: string): void {
    this.st('UPDATE sync_outbox SET result = ? WHERE id = ?').run(result, id);
  }

  dropFromOutbox(id: number): boolean {
    return this.st('DELETE FROM sync_outbox WHERE id = ?').run(id).changes > 0;
  }
}
