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
import { ccmKeyAlgorithm } from '../../ccm/algorithms.js';
import { validatePcaIssueCsr } from '../../ccm/validate-pca-issue-csr.js';
import { spkiOf, type ExtensionInput } from '../../engine/builder.js';
import { buildBundle, exportJson, zipName } from '../../engine/bundle.js';
import type { Csr } from '../../engine/csr.js';
import { CcmError } from '../../engine/errors.js';
import type { KeyUsageName, SubjectAltName } from '../../engine/extensions.js';
import { generateKey } from '../../engine/keygen.js';
import { commonNames, toDistinguishedName, type DistinguishedName } from '../../engine/name.js';
import type { HashName } from '../../engine/signature.js';
import type { CaRow, CertRow } from '../../store/pca-store.js';
import { writeZip } from '../zip.js';
import { buildCaCrl, caName, chainAbove, checkCanIssue, issuerCrlUrl, publishCrl, requireIssuer, type BuiltCaCrl, type Issuer } from './authority.js';
import {
  CA_KEY_USAGES,
  checkCustomOid,
  checkPathLength,
  checkWithinIssuer,
  CSR_SIGNATURE_HASH,
  customizedExt,
  EKU_FIELDS,
  ENTITY_KEY_USAGES,
  issueCertificate,
  randomSerial,
  validityWindow,
  type ValidityInput,
} from './contents.js';
import { certIdParam, fromValidation, notAllowed, notFound, nowMs, quotaExceeded, SETTING, uuid, type PcaContext, type PcaRequest, type PcaResponse } from './context.js';
import { certBody, certStatus } from './model.js';

export const DEFAULT_CERTIFICATE_QUOTA = 100_000;

function certQuotaOf(ctx: PcaContext): number {
  const v = Number(ctx.ws.setting(SETTING.CERTIFICATE_QUOTA));
  return Number.isInteger(v) && v >= 0 ? v : DEFAULT_CERTIFICATE_QUOTA;
}

/** A certificate ready to be committed: the row, and how to sign it again should its serial be taken. */
interface Prepared {
  issuerId: string;
  sign: (serial: bigint) => Buffer;
  serial: { value: bigint; decimal: string };
  /** An end-entity certificate (pca_cert), or an INTERMEDIATE_CA issued from a CSR (pca_ca, not listed). */
  cert?: CertRow;
  ca?: CaRow;
  /** The response body. */
  id: string;
}

/** The issuer, checked and opened once per batch (its key is decrypted once per process). */
function issuerFor(ctx: PcaContext, id: string, cache: Map<string, Issuer>): Issuer {
  const key = id.toLowerCase();
  let i = cache.get(key);
  if (!i) {
    i = requireIssuer(ctx, key);
    cache.set(key, i);
  }
  return i;
}

function ekuFromBody(v: unknown): string[] {
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>)
    .filter(([k, on]) => on === true && EKU_FIELDS[k])
    .map(([k]) => EKU_FIELDS[k]!);
}

// ---- apply (4.2.2.2) -------------------------------------------------------------------------

/** POST /v1/private-certificates (4.2.2.2): ccmkit makes the key, sealed under the workspace passphrase. */
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
  const serial = randomSerial(ctx.random);
  const id = uuid(ctx.random);
  const p: Prepared = {
    issuerId: issuer.row.ca_id,
    sign,
    serial,
    id,
    cert: certRow(ctx, id, issuer.row, dn, keyAlgorithm, hash, 'GENERATE', serial.decimal, window, sign(serial.value), ctx.vault.seal(key), now),
  };
  ctx.ws.tx(() => commitOne(ctx, p, { used: ctx.store.countCertsInQuota(), quota: certQuotaOf(ctx) }));
  return { status: 200, body: { certificate_id: id } };
}

function certRow(
  _ctx: PcaContext,
  id: string,
  issuer: CaRow,
  dn: DistinguishedName,
  keyAlgorithm: string,
  hash: string,
  genMode: 'GENERATE' | 'CSR',
  serial: string,
  window: { notBefore: number; notAfter: number },
  der: Buffer,
  privateKey: Buffer | null,
  now: number,
): CertRow {
  return {
    certificate_id: id,
    issuer_id: issuer.ca_id,
    issuer_name: caName(issuer),
    status: 'ISSUED',
    common_name: dn.common_name ?? '',
    distinguished_name: JSON.stringify(dn),
    key_algorithm: keyAlgorithm,
    signature_algorithm: hash,
    gen_mode: genMode,
    serial_number: serial,
    create_time: now,
    delete_time: null,
    not_before: window.notBefore,
    not_after: window.notAfter,
    certificate: der,
    private_key: privateKey,
    revoked_time: null,
    revoke_reason: null,
  };
}

// ---- issue via CSR (4.2.2.3) ------------------------------------------------------------------

/** Validates and signs one issue-via-CSR body; nothing is written yet. */
function prepareIssueCsr(ctx: PcaContext, body: unknown, issuers: Map<string, Issuer>, now: number): Prepared {
  const keep: { csr?: Csr } = {};
  const v = validatePcaIssueCsr(body, { at: new Date(now), keep });
  if (!v.valid || !keep.csr) throw fromValidation(v);
  const csr = keep.csr;
  const b = body as Record<string, unknown>;
  const issuer = issuerFor(ctx, b.issuer_id as string, issuers);
  const window = validityWindow(b.validity as ValidityInput, now);
  checkWithinIssuer(window, issuer.row, caName(issuer.row));
  const intermediate = b.type === 'INTERMEDIATE_CA';
  const pathLength = intermediate ? (typeof b.path_length === 'number' ? b.path_length : 0) : undefined;
  if (pathLength !== undefined) checkPathLength(pathLength, issuer.row);
  // 4.2.2.3: keyUsage "The parameters in the CSR are preferentially used"; the defaults otherwise.
  const requested = csr.extensions.keyUsage?.length ? csr.extensions.keyUsage : undefined;
  const usages = requested ?? (intermediate ? CA_KEY_USAGES : ENTITY_KEY_USAGES);
  const crlUrl = issuerCrlUrl(ctx, issuer.row);
  const sign = (serial: bigint): Buffer =>
    issueCertificate({
      serial,
      subject: csr.subject.der,
      issuer: issuer.cert.subject.der,
      notBefore: window.notBefore,
      notAfter: window.notAfter,
      spki: csr.publicKey.spki,
      signingKey: issuer.key,
      issuerSpki: issuer.spki,
      hash: CSR_SIGNATURE_HASH,
      ...(intermediate ? { ca: { pathLength } } : {}),
      keyUsages: usages,
      // 4.2.2.3: subject_alternative_names in the body is "reserved and ignored"; the CSR's own are used, and so is its EKU.
      ...(intermediate ? {} : { extendedKeyUsages: csr.extensions.extendedKeyUsage ?? [], sans: (csr.extensions.subjectAltNames ?? []).filter((s) => ['DNS', 'IP', 'EMAIL', 'URI'].includes(s.type)) }),
      crlUrl,
    });
  const serial = randomSerial(ctx.random);
  const id = uuid(ctx.random);
  const der = sign(serial.value);
  const dn = toDistinguishedName(csr.subject);
  const keyAlgorithm = ccmKeyAlgorithm(csr.publicKey) ?? csr.publicKey.type;
  if (!intermediate) return { issuerId: issuer.row.ca_id, sign, serial, id, cert: certRow(ctx, id, issuer.row, dn, keyAlgorithm, CSR_SIGNATURE_HASH, 'CSR', serial.decimal, window, der, null, now) };
  // 4.2.2.3: an INTERMEDIATE_CA "does not use the CA quota", is not listed, and "cannot issue certificates as its key is on the user side".
  const ca: CaRow = {
    ca_id: id,
    type: 'SUBORDINATE',
    status: 'ACTIVED',
    listed: 0,
    issuer_id: issuer.row.ca_id,
    issuer_name: caName(issuer.row),
    path_length: pathLength!,
    key_algorithm: keyAlgorithm,
    signature_algorithm: CSR_SIGNATURE_HASH,
    gen_mode: 'CSR',
    serial_number: serial.decimal,
    common_name: commonNames(csr.subject)[0] ?? '',
    distinguished_name: JSON.stringify(dn),
    key_usages: null,
    crl_configuration: null,
    create_time: now,
    delete_time: null,
    not_before: window.notBefore,
    not_after: window.notAfter,
    certificate: der,
    certificate_chain: null,
    csr: csr.der,
    private_key: null,
    revoked_time: null,
    revoke_reason: null,
    crl_number: 0,
    freeze_flag: 0,
  };
  return { issuerId: issuer.row.ca_id, sign, serial, id, ca };
}

/** Inside a transaction: issuer still ACTIVED, quota, serial, row. Throws CcmError before writing anything. */
function commitOne(ctx: PcaContext, p: Prepared, quota: { used: number; quota: number }, checked?: Set<string>): void {
  if (!checked?.has(p.issuerId)) {
    const cur = ctx.store.getCa(p.issuerId);
    if (!cur) throw notFound('CA', p.issuerId);
    checkCanIssue(ctx, cur);
    checked?.add(p.issuerId);
  }
  if (p.cert) {
    if (quota.used >= quota.quota) throw quotaExceeded('certificate', quota.quota);
  }
  let serial = p.serial;
  for (let i = 0; !ctx.store.claimSerial(p.issuerId, serial.decimal); i++) {
    if (i > 3) throw new Error('serial number collisions: the random number generator is broken');
    serial = randomSerial(ctx.random);
  }
  if (serial !== p.serial) {
    const der = p.sign(serial.value);
    if (p.cert) Object.assign(p.cert, { serial_number: serial.decimal, certificate: der });
    if (p.ca) Object.assign(p.ca, { serial_number: serial.decimal, certificate: der });
  }
  if (p.cert) {
    ctx.store.insertCert(p.cert);
    quota.used++;
  } else ctx.store.insertCa(p.ca!);
}

/** POST /v1/private-certificates/csr (4.2.2.3). */
export function issueCertByCsr(ctx: PcaContext, req: PcaRequest): PcaResponse {
  let out: PcaResponse | CcmError | undefined;
  issueCsrBatch(ctx, [req.body], (_i, r) => (out = r));
  if (out instanceof CcmError) throw out;
  return out!;
}

export interface BatchOptions {
  /** Certificates per commit (one fsync each); default 256. */
  group?: number;
  /** Called after each group's results were emitted (the CLI flushes its output there). */
  onCommit?: () => void;
}

/** A line that could not even be read as JSON: reported in place, in order. */
export class BatchInputError {
  constructor(readonly error: CcmError) {}
}

/**
 * Issues one certificate per body, in order. `emit` is called for each body,
 * in input order, after the transaction holding it has committed: with PCA's
 * 200 response, or the error PCA would answer for that body. A database
 * failure (disk full, lock timeout) stops the batch with an exception: the
 * bodies of the failed group were not issued and were not reported.
 */
export function issueCsrBatch(ctx: PcaContext, bodies: Iterable<unknown>, emit: (index: number, r: PcaResponse | CcmError) => void, o: BatchOptions = {}): { issued: number; failed: number } {
  const group = Math.max(1, o.group ?? 256);
  const issuers = new Map<string, Issuer>();
  let index = 0;
  let issued = 0;
  let failed = 0;
  let unlocked = false;
  const it = bodies[Symbol.iterator]();
  for (;;) {
    const batch: { i: number; p?: Prepared; err?: CcmError }[] = [];
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
    ctx.ws.tx(() => {
      const quota = { used: ctx.store.countCertsInQuota(), quota: certQuotaOf(ctx) };
      const checked = new Set<string>();
      for (const item of batch) {
        if (!item.p) continue;
        try {
          commitOne(ctx, item.p, quota, checked);
        } catch (e) {
          if (!(e instanceof CcmError) || isFatal(e)) throw e;
          item.err = e;
          item.p = undefined;
        }
      }
    });
    for (const item of batch) {
      if (item.p) {
        issued++;
        emit(item.i, { status: 200, body: { certificate_id: item.p.id } });
      } else {
        failed++;
        emit(item.i, item.err!);
      }
    }
    o.onCommit?.();
  }
  return { issued, failed };
}

/** Errors that concern the whole workspace, not one body: they stop a batch. */
function isFatal(e: CcmError): boolean {
  return e.code.startsWith('CCMKIT.01') || e.code === 'CCMKIT.0005' || e.code === 'CCMKIT.0006';
}

// ---- read -------------------------------------------------------------------------------------

function loadCert(ctx: PcaContext, id: string): CertRow {
  const r = ctx.store.getCert(id);
  if (!r || r.delete_time !== null) throw notFound('certificate', id);
  return r;
}

/** GET /v1/private-certificates (4.2.2.1). */
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
  const { rows, total } = ctx.ws.snapshot(() => ctx.store.listCerts({ limit: q.limit, offset: q.offset, sortColumn: q.sortKey, desc: q.sortDir === 'DESC', where, params }));
  return { status: 200, body: { total, certificates: rows.map((r) => certBody(r, now)) } };
}

/** GET /v1/private-certificates/{certificate_id} (4.2.2.6). */
export function showCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const r = ctx.ws.read(() => loadCert(ctx, certIdParam(req)));
  return { status: 200, body: certBody(r, nowMs(ctx)) };
}

/** GET /v1/private-certificates/quotas (4.2.2.5). */
export function certQuota(ctx: PcaContext): PcaResponse {
  const used = ctx.ws.read(() => ctx.store.countCertsInQuota());
  return { status: 200, body: { quotas: { resources: [{ type: 'CERTIFICATE', used, quota: certQuotaOf(ctx) }] } } };
}

/** A file-safe bundle name from the certificate's CN (PCA: "Certificate name_type.zip"). */
function bundleName(r: CertRow): string {
  return r.common_name.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'certificate';
}

/**
 * POST /v1/private-certificates/{certificate_id}/export (4.2.2.8): ISSUED
 * only. Compressed: PCA's zip for the server type; otherwise the JSON body
 * (certificate, certificate_chain, private_key with \r\n). Certificates
 * issued from a CSR have no key: the key-less file sets.
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

/** POST /v1/private-certificates/{certificate_id}/revoke (4.2.2.9): the issuer's CRL is rebuilt in the same transaction. */
export function revokeCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = certIdParam(req);
  const v = validatePcaRevoke(req.body ?? {});
  if (!v.request) throw fromValidation(v);
  ctx.vault.unlock();
  const crls = revokeMany(ctx, [{ id, reason: v.request.reason }], () => undefined, true);
  for (const c of crls) publishCrl(ctx, c);
  return { status: 204 };
}

export interface RevokeItem {
  id: string;
  reason: string;
}

/**
 * Revokes certificates in one transaction and rebuilds each affected CA's CRL
 * in it. `onError` gets per-certificate refusals (unless `strict`, which
 * throws the first). Returns the CRLs to publish after the commit.
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

/** DELETE /v1/private-certificates/{certificate_id} (4.2.2.7): gone from lists and lookups; a revoked one stays on its CA's CRL. */
export function deleteCert(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = certIdParam(req);
  ctx.ws.tx(() => {
    loadCert(ctx, id);
    ctx.store.updateCert(id, { delete_time: nowMs(ctx) });
  });
  return { status: 204 };
}

