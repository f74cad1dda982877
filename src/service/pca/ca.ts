// PCA "Private CA Management" (ccm-api-reference.txt 4.2.1), offline.
//
// One function per operation: the parsed request in, PCA's status and body
// out, or a CcmError with PCA's status and code. Every state change is one
// transaction; the state machine is A.2.2 PCA.00030201's list.

import { validatePcaCreateCa } from '../../ccm/pca-bodies.js';
import { validatePcaImportCa } from '../../ccm/pca-import-ca.js';
import { CA_LIST_SPEC, validateListQuery, validatePcaActivateCa, validatePcaRevoke, validatePendingDays } from '../../ccm/pca-requests.js';
import { dnToAttributes } from '../../ccm/csr-request.js';
import { buildCsr, spkiOf } from '../../engine/builder.js';
import { parseCertificate, type Certificate } from '../../engine/certificate.js';
import { parseCsr } from '../../engine/csr.js';
import type { KeyUsageName } from '../../engine/extensions.js';
import { generateKey } from '../../engine/keygen.js';
import { commonNames, toDistinguishedName, type DistinguishedName } from '../../engine/name.js';
import { readInput } from '../../engine/input.js';
import { toPem } from '../../engine/pem.js';
import type { HashName } from '../../engine/signature.js';
import type { CaRow } from '../../store/pca-store.js';
import {
  buildCaCrl,
  caCertificate,
  caKey,
  caName,
  chainAbove,
  checkCanIssue,
  issuerCrlUrl,
  loadCa,
  provesKey,
  publishCrl,
  requireIssuer,
  type BuiltCaCrl,
} from './authority.js';
import { CA_KEY_USAGES, checkPathLength, checkWithinIssuer, issueCertificate, randomSerial, ROOT_PATH_LENGTH, serialDecimal, validityWindow, type ValidityInput } from './contents.js';
import { caIdParam, fromValidation, notAllowed, nowMs, quotaExceeded, ruleError, SETTING, uuid, type PcaContext, type PcaRequest, type PcaResponse } from './context.js';
import { caBody, caStatus, parseCrlConfiguration, type CrlConfiguration } from './model.js';

/**
 * How many CAs a new workspace may hold unless set otherwise (PCA's quota).
 *
 * @example
 * ```ts
 * initWorkspace('ca-ws', { [SETTING.CA_QUOTA]: String(DEFAULT_CA_QUOTA), ... }, { at: new Date(), migrations: PCA_MIGRATIONS });
 * ```
 */
export const DEFAULT_CA_QUOTA = 100;

function caQuotaOf(ctx: PcaContext): number {
  const v = Number(ctx.ws.setting(SETTING.CA_QUOTA));
  return Number.isInteger(v) && v >= 0 ? v : DEFAULT_CA_QUOTA;
}

function crlBaseUrl(ctx: PcaContext): string | undefined {
  return ctx.ws.setting(SETTING.CRL_BASE_URL);
}

/** The CSR's signature hash for a new CA key: SHA-384 for P-384, SHA-256 otherwise. */
function csrHash(keyAlgorithm: string): HashName {
  return keyAlgorithm === 'EC384' ? 'SHA384' : 'SHA256';
}

function pem(label: string, der: Buffer): string {
  // API answers carry \r\n line breaks (4.2.1.7, 4.2.1.10 NOTE) and no trailing break.
  return toPem(label, der, '\r\n').replace(/\r\n$/, '');
}

function storedCrlConfiguration(ctx: PcaContext, v: unknown): string | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as CrlConfiguration;
  if (c.enabled && !crlBaseUrl(ctx)) {
    throw ruleError(
      'pca.crl_configuration',
      'CRL publication is enabled, but the workspace has no crl_base_url for the distribution point URL. Set it first: ccmkit workspace config crl_base_url http://crl.example.com/pca.',
      'crl_configuration',
    );
  }
  const out: CrlConfiguration = { enabled: Boolean(c.enabled) };
  if (typeof c.crl_name === 'string') out.crl_name = c.crl_name;
  if (typeof c.obs_bucket_name === 'string') out.obs_bucket_name = c.obs_bucket_name;
  if (typeof c.valid_days === 'number') out.valid_days = c.valid_days;
  return JSON.stringify(out);
}

function publishAll(ctx: PcaContext, crls: BuiltCaCrl[]): void {
  for (const c of crls) publishCrl(ctx, c);
}

/** Inserts a CA row and claims its serial under its issuer (itself for a root), retrying on the (2^-159) collision. */
function insertCaWithSerial(ctx: PcaContext, row: CaRow, serialOwner: string, sign: (serial: bigint) => Buffer, serial: { value: bigint; decimal: string }): void {
  let s = serial;
  ctx.store.insertCa(row);
  for (let attempt = 0; !ctx.store.claimSerial(serialOwner, s.decimal); attempt++) {
    if (attempt > 3) throw new Error('serial number collisions: the random number generator is broken');
    s = randomSerial(ctx.random);
    ctx.store.updateCa(row.ca_id, { serial_number: s.decimal, certificate: sign(s.value) });
  }
}

// ---- create ------------------------------------------------------------------------

/**
 * `POST /v1/private-certificate-authorities` (4.2.1.2): a root, a subordinate under a local CA, or a PENDING subordinate.
 *
 * @example
 * ```ts
 * const r = createCa(ctx, { body: {
 *   type: 'ROOT', key_algorithm: 'EC384', signature_algorithm: 'SHA384',
 *   distinguished_name: { common_name: 'Example Root', country: 'CN', state: 'BJ', locality: 'BJ', organization: 'Example', organizational_unit: 'PKI' },
 *   validity: { type: 'YEAR', value: 20 },
 * } });
 * const caId = (r.body as { ca_id: string }).ca_id;
 * ```
 */
export function createCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const now = nowMs(ctx);
  const v = validatePcaCreateCa(req.body, { at: new Date(now) });
  if (!v.valid) throw fromValidation(v);
  const b = req.body as Record<string, unknown>;
  const type = b.type as 'ROOT' | 'SUBORDINATE';
  const keyAlgorithm = b.key_algorithm as string;
  const dn = b.distinguished_name as DistinguishedName;
  const attrs = dnToAttributes(dn);
  // 4.2.1.2 Function: a subordinate without issuer_id, signature_algorithm and validity is created PENDING.
  const pending = type === 'SUBORDINATE' && b.issuer_id === undefined && b.signature_algorithm === undefined && b.validity === undefined;
  const crlConfiguration = storedCrlConfiguration(ctx, b.crl_configuration);
  const requestedUsages = Array.isArray(b.key_usages) && b.key_usages.length ? (b.key_usages as KeyUsageName[]) : undefined;
  // Check the passphrase before making anything: a typo must not leave a key under another passphrase.
  ctx.vault.unlock();
  const issuer = type === 'SUBORDINATE' && !pending ? requireIssuer(ctx, b.issuer_id as string) : undefined;
  const pathLength = type === 'ROOT' ? ROOT_PATH_LENGTH : typeof b.path_length === 'number' ? b.path_length : pending ? null : 0;
  if (issuer && pathLength !== null) checkPathLength(pathLength, issuer.row);

  const key = generateKey(keyAlgorithm).keyObject;
  const spki = spkiOf(key);
  const caId = uuid(ctx.random);
  const row: CaRow = {
    ca_id: caId,
    type,
    status: pending ? 'PENDING' : 'ACTIVED',
    listed: 1,
    issuer_id: issuer?.row.ca_id ?? null,
    issuer_name: issuer ? caName(issuer.row) : null,
    path_length: pathLength,
    key_algorithm: keyAlgorithm,
    signature_algorithm: pending ? null : (b.signature_algorithm as string),
    gen_mode: 'GENERATE',
    serial_number: null,
    common_name: dn.common_name!,
    distinguished_name: JSON.stringify(dn),
    key_usages: requestedUsages ? JSON.stringify(requestedUsages) : null,
    crl_configuration: crlConfiguration,
    create_time: now,
    delete_time: null,
    not_before: null,
    not_after: null,
    certificate: null,
    certificate_chain: null,
    csr: null,
    private_key: ctx.vault.seal(key),
    revoked_time: null,
    revoke_reason: null,
    crl_number: 0,
    freeze_flag: 0,
  };

  if (pending) {
    row.csr = buildCsr({ subject: attrs, key, spki, hash: csrHash(keyAlgorithm) });
    ctx.ws.tx(() => {
      checkCaQuota(ctx, now);
      ctx.store.insertCa(row);
    });
    return { status: 200, body: { ca_id: caId } };
  }

  const window = validityWindow(b.validity as ValidityInput, now);
  if (issuer) checkWithinIssuer(window, issuer.row, caName(issuer.row));
  const hash = b.signature_algorithm as HashName;
  // 4.2.1.2 key_usages NOTE: fixed for a root ("the value you specified is ignored"), customisable for a subordinate.
  const usages = type === 'ROOT' ? CA_KEY_USAGES : (requestedUsages ?? CA_KEY_USAGES);
  const crlUrl = issuer ? issuerCrlUrl(ctx, issuer.row) : null;
  const sign = (serial: bigint): Buffer =>
    issueCertificate({
      serial,
      subject: attrs,
      issuer: issuer ? issuer.cert.subject.der : attrs,
      notBefore: window.notBefore,
      notAfter: window.notAfter,
      spki,
      signingKey: issuer ? issuer.key : key,
      issuerSpki: issuer ? issuer.spki : spki,
      hash,
      // A root's path length is not limited: no pathLenConstraint (Table 4-40 stores 7).
      ca: type === 'ROOT' ? {} : { pathLength: pathLength! },
      keyUsages: usages,
      crlUrl,
    });
  const serial = randomSerial(ctx.random);
  Object.assign(row, { serial_number: serial.decimal, not_before: window.notBefore, not_after: window.notAfter, certificate: sign(serial.value) });
  ctx.caKeys.set(caId, key);
  const crl = ctx.ws.tx(() => {
    checkCaQuota(ctx, now);
    if (issuer) checkCanIssue(ctx, ctx.store.getCa(issuer.row.ca_id)!);
    insertCaWithSerial(ctx, row, issuer ? issuer.row.ca_id : caId, sign, serial);
    return firstCrl(ctx, caId);
  });
  if (crl) publishCrl(ctx, crl);
  return { status: 200, body: { ca_id: caId } };
}

/** A CA that publishes CRLs gets CRL #1 (empty) as soon as it can sign, so its distribution point is never a dead link. */
function firstCrl(ctx: PcaContext, caId: string): BuiltCaCrl | undefined {
  const r = ctx.store.getCa(caId);
  if (!r?.certificate || !r.private_key || !parseCrlConfiguration(r.crl_configuration)?.enabled) return undefined;
  return buildCaCrl(ctx, caId);
}

function checkCaQuota(ctx: PcaContext, now: number): void {
  const quota = caQuotaOf(ctx);
  if (ctx.store.countCasInQuota(now) >= quota) throw quotaExceeded('CA', quota);
}

// ---- read -------------------------------------------------------------------------------

/**
 * `GET /v1/private-certificate-authorities` (4.2.1.1).
 *
 * @example
 * ```ts
 * const page = listCas(ctx, { query: { type: 'ROOT', limit: '10' } }).body as { certificate_authorities: CaBody[]; total: number };
 * ```
 */
export function listCas(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const v = validateListQuery(req.query ?? {}, CA_LIST_SPEC);
  if (!v.values) throw fromValidation(v);
  const q = v.values;
  const now = nowMs(ctx);
  // Scheduled deletions that have passed are gone; INTERMEDIATE_CA issued from a CSR are not listed (4.2.2.3).
  const where = ['listed = 1', "NOT (status = 'DELETED' AND delete_time <= @now)"];
  const params: Record<string, unknown> = { now };
  if (q.status === 'EXPIRED') where.push("status = 'ACTIVED' AND not_after < @now");
  else if (q.status === 'ACTIVED') where.push("status = 'ACTIVED' AND (not_after IS NULL OR not_after >= @now)");
  else if (q.status) {
    where.push('status = @status');
    params.status = q.status;
  }
  if (q.type) {
    where.push('type = @type');
    params.type = q.type;
  }
  if (q.name) {
    where.push('instr(common_name, @name) > 0');
    params.name = q.name;
  }
  const { rows, total } = ctx.ws.snapshot(() => ctx.store.listCas({ limit: q.limit, offset: q.offset, sortColumn: q.sortKey, desc: q.sortDir === 'DESC', where, params }));
  const base = crlBaseUrl(ctx);
  return { status: 200, body: { total, certificate_authorities: rows.map((r) => caBody(r, now, base)) } };
}

/**
 * `GET /v1/private-certificate-authorities/{ca_id}` (4.2.1.4).
 *
 * @example
 * ```ts
 * const ca = showCa(ctx, { params: { ca_id: caId } }).body as CaBody;
 * ```
 */
export function showCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const r = ctx.ws.read(() => loadCa(ctx, caIdParam(req)));
  return { status: 200, body: caBody(r, nowMs(ctx), crlBaseUrl(ctx)) };
}

/**
 * `GET /v1/private-certificate-authorities/quotas` (4.2.1.3).
 *
 * @example
 * ```ts
 * console.log(caQuota(ctx).body); // { quotas: { resources: [{ type: 'CERTIFICATE_AUTHORITY', used, quota }] } }
 * ```
 */
export function caQuota(ctx: PcaContext): PcaResponse {
  const used = ctx.ws.read(() => ctx.store.countCasInQuota(nowMs(ctx)));
  return { status: 200, body: { quotas: { resources: [{ type: 'CERTIFICATE_AUTHORITY', used, quota: caQuotaOf(ctx) }] } } };
}

/**
 * `GET /v1/private-certificate-authorities/{ca_id}/csr` (4.2.1.7): PENDING only.
 *
 * @example
 * ```ts
 * const { csr } = exportCaCsr(ctx, { params: { ca_id: pendingId } }).body as { csr: string };
 * ```
 */
export function exportCaCsr(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const r = ctx.ws.read(() => loadCa(ctx, caIdParam(req)));
  const status = caStatus(r, nowMs(ctx));
  if (status !== 'PENDING' || !r.csr) throw notAllowed(`CA ${r.ca_id} is ${status}; its CSR can be exported only while it is PENDING.`);
  return { status: 200, body: { csr: pem('CERTIFICATE REQUEST', r.csr) } };
}

/**
 * `POST /v1/private-certificate-authorities/{ca_id}/export` (4.2.1.10): ACTIVED or EXPIRED.
 *
 * @example
 * ```ts
 * const { certificate, certificate_chain } = exportCa(ctx, { params: { ca_id: caId } }).body as { certificate: string; certificate_chain: string };
 * ```
 */
export function exportCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const r = ctx.ws.read(() => loadCa(ctx, caIdParam(req)));
  const status = caStatus(r, nowMs(ctx));
  if ((status !== 'ACTIVED' && status !== 'EXPIRED') || !r.certificate) throw notAllowed(`CA ${r.ca_id} is ${status}; CA export needs ACTIVED or EXPIRED.`);
  const chain = ctx.ws.read(() => chainAbove(ctx, r));
  // certificate_chain has "Minimum: 1" (Table 4-119): a root's chain is the root itself.
  const shown = chain.length ? chain : [r.certificate];
  return { status: 200, body: { certificate: pem('CERTIFICATE', r.certificate), certificate_chain: shown.map((d) => pem('CERTIFICATE', d)).join('\r\n') } };
}

// ---- state changes -----------------------------------------------------------------------

/** One state transition, re-checked inside the transaction (another process may have moved the CA). */
function transition(ctx: PcaContext, req: PcaRequest, allowed: string[], what: string, set: (r: CaRow, now: number) => Partial<CaRow> | 'delete'): PcaResponse {
  const id = caIdParam(req);
  ctx.ws.tx(() => {
    const now = nowMs(ctx);
    const r = loadCa(ctx, id);
    const status = caStatus(r, now);
    if (!allowed.includes(status)) throw notAllowed(`CA ${id} is ${status}; ${what} needs ${allowed.join(' or ')}.`);
    const change = set(r, now);
    if (change === 'delete') ctx.store.deleteCa(id);
    else ctx.store.updateCa(id, change);
  });
  return { status: 204 };
}

/**
 * `POST .../{ca_id}/disable` (4.2.1.8): ACTIVED or EXPIRED to DISABLED.
 *
 * @example
 * ```ts
 * disableCa(ctx, { params: { ca_id: caId } }); // status 204
 * ```
 */
export function disableCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  return transition(ctx, req, ['ACTIVED', 'EXPIRED'], 'disable', () => ({ status: 'DISABLED' }));
}

/**
 * `POST .../{ca_id}/enable` (4.2.1.9): DISABLED to ACTIVED (not for a revoked CA).
 *
 * @example
 * ```ts
 * enableCa(ctx, { params: { ca_id: caId } }); // status 204
 * ```
 */
export function enableCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  return transition(ctx, req, ['DISABLED'], 'enable', (r) => {
    if (r.revoked_time !== null) throw notAllowed(`CA ${r.ca_id} was revoked (${r.revoke_reason}); a revoked CA cannot be enabled.`);
    return { status: 'ACTIVED' };
  });
}

/**
 * `POST .../{ca_id}/restore` (4.2.1.12): DELETED (before its deletion time) to DISABLED.
 *
 * @example
 * ```ts
 * restoreCa(ctx, { params: { ca_id: caId } }); // status 204
 * ```
 */
export function restoreCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  return transition(ctx, req, ['DELETED'], 'restore', () => ({ status: 'DISABLED', delete_time: null }));
}

/**
 * `DELETE .../{ca_id}?pending_days=N` (4.2.1.5): a PENDING CA is deleted at
 * once ("scheduled deletion is not supported"); a DISABLED one becomes
 * DELETED, gone after N days unless restored.
 *
 * @example
 * ```ts
 * deleteCa(ctx, { params: { ca_id: caId }, query: { pending_days: '7' } }); // status 204
 * ```
 */
export function deleteCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = caIdParam(req);
  const d = validatePendingDays(req.query?.pending_days);
  if (d.days === undefined) throw fromValidation(d);
  return transition(ctx, { params: { ca_id: id } }, ['PENDING', 'DISABLED'], 'delete', (r, now) => {
    if (r.status === 'PENDING') return 'delete';
    return { status: 'DELETED', delete_time: now + d.days! * 86_400_000 };
  });
}

/**
 * `POST .../{ca_id}/revoke` (4.2.1.13): a subordinate CA of a local issuer; the issuer's CRL is rebuilt in the same transaction.
 *
 * @example
 * ```ts
 * revokeCa(ctx, { params: { ca_id: subId }, body: { reason: 'KEY_COMPROMISE' } }); // status 204, the issuer's CRL rebuilt
 * ```
 */
export function revokeCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = caIdParam(req);
  const v = validatePcaRevoke(req.body ?? {});
  if (!v.request) throw fromValidation(v);
  const reason = v.request.reason;
  ctx.vault.unlock();
  const crl = ctx.ws.tx(() => {
    const now = nowMs(ctx);
    const r = loadCa(ctx, id);
    const status = caStatus(r, now);
    if (r.type !== 'SUBORDINATE') throw notAllowed(`CA ${id} is a root CA; only a subordinate CA can be revoked.`);
    if (r.revoked_time !== null) throw notAllowed(`CA ${id} is already revoked.`);
    if (!['ACTIVED', 'EXPIRED', 'DISABLED'].includes(status) || !r.certificate) throw notAllowed(`CA ${id} is ${status}; revoking needs ACTIVED, EXPIRED or DISABLED.`);
    if (!r.issuer_id) throw notAllowed(`CA ${id} was issued by a CA outside this workspace; revoke it there.`);
    ctx.store.updateCa(id, { revoked_time: Math.floor(now / 1000) * 1000, revoke_reason: reason, status: 'DISABLED' });
    return buildCaCrl(ctx, r.issuer_id);
  });
  publishAll(ctx, [crl]);
  return { status: 204 };
}

/**
 * `POST .../{ca_id}/activate` (4.2.1.6): a PENDING subordinate is signed by a
 * local CA over the key it was created with.
 *
 * @example
 * ```ts
 * activateCa(ctx, { params: { ca_id: subId }, body: { issuer_id: rootId, signature_algorithm: 'SHA384', validity: { type: 'YEAR', value: 5 } } });
 * ```
 */
export function activateCa(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = caIdParam(req);
  const now = nowMs(ctx);
  const v = validatePcaActivateCa(req.body, { at: new Date(now) });
  if (!v.valid) throw fromValidation(v);
  const b = req.body as Record<string, unknown>;
  const r = ctx.ws.read(() => loadCa(ctx, id));
  if (caStatus(r, now) !== 'PENDING' || !r.csr) throw notAllowed(`CA ${id} is ${caStatus(r, now)}; activation needs PENDING.`);
  const issuer = requireIssuer(ctx, b.issuer_id as string);
  if (issuer.row.ca_id === id) throw notAllowed('a CA cannot activate itself.');
  const pathLength = b.path_length as number;
  checkPathLength(pathLength, issuer.row);
  const window = validityWindow(b.validity as ValidityInput, now);
  checkWithinIssuer(window, issuer.row, caName(issuer.row));
  const csr = parseCsr(r.csr);
  const usages = r.key_usages ? (JSON.parse(r.key_usages) as KeyUsageName[]) : CA_KEY_USAGES;
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
      hash: b.signature_algorithm as HashName,
      ca: { pathLength },
      keyUsages: usages,
      crlUrl,
    });
  const crl = ctx.ws.tx(() => {
    const cur = loadCa(ctx, id);
    if (caStatus(cur, nowMs(ctx)) !== 'PENDING') throw notAllowed(`CA ${id} is ${caStatus(cur, nowMs(ctx))}; activation needs PENDING.`);
    checkCanIssue(ctx, ctx.store.getCa(issuer.row.ca_id)!);
    let serial = randomSerial(ctx.random);
    for (let i = 0; !ctx.store.claimSerial(issuer.row.ca_id, serial.decimal); i++) {
      if (i > 3) throw new Error('serial number collisions: the random number generator is broken');
      serial = randomSerial(ctx.random);
    }
    ctx.store.updateCa(id, {
      status: 'ACTIVED',
      issuer_id: issuer.row.ca_id,
      issuer_name: caName(issuer.row),
      path_length: pathLength,
      signature_algorithm: b.signature_algorithm as string,
      serial_number: serial.decimal,
      not_before: window.notBefore,
      not_after: window.notAfter,
      certificate: sign(serial.value),
    });
    return firstCrl(ctx, id);
  });
  if (crl) publishCrl(ctx, crl);
  return { status: 204 };
}

/**
 * `POST .../{ca_id}/import` (pca-import-ca-certificate.txt): the certificate an
 * outside CA issued for this PENDING CA's CSR, and optionally its chain.
 * The pre-flight (src/ccm/pca-import-ca.ts) runs first; then the CA's own key
 * must prove it belongs to the certificate, by signing.
 *
 * @example
 * ```ts
 * importCaCertificate(ctx, { params: { ca_id: pendingId }, body: { certificate: caPem, certificate_chain: rootPem } }); // status 204
 * ```
 */
export function importCaCertificate(ctx: PcaContext, req: PcaRequest): PcaResponse {
  const id = caIdParam(req);
  const r = ctx.ws.read(() => loadCa(ctx, id));
  const now = nowMs(ctx);
  if (caStatus(r, now) !== 'PENDING' || !r.csr) throw notAllowed(`CA ${id} is ${caStatus(r, now)}; a certificate can be imported only while it is PENDING.`);
  const csr = parseCsr(r.csr);
  const v = validatePcaImportCa(req.body, csr);
  if (!v.valid) throw fromValidation(v);
  const b = req.body as { certificate: string; certificate_chain?: string };
  const cert = parseCertificate(readInput(Buffer.from(b.certificate, 'utf8'), 'certificate').objects[0]!.der);
  const chain: Certificate[] =
    typeof b.certificate_chain === 'string' && b.certificate_chain.trim()
      ? readInput(Buffer.from(b.certificate_chain, 'utf8'), 'certificate_chain').objects.map((o) => parseCertificate(o.der))
      : [];
  const key = caKey(ctx, r);
  if (!provesKey(key, cert.publicKey)) throw ruleError('pca-import-ca.certificate.key', "the CA's private key does not sign for the certificate's public key.", 'certificate');
  const hash = cert.signatureAlgorithm.hash;
  const bc = cert.extensions.basicConstraints;
  // The issuer may be one of this workspace's CAs (signed by hand, outside ccmkit): link it when the chain starts with it.
  const localIssuer = chain.length ? ctx.store.allCas().find((c) => c.certificate?.equals(chain[0]!.der)) : undefined;
  const crl = ctx.ws.tx(() => {
    const cur = loadCa(ctx, id);
    if (caStatus(cur, nowMs(ctx)) !== 'PENDING') throw notAllowed(`CA ${id} is ${caStatus(cur, nowMs(ctx))}; a certificate can be imported only while it is PENDING.`);
    const serial = serialDecimal(cert.serial);
    if (localIssuer && !ctx.store.claimSerial(localIssuer.ca_id, serial)) throw ruleError('pca-import-ca.certificate.parse', `the issuer ${localIssuer.common_name} has used serial ${serial} already.`, 'certificate');
    ctx.store.updateCa(id, {
      status: 'ACTIVED',
      gen_mode: 'IMPORT',
      issuer_id: localIssuer?.ca_id ?? null,
      issuer_name: commonNames(cert.issuer)[0] ?? null,
      path_length: bc?.path_length ?? ROOT_PATH_LENGTH,
      signature_algorithm: ['SHA256', 'SHA384', 'SHA512'].includes(hash) ? hash : null,
      serial_number: serial,
      not_before: cert.notBefore.getTime(),
      not_after: cert.notAfter.getTime(),
      common_name: commonNames(cert.subject)[0] ?? r.common_name,
      distinguished_name: JSON.stringify(toDistinguishedName(cert.subject)),
      certificate: cert.der,
      certificate_chain: chain.length ? Buffer.concat(chain.map((c) => c.der)) : null,
    });
    return firstCrl(ctx, id);
  });
  if (crl) publishCrl(ctx, crl);
  return { status: 204 };
}

/**
 * ccmkit's own operation (no PCA path): the CA's next complete CRL, recorded and written to crl/.
 *
 * @example
 * ```ts
 * const r = generateCaCrl(ctx, { params: { ca_id: caId }, validDays: 7 }); // the CRL is in crl/ of the workspace
 * ```
 */
export function generateCaCrl(ctx: PcaContext, req: PcaRequest & { validDays?: number }): PcaResponse {
  const id = caIdParam(req);
  ctx.vault.unlock();
  const crl = ctx.ws.tx(() => {
    const r = loadCa(ctx, id);
    if (!r.certificate || !r.private_key) throw notAllowed(`CA ${id} is ${caStatus(r, nowMs(ctx))}${r.private_key ? '' : ' without a key here'}; it has no CRL to sign.`);
    caCertificate(ctx, r);
    return buildCaCrl(ctx, id, req.validDays);
  });
  const path = publishCrl(ctx, crl);
  return {
    status: 200,
    body: { ca_id: id, crl_number: crl.crlNumber, this_update: crl.thisUpdate, next_update: crl.nextUpdate, revoked_count: crl.revokedCount, file: path, size: crl.der.length },
  };
}
