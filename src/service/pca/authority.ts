// Shared by the CA and certificate operations: finding a CA, checking that it
// may issue, opening its key (once per process), its chain, and its CRL.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { reasonCodeFor, isCcmReason } from '../../ccm/revocation.js';
import { spkiOf } from '../../engine/builder.js';
import { parseCertificate, type Certificate } from '../../engine/certificate.js';
import { buildCrl, revokedList, type CrlHash } from '../../engine/crl.js';
import { readTlv } from '../../engine/der.js';
import { proveKeyPair } from '../../engine/match.js';
import { keyIdentifier } from '../../engine/builder.js';
import type { PublicKeyInfo } from '../../engine/publickey.js';
import type { CaRow } from '../../store/pca-store.js';
import { issuerNotFound, notAllowed, notFound, nowMs, SETTING, type PcaContext } from './context.js';
import { caGone, caStatus, crlDistributionPoint, crlFileName, parseCrlConfiguration } from './model.js';

/** A CA by ID, or 404 PCA.00030102 (also for a CA whose scheduled deletion has passed). */
export function loadCa(ctx: PcaContext, id: string): CaRow {
  const r = ctx.store.getCa(id);
  if (!r || caGone(r, nowMs(ctx))) throw notFound('CA', id);
  return r;
}

export function caCertificate(ctx: PcaContext, r: CaRow): Certificate {
  if (!r.certificate) throw new Error(`CA ${r.ca_id} has no certificate`);
  const key = `${r.ca_id}:${r.serial_number}`;
  let c = ctx.caCerts.get(key);
  if (!c) {
    c = parseCertificate(r.certificate);
    ctx.caCerts.set(key, c);
  }
  return c;
}

/** The CA's private key, decrypted once per process. */
export function caKey(ctx: PcaContext, r: CaRow): KeyObject {
  let k = ctx.caKeys.get(r.ca_id);
  if (!k) {
    if (!r.private_key) throw notAllowed(`CA ${r.ca_id} has no private key in this workspace (issued from a CSR): it cannot sign.`);
    k = ctx.vault.open(r.private_key, `CA ${r.ca_id}`);
    ctx.caKeys.set(r.ca_id, k);
  }
  return k;
}

/** The one place a private key is paired with a certificate or CSR: proven by signing (engine/match.ts). */
export function provesKey(key: KeyObject, pub: PublicKeyInfo): boolean {
  return proveKeyPair(key, pub);
}

export interface Issuer {
  row: CaRow;
  cert: Certificate;
  key: KeyObject;
  spki: Buffer;
}

/**
 * The CA that will sign: it exists (404 PCA.00030103), is ACTIVED and not
 * expired, not revoked, and holds its key here (403 PCA.00030201).
 */
export function requireIssuer(ctx: PcaContext, issuerId: string): Issuer {
  const row = ctx.store.getCa(issuerId.toLowerCase());
  if (!row || caGone(row, nowMs(ctx))) throw issuerNotFound(issuerId);
  checkCanIssue(ctx, row);
  const key = caKey(ctx, row);
  const cert = caCertificate(ctx, row);
  return { row, cert, key, spki: cert.publicKey.spki };
}

/** The issuing rule alone (re-checked inside the write transaction, in case another process changed the CA). */
export function checkCanIssue(ctx: PcaContext, row: CaRow): void {
  const status = caStatus(row, nowMs(ctx));
  if (status !== 'ACTIVED') throw notAllowed(`the issuer CA ${row.ca_id} is ${status}; issuing needs an ACTIVED issuer.`);
  if (row.revoked_time !== null) throw notAllowed(`the issuer CA ${row.ca_id} is revoked.`);
  if (!row.private_key || !row.certificate) throw notAllowed(`the issuer CA ${row.ca_id} has no private key in this workspace (issued from a CSR): it cannot sign.`);
}

/** The URL the issuer's certificates name as their CRL distribution point, when its CRL publication is enabled. */
export function issuerCrlUrl(ctx: PcaContext, issuer: CaRow): string | null {
  return crlDistributionPoint(issuer.ca_id, parseCrlConfiguration(issuer.crl_configuration), ctx.ws.setting(SETTING.CRL_BASE_URL));
}

/** The CA's subject common name, as PCA reports issuer_name. */
export function caName(r: CaRow): string {
  return r.common_name;
}

/** Splits concatenated DERs (how an imported CA's chain is stored). */
export function splitDers(buf: Buffer | null): Buffer[] {
  const out: Buffer[] = [];
  if (!buf) return out;
  let p = 0;
  while (p < buf.length) {
    const t = readTlv(buf, p, buf.length);
    out.push(buf.subarray(t.start, t.end));
    p = t.end;
  }
  return out;
}

/**
 * The issuers above `r`, nearest first (intermediate > ... > root): local
 * parents by issuer_id, then the chain an imported CA came with.
 */
export function chainAbove(ctx: PcaContext, r: CaRow): Buffer[] {
  const out: Buffer[] = [];
  let cur: CaRow | undefined = r;
  for (let depth = 0; cur && depth < 16; depth++) {
    if (cur.gen_mode === 'IMPORT') {
      out.push(...splitDers(cur.certificate_chain));
      break;
    }
    if (!cur.issuer_id) break;
    const parent = ctx.store.getCa(cur.issuer_id);
    if (!parent?.certificate) break;
    out.push(parent.certificate);
    cur = parent;
  }
  return out;
}

// ---- CRLs ----------------------------------------------------------------------------

/**
 * A CA's CRL built inside a transaction, to publish once it committed.
 *
 * @example
 * ```ts
 * const crls: BuiltCaCrl[] = revokeMany(ctx, items, onError);
 * ```
 */
export interface BuiltCaCrl {
  caId: string;
  crlNumber: number;
  name: string;
  der: Buffer;
  thisUpdate: number;
  nextUpdate: number;
  revokedCount: number;
}

const DEFAULT_CRL_DAYS = 7;

/**
 * Builds the CA's next complete CRL and records it (call inside `tx`): CRL
 * number + 1, every certificate and subordinate CA it revoked, signed with
 * the CA key and the CA's signature hash; nextUpdate after valid_days (7 when
 * the CA has no CRL configuration).
 */
export function buildCaCrl(ctx: PcaContext, caId: string, validDays?: number): BuiltCaCrl {
  const row = ctx.store.getCa(caId);
  if (!row) throw notFound('CA', caId);
  if (!row.certificate) throw notAllowed(`CA ${caId} is ${row.status} and has no certificate yet: it has no CRL.`);
  const key = caKey(ctx, row);
  const cert = caCertificate(ctx, row);
  const cfg = parseCrlConfiguration(row.crl_configuration);
  const days = validDays ?? cfg?.valid_days ?? DEFAULT_CRL_DAYS;
  const now = Math.floor(nowMs(ctx) / 1000) * 1000;
  const revoked = ctx.store.revokedBy(caId);
  const list = revokedList(
    revoked.map((e) => ({
      serial: BigInt(e.serial_number),
      revokedAt: new Date(e.revoked_time),
      reason: e.revoke_reason && isCcmReason(e.revoke_reason) ? reasonCodeFor(e.revoke_reason) : undefined,
    })),
  );
  const crlNumber = row.crl_number + 1;
  const hash = (['SHA256', 'SHA384', 'SHA512'].includes(row.signature_algorithm ?? '') ? row.signature_algorithm : 'SHA256') as CrlHash;
  const ski = cert.extensions.subjectKeyId ? Buffer.from(cert.extensions.subjectKeyId, 'hex') : keyIdentifier(cert.publicKey.spki);
  const built = buildCrl({
    issuer: cert.subject.der,
    authorityKeyId: ski,
    signingKey: key,
    hash,
    thisUpdate: new Date(now),
    nextUpdate: new Date(now + days * 86_400_000),
    crlNumber: BigInt(crlNumber),
    revoked: list,
  });
  const der = Buffer.concat(built.chunks, built.length);
  ctx.store.updateCa(caId, { crl_number: crlNumber });
  ctx.store.insertCrl({ ca_id: caId, crl_number: crlNumber, this_update: now, next_update: now + days * 86_400_000, revoked_count: list.count, crl: der });
  return { caId, crlNumber, name: crlFileName(caId, cfg), der, thisUpdate: now, nextUpdate: now + days * 86_400_000, revokedCount: list.count };
}

/**
 * Writes a built CRL to the workspace's crl/ folder (after its transaction committed).
 *
 * @example
 * ```ts
 * for (const c of revokeMany(ctx, items, onError)) console.log(publishCrl(ctx, c));
 * ```
 */
export function publishCrl(ctx: PcaContext, c: BuiltCaCrl): string {
  return ctx.ws.publish(`crl/${c.name}`, c.der);
}

export function spkiOfKey(k: KeyObject): Buffer {
  return spkiOf(k.type === 'private' ? createPublicKey(k) : k);
}

