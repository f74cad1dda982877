// The slice of CRL handling chain validation needs (RFC 5280 5.x, 6.3):
// which serials a CRL revokes, whether it is signed by the certificate's
// issuer, and the profile rules a relying party must enforce on it. Reading is
// the CRL engine's (crl.ts); this keeps only what path validation asks.

import type { KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.js';
import { crlEntries, parseCrl } from './crl.js';
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
  return out;
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
  return out;
}
