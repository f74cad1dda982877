// Private keys that carry one key's public half and another key's private
// half: what a careless copy-and-paste or a tampered file produces. They
// "match" a certificate by public key and fail every signature (issue 10,
// item 1). Built with our DER writer from two real keys' components; the test
// then asks `openssl pkey -check` to confirm they are broken.
import { createHash, type KeyObject } from 'node:crypto';
import { encodeName, signBytes, signatureAlgorithmFor } from '../../src/engine/builder.js';
import { bitString, explicit, integer, nullValue, octets, oid, seq, tlv } from '../../src/engine/der.js';

const b64 = (s: string | undefined): Buffer => Buffer.from(s!, 'base64url');

/** PKCS#1 RSAPrivateKey with `pub`'s n and e, and `priv`'s d, p, q, dp, dq, qinv. */
export function rsaWithForeignPrivate(pub: KeyObject, priv: KeyObject): Buffer {
  const a = pub.export({ format: 'jwk' });
  const b = priv.export({ format: 'jwk' });
  return seq(integer(0), integer(b64(a.n)), integer(b64(a.e)), integer(b64(b.d)), integer(b64(b.p)), integer(b64(b.q)), integer(b64(b.dp)), integer(b64(b.dq)), integer(b64(b.qi)));
}

const CURVE_OID: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34' };

/** SEC1 ECPrivateKey whose embedded publicKey is `pub`'s but whose scalar is `priv`'s. */
export function ecWithForeignScalar(pub: KeyObject, priv: KeyObject): Buffer {
  const a = pub.export({ format: 'jwk' });
  const b = priv.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), b64(a.x), b64(a.y)]);
  return seq(integer(1), octets(b64(b.d)), explicit(0, oid(CURVE_OID[a.crv!]!)), explicit(1, bitString(point)));
}

// ---- public keys OpenSSL refuses ----

/** RSA SubjectPublicKeyInfo with `rsa`'s modulus (or `n`) and the exponent `e`. */
export function rsaSpkiWith(rsa: KeyObject, e: bigint, n?: Buffer): Buffer {
  const modulus = n ?? b64(rsa.export({ format: 'jwk' }).n);
  return seq(seq(oid('1.2.840.113549.1.1.1'), nullValue()), bitString(seq(integer(modulus), integer(e))));
}

/**
 * A CSR whose RSA key has exponent `e` (1: any signature equal to the padded
 * hash "verifies", since s^1 = s): the signature is the EMSA-PKCS1-v1_5 block
 * itself, so `openssl req -verify` says OK.
 */
export function csrWithExponent(rsa: KeyObject, e: bigint, cn: string): Buffer {
  const spki = rsaSpkiWith(rsa, e);
  const info = seq(integer(0), encodeName([['CN', cn]]), spki, tlv(0xa0));
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(info).digest()]);
  const k = b64(rsa.export({ format: 'jwk' }).n).length;
  const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
  return seq(info, seq(oid('1.2.840.113549.1.1.11'), nullValue()), bitString(em));
}

/** P-256 SubjectPublicKeyInfo with `ec`'s x and a y that puts the point off the curve. */
export function offCurveSpki(ec: KeyObject): Buffer {
  const j = ec.export({ format: 'jwk' });
  const y = b64(j.y);
  y[y.length - 1]! ^= 1;
  return seq(seq(oid('1.2.840.10045.2.1'), oid(CURVE_OID[j.crv!]!)), bitString(Buffer.concat([Buffer.from([4]), b64(j.x), y])));
}

/** A CSR carrying `spki` (e.g. off the curve), signed with `key`. */
export function csrWithSpki(spki: Buffer, key: KeyObject, cn: string): Buffer {
  const info = seq(integer(0), encodeName([['CN', cn]]), spki, tlv(0xa0));
  return seq(info, signatureAlgorithmFor(key, 'SHA256'), bitString(signBytes(key, 'SHA256', info)));
}

/**
 * A PKCS#1 RSAPrivateKey of `bits` bits built from random odd numbers (not a
 * real key: generating a 32,768-bit one takes minutes). Loading it is cheap,
 * signing with it costs seconds of modular exponentiation: ccmkit must refuse
 * it before that.
 */
export function hugeRsaKey(bits: number): Buffer {
  const rand = (b: number): bigint => {
    const bytes = Buffer.alloc(b / 8);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[0]! |= 0xc0; // two top bits: the product of two such halves has exactly `bits` bits
    bytes[bytes.length - 1]! |= 1;
    return BigInt('0x' + bytes.toString('hex'));
  };
  const p = rand(bits / 2);
  const q = rand(bits / 2);
  const n = p * q;
  const d = rand(bits / 2) * rand(bits / 2 - 8);
  return seq(integer(0), integer(n), integer(65537), integer(d), integer(p), integer(q), integer(d % (p - 1n)), integer(d % (q - 1n)), integer(rand(bits / 2) % p));
}
