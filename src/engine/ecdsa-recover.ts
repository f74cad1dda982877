// Which public key made an ECDSA signature: public-key recovery (SEC 1 v2,
// 4.1.6), used by the chain builder to pick a certificate's issuer among many
// CAs of the same name without trying each one's signature.
//
// Why: without authority/subject key identifiers, the only way to tell which
// of 200 same-named CAs signed a leaf is to verify against each, up to
// `maxSignatureChecks` per leaf: 2,000 leaves cost 200,000 verifications
// (16 s, issue 10 item 13). Recovery names the signer's key in a handful of
// native scalar multiplications; the builder then verifies that one candidate
// first. It only orders candidates: every link is still proven by a full
// signature verification, so a wrong recovery costs time, never correctness.
//
// The scalar multiplications run in OpenSSL through node:crypto's ECDH (k * P
// for a point P is what computeSecret computes; k * G is setPrivateKey +
// getPublicKey); only one point subtraction and two modular inverses are done
// here in BigInt.

import { createECDH, createHash, ECDH } from 'node:crypto';
import { DerReader, Tag, bigIntOf, integerBytes } from './der.js';

interface CurveParams {
  /** OpenSSL's name for createECDH. */
  ossl: string;
  p: bigint;
  n: bigint;
  /** Field size in octets. */
  size: number;
  nBits: number;
}

const CURVES: Record<string, CurveParams> = {
  'P-256': {
    ossl: 'prime256v1',
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    size: 32,
    nBits: 256,
  },
  'P-384': {
    ossl: 'secp384r1',
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48,
    nBits: 384,
  },
  'P-521': {
    ossl: 'secp521r1',
    p: 2n ** 521n - 1n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    size: 66,
    nBits: 521,
  },
};

const HASHES: Record<string, string> = { SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a^-1 mod m (m prime, a not 0 mod m), by the extended Euclidean algorithm. */
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

const toBuf = (v: bigint, size: number): Buffer => Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex');

/** (x1, y1) - (x2, y2) in affine coordinates; undefined at the point at infinity or doubling (both negligible: the caller falls back). */
function subtract(x1: bigint, y1: bigint, x2: bigint, y2: bigint, p: bigint): [bigint, bigint] | undefined {
  const ny2 = mod(-y2, p);
  if (x1 === x2) return undefined;
  const l = mod((ny2 - y1) * inverse(x2 - x1, p), p);
  const x3 = mod(l * l - x1 - x2, p);
  return [x3, mod(l * (x1 - x3) - y1, p)];
}

const point = (x: bigint, y: bigint, size: number): Buffer => Buffer.concat([Buffer.from([4]), toBuf(x, size), toBuf(y, size)]);

/**
 * The x-coordinates (big-endian, field size) of the public keys that verify
 * this ECDSA signature over `data`: at most two, Q = r^-1 (s R - z G) for the
 * two points R with x = r. Empty when the curve or hash is not one handled
 * here, or the signature is malformed; never throws.
 */
export function ecdsaSignerXs(curve: string, hash: string, data: Uint8Array, signature: Uint8Array): Buffer[] {
  const c = CURVES[curve];
  const h = HASHES[hash];
  if (!c || !h) return [];
  try {
    const sr = new DerReader(signature);
    const seqR = DerReader.of(signature, sr.expect(Tag.SEQUENCE, 'ECDSA-Sig-Value'));
    const r = bigIntOf(integerBytes(signature, seqR.expect(Tag.INTEGER, 'r')), true);
    const s = bigIntOf(integerBytes(signature, seqR.expect(Tag.INTEGER, 's')), true);
    if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return [];
    // z: the hash's leftmost nBits bits (SEC 1 4.1.3 step 5), reduced mod n.
    const digest = createHash(h).update(data).digest();
    let z = bigIntOf(digest, false);
    if (digest.length * 8 > c.nBits) z >>= BigInt(digest.length * 8 - c.nBits);
    z = mod(z, c.n);
    if (z === 0n) return [];
    // A = s R: R is either point with x = r; both give A or -A, and -A is tried below anyway.
    const ecdh = createECDH(c.ossl);
    ecdh.setPrivateKey(toBuf(s, c.size));
    const xA = ecdh.computeSecret(Buffer.concat([Buffer.from([2]), toBuf(r, c.size)]));
    const full = ECDH.convertKey(Buffer.concat([Buffer.from([2]), xA]), c.ossl, undefined, undefined, 'uncompressed') as Buffer;
    const ax = bigIntOf(full.subarray(1, 1 + c.size), false);
    const ay = bigIntOf(full.subarray(1 + c.size), false);
    // B = z G.
    ecdh.setPrivateKey(toBuf(z, c.size));
    const pub = ecdh.getPublicKey();
    const bx = bigIntOf(pub.subarray(1, 1 + c.size), false);
    const by = bigIntOf(pub.subarray(1 + c.size), false);
    ecdh.setPrivateKey(toBuf(inverse(r, c.n), c.size));
    const out: Buffer[] = [];
    for (const y of [ay, mod(-ay, c.p)]) {
      const diff = subtract(ax, y, bx, by, c.p);
      if (diff) out.push(ecdh.computeSecret(point(diff[0], diff[1], c.size)));
    }
    return out;
  } catch {
    return [];
  }
}

/** The x-coordinate of an EC public key point (uncompressed or compressed), or undefined. */
export function pointX(ecPoint: Buffer | undefined, curve: string | undefined): Buffer | undefined {
  const c = curve ? CURVES[curve] : undefined;
  if (!c || !ecPoint || ecPoint.length < 1 + c.size) return undefined;
  if (ecPoint[0] !== 4 && ecPoint[0] !== 2 && ecPoint[0] !== 3) return undefined;
  return ecPoint.subarray(1, 1 + c.size);
}
