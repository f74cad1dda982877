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
  verify(pk: PublicKeyInfo, ko: KeyObject): boolean;
}

export function parseCrlForChain(der: Uint8Array): ChainCrl {
  // The CRL engine's reader: one parser for every CRL ccmkit touches.
  const crl = parseCrl(der);
  const revoked = new Set<string>();
  for (const e of crlEntries(crl)) revoked.add(e.serial);
  const n = crl.extensions.find((e) => e.oid === OID.crlNumber);
  return {
    issuer: crl.issuer,
    issuerKey: normalisedKey(crl.issuer),
    revoked,
    crlNumber: !n ? 'missing' : n.critical ? 'critical' : 'present',
    verify: (pkInfo, ko) => verifySignature(crl.signatureAlgorithm, pkInfo, crl.tbs, crl.signature, ko).valid,
  };
}

/**
 * Revocation status of `cert` under the CRLs of its issuer. CRLs with the
 * issuer's name but not its signature are ignored (another CA's CRL).
 * Returns undefined when no CRL objects, else what is wrong.
 */
export function checkRevocation(
  crls: readonly ChainCrl[],
  cert: Certificate,
  issuer: Certificate,
  _at: Date,
  verify: (crl: ChainCrl) => boolean,
): { revoked: boolean; hint: string } | undefined {
  const key = normalisedKey(cert.issuer);
  for (const crl of crls) {
    if (crl.issuerKey !== key || !verify(crl)) continue;
    // RFC 5280 6.3.3 (f): the CRL issuer must be allowed to sign CRLs.
    const ku = issuer.extensions.keyUsage;
    if (ku && !ku.includes('cRLSign')) return { revoked: false, hint: 'the CRL issuer\'s keyUsage lacks cRLSign (RFC 5280 4.2.1.3)' };
    // RFC 5280 5.2.3: conforming CRL issuers MUST include a non-critical CRL number.
    if (crl.crlNumber === 'missing') return { revoked: false, hint: 'the CRL has no CRLNumber extension (RFC 5280 5.2.3)' };
    if (crl.crlNumber === 'critical') return { revoked: false, hint: 'the CRL marks CRLNumber critical (RFC 5280 5.2.3: MUST be non-critical)' };
    if (crl.revoked.has(cert.serial)) return { revoked: true, hint: `serial ${cert.serial} is revoked by a CRL of ${issuer.subject.rdns.length ? 'its issuer' : 'the issuer'}` };
  }
  return undefined;
}
