// PKCS#10 certification requests (RFC 2986): parsing and self-signature check.

import { DerError, DerReader, Tag, bitStringBytes, ctx, oidOf, rawOf, smallInt, stringOf } from './der.js';
import { decodeExtensions, parseExtensions, type DecodedExtensions } from './extensions.js';
import { parseName, type Name } from './name.js';
import { OID } from './oids.js';
import { parseSpki, publicKeyObjectRaw, type PublicKeyInfo } from './publickey.js';
import { parseSignatureAlgorithm, verifySignature, verifySignatureAsync, type SignatureAlgorithm, type VerifyResult } from './signature.js';

/**
 * A parsed PKCS#10 certification request (RFC 2986).
 *
 * @example
 * ```ts
 * const csr: Csr = parseCsrOrFail(der, 'server.csr');
 * console.log(csr.extensions.subjectAltNames, csr.problems);
 * ```
 */
export interface Csr {
  /** The whole CSR, DER. */
  der: Buffer;
  /** CertificationRequestInfo, exactly as signed. */
  info: Buffer;
  /** The version field's value (0 for every PKCS#10 request). */
  version: number;
  subject: Name;
  publicKey: PublicKeyInfo;
  /** The algorithm of the self-signature. */
  signatureAlgorithm: SignatureAlgorithm;
  /** The self-signature's bytes. */
  signature: Buffer;
  /** The extensions requested (extensionRequest attribute). */
  extensions: DecodedExtensions;
  /** True when it carries a challengePassword attribute. */
  challengePassword?: boolean;
  /** Other attributes, by OID. */
  attributes: string[];
  /** Structural problems that do not stop parsing (BER encoding...). */
  problems: string[];
}

/**
 * Parses one DER CSR. Throws DerError when it is not a CertificationRequest at all.
 * A CSR whose only fault is BER encoding (long-form or indefinite lengths) is
 * parsed with a problem recorded, the way pyca does, so its signature can still
 * be judged instead of the whole input being called "not a CSR".
 */
export function parseCsr(der: Uint8Array): Csr {
  try {
    return parseCsrWith(der, false);
  } catch (e) {
    if (!(e instanceof DerError) || !/non-minimal length|indefinite length/.test(e.message)) throw e;
    const csr = parseCsrWith(der, true);
    csr.problems.unshift('the CSR is not DER-encoded (BER length forms)');
    return csr;
  }
}

function parseCsrWith(der: Uint8Array, ber: boolean): Csr {
  const buf = Buffer.isBuffer(der) ? der : Buffer.from(der.buffer, der.byteOffset, der.length);
  const outer = new DerReader(buf, 0, buf.length, ber);
  const reqT = outer.expect(Tag.SEQUENCE, 'CertificationRequest');
  outer.done('CertificationRequest');
  const r = DerReader.of(buf, reqT, ber);
  const infoT = r.expect(Tag.SEQUENCE, 'certificationRequestInfo');
  const algT = r.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const sigT = r.expect(Tag.BIT_STRING, 'signature');
  r.done('CertificationRequest');

  const problems: string[] = [];
  const i = DerReader.of(buf, infoT, ber);
  const version = smallInt(buf, i.expect(Tag.INTEGER, 'version'));
  // RFC 2986 4.1: version is 0 (v1). Keep parsing so the caller can report it.
  if (version !== 0) problems.push(`CSR version ${version} is not valid (only 0 is defined)`);
  const subject = parseName(buf, i.expect(Tag.SEQUENCE, 'subject'));
  const spkiT = i.expect(Tag.SEQUENCE, 'subjectPKInfo');
  const publicKey = parseSpki(buf, spkiT.start, spkiT.end);

  let extensions: DecodedExtensions = { list: [], problems: [] };
  let challengePassword: boolean | undefined;
  const attributes: string[] = [];
  // Some old tools omit the [0] attributes entirely; accept that.
  const attrsT = i.optional(ctx(0));
  if (attrsT) {
    const a = DerReader.of(buf, attrsT, ber);
    while (a.more()) {
      const attr = a.enter(Tag.SEQUENCE, 'Attribute');
      const type = oidOf(buf, attr.expect(Tag.OID, 'attribute type'));
      const values = attr.enter(Tag.SET, 'attribute values');
      const vals = [];
      while (values.more()) vals.push(values.next());
      if (vals.length !== 1) problems.push(`attribute ${type} has ${vals.length} values, expected exactly one`);
      if (type === OID.extensionRequest && vals[0]) {
        if (vals[0].tag !== Tag.SEQUENCE) throw new DerError('extensionRequest: expected SEQUENCE', vals[0].start);
        const ext = parseExtensions(buf, vals[0]);
        extensions = extensions.list.length ? decodeExtensions([...extensions.list, ...ext.list]) : ext;
      } else if (type === OID.challengePassword) {
        challengePassword = true;
        if (vals[0]) {
          try {
            stringOf(buf, vals[0]);
          } catch {
            problems.push('challengePassword is not a string');
          }
        }
      } else attributes.push(type);
    }
  }
  i.done('certificationRequestInfo');
  problems.push(...extensions.problems);

  const csr: Csr = {
    der: rawOf(buf, reqT),
    info: rawOf(buf, infoT),
    version,
    subject,
    publicKey,
    signatureAlgorithm: parseSignatureAlgorithm(buf, algT),
    signature: bitStringBytes(buf, sigT).bytes,
    extensions,
    attributes,
    problems,
  };
  if (challengePassword) csr.challengePassword = true;
  return csr;
}

export function verifyCsrSignature(csr: Csr): VerifyResult {
  return verifySignature(csr.signatureAlgorithm, csr.publicKey, csr.info, csr.signature);
}

export function verifyCsrSignatureAsync(csr: Csr): Promise<VerifyResult> {
  return verifySignatureAsync(csr.signatureAlgorithm, csr.publicKey, csr.info, csr.signature);
}

/**
 * Verifies many CSRs in one thread, in order, with the verdicts
 * verifyCsrSignature gives: EC keys are imported first, together, the
 * cheaper asynchronous way (publicKeyObjectRaw); every other key, and any
 * that route refuses, the usual way.
 */
export async function verifyCsrs(csrs: readonly Csr[]): Promise<VerifyResult[]> {
  const keys = await Promise.all(csrs.map((c) => publicKeyObjectRaw(c.publicKey)));
  return csrs.map((c, i) => verifySignature(c.signatureAlgorithm, c.publicKey, c.info, c.signature, keys[i]));
}

/**
 * Verifies many CSRs' self-signatures with up to `window` checks in flight on
 * libuv's thread pool. Verdicts come back in input order.
 *
 * @example
 * ```ts
 * const csrs = objects.map((o) => parseCsrOrFail(o.der, o.source));
 * const verdicts = await verifyCsrBatch(csrs);
 * const reports = csrs.map((c, i) => csrReport(c, undefined, verdicts[i]));
 * ```
 */
export async function verifyCsrBatch(csrs: readonly Csr[], window = 64): Promise<VerifyResult[]> {
  const out = new Array<VerifyResult>(csrs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < csrs.length) {
      const i = next++;
      out[i] = await verifyCsrSignatureAsync(csrs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, csrs.length) }, lane));
  return out;
}
