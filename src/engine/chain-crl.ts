// The slice of CRL handling chain validation needs (RFC 5280 5.x, 6.3):
// which serials a CRL revokes, whether it is signed by the certificate's
// issuer, and the profile rules a relying party must enforce on it. Reading is
// the CRL engine's (crl.ts); this keeps only what path validation asks.

import type { KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.js';
import { crlEntries, parseCrl } from './crl.js';
import { DerReader, Tag, ctx, ctxPrim, rawOf, type Tlv } from './der.js';
import { normalisedKey, type Name } from './name.js';
import { OID } from './oids.js';
import type { PublicKeyInfo } from './publickey.js';
import { verifySignature } from './signature.js';

export interface ChainCrl {
  issuer: Name;
  issuerKey: string;
  revoked: Set<string>;
  crlNumber: 'present' | 'missing' | 'critical';
  thisUpdate: Date;
  nextUpdate?: Date;
  /** What makes the CRL unusable whatever the certificate (unknown critical extensions, duplicate entries). */
  unusable: string[];
  /** Serials whose entry carries an unknown critical extension: such an entry cannot be processed (RFC 5280 5.3). */
  badEntries: Set<string>;
  /** The issuingDistributionPoint scope, when the CRL has one (RFC 5280 5.2.5). */
  scope?: CrlScope;
  verify(pk: PublicKeyInfo, ko: KeyObject): boolean;
}

export function parseCrlForChain(der: Uint8Array): ChainCrl {
  // The CRL engine's reader: one parser for every CRL ccmkit touches.
  const crl = parseCrl(der);
  const revoked = new Set<string>();
  const badEntries = new Set<string>();
  const unusable = crl.problems.filter((p) => p.startsWith('unknown critical CRL extension'));
  let duplicate: string | undefined;
  for (const e of crlEntries(crl)) {
    if (revoked.has(e.serial)) duplicate ??= e.serial;
    revoked.add(e.serial);
    if (e.problems.some((p) => p.startsWith('unknown critical entry extension'))) badEntries.add(e.serial);
  }
  // A serial listed twice is ambiguous (which entry's reason and date?); pyca and the CA/B BRs refuse such CRLs.
  if (duplicate !== undefined) unusable.push(`serial ${duplicate} is listed twice`);
  const n = crl.extensions.find((e) => e.oid === OID.crlNumber);
  const out: ChainCrl = {
    issuer: crl.issuer,
    issuerKey: normalisedKey(crl.issuer),
    revoked,
    crlNumber: !n ? 'missing' : n.critical ? 'critical' : 'present',
    thisUpdate: crl.thisUpdate,
    unusable,
    badEntries,
    verify: (pkInfo, ko) => verifySignature(crl.signatureAlgorithm, pkInfo, crl.tbs, crl.signature, ko).valid,
  };
  if (crl.nextUpdate) out.nextUpdate = crl.nextUpdate;
  const idp = crl.extensions.find((e) => e.oid === OID.issuingDistributionPoint);
  if (idp) {
    const sc = parseScope(idp.value);
    if (typeof sc === 'string') unusable.push(sc);
    else out.scope = sc;
  }
  return out;
}

/** What an issuingDistributionPoint limits a CRL to (RFC 5280 5.2.5). */
export interface CrlScope {
  /** DER of each GeneralName of distributionPoint.fullName. */
  fullNames?: string[];
  relativeName: boolean;
  onlyUser: boolean;
  onlyCa: boolean;
  onlySomeReasons: boolean;
  indirect: boolean;
  onlyAttribute: boolean;
}

function flag(r: DerReader, tag: number, buf: Buffer): boolean {
  const t = r.optional(tag);
  return t !== undefined && t.end - t.body === 1 && buf[t.body] !== 0;
}

/** DER of the GeneralNames inside a DistributionPointName's fullName, or `relative` for nameRelativeToCRLIssuer. */
function distributionPointNames(buf: Buffer, dpn: Tlv): string[] | 'relative' {
  const r = DerReader.of(buf, dpn);
  const t = r.next();
  if (t.tag === ctx(1)) return 'relative';
  if (t.tag !== ctx(0)) throw new Error('unknown DistributionPointName');
  const names: string[] = [];
  const g = DerReader.of(buf, t);
  while (g.more()) names.push(rawOf(buf, g.next()).toString('hex'));
  return names;
}

function parseScope(v: Buffer): CrlScope | string {
  try {
    const r = new DerReader(v);
    const s = r.enter(Tag.SEQUENCE, 'IssuingDistributionPoint');
    const sc: CrlScope = { relativeName: false, onlyUser: false, onlyCa: false, onlySomeReasons: false, indirect: false, onlyAttribute: false };
    const dp = s.optional(ctx(0));
    if (dp) {
      const n = distributionPointNames(v, dp);
      if (n === 'relative') sc.relativeName = true;
      else sc.fullNames = n;
    }
    sc.onlyUser = flag(s, ctxPrim(1), v);
    sc.onlyCa = flag(s, ctxPrim(2), v);
    sc.onlySomeReasons = s.optional(ctxPrim(3)) !== undefined;
    sc.indirect = flag(s, ctxPrim(4), v);
    sc.onlyAttribute = flag(s, ctxPrim(5), v);
    s.done('IssuingDistributionPoint');
    return sc;
  } catch (e) {
    return `malformed issuingDistributionPoint: ${(e as Error).message}`;
  }
}

/** The fullName GeneralNames (DER hex) of a certificate's cRLDistributionPoints, or undefined without the extension. */
function certificateDistributionNames(cert: Certificate): string[] | undefined {
  const ext = cert.extensions.list.find((e) => e.oid === OID.crlDistributionPoints);
  if (!ext) return undefined;
  const out: string[] = [];
  try {
    const r = new DerReader(ext.value);
    const s = r.enter(Tag.SEQUENCE, 'CRLDistributionPoints');
    while (s.more()) {
      const d = s.enter(Tag.SEQUENCE, 'DistributionPoint');
      const dp = d.optional(ctx(0));
      if (dp) {
        const n = distributionPointNames(ext.value, dp);
        if (n !== 'relative') out.push(...n);
      }
    }
  } catch {
    // A malformed extension names no distribution point.
  }
  return out;
}

/**
 * Why `crl` does not cover `cert` (RFC 5280 6.3.3 (b)(2)), or undefined when it
 * does. ccmkit reads complete, direct CRLs only: partial-reason and indirect
 * CRLs cover nothing here, which fails closed.
 */
function outOfScope(crl: ChainCrl, cert: Certificate): string | undefined {
  const sc = crl.scope;
  if (!sc) return undefined;
  if (sc.onlyAttribute) return 'it only covers attribute certificates';
  if (sc.indirect) return 'it is an indirect CRL (not supported)';
  if (sc.onlySomeReasons) return 'it covers only some revocation reasons';
  const isCa = cert.extensions.basicConstraints?.ca === true;
  if (sc.onlyUser && isCa) return 'it only covers end-entity certificates';
  if (sc.onlyCa && !isCa) return 'it only covers CA certificates';
  if (sc.relativeName) return 'its distribution point is relative to the CRL issuer (not supported)';
  if (sc.fullNames) {
    const mine = certificateDistributionNames(cert);
    if (!mine) return 'it is scoped to a distribution point and the certificate has no cRLDistributionPoints';
    if (!mine.some((n) => sc.fullNames!.includes(n))) return "its distribution point is not one of the certificate's";
  }
  return undefined;
}

export interface RevocationFinding {
  revoked: boolean;
  hint: string;
  rule: string;
}

/**
 * Revocation status of `cert` under the CRLs of its issuer (by name). A CRL
 * with the issuer's name that the issuer's key does not verify is an error
 * (OpenSSL: "CRL signature failure"), unless another CA of the input with the
 * same name signed it: then it is that CA's CRL. Returns every finding; none
 * when no CRL speaks for the certificate or all say it is good.
 */
export function checkRevocation(
  crls: readonly ChainCrl[],
  cert: Certificate,
  issuer: Certificate,
  at: Date,
  verify: (crl: ChainCrl) => boolean,
  signedByOther: (crl: ChainCrl) => boolean = () => false,
): RevocationFinding[] {
  const key = normalisedKey(cert.issuer);
  const out: RevocationFinding[] = [];
  const bad = (hint: string, rule: string): void => void out.push({ revoked: false, hint, rule });
  const atS = Math.floor(at.getTime() / 1000);
  const outside: string[] = [];
  let covered = false;
  for (const crl of crls) {
    if (crl.issuerKey !== key) continue;
    if (!verify(crl)) {
      if (!signedByOther(crl)) bad("a CRL names the issuer but its signature does not verify with the issuer's key", 'RFC 5280 6.3.3 (g)');
      continue;
    }
    // RFC 5280 6.3.3 (f): the CRL issuer must be allowed to sign CRLs.
    const ku = issuer.extensions.keyUsage;
    if (ku && !ku.includes('cRLSign')) {
      bad("the CRL issuer's keyUsage lacks cRLSign", 'RFC 5280 4.2.1.3 / 6.3.3 (f)');
      continue;
    }
    const why = outOfScope(crl, cert);
    if (why) {
      outside.push(why);
      continue;
    }
    covered = true;
    for (const u of crl.unusable) bad(`the CRL cannot be used: ${u}`, 'RFC 5280 5.2 / 5.3');
    // RFC 5280 5.2.3: conforming CRL issuers MUST include a non-critical CRL number
    // (x509-limbo crl::crlnumber-missing expects the chain to fail).
    if (crl.crlNumber === 'missing') bad('the CRL has no CRLNumber extension', 'RFC 5280 5.2.3');
    if (crl.crlNumber === 'critical') bad('the CRL marks CRLNumber critical (MUST be non-critical)', 'RFC 5280 5.2.3');
    if (Math.floor(crl.thisUpdate.getTime() / 1000) > atS) bad(`the CRL is not yet valid (thisUpdate ${crl.thisUpdate.toISOString()})`, 'RFC 5280 5.1.2.4');
    if (crl.nextUpdate && Math.floor(crl.nextUpdate.getTime() / 1000) < atS) bad(`the CRL is out of date (nextUpdate ${crl.nextUpdate.toISOString()})`, 'RFC 5280 5.1.2.5 / 6.3.3 (a)');
    if (crl.badEntries.has(cert.serial)) bad(`the CRL entry for serial ${cert.serial} has an unknown critical extension`, 'RFC 5280 5.3');
    if (crl.revoked.has(cert.serial)) out.push({ revoked: true, hint: `serial ${cert.serial} is revoked by a CRL of its issuer`, rule: 'RFC 5280 6.3.3' });
  }
  // CRLs of the issuer were given, but none covers this certificate: its status is unknown (RFC 5280 6.3.3 (k)).
  if (!covered && outside.length) bad(`no CRL of the issuer covers this certificate: ${outside.join('; ')}`, 'RFC 5280 5.2.5 / 6.3.3 (b)(2)');
  return out;
}
