// PCA "Private Certificate Management" (ccm-api-reference.txt 4.2.2), offline.
//
// Issuing is prepared outside the transaction (validate, build, sign) and
// committed inside one (issuer still ACTIVED, quota, serial claimed, row
// written). A batch commits in groups and reports each certificate only after
// its group's commit: whatever was printed as issued is in the database, and
// nothing is issued twice.

import type { KeyObject } from 'node:crypto';
import { validatePcaApplyCert } from '../../ccm/pca-bodies.js';
import { CERT_LIST_SPEC, validateListQuery, validatePcaExportCert, validatePcaRevoke } from '../../ccm/pca-requests.js';
import { dnToAttributes } from '../../ccm/csr-request.js';
import { spkiOf, type ExtensionInput } from '../../engine/builder.js';
import { buildBundle, exportJson, zipName } from '../../engine/bundle.js';
import { CcmError } from '../../engine/errors.js';
import type { KeyUsageName, SubjectAltName } from '../../engine/extensions.js';
import { generateKey } from '../../engine/keygen.js';
import type { DistinguishedName } from '../../engine/name.js';
import type { HashName } from '../../engine/signature.js';
import type { CertRow } from '../../store/pca-store.js';
import { writeZip } from '../zip.js';
import { buildCaCrl, caName, chainAbove, checkCanIssue, issuerCrlUrl, publishCrl, requireIssuer, type BuiltCaCrl } from './authority.js';
import {
  checkCustomOid,
  checkWithinIssuer,
  customizedExt,
  EKU_FIELDS,
  ENTITY_KEY_USAGES,
  issueCertificate,
  serialFromBytes,
  validityWindow,
  type ValidityInput,
} from './contents.js';
import { certIdParam, fromValidation, notAllowed, notFound, nowMs, quotaExceeded, SETTING, uuid, type PcaContext, type PcaRequest, type PcaResponse } from './context.js';
import { certBody, certStatus } from './model.js';
import { drawIssueRandom, entityCertRow, prepareFromCsr, type IssueRandom, type IssuerOrError, type PreparedIssue } from './issue-csr.js';

/**
 * How many certificates a new workspace may hold unless set otherwise (PCA's quota).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_CERTIFICATE_QUOTA); // 100000
 * ```
 */
export const DEFAULT_CERTIFICATE_QUOTA = 100_000;

export function certQuotaOf(ctx: PcaContext): number {
  const v = Number(ctx.ws.setting(SETTING.CERTIFICATE_QUOTA));
  return Number.isInteger(v) && v >= 0 ? v : DEFAULT_CERTIFICATE_QUOTA;
}

/** A prepared certificate, and how to prepare it again with fresh random bytes should its serial be taken (p = 2^-159). */
export interface Pending {
  p: PreparedIssue;
  redo: (rnd: IssueRandom) => PreparedIssue;
}

/** The issuer, checked and opened once per batch (its key is decrypted once per process). */
export function issuerInfo(ctx: PcaContext, id: string, cache: Map<string, IssuerOrError>): IssuerOrError {
  const k = id.toLowerCase();
  if (cache.has(k)) return cache.get(k);
  let v: IssuerOrError;
  try {
    const i = requireIssuer(ctx, k);
    v = { ca_id: i.row.ca_id, type: i.row.type, common_name: caName(i.row), path_length: i.row.path_length, not_before: i.row.not_before, not_after: i.row.not_after, subjectDer: i.cert.subject.der, spki: i.spki, key: i.key, crlUrl: issuerCrlUrl(ctx, i.row) };
  } catch (e) {
    if (!(e instanceof CcmError) || isFatal(e)) throw e;
    v = { error: e };
  }
  cache.set(k, v);
  return v;
}

/** The issuer a body names, when it names one by a well-formed ID (otherwise the pre-flight answers). */
export function issuerOfBody(ctx: PcaContext, body: unknown, cache: Map<string, IssuerOrError>): IssuerOrError {
  const id = body && typeof body === 'object' ? (body as Record<string, unknown>).issuer_id : undefined;
  return typeof id === 'string' && UUID.test(id) ? issuerInfo(ctx, id, cache) : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ekuFromBody(v: unknown): string[] {
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>)
    .filter(([k, on]) => on === true && EKU_FIELDS[k])
    .map(([k]) => EKU_FIELDS[k]!);
}

// ---- apply (4.2.2.2) -------------------------------------------------------------------------

/**
 * `POST /v1/private-certificates` (4.2.2.2): ccmkit makes the key, sealed under the workspace passphrase.
 *
 * @example
 * ```ts
 * const r = applyCert(ctx, { body: {
 *   issuer_id: caId, key_algorithm: 'EC256', signature_algorithm: 'SHA256',
 *   distinguished_name: { common_name: 'www.example.com' }, validity: { type: 'YEAR', value: 1 },
 * } });
 * const certId = (r.body as { certificate_id: string }).certificate_id;
 * ```
 */
export function applyCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const now = nowMs(ctx);
  const v = validatePcaApplyCert(req.body, { at: new Date(now) });
  if (!v.valid) throw fromValidation(v);
  const b = req.body as Record<string, unknown>;
  ctx.vault.unlock();
  const issuer = requireIssuer(ctx, b.issuer_id as string);
  // Table 4-160: DN fields not given are inherited from the issuing CA.
  const parentDn = JSON.parse(issuer.row.distinguished_name) as DistinguishedName;
  const given = b.distinguished_name as DistinguishedName;
  const dn: DistinguishedName = {};
  for (const k of ['country', 'state', 'locality', 'organization', 'organizational_unit', 'common_name'] as const) {
    const val = given[k] ?? parentDn[k];
    if (val !== undefined) dn[k] = val;
  }
  const window = validityWindow(b.validity as ValidityInput, now);
  checkWithinIssuer(window, issuer.row, caName(issuer.row));
  const custom = b.customized_extension as { object_identifier?: string; value?: string } | undefined;
  let customExt: ExtensionInput | undefined;
  if (custom?.object_identifier && custom.value !== undefined) {
    checkCustomOid(custom.object_identifier);
    customExt = customizedExt(custom.object_identifier, custom.value);
  }
  const keyAlgorithm = b.key_algorithm as string;
  const key = generateKey(keyAlgorithm).keyObject;
  const spki = spkiOf(key);
  const usages = Array.isArray(b.key_usages) && b.key_usages.length ? (b.key_usages as KeyUsageName[]) : ENTITY_KEY_USAGES;
  const sans = (Array.isArray(b.subject_alternative_names) ? b.subject_alternative_names : []) as SubjectAltName[];
  const crlUrl = issuerCrlUrl(ctx, issuer.row);
  const attrs = dnToAttributes(dn);
  const hash = b.signature_algorithm as HashName;
  const sign = (serial: bigint): Buffer =>
    issueCertificate({
      serial,
      subject: attrs,
      issuer: issuer.cert.subject.der,
      notBefore: window.notBefore,
      notAfter: window.notAfter,
      spki,
      signingKey: issuer.key,
      issuerSpki: issuer.spki,
      hash,
      keyUsages: usages,
      extendedKeyUsages: ekuFromBody(b.extended_key_usage),
      sans,
      crlUrl,
      ...(customExt ? { custom: customExt } : {}),
    });
  const sealed = ctx.vault.seal(key);
  const prepare = (rnd: IssueRandom): PreparedIssue => {
    const serial = serialFromBytes(rnd.serial);
    const id = uuid(() => Buffer.from(rnd.id));
    return { issuerId: issuer.row.ca_id, id, serialDecimal: serial.decimal, cert: entityCertRow(id, { ca_id: issuer.row.ca_id, common_name: caName(issuer.row) }, dn, keyAlgorithm, hash, 'GENERATE', serial.decimal, window, sign(serial.value), sealed, now) };
  };
  const p: Pending = { p: prepare(drawIssueRandom(ctx.random)), redo: prepare };
  const id = p.p.id;
  ctx.ws.tx(() => commitOne(ctx, p, { used: ctx.store.countCertsInQuota(), quota: certQuotaOf(ctx) }));
  return { status: 200, body: { certificate_id: id } };
}

// ---- issue via CSR (4.2.2.3) ------------------------------------------------------------------

/** Validates and signs one issue-via-CSR body; nothing is written yet. */
function prepareIssueCsr(ctx: PcaContext, body: unknown, issuers: Map<string, IssuerOrError>, now: number): Pending {
  const issuer = issuerOfBody(ctx, body, issuers);
  const redo = (rnd: IssueRandom): PreparedIssue => prepareFromCsr(body, issuer, now, rnd);
  return { p: redo(drawIssueRandom(ctx.random)), redo };
}

/** Inside a transaction: issuer still ACTIVED, quota, serial, row. Throws CcmError before writing anything. */
export function commitOne(ctx: PcaContext, pending: Pending, quota: { used: number; quota: number }, checked?: Set<string>): PreparedIssue {
  let p = pending.p;
  if (!checked?.has(p.issuerId)) {
    const cur = ctx.store.getCa(p.issuerId);
    if (!cur) throw notFound('CA', p.issuerId);
    checkCanIssue(ctx, cur);
    checked?.add(p.issuerId);
  }
  if (p.cert && quota.used >= quota.quota) throw quotaExceeded('certificate', quota.quota);
  for (let i = 0; !ctx.store.claimSerial(p.issuerId, p.serialDecimal); i++) {
    if (i > 3) throw new Error('serial number collisions: the random number generator is broken');
    p = pending.redo(drawIssueRandom(ctx.random));
  }
  if (p.cert) {
    ctx.store.insertCert(p.cert);
    quota.used++;
  } else ctx.store.insertCa(p.ca!);
  return p;
}

/**
 * `POST /v1/private-certificates/csr` (4.2.2.3).
 *
 * @example
 * ```ts
 * const r = issueCertByCsr(ctx, { body: { issuer_id: caId, csr: csrPem, validity: { type: 'YEAR', value: 1 } } });
 * ```
 */
export function issueCertByCsr(ctx: PcaContext, req: PcaRequest): PcaResponse {
  let out: PcaResponse | CcmError | undefined;
  issueCsrBatch(ctx, [req.body], (_i, r) => (out = r));
  if (out instanceof CcmError) throw out;
  return out!;
}

/**
 * How a batch issuance commits.
 *
 * @example
 * ```ts
 * issueCsrBatch(ctx, bodies, emit, { group: 512, onCommit: () => flush() } satisfies BatchOptions);
 * ```
 */
export interface BatchOptions {
  /** Certificates per commit (one fsync each); default 256. */
  group?: number;
  /** Called after each group's results were emitted (the CLI flushes its output there). */
  onCommit?: () => void;
}

/**
 * A batch body that could not even be read (not JSON): reported in its place, in order, by {@link issueCsrBatch}.
 *
 * A line that could not even be read as JSON: reported in place, in order.
 *
 * @example
 * ```ts
 * const bodies = lines.map((l) => { try { return JSON.parse(l); } catch { return new BatchInputError(new CcmError(400, 'PCA.00020001', 'not JSON')); } });
 * ```
 */
export class BatchInputError {
  constructor(readonly error: CcmError) {}
}

/**
 * Issues one certificate per body, in order. `emit` is called for each body,
 * in input order, after the transaction holding it has committed: with PCA's
 * 200 response, or the error PCA would answer for that body. A database
 * failure (disk full, lock timeout) stops the batch with an exception: the
 * bodies of the failed group were not issued and were not reported.
 *
 * @example
 * ```ts
 * const { issued, failed } = issueCsrBatch(ctx, bodies, (i, r) => {
 *   if (r instanceof CcmError) console.log(i, r.error_code, r.error_msg);
 *   else console.log(i, (r.body as { certificate_id: string }).certificate_id);
 * });
 * ```
 */
export function issueCsrBatch(ctx: PcaContext, bodies: Iterable<unknown>, emit: (index: number, r: PcaResponse | CcmError) => void, o: BatchOptions = {}): { issued: number; failed: number } {
  const group = Math.max(1, o.group ?? 256);
  const issuers = new Map<string, IssuerOrError>();
  let index = 0;
  let issued = 0;
  let failed = 0;
  let unlocked = false;
  const it = bodies[Symbol.iterator]();
  for (;;) {
    const batch: { i: number; p?: Pending; done?: PreparedIssue; err?: CcmError }[] = [];
    const now = nowMs(ctx);
    for (let k = 0; k < group; k++) {
      const n = it.next();
      if (n.done) break;
      const i = index++;
      if (n.value instanceof BatchInputError) {
        batch.push({ i, err: n.value.error });
        continue;
      }
      try {
        if (!unlocked) {
          ctx.vault.unlock();
          unlocked = true;
        }
        batch.push({ i, p: prepareIssueCsr(ctx, n.value, issuers, now) });
      } catch (e) {
        if (!(e instanceof CcmError) || isFatal(e)) throw e;
        batch.push({ i, err: e });
      }
    }
    if (batch.length === 0) break;
    commitGroup(ctx, batch);
    for (const item of batch) {
      if (item.done) {
        issued++;
        emit(item.i, { status: 200, body: { certificate_id: item.done.id } });
      } else {
        failed++;
        emit(item.i, item.err!);
      }
    }
    o.onCommit?.();
  }
  return { issued, failed };
}

/**
 * Commits one group of prepared certificates in one transaction (one fsync):
 * the quota is counted once for the group, and a refusal (quota, a serial
 * clash) stays with its own line while the rest of the group commits. Used by
 * the single-threaded batch and by the worker pool alike.
 */
export function commitGroup(ctx: PcaContext, group: { p?: Pending; done?: PreparedIssue; err?: CcmError }[]): void {
  ctx.ws.tx(() => {
    const quota = { used: ctx.store.countCertsInQuota(), quota: certQuotaOf(ctx) };
    const checked = new Set<string>();
    for (const item of group) {
      if (!item.p) continue;
      try {
        item.done = commitOne(ctx, item.p, quota, checked);
      } catch (e) {
        if (!(e instanceof CcmError) || isFatal(e)) throw e;
        item.err = e;
        item.p = undefined;
      }
    }
  });
}

/** Errors that concern the whole workspace, not one body: they stop a batch. */
export function isFatal(e: CcmError): boolean {
  return e.code.startsWith('CCMKIT.01') || e.code === 'CCMKIT.0005' || e.code === 'CCMKIT.0006';
}

// ---- read -------------------------------------------------------------------------------------

function loadCert(ctx: PcaContext, id: string): CertRow {
  const r = ctx.store.getCert(id);
  if (!r || r.delete_time !== null) throw notFound('certificate', id);
  return r;
}

/**
 * `GET /v1/private-certificates` (4.2.2.1).
 *
 * @example
 * ```ts
 * const page = listCerts(ctx, { query: { status: 'ISSUED', limit: '50' } }).body as { certificates: CertBody[]; total: number };
 * ```
 */
export function listCerts(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const v = validateListQuery(req.query ?? {}, CERT_LIST_SPEC);
  if (!v.values) throw fromValidation(v);
  const q = v.values;
  const now = nowMs(ctx);
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.status === 'EXPIRED') where.push("status = 'ISSUED' AND not_after < @now");
  else if (q.status === 'ISSUED') where.push("status = 'ISSUED' AND not_after >= @now");
  else if (q.status === 'REVOKED') where.push("status = 'REVOKED'");
  if (q.status === 'EXPIRED' || q.status === 'ISSUED') params.now = now;
  if (q.name) {
    where.push('instr(common_name, @name) > 0');
    params.name = q.name;
  }
  const { rows, total } = ctx.ws.snapshot(() => ctx.store.listCerts({ limit: q.limit, offset: q.offset, sortColumn: q.sortKey, desc: q.sortDir === 'DESC', where, params, nameFilter: Boolean(q.name) }));
  return { status: 200, body: { total, certificates: rows.map((r) => certBody(r, now)) } };
}

/**
 * `GET /v1/private-certificates/{certificate_id}` (4.2.2.6).
 *
 * @example
 * ```ts
 * const cert = showCert(ctx, { params: { certificate_id: certId } }).body as CertBody;
 * ```
 */
export function showCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const r = ctx.ws.read(() => loadCert(ctx, certIdParam(req)));
  return { status: 200, body: certBody(r, nowMs(ctx)) };
}

/**
 * `GET /v1/private-certificates/quotas` (4.2.2.5).
 *
 * @example
 * ```ts
 * console.log(certQuota(ctx).body);
 * ```
 */
export function certQuota(ctx: PcaContext): PcaResponse {
  const used = ctx.ws.read(() => ctx.store.countCertsInQuota());
  return { status: 200, body: { quotas: { resources: [{ type: 'CERTIFICATE', used, quota: certQuotaOf(ctx) }] } } };
}

/** A file-safe bundle name from the certificate's CN (PCA: "Certificate name_type.zip"). */
function bundleName(r: CertRow): string {
  return r.common_name.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'certificate';
}

/**
 * `POST /v1/private-certificates/{certificate_id}/export` (4.2.2.8): ISSUED
 * only. Compressed: PCA's zip for the server type; otherwise the JSON body
 * (certificate, certificate_chain, private_key with `\r\n`). Certificates
 * issued from a CSR have no key: the key-less file sets.
 *
 * @example
 * ```ts
 * const zip = exportCert(ctx, { params: { certificate_id: certId }, body: { type: 'NGINX', is_compressed: true } });
 * writeFileSync(zip.filename!, zip.body as Buffer, { mode: 0o600 });
 * ```
 */
export function exportCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = certIdParam(req);
  const v = validatePcaExportCert(req.body);
  if (!v.request) throw fromValidation(v);
  const e = v.request;
  const now = nowMs(ctx);
  const { r, chain } = ctx.ws.snapshot(() => {
    const r = loadCert(ctx, id);
    const issuer = ctx.store.getCa(r.issuer_id);
    return { r, chain: issuer?.certificate ? [issuer.certificate, ...chainAbove(ctx, issuer)] : [] };
  });
  const status = certStatus(r, now);
  if (status !== 'ISSUED') throw notAllowed(`certificate ${id} is ${status}; export needs ISSUED.`);
  let key: KeyObject | undefined;
  if (r.private_key) key = ctx.vault.open(r.private_key, `certificate ${id}`);
  if (!e.compressed) return { status: 200, body: exportJson(e.type, r.certificate, chain, key, e.password) };
  const bundle = buildBundle({ type: e.type, leaf: r.certificate, chain, key, password: e.password, at: new Date(now), random: ctx.random });
  const zip = writeZip(
    bundle.files.map((f) => ({ name: f.name, data: f.data, mode: f.secret ? 0o600 : 0o644 })),
    new Date(now),
  );
  return { status: 200, body: zip, contentType: 'application/zip', filename: zipName(bundleName(r), e.type) };
}

// ---- state changes -----------------------------------------------------------------------------

/**
 * `POST /v1/private-certificates/{certificate_id}/revoke` (4.2.2.9): the issuer's CRL is rebuilt in the same transaction.
 *
 * @example
 * ```ts
 * revokeCert(ctx, { params: { certificate_id: certId }, body: { reason: 'SUPERSEDED' } }); // status 204, the CA's CRL rebuilt
 * ```
 */
export function revokeCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = certIdParam(req);
  const v = validatePcaRevoke(req.body ?? {});
  if (!v.request) throw fromValidation(v);
  ctx.vault.unlock();
  const crls = revokeMany(ctx, [{ id, reason: v.request.reason }], () => undefined, true);
  for (const c of crls) publishCrl(ctx, c);
  return { status: 204 };
}

/**
 * One certificate to revoke, and CCM's reason.
 *
 * @example
 * ```ts
 * const items: RevokeItem[] = [{ id: certId, reason: 'KEY_COMPROMISE' }];
 * ```
 */
export interface RevokeItem {
  id: string;
  reason: string;
}

/**
 * Revokes certificates in one transaction and rebuilds each affected CA's CRL
 * in it. `onError` gets per-certificate refusals (unless `strict`, which
 * throws the first). Returns the CRLs to publish after the commit.
 *
 * @example
 * ```ts
 * const crls = revokeMany(ctx, items, (i, e) => console.log(items[i]!.id, e.error_code));
 * for (const c of crls) publishCrl(ctx, c);
 * ```
 */
export function revokeMany(ctx: PcaContext, items: RevokeItem[], onError: (index: number, e: CcmError) => void, strict = false): BuiltCaCrl[] {
  return ctx.ws.tx(() => {
    const now = nowMs(ctx);
    const touched = new Set<string>();
    items.forEach((it, i) => {
      try {
        const r = loadCert(ctx, it.id);
        const status = certStatus(r, now);
        if (status === 'REVOKED') throw notAllowed(`certificate ${it.id} is already REVOKED.`);
        ctx.store.updateCert(it.id, { status: 'REVOKED', revoked_time: Math.floor(now / 1000) * 1000, revoke_reason: it.reason });
        touched.add(r.issuer_id);
      } catch (e) {
        if (strict || !(e instanceof CcmError) || isFatal(e)) throw e;
        onError(i, e);
      }
    });
    return [...touched].map((ca) => buildCaCrl(ctx, ca));
  });
}

/**
 * `DELETE /v1/private-certificates/{certificate_id}` (4.2.2.7): gone from lists and lookups; a revoked one stays on its CA's CRL.
 *
 * @example
 * ```ts
 * deleteCert(ctx, { params: { certificate_id: certId } }); // status 204
 * ```
 */
export function deleteCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = certIdParam(req);
  ctx.ws.tx(() => {
    loadCert(ctx, id);
    ctx.store.updateCert(id, { delete_time: nowMs(ctx) });
  });
  return { status: 204 };
}

