// SubjectPublicKeyInfo: parse, classify, identify, and turn into a Node KeyObject
// cheaply.
//
// Speed note: in Node 20 `createPublicKey` on SPKI DER costs ~120 µs, on PKCS#1
// DER or JWK ~6 µs (the SPKI path goes through OpenSSL's generic decoder
// chain). CSR and certificate verification therefore hand Node the RSA key as
// PKCS#1 (the BIT STRING content of an RSA SPKI *is* PKCS#1) and the EC key as
// JWK, and only fall back to SPKI for the algorithms nothing hot uses.

import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import { ContentCache, DerError, DerReader, Tag, bitStringBytes, integerBytes, oidOf, rawOf } from './der.js';
import { CURVES, OID } from './oids.js';

/**
 * A public key's algorithm family, from its SubjectPublicKeyInfo OID.
 *
 * @example
 * ```ts
 * if (csr.publicKey.type === 'EC') console.log(csr.publicKey.curve); // P-256
 * ```
 */
export type KeyType = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'RSA-PSS' | 'SM2' | 'X25519' | 'X448' | 'unknown';

/**
 * A parsed SubjectPublicKeyInfo. Two keys are the same key exactly when
 * their `id`s are equal (how certificates, CSRs and private keys are paired).
 *
 * @example
 * ```ts
 * const same = key.publicKey.id === cert.publicKey.id;
 * console.log(cert.publicKey.type, cert.publicKey.bits); // RSA 2048
 * ```
 */
export interface PublicKeyInfo {
  /** The algorithm family. */
  type: KeyType;
  /** Modulus bits (RSA), curve order bits (EC), or the fixed size. */
  bits: number;
  /** EC curve short name (P-256...), when EC. */
  curve?: string;
  /** The SubjectPublicKeyInfo algorithm OID. */
  algorithmOid: string;
  /** The whole SubjectPublicKeyInfo DER. */
  spki: Buffer;
  /** Canonical identity for key matching: equal iff the public keys are equal (computed on first use). */
  readonly id: string;
  /** Internal: how to build a KeyObject fast (RSA: modulus, exponent, PKCS#1). */
  readonly rsa?: { n: Buffer; e: Buffer; pkcs1: Buffer };
  /** Internal: the EC point, uncompressed or compressed as encoded. */
  readonly ecPoint?: Buffer;
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(mag: Buffer): number {
  const m = stripZeros(mag);
  if (m.length === 0 || (m.length === 1 && m[0] === 0)) return 0;
  return (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
}

/** Parses a SubjectPublicKeyInfo at the start of `der` (or the TLV given). */
export function parseSpki(buf: Uint8Array, start = 0, end = buf.length): PublicKeyInfo {
  const outer = new DerReader(buf, start, end);
  const spkiTlv = outer.expect(Tag.SEQUENCE, 'SubjectPublicKeyInfo');
  const r = DerReader.of(buf, spkiTlv);
  const alg = r.enter(Tag.SEQUENCE, 'SubjectPublicKeyInfo.algorithm');
  const algorithmOid = oidOf(buf, alg.expect(Tag.OID, 'algorithm OID'));
  const params = alg.more() ? alg.next() : undefined;
  const keyBits = r.expect(Tag.BIT_STRING, 'subjectPublicKey');
  r.done('SubjectPublicKeyInfo');
  const spki = rawOf(buf, spkiTlv);
  const key = bitStringBytes(buf, keyBits).bytes;

  switch (algorithmOid) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const kr = new DerReader(key);
      const seqT = kr.expect(Tag.SEQUENCE, 'RSAPublicKey');
      kr.done('RSAPublicKey');
      const s = DerReader.of(key, seqT);
      const nT = s.expect(Tag.INTEGER, 'RSA modulus');
      const eT = s.expect(Tag.INTEGER, 'RSA exponent');
      s.done('RSAPublicKey');
      const n = integerBytes(key, nT);
      const e = integerBytes(key, eT);
      if ((n[0]! & 0x80) !== 0 || (e[0]! & 0x80) !== 0) throw new DerError('negative RSA modulus or exponent', nT.start);
      const nm = stripZeros(n);
      const em = stripZeros(e);
      return withLazyId(
        { type: algorithmOid === OID.rsaEncryption ? 'RSA' : 'RSA-PSS', bits: bitLength(nm), algorithmOid, spki, rsa: { n: nm, e: em, pkcs1: rawOf(key, seqT) } },
        () => `rsa:${nm.toString('hex')}:${em.toString('hex')}`,
      );
    }
    case OID.ecPublicKey:
    case OID.sm2: {
      if (!params || params.tag !== Tag.OID) {
        throw new DerError('EC public key without a named curve (explicit parameters are not supported)', spkiTlv.start);
      }
      const curveOid = oidOf(buf, params);
      // SM2 keys are id-ecPublicKey over the SM2 curve (GB/T 32918).
      const isSm2 = algorithmOid === OID.sm2 || curveOid === OID.sm2;
      const curve = isSm2 ? { name: 'SM2', bits: 256 } : CURVES[curveOid];
      const point = Buffer.from(key);
      return withLazyId(
        { type: isSm2 ? 'SM2' : 'EC', bits: curve?.bits ?? 0, curve: curve?.name ?? curveOid, algorithmOid, spki, ecPoint: point },
        () => ecIdentity(curve?.name ?? curveOid, point, spki),
      );
    }
    case OID.ed25519:
      return simple('Ed25519', 256, algorithmOid, spki, key);
    case OID.ed448:
      return simple('Ed448', 456, algorithmOid, spki, key);
    case OID.x25519:
      return simple('X25519', 256, algorithmOid, spki, key);
    case OID.x448:
      return simple('X448', 448, algorithmOid, spki, key);
    case OID.dsa: {
      // DSA size is the bit length of p, in the parameters.
      let bits = 0;
      if (params && params.tag === Tag.SEQUENCE) {
        const pr = DerReader.of(buf, params);
        bits = bitLength(integerBytes(buf, pr.expect(Tag.INTEGER, 'DSA p')));
      }
      return simple('DSA', bits, algorithmOid, spki, key);
    }
    default:
      return simple('unknown', 0, algorithmOid, spki, key);
  }
}

function simple(type: KeyType, bits: number, algorithmOid: string, spki: Buffer, key: Buffer): PublicKeyInfo {
  return withLazyId({ type, bits, algorithmOid, spki }, () => `${type.toLowerCase()}:${algorithmOid}:${key.toString('hex')}`);
}

/** The identity is only needed for matching: hex-encoding a 4096-bit modulus per parse would cost more than the parse. */
function withLazyId(pk: Omit<PublicKeyInfo, 'id'>, make: () => string): PublicKeyInfo {
  let id: string | undefined;
  return Object.defineProperty(pk, 'id', { get: () => (id ??= make()), enumerable: true }) as PublicKeyInfo;
}

/** Compressed and uncompressed encodings of one point must give one identity. */
function ecIdentity(curve: string, point: Buffer, spki: Buffer): string {
  if (point[0] === 0x04) return `ec:${curve}:${point.subarray(1).toString('hex')}`;
  if (point[0] === 0x02 || point[0] === 0x03) {
    try {
      const jwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      if (jwk.x && jwk.y) {
        return `ec:${curve}:${Buffer.from(jwk.x, 'base64url').toString('hex')}${Buffer.from(jwk.y, 'base64url').toString('hex')}`;
      }
    } catch {
      // An invalid point keeps its raw identity; verification will fail on it anyway.
    }
  }
  return `ec:${curve}:raw:${point.toString('hex')}`;
}

/** A Node KeyObject for this key, by the cheapest route Node offers. */
export function publicKeyObject(pk: PublicKeyInfo): KeyObject {
  if (pk.type === 'RSA' && pk.rsa) {
    return createPublicKey({ key: pk.rsa.pkcs1, format: 'der', type: 'pkcs1' });
  }
  if (pk.type === 'EC' && pk.ecPoint && pk.ecPoint[0] === 0x04 && pk.curve) {
    const jwkCrv = Object.values(CURVES).find((c) => c.name === pk.curve)?.jwk;
    const half = (pk.ecPoint.length - 1) / 2;
    if (jwkCrv && Number.isInteger(half)) {
      return createPublicKey({
        key: {
          kty: 'EC',
          crv: jwkCrv,
          x: pk.ecPoint.subarray(1, 1 + half).toString('base64url'),
          y: pk.ecPoint.subarray(1 + half).toString('base64url'),
        },
        format: 'jwk',
      });
    }
  }
  return createPublicKey({ key: pk.spki, format: 'der', type: 'spki' });
}

/** The curves WebCrypto imports raw points for: all three have cofactor 1, so a point on the curve is a valid public key. */
const RAW_EC_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/**
 * The KeyObject publicKeyObject would give, for an uncompressed point on
 * P-256/384/521, by WebCrypto's raw import, which Node runs synchronously but
 * hands back as a promise. It checks the point is on the curve, as the JWK
 * import does, but skips the order multiplication of OpenSSL's full key check
 * (redundant with cofactor 1), and the key it makes verifies without being
 * converted for OpenSSL 3's provider first: import plus verify take about a
 * quarter fewer instructions, for batches (csr parse) where EC keys are
 * imported once each. Undefined when this route does not apply or refuses the
 * key: the caller then uses publicKeyObject, whose verdict and message stand.
 */
export async function publicKeyObjectRaw(pk: PublicKeyInfo): Promise<KeyObject | undefined> {
  if (pk.type !== 'EC' || pk.ecPoint?.[0] !== 0x04 || !pk.curve || !RAW_EC_CURVES.has(pk.curve)) return undefined;
  try {
    const key = await webcrypto.subtle.importKey('raw', pk.ecPoint, { name: 'ECDSA', namedCurve: pk.curve }, true, ['verify']);
    return KeyObject.from(key);
  } catch {
    return undefined;
  }
}

/**
 * KeyObjects of issuer keys, by SPKI content. Issuers repeat across a batch
 * (the same intermediates sign thousands of leaves) and importing an EC key
 * costs ~100 µs, more than verifying with it.
 */
const issuerKeys = new ContentCache<KeyObject>(1024);

export function cachedPublicKeyObject(pk: PublicKeyInfo): KeyObject {
  const hit = issuerKeys.get(pk.spki);
  if (hit) return hit;
  const key = publicKeyObject(pk);
  issuerKeys.set(key, pk.spki);
  return key;
}

/**
 * The public KeyObject of private key `priv`, when it is the key `pk`
 * describes: derived from `priv` (no import: Node shares the key it already
 * holds), after checking its numbers are pk's (RSA n and e, EC point). For EC
 * the import this avoids costs more than the signature check it serves.
 * Anything else, or a mismatch, gets pk imported as usual, so a caller can
 * never verify with a key other than the one `pk` names.
 */
export function publicKeyObjectOf(priv: KeyObject, pk: PublicKeyInfo): KeyObject {
  // KeyObjects and parsed keys are immutable: a batch signing many CSRs with one key checks the pair once.
  const memo = derivedKeys.get(priv);
  if (memo?.pk === pk) return memo.pub;
  const pub = derivedPublicKey(priv, pk);
  derivedKeys.set(priv, { pk, pub });
  return pub;
}

const derivedKeys = new WeakMap<KeyObject, { pk: PublicKeyInfo; pub: KeyObject }>();

function derivedPublicKey(priv: KeyObject, pk: PublicKeyInfo): KeyObject {
  try {
    const pub = createPublicKey(priv);
    const jwk = pub.export({ format: 'jwk' });
    if (pk.type === 'RSA' && pk.rsa && jwk.kty === 'RSA' && jwk.n === pk.rsa.n.toString('base64url') && jwk.e === pk.rsa.e.toString('base64url')) return pub;
    if (pk.type === 'EC' && pk.ecPoint?.[0] === 0x04 && jwk.kty === 'EC' && jwk.x && jwk.y) {
      const half = (pk.ecPoint.length - 1) / 2;
      const crv = Object.values(CURVES).find((c) => c.name === pk.curve)?.jwk;
      if (crv === jwk.crv && jwk.x === pk.ecPoint.subarray(1, 1 + half).toString('base64url') && jwk.y === pk.ecPoint.subarray(1 + half).toString('base64url')) return pub;
    }
  } catch {
    // Fall through to the import.
  }
  return publicKeyObject(pk);
}

// ---- validity: the checks OpenSSL makes before it will use a public key ----

/** Short Weierstrass curves y^2 = x^3 + ax + b over GF(p), by the names parseSpki gives (SEC 2, FIPS 186-4 D.1.2). */
const CURVE_EQUATIONS: Record<string, { p: bigint; a: bigint; b: bigint }> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    a: -3n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    a: -3n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    a: -3n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
  'P-224': { p: 2n ** 224n - 2n ** 96n + 1n, a: -3n, b: 0xb4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4n },
  secp256k1: { p: 2n ** 256n - 2n ** 32n - 977n, a: 0n, b: 7n },
};

/** OpenSSL refuses RSA moduli above this (OPENSSL_RSA_MAX_MODULUS_BITS): nothing can verify with them. */
export const MAX_RSA_BITS = 16384;

const problemCache = new WeakMap<PublicKeyInfo, string | null>();

/**
 * Why OpenSSL would refuse this public key, or undefined when it would take
 * it: the verdict of `openssl pkey -pubin -pubcheck` for RSA (modulus odd and
 * at most 16,384 bits, exponent odd, above 1, at most 256 bits, below the
 * modulus; the Miller-Rabin and small-factor tests on n are left out: they
 * cost milliseconds), and for EC what makes OpenSSL fail to load the key at
 * all ("point is not on curve"). An RSA key with e = 1 "verifies" any
 * signature equal to the padded hash, so `openssl req -verify` says OK; the
 * key is still invalid, and says so here.
 *
 * Cost: RSA a few byte checks; an uncompressed P-256 point ~3 us of BigInt
 * arithmetic; compressed points are left to OpenSSL's import.
 */
export function publicKeyProblem(pk: PublicKeyInfo): string | undefined {
  const hit = problemCache.get(pk);
  if (hit !== undefined) return hit ?? undefined;
  const found = computeProblem(pk);
  problemCache.set(pk, found ?? null);
  return found;
}

function computeProblem(pk: PublicKeyInfo): string | undefined {
  if ((pk.type === 'RSA' || pk.type === 'RSA-PSS') && pk.rsa) {
    const { n, e } = pk.rsa;
    if (pk.bits > MAX_RSA_BITS) return `RSA modulus of ${pk.bits} bits is too large (OpenSSL refuses more than ${MAX_RSA_BITS})`;
    if (n.length === 0 || (n[n.length - 1]! & 1) === 0) return 'invalid RSA modulus (it is even)';
    const eBits = bitLength(e);
    if ((e[e.length - 1]! & 1) === 0 || eBits <= 1 || eBits > 256) return `RSA public exponent out of range (e = ${eBits <= 48 ? BigInt('0x' + (e.toString('hex') || '0')).toString() : `${eBits} bits`}; it must be odd, above 1 and at most 256 bits)`;
    if (eBits >= pk.bits) return 'RSA public exponent is not smaller than the modulus';
    return undefined;
  }
  if (pk.type === 'EC' && pk.ecPoint && pk.curve) {
    const eq = CURVE_EQUATIONS[pk.curve];
    const pt = pk.ecPoint;
    const size = (pk.bits + 7) >> 3;
    if (pt.length === 1 && pt[0] === 0) return `EC point is the point at infinity, not a public key on ${pk.curve}`;
    if (pt[0] === 0x04) {
      if (pt.length !== 1 + 2 * size) return `EC point has ${pt.length} octets; an uncompressed ${pk.curve} point has ${1 + 2 * size}`;
      if (!eq) return undefined;
      const x = BigInt('0x' + pt.subarray(1, 1 + size).toString('hex'));
      const y = BigInt('0x' + pt.subarray(1 + size).toString('hex'));
      if (x >= eq.p || y >= eq.p) return `EC point coordinates are not below the ${pk.curve} field prime`;
      const rhs = (((x * x + eq.a) * x + eq.b) % eq.p + eq.p) % eq.p;
      if ((y * y) % eq.p !== rhs) return `EC point is not on the curve ${pk.curve} (OpenSSL cannot load this public key)`;
      return undefined;
    }
    if (pt[0] === 0x02 || pt[0] === 0x03) {
      if (pt.length !== 1 + size) return `EC point has ${pt.length} octets; a compressed ${pk.curve} point has ${1 + size}`;
      try {
        createPublicKey({ key: pk.spki, format: 'der', type: 'spki' });
        return undefined;
      } catch {
        return eq ? `EC point is not on the curve ${pk.curve} (OpenSSL cannot load this public key)` : undefined;
      }
    }
    return `EC point encoding 0x${pt[0]?.toString(16).padStart(2, '0') ?? ''} is not one OpenSSL reads`;
  }
  return undefined;
}
