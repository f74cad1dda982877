// Builders for X.509 certificates, PKCS#10 CSRs and the pieces they share.
//
// Pure: keys are Node KeyObjects passed in, times are passed in. Used by the
// offline CA, by `csr create`, and by tests and benchmarks that need whole
// PKIs at a pinned reference time (thousands of certificates in milliseconds,
// where shelling out to openssl would take minutes).

import { createPublicKey, sign as nodeSign, createHash, type KeyObject } from 'node:crypto';
import {
  bitString,
  bool,
  explicit,
  ia5,
  integer,
  nullValue,
  octets,
  oid,
  printable,
  seq,
  set,
  time,
  tlv,
  utf8,
  ctxPrim,
  ctx,
} from './der.js';
import { ipToBytes, KEY_USAGE_NAMES, type KeyUsageName, type SubjectAltName } from './extensions.js';
import { EKU_NAMES, OID } from './oids.js';
import type { HashName } from './signature.js';

export interface NameInput {
  /** Attribute list in encoding order: [['C','CN'],['O','HW'],['CN','x']]. */
  attrs: [string, string][];
}

const ATTR_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  serialNumber: '2.5.4.5',
  emailAddress: OID.emailAddress,
  DC: '0.9.2342.19200300.100.1.25',
};

/** Encodes a Name: C and serialNumber as PrintableString (RFC 5280 appendix A), DC and email IA5, the rest UTF8String. */
export function encodeName(n: NameInput | [string, string][]): Buffer {
  const attrs = Array.isArray(n) ? n : n.attrs;
  return seq(
    ...attrs.map(([type, value]) => {
      const o = ATTR_OIDS[type] ?? (/^\d+(\.\d+)+$/.test(type) ? type : undefined);
      if (!o) throw new RangeError(`unknown name attribute "${type}"`);
      const v = type === 'C' || type === 'serialNumber' ? printable(value) : type === 'DC' || type === 'emailAddress' ? ia5(value) : utf8(value);
      return set(seq(oid(o), v));
    }),
  );
}

/** AlgorithmIdentifier for signing with `key` and `hash`. */
export function signatureAlgorithmFor(key: KeyObject, hash: HashName): Buffer {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') {
    const o = { SHA1: OID.sha1WithRSA, SHA256: OID.sha256WithRSA, SHA384: OID.sha384WithRSA, SHA512: OID.sha512WithRSA }[hash as 'SHA256'];
    if (!o) throw new RangeError(`RSA with ${hash} is not supported`);
    return seq(oid(o), nullValue());
  }
  if (t === 'ec') {
    const o = { SHA1: OID.ecdsaWithSHA1, SHA256: OID.ecdsaWithSHA256, SHA384: OID.ecdsaWithSHA384, SHA512: OID.ecdsaWithSHA512 }[hash as 'SHA256'];
    if (!o) throw new RangeError(`ECDSA with ${hash} is not supported`);
    return seq(oid(o));
  }
  if (t === 'ed25519') return seq(oid(OID.ed25519));
  throw new RangeError(`signing with ${t} keys is not supported`);
}

export function signBytes(key: KeyObject, hash: HashName, data: Uint8Array): Buffer {
  const t = key.asymmetricKeyType;
  return nodeSign(t === 'ed25519' ? null : hash.toLowerCase(), data, key);
}

export function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: Buffer): Buffer {
  // SPKI = SEQ { SEQ alg, BIT STRING }: skip to the BIT STRING's content.
  let p = 0;
  const skipHeader = (at: number): { body: number; end: number } => {
    let len = spki[at + 1]!;
    let body = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + spki[body + i]!;
      body += n;
    }
    return { body, end: body + len };
  };
  const outer = skipHeader(p);
  p = outer.body;
  const alg = skipHeader(p);
  const bits = skipHeader(alg.end);
  return createHash('sha1').update(spki.subarray(bits.body + 1, bits.end)).digest();
}

// ---- extensions ----------------------------------------------------------------

export interface ExtensionInput {
  oid: string;
  critical?: boolean;
  value: Buffer;
}

export function extension(e: ExtensionInput): Buffer {
  return e.critical ? seq(oid(e.oid), bool(true), octets(e.value)) : seq(oid(e.oid), octets(e.value));
}

export function basicConstraintsExt(ca: boolean, pathLength?: number): ExtensionInput {
  const parts: Buffer[] = [];
  if (ca) parts.push(bool(true));
  if (ca && pathLength !== undefined) parts.push(integer(pathLength));
  return { oid: OID.basicConstraints, critical: true, value: seq(...parts) };
}

export function keyUsageExt(usages: KeyUsageName[]): ExtensionInput {
  let bits = 0;
  for (const u of usages) {
    const i = KEY_USAGE_NAMES.indexOf(u);
    if (i < 0) throw new RangeError(`unknown key usage "${u}"`);
    bits |= 1 << (15 - i);
  }
  // DER: drop trailing zero bits (X.690 11.2.2) and count the unused ones.
  let nbits = 16;
  while (nbits > 0 && (bits & (1 << (16 - nbits))) === 0) nbits--;
  const bytes = nbits > 8 ? Buffer.from([bits >> 8, bits & 0xff]) : Buffer.from([bits >> 8]);
  const unused = nbits === 0 ? 0 : bytes.length * 8 - nbits;
  return { oid: OID.keyUsage, critical: true, value: bitString(nbits === 0 ? Buffer.alloc(0) : bytes, unused) };
}

const EKU_OIDS = Object.fromEntries(Object.entries(EKU_NAMES).map(([o, n]) => [n, o]));

export function extKeyUsageExt(purposes: string[]): ExtensionInput {
  return {
    oid: OID.extKeyUsage,
    value: seq(
      ...purposes.map((p) => {
        const o = EKU_OIDS[p] ?? (/^\d+(\.\d+)+$/.test(p) ? p : undefined);
        if (!o) throw new RangeError(`unknown extended key usage "${p}"`);
        return oid(o);
      }),
    ),
  };
}

export function generalName(san: SubjectAltName): Buffer {
  switch (san.type) {
    case 'DNS':
      return tlv(ctxPrim(2), Buffer.from(san.value, 'latin1'));
    case 'EMAIL':
      return tlv(ctxPrim(1), Buffer.from(san.value, 'latin1'));
    case 'URI':
      return tlv(ctxPrim(6), Buffer.from(san.value, 'latin1'));
    case 'IP': {
      const b = ipToBytes(san.value);
      if (!b) throw new RangeError(`"${san.value}" is not an IP address`);
      return tlv(ctxPrim(7), b);
    }
    default:
      throw new RangeError(`SAN type ${san.type} is not supported by the builder`);
  }
}

export function subjectAltNameExt(sans: SubjectAltName[], critical = false): ExtensionInput {
  return { oid: OID.subjectAltName, critical, value: seq(...sans.map(generalName)) };
}

export function subjectKeyIdExt(spki: Buffer): ExtensionInput {
  return { oid: OID.subjectKeyIdentifier, value: octets(keyIdentifier(spki)) };
}

export function authorityKeyIdExt(keyId: Buffer): ExtensionInput {
  return { oid: OID.authorityKeyIdentifier, value: seq(tlv(ctxPrim(0), keyId)) };
}

// ---- certificates ----------------------------------------------------------------

export interface CertificateInput {
  serial: bigint | Buffer;
  subject: NameInput | [string, string][] | Buffer;
  issuer: NameInput | [string, string][] | Buffer;
  notBefore: Date;
  notAfter: Date;
  /** SPKI DER of the subject key, or the subject's key. */
  publicKey: Buffer | KeyObject;
  extensions?: ExtensionInput[];
  signingKey: KeyObject;
  hash?: HashName;
}

/** Builds and signs a v3 certificate. Returns its DER. */
export function buildCertificate(c: CertificateInput): Buffer {
  const hash = c.hash ?? 'SHA256';
  const alg = signatureAlgorithmFor(c.signingKey, hash);
  const spki = Buffer.isBuffer(c.publicKey) ? c.publicKey : spkiOf(c.publicKey);
  const nameDer = (n: CertificateInput['subject']): Buffer => (Buffer.isBuffer(n) ? n : encodeName(n));
  const exts = c.extensions ?? [];
  const tbs = seq(
    explicit(0, integer(2)),
    integer(c.serial),
    alg,
    nameDer(c.issuer),
    seq(time(c.notBefore), time(c.notAfter)),
    nameDer(c.subject),
    spki,
    ...(exts.length ? [explicit(3, seq(...exts.map(extension)))] : []),
  );
  return seq(tbs, alg, bitString(signBytes(c.signingKey, hash, tbs)));
}

// ---- CSRs -------------------------------------------------------------------------

export interface CsrInput {
  subject: NameInput | [string, string][];
  key: KeyObject;
  /** The key's SPKI DER when the caller already has it: deriving it costs a createPublicKey (~0.7 ms). */
  spki?: Buffer;
  extensions?: ExtensionInput[];
  hash?: HashName;
}

/** Builds and signs a PKCS#10 CSR (RFC 2986) with an extensionRequest attribute when extensions are given. */
export function buildCsr(c: CsrInput): Buffer {
  const hash = c.hash ?? 'SHA256';
  const exts = c.extensions ?? [];
  const attrs = exts.length ? [seq(oid(OID.extensionRequest), set(seq(...exts.map(extension))))] : [];
  const info = seq(integer(0), encodeName(c.subject), c.spki ?? spkiOf(c.key), tlv(ctx(0), ...attrs));
  const alg = signatureAlgorithmFor(c.key, hash);
  return seq(info, alg, bitString(signBytes(c.key, hash, info)));
}
