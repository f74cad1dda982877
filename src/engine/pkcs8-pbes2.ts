// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018):
// PBKDF2-HMAC-SHA256 and AES-256-CBC, the profile OpenSSL 3 writes, split in
// two steps: derive the key-encryption key once, then seal or open any number
// of keys with it.
//
// Why split: a workspace holds many private keys under one passphrase. Every
// key is a standard encrypted PKCS#8 that `openssl pkey -passin` opens on its
// own, but they share the workspace's salt and iteration count, so a process
// pays the PBKDF2 cost (600,000 iterations, ~0.3 s) once, not once per key.
// Sharing the salt costs nothing here: all the keys fall to the same
// passphrase anyway, so a per-key salt would not slow an attacker down.

import { createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { DerReader, Tag, bytesOf, integer, nullValue, octets, oid, oidOf, seq, smallInt } from './der.js';
import { OID } from './oids.js';

export const AES_256_CBC = '2.16.840.1.101.3.4.1.42';
export const HMAC_WITH_SHA256 = '1.2.840.113549.2.9';

export interface Pbes2Params {
  salt: Buffer;
  iterations: number;
}

/** PBKDF2-HMAC-SHA256 -> a 32-byte AES-256 key. The passphrase is its UTF-8 bytes (RFC 8018 A.2, as OpenSSL and Java use it). */
export function derivePbes2Key(passphrase: string, p: Pbes2Params): Buffer {
  return pbkdf2Sync(Buffer.from(passphrase, 'utf8'), p.salt, p.iterations, 32, 'sha256');
}

/** EncryptedPrivateKeyInfo DER for an unencrypted PKCS#8 DER, sealed with a derived key and a fresh 16-byte IV. */
export function sealPkcs8(plain: Buffer, dk: Buffer, p: Pbes2Params, iv: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-cbc', dk, iv);
  const enc = Buffer.concat([cipher.update(plain), cipher.final()]);
  const pbkdf2Params = seq(octets(p.salt), integer(p.iterations), seq(oid(HMAC_WITH_SHA256), nullValue()));
  const alg = seq(oid(OID.pbes2), seq(seq(oid(OID.pbkdf2), pbkdf2Params), seq(oid(AES_256_CBC), octets(iv))));
  return seq(alg, octets(enc));
}

export interface Pbes2Envelope extends Pbes2Params {
  iv: Buffer;
  ciphertext: Buffer;
}

/**
 * The PBES2 parameters of an EncryptedPrivateKeyInfo, when it is exactly the
 * PBKDF2-HMAC-SHA256 / AES-256-CBC profile; undefined for anything else
 * (the caller then falls back to a general decryption).
 */
export function pbes2Envelope(der: Uint8Array): Pbes2Envelope | undefined {
  try {
    const top = new DerReader(der);
    const r = top.enter(Tag.SEQUENCE, 'EncryptedPrivateKeyInfo');
    top.done('EncryptedPrivateKeyInfo');
    const alg = r.enter(Tag.SEQUENCE, 'encryptionAlgorithm');
    if (oidOf(der, alg.expect(Tag.OID, 'algorithm')) !== OID.pbes2) return undefined;
    const params = alg.enter(Tag.SEQUENCE, 'PBES2-params');
    const kdf = params.enter(Tag.SEQUENCE, 'keyDerivationFunc');
    if (oidOf(der, kdf.expect(Tag.OID, 'kdf')) !== OID.pbkdf2) return undefined;
    const kp = kdf.enter(Tag.SEQUENCE, 'PBKDF2-params');
    const salt = Buffer.from(bytesOf(der, kp.expect(Tag.OCTET_STRING, 'salt')));
    const iterations = smallInt(der, kp.expect(Tag.INTEGER, 'iterationCount'));
    if (kp.peekTag() === Tag.INTEGER && smallInt(der, kp.next()) !== 32) return undefined;
    if (!kp.more()) return undefined; // default PRF is HMAC-SHA1: not this profile
    const prf = kp.enter(Tag.SEQUENCE, 'prf');
    if (oidOf(der, prf.expect(Tag.OID, 'prf')) !== HMAC_WITH_SHA256) return undefined;
    const enc = params.enter(Tag.SEQUENCE, 'encryptionScheme');
    if (oidOf(der, enc.expect(Tag.OID, 'cipher')) !== AES_256_CBC) return undefined;
    const iv = Buffer.from(bytesOf(der, enc.expect(Tag.OCTET_STRING, 'iv')));
    if (iv.length !== 16) return undefined;
    const ciphertext = Buffer.from(bytesOf(der, r.expect(Tag.OCTET_STRING, 'encryptedData')));
    return { salt, iterations, iv, ciphertext };
  } catch {
    return undefined;
  }
}

/** The unencrypted PKCS#8 DER, or undefined when the key is wrong (bad padding). */
export function openPkcs8(env: Pbes2Envelope, dk: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv('aes-256-cbc', dk, env.iv);
    return Buffer.concat([d.update(env.ciphertext), d.final()]);
  } catch {
    return undefined;
  }
}
