// PKCS#7 / CMS "certs-only" SignedData (RFC 5652 5.1, RFC 2315 9.1): the
// .p7b/.p7c files Windows CAs and `openssl crl2pkcs7 -nocrl` hand out, a bag
// of certificates (and optionally CRLs) with no content and no signers.
//
// Reading accepts BER (indefinite lengths), as Windows writes these files;
// signed content and signer infos are not verified or used: ccmkit reads the
// bag only and says so. Writing is definite-length DER with the certificate
// SET OF in DER order, which `openssl pkcs7 -print_certs` and Windows read.

import { DerError, DerReader, Tag, ctx, explicit, integer, oid, oidOf, rawOf, readTlv, seq, set, tlv } from './der.js';
import { CcmError, LocalCode } from './errors.js';

export const PKCS7_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
} as const;

export interface Pkcs7Contents {
  certificates: Buffer[];
  crls: Buffer[];
  /** Signer infos present (the bag is then a signed message; ccmkit does not verify it). */
  signers: number;
  /** The encapsulated content type, and whether content is present. */
  contentType: string;
  hasContent: boolean;
}

/** Most certificates or CRLs one bag may hold. */
const MAX_ITEMS = 10_000;

/** Zero octets only, and not many of them. */
export function isZeroPadding(buf: Uint8Array, from: number): boolean {
  if (buf.length - from > 65536) return false;
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

function bad(detail: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Not a readable PKCS#7 certificate bag: ${detail}.`);
}

/** True when `der` starts like a ContentInfo holding SignedData (cheap; for classification). */
export function looksLikePkcs7(der: Uint8Array): boolean {
  try {
    const top = readTlv(der, 0, der.length, true);
    if (top.tag !== Tag.SEQUENCE) return false;
    const r = DerReader.of(der, top, true);
    const t = r.next();
    return t.tag === Tag.OID && oidOf(der, t) === PKCS7_OID.signedData && r.peekTag() === ctx(0);
  } catch {
    return false;
  }
}

export function readPkcs7(der: Uint8Array): Pkcs7Contents {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.length);
  try {
    const top = readTlv(buf, 0, buf.length, true);
    if (top.tag !== Tag.SEQUENCE) throw new DerError('not a SEQUENCE', 0);
    // Windows writes a few zero octets after its exports (dotnet/runtime#59212); anything else trailing is refused.
    if (top.end !== buf.length && !isZeroPadding(buf, top.end)) throw new DerError('trailing data after the ContentInfo', top.end);
    const ci = DerReader.of(buf, top, true);
    const type = oidOf(buf, ci.expect(Tag.OID, 'contentType'));
    if (type !== PKCS7_OID.signedData) throw new DerError(`content type ${type} is not signedData`, 0);
    const sd = ci.enter(ctx(0), 'content').enter(Tag.SEQUENCE, 'SignedData');
    sd.expect(Tag.INTEGER, 'version');
    sd.expect(Tag.SET, 'digestAlgorithms');
    const eci = sd.enter(Tag.SEQUENCE, 'encapContentInfo');
    const contentType = oidOf(buf, eci.expect(Tag.OID, 'eContentType'));
    const hasContent = eci.more();
    const out: Pkcs7Contents = { certificates: [], crls: [], signers: 0, contentType, hasContent };
    const items = (t: ReturnType<DerReader['next']>, into: Buffer[], what: string): void => {
      const r = DerReader.of(buf, t, true);
      while (r.more()) {
        const c = r.next();
        if (c.tag !== Tag.SEQUENCE) continue; // other CertificateChoices (attribute certificates...) are not X.509 certificates
        if (c.indefinite) throw new DerError(`a ${what} uses BER indefinite length`, c.start);
        if (into.length >= MAX_ITEMS) throw new DerError(`more than ${MAX_ITEMS} ${what}s`, c.start);
        into.push(Buffer.from(rawOf(buf, c)));
      }
    };
    if (sd.peekTag() === ctx(0)) items(sd.next(), out.certificates, 'certificate');
    if (sd.peekTag() === ctx(1)) items(sd.next(), out.crls, 'CRL');
    const signers = sd.expect(Tag.SET, 'signerInfos');
    const sr = DerReader.of(buf, signers, true);
    while (sr.more()) {
      sr.next();
      out.signers++;
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) throw bad(e.message);
    throw e;
  }
}

/** A certs-only SignedData (version 1, no content, no signers), DER. */
export function writePkcs7(certificates: Buffer[], crls: Buffer[] = []): Buffer {
  if (certificates.length === 0 && crls.length === 0) throw new CcmError(400, LocalCode.USAGE, 'a PKCS#7 bag needs at least one certificate.');
  const sd = seq(
    integer(1),
    set(),
    seq(oid(PKCS7_OID.data)),
    ...(certificates.length ? [tlv(ctx(0), ...certificates)] : []),
    ...(crls.length ? [tlv(ctx(1), ...crls)] : []),
    set(),
  );
  return seq(oid(PKCS7_OID.signedData), explicit(0, sd));
}

