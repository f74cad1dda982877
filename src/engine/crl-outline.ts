// The outline of an X.509 CRL (RFC 5280 5.1): issuer, dates, entry count.
// Enough for `inspect`; full CRL reading and building live with the CRL work.

import { DerReader, Tag, smallInt, timeOf } from './der.js';
import { parseName, type Name } from './name.js';
import { parseSignatureAlgorithm, type SignatureAlgorithm } from './signature.js';

export interface CrlOutline {
  version: number;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  revokedCount: number;
  signatureAlgorithm: SignatureAlgorithm;
}

export function parseCrlOutline(der: Uint8Array): CrlOutline {
  const outer = new DerReader(der);
  const c = outer.enter(Tag.SEQUENCE, 'CertificateList');
  outer.done('CertificateList');
  const t = c.enter(Tag.SEQUENCE, 'tbsCertList');
  const algT = c.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  c.expect(Tag.BIT_STRING, 'signatureValue');
  c.done('CertificateList');
  let version = 1;
  const v = t.optional(Tag.INTEGER);
  if (v) version = smallInt(der, v) + 1;
  t.expect(Tag.SEQUENCE, 'signature');
  const issuer = parseName(der, t.expect(Tag.SEQUENCE, 'issuer'));
  const thisUpdate = timeOf(der, t.next());
  let nextUpdate: Date | undefined;
  const pk = t.peekTag();
  if (pk === Tag.UTC_TIME || pk === Tag.GENERALIZED_TIME) nextUpdate = timeOf(der, t.next());
  let revokedCount = 0;
  const revoked = t.optional(Tag.SEQUENCE);
  if (revoked) {
    const r = DerReader.of(der, revoked);
    while (r.more()) {
      r.expect(Tag.SEQUENCE, 'revokedCertificate');
      revokedCount++;
    }
  }
  const out: CrlOutline = { version, issuer, thisUpdate, revokedCount, signatureAlgorithm: parseSignatureAlgorithm(der, algT) };
  if (nextUpdate) out.nextUpdate = nextUpdate;
  return out;
}
