// The slice of CRL handling chain validation needs (RFC 5280 5.x, 6.3):
// which serials a CRL revokes, whether it is signed by the certificate's
// issuer, and the profile rules a relying party must enforce on it. Full CRL
// reading and building live with the CRL work; this stays small on purpose.

import type { KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.js';
import { serialHex } from './certificate.js';
import { DerReader, Tag, bytesOf, ctx, oidOf, rawOf, bitStringBytes } from './der.js';
import { normalisedKey, parseName, type Name } from './name.js';
import { OID } from './oids.js';
import type { PublicKeyInfo } from './publickey.js';
import { parseSignatureAlgorithm, verifySignature } from './signature.js';

export interface ChainCrl {
  issuer: Name;
  issuerKey: string;
  revoked: Set<string>;
  crlNumber: 'present' | 'missing' | 'critical';
  verify(pk: PublicKeyInfo, ko: KeyObject): boolean;
}

export function parseCrlForChain(der: Uint8Array): ChainCrl {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.length);
  const outer = new DerReader(buf);
  const c = outer.enter(Tag.SEQUENCE, 'CertificateList');
  outer.done('CertificateList');
  const tbsT = c.expect(Tag.SEQUENCE, 'tbsCertList');
  const algT = c.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const sigT = c.expect(Tag.BIT_STRING, 'signatureValue');
  c.done('CertificateList');
  const t = DerReader.of(buf, tbsT);
  t.optional(Tag.INTEGER);
  t.expect(Tag.SEQUENCE, 'signature');
  const issuer = parseName(buf, t.expect(Tag.SEQUENCE, 'issuer'));
  t.next();
  const pk = t.peekTag();
  if (pk === Tag.UTC_TIME || pk === Tag.GENERALIZED_TIME) t.next();
  const revoked = new Set<string>();
  const rs = t.optional(Tag.SEQUENCE);
  if (rs) {
    const r = DerReader.of(buf, rs);
    while (r.more()) {
      const e = r.enter(Tag.SEQUENCE, 'revokedCertificate');
      revoked.add(serialHex(bytesOf(buf, e.expect(Tag.INTEGER, 'userCertificate'))));
    }
  }
  let crlNumber: ChainCrl['crlNumber'] = 'missing';
  const extT = t.optional(ctx(0));
  if (extT) {
    const exts = DerReader.of(buf, extT).enter(Tag.SEQUENCE, 'crlExtensions');
    while (exts.more()) {
      const e = exts.enter(Tag.SEQUENCE, 'Extension');
      const oid = oidOf(buf, e.expect(Tag.OID, 'extnID'));
      const crit = e.optional(Tag.BOOLEAN);
      if (oid === OID.crlNumber) crlNumber = crit && buf[crit.body] !== 0 ? 'critical' : 'present';
    }
  }
  t.done('tbsCertList');
  const alg = parseSignatureAlgorithm(buf, algT);
  const tbs = rawOf(buf, tbsT);
  const sig = bitStringBytes(buf, sigT).bytes;
  return {
    issuer,
    issuerKey: normalisedKey(issuer),
    revoked,
    crlNumber,
    verify: (pkInfo, ko) => verifySignature(alg, pkInfo, tbs, sig, ko).valid,
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
