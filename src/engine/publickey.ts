// SubjectPublicKeyInfo: parse, classify, identify, and turn into a Node KeyObject
// cheaply.
//
// Speed note: in Node 20 `createPublicKey` on SPKI DER costs ~120 µs, on PKCS#1
// DER or JWK ~6 µs (the SPKI path goes through OpenSSL's generic decoder
// chain). CSR and certificate verification therefore hand Node the RSA key as
// PKCS#1 (the BIT STRING content of an RSA SPKI *is* PKCS#1) and the EC key as
// JWK, and only fall back to SPKI for the algorithms nothing hot uses.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { ContentCache, DerError, DerReader, Tag, bitStringBytes, integerBytes, oidOf, rawOf } from './der.js';
import { CURVES, OID } from './oids.js';

export type KeyType = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'RSA-PSS' | 'SM2' | 'X25519' | 'X448' | 'unknown';

export interface PublicKeyInfo {
  type: KeyType;
  /** Modulus bits (RSA), curve order bits (EC), or the fixed size. */
  bits: number;
  /** EC curve short name (P-256...), when EC. */
  curve?: string;
  algorithmOid: string;
  /** The whole SubjectPublicKeyInfo DER. */
  spki: Buffer;
  /** Canonical identity for key matching: equal iff the public keys are equal (computed on first use). */
  readonly id: string;
  /** Internal: how to build a KeyObject fast. */
  readonly rsa?: { n: Buffer; e: Buffer; pkcs1: Buffer };
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
