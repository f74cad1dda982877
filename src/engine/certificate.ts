// X.509 certificates (RFC 5280 4.1): parsing, fingerprints, signature checks.

import { createHash, type KeyObject } from 'node:crypto';
import { ContentCache, DerError, DerReader, Tag, bigIntOf, bitStringBytes, ctx, integerBytes, rawOf, smallInt, timeOf } from './der.js';
import { CcmError } from './errors.js';
import { parseExtensions, type DecodedExtensions } from './extensions.js';
import { parseName, type Name } from './name.js';
import { cachedPublicKeyObject, parseSpki, type PublicKeyInfo } from './publickey.js';
import { parseSignatureAlgorithm, verifySignature, type SignatureAlgorithm, type VerifyResult } from './signature.js';

/**
 * A parsed X.509 certificate (RFC 5280 4.1).
 *
 * @example
 * ```ts
 * const cert = loadCertificate({ bytes: readFileSync('server.pem'), source: 'server.pem' }, 'certificate');
 * console.log(cert.serial, cert.notAfter.toISOString(), cert.extensions.subjectAltNames);
 * ```
 */
export interface Certificate {
  /** The whole certificate, DER. */
  der: Buffer;
  /** tbsCertificate, exactly as signed. */
  tbs: Buffer;
  /** 1, 2 or 3. */
  version: number;
  /** Serial number in upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
  /** The algorithm the issuer signed with. */
  signatureAlgorithm: SignatureAlgorithm;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  publicKey: PublicKeyInfo;
  extensions: DecodedExtensions;
  /** The signature value's bytes. */
  signature: Buffer;
  /** Structural problems that do not stop parsing (kept for validators). */
  problems: string[];
}

/** Parses one DER certificate. Throws DerError on anything structurally wrong. */
export function parseCertificate(der: Uint8Array): Certificate {
  const buf = Buffer.isBuffer(der) ? der : Buffer.from(der.buffer, der.byteOffset, der.length);
  const outer = new DerReader(buf);
  const certT = outer.expect(Tag.SEQUENCE, 'Certificate');
  outer.done('Certificate');
  const c = DerReader.of(buf, certT);
  const tbsT = c.expect(Tag.SEQUENCE, 'tbsCertificate');
  const algT = c.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const sigT = c.expect(Tag.BIT_STRING, 'signatureValue');
  c.done('Certificate');

  const t = DerReader.of(buf, tbsT);
  let version = 1;
  const vT = t.optional(ctx(0));
  if (vT) {
    const vr = DerReader.of(buf, vT);
    version = smallInt(buf, vr.expect(Tag.INTEGER, 'version')) + 1;
    vr.done('version');
    if (version > 3) throw new DerError(`unknown certificate version ${version}`, vT.start);
  }
  const serialT = t.expect(Tag.INTEGER, 'serialNumber');
  const serialBytes = Buffer.from(buf.subarray(serialT.body, serialT.end));
  if (serialBytes.length === 0) throw new DerError('empty serialNumber', serialT.start);
  const innerAlgT = t.expect(Tag.SEQUENCE, 'signature');
  const issuer = parseName(buf, t.expect(Tag.SEQUENCE, 'issuer'));
  const val = t.enter(Tag.SEQUENCE, 'validity');
  const notBefore = timeOf(buf, val.next());
  const notAfter = timeOf(buf, val.next());
  val.done('validity');
  const subject = parseName(buf, t.expect(Tag.SEQUENCE, 'subject'));
  const spkiT = t.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
  const publicKey = parseSpki(buf, spkiT.start, spkiT.end);
  t.optional(0x81);
  t.optional(0x82);
  let extensions: DecodedExtensions = { list: [], problems: [] };
  const extT = t.optional(ctx(3));
  if (extT) {
    if (version !== 3) throw new DerError('extensions in a non-v3 certificate', extT.start);
    const er = DerReader.of(buf, extT);
    extensions = parseExtensions(buf, er.expect(Tag.SEQUENCE, 'extensions'));
    er.done('extensions');
  }
  t.done('tbsCertificate');

  const problems = [...extensions.problems];
  const outerAlgRaw = rawOf(buf, algT);
  if (!outerAlgRaw.equals(rawOf(buf, innerAlgT))) problems.push('signatureAlgorithm differs from tbsCertificate.signature');
  // Non-minimal serials are common in the wild; report rather than reject.
  try {
    integerBytes(buf, serialT);
  } catch {
    problems.push('serial number is not minimally encoded');
  }
  if (serialBytes.length > 20) problems.push('serial number longer than 20 octets (RFC 5280 4.1.2.2)');
  if ((serialBytes[0]! & 0x80) !== 0) problems.push('serial number is negative');

  return {
    der: rawOf(buf, certT),
    tbs: rawOf(buf, tbsT),
    version,
    serial: serialHex(serialBytes),
    signatureAlgorithm: parseSignatureAlgorithm(buf, algT),
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    extensions,
    signature: bitStringBytes(buf, sigT).bytes,
    problems,
  };
}

/**
 * A serial as openssl prints it: upper-case hex of the value; a negative one
 * (RFC 5280 forbids them, but they exist) as "-" and its magnitude in whole
 * octets, so DER `FB` is "-05", never "FB" (which is the positive 251).
 */
/**
 * parseCertificate for input from outside: a structural fault is CCM's
 * SCM.0031 ("certificate parsing error") naming the source and the offset,
 * the one answer inspect, export, convert and the validators give for a
 * malformed certificate (issue 10, item 10).
 */
export function certificateFrom(der: Uint8Array, source: string): Certificate {
  try {
    return parseCertificate(der);
  } catch (e) {
    if (e instanceof DerError) throw malformedCertificate(source, e);
    throw e;
  }
}

export function malformedCertificate(source: string, e: DerError): CcmError {
  return new CcmError(400, 'SCM.0031', `${source}: malformed certificate: ${e.message} (at byte ${e.offset}).`, source);
}

export function serialHex(bytes: Uint8Array): string {
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    const hex = (-bigIntOf(bytes, true)).toString(16).toUpperCase();
    return '-' + (hex.length % 2 ? '0' + hex : hex);
  }
  let b = Buffer.from(bytes);
  // The 0x00 sign octet of a positive serial is not part of the number.
  if (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) !== 0) b = b.subarray(1);
  return b.toString('hex').toUpperCase();
}

const fpCache = new WeakMap<Certificate, string>();

/** SHA-256 fingerprint, lower-case hex, no separators. */
export function sha256Fingerprint(c: { der: Buffer }): string {
  const hit = fpCache.get(c as Certificate);
  if (hit) return hit;
  const fp = createHash('sha256').update(c.der).digest('hex');
  fpCache.set(c as Certificate, fp);
  return fp;
}

/** True when subject and issuer are the same name and the certificate verifies with its own key. */
export function isSelfIssued(c: Certificate): boolean {
  return c.subject.der.equals(c.issuer.der);
}

/**
 * Results of CA-certificate signature checks, by content. In a batch the same
 * intermediate -> root links are checked again and again (every body of an
 * SCM import carries them); a signature over identical bytes with an identical
 * key has one answer, so it is computed once. Leaves are not cached: they
 * rarely repeat. Bounded: cleared when full.
 */
const caLinkCache = new ContentCache<VerifyResult>(4096);

/** Verifies `cert`'s signature with `issuer`'s public key (its KeyObject cached by content: issuers repeat). */
export function verifyCertificateSignature(cert: Certificate, issuerKey: PublicKeyInfo, keyObject?: KeyObject): VerifyResult {
  if (!cert.extensions.basicConstraints?.ca) return verifyUncached(cert, issuerKey, keyObject);
  const hit = caLinkCache.get(cert.der, issuerKey.spki);
  if (hit) return hit;
  const result = verifyUncached(cert, issuerKey, keyObject);
  caLinkCache.set(result, cert.der, issuerKey.spki);
  return result;
}

function verifyUncached(cert: Certificate, issuerKey: PublicKeyInfo, keyObject?: KeyObject): VerifyResult {
  let key = keyObject;
  if (!key) {
    try {
      key = cachedPublicKeyObject(issuerKey);
    } catch {
      key = undefined; // verifySignature reports the unusable key
    }
  }
  return verifySignature(cert.signatureAlgorithm, issuerKey, cert.tbs, cert.signature, key);
}
