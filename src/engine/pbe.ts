// Password-based encryption as PKCS#12 files use it: the PKCS#12 KDF (RFC 7292
// appendix B) with its PBE schemes (3DES, RC2), and PBES2/PBKDF2 (RFC 8018)
// with AES or 3DES. Shared by the PKCS#12 writer and reader.
//
// Passwords: the PKCS#12 KDF takes the password as a BMPString (UTF-16BE) with
// a 00 00 terminator; an *absent* password is the empty byte string, which is
// different from the empty password (just 00 00). PBES2 takes UTF-8 bytes.

import { createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { DerError, DerReader, Tag, bytesOf, integer, nullValue, octets as octetString, oid, oidOf, seq, smallInt, type Tlv } from './der.js';
import { CcmError, LocalCode } from './errors.js';
import { iterateHash, type IterHash } from './iterhash.js';
import { OID } from './oids.js';
import { blocksFor, WorkBudget, type WorkPrimitive } from './budget.js';
import { rc2CbcDecrypt } from './rc2.js';

export const PBE_OID = {
  sha1And128BitRC4: '1.2.840.113549.1.12.1.1',
  sha1And40BitRC4: '1.2.840.113549.1.12.1.2',
  sha1And3KeyTripleDES: '1.2.840.113549.1.12.1.3',
  sha1And2KeyTripleDES: '1.2.840.113549.1.12.1.4',
  sha1And128BitRC2: '1.2.840.113549.1.12.1.5',
  sha1And40BitRC2: '1.2.840.113549.1.12.1.6',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
} as const;

const PRF: Record<string, string> = {
  [PBE_OID.hmacWithSHA1]: 'sha1',
  [PBE_OID.hmacWithSHA224]: 'sha224',
  [PBE_OID.hmacWithSHA256]: 'sha256',
  [PBE_OID.hmacWithSHA384]: 'sha384',
  [PBE_OID.hmacWithSHA512]: 'sha512',
};

const PBES2_CIPHERS: Record<string, { name: string; keyLen: number }> = {
  [PBE_OID.aes128cbc]: { name: 'aes-128-cbc', keyLen: 16 },
  [PBE_OID.aes192cbc]: { name: 'aes-192-cbc', keyLen: 24 },
  [PBE_OID.aes256cbc]: { name: 'aes-256-cbc', keyLen: 32 },
  [PBE_OID.desEde3Cbc]: { name: 'des-ede3-cbc', keyLen: 24 },
};

export const SCHEME_NAMES: Record<string, string> = {
  [PBE_OID.sha1And3KeyTripleDES]: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  [PBE_OID.sha1And2KeyTripleDES]: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  [PBE_OID.sha1And40BitRC2]: 'pbeWithSHAAnd40BitRC2-CBC',
  [PBE_OID.sha1And128BitRC2]: 'pbeWithSHAAnd128BitRC2-CBC',
  [PBE_OID.sha1And128BitRC4]: 'pbeWithSHAAnd128BitRC4',
  [PBE_OID.sha1And40BitRC4]: 'pbeWithSHAAnd40BitRC4',
};

/** A password in both encodings a PKCS#12 file may need. */
export interface PbePassword {
  /** BMPString + 00 00, or empty for an absent password (PKCS#12 KDF). */
  bmp: Buffer;
  /** UTF-8 (PBES2). */
  utf8: Buffer;
}

export function pbePassword(password: string | undefined): PbePassword {
  if (password === undefined) return { bmp: Buffer.alloc(0), utf8: Buffer.alloc(0) };
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  return { bmp, utf8: Buffer.from(password, 'utf8') };
}

/** The budget type every KDF user takes (one per command; see budget.ts). */
export { WorkBudget as KdfBudget } from './budget.js';

/** OCTET STRING content, joining the chunks of a BER constructed encoding. */
export function octetContent(buf: Uint8Array, t: Tlv, depth = 0): Buffer {
  if ((t.tag & 0x20) === 0) return bytesOf(buf, t);
  if (depth > 8) throw new DerError('constructed OCTET STRING nested too deep', t.start);
  const parts: Buffer[] = [];
  const r = DerReader.of(buf, t, true);
  while (r.more()) {
    const c = r.next();
    if ((c.tag & 0x1f) !== Tag.OCTET_STRING) throw new DerError('constructed OCTET STRING holds a non-OCTET STRING', c.start);
    parts.push(octetContent(buf, c, depth + 1));
  }
  return Buffer.concat(parts);
}

/** The next element as OCTET STRING content; BER readers also take the constructed form (Windows chunks strings). */
function octets(r: DerReader, buf: Uint8Array, what: string): Buffer {
  return r.ber && r.peekTag() === 0x24 ? octetContent(buf, r.next()) : bytesOf(buf, r.expect(Tag.OCTET_STRING, what));
}

const HASH_LEN: Record<IterHash, [number, number]> = { sha1: [20, 64], sha224: [28, 64], sha256: [32, 64], sha384: [48, 128], sha512: [64, 128] };

/** RFC 7292 B.2: derive `n` bytes for purpose `id` (1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(alg: IterHash, password: Uint8Array, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const [u, v] = HASH_LEN[alg];
  const fill = (src: Uint8Array): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const b = Buffer.allocUnsafe(len);
    for (let i = 0; i < len; i++) b[i] = src[i % src.length]!;
    return b;
  };
  const I = Buffer.concat([fill(salt), fill(password)]);
  const D = Buffer.alloc(v, id);
  const blocks = Math.ceil(n / u);
  const out = Buffer.allocUnsafe(blocks * u);
  const input = Buffer.concat([D, I]);
  for (let i = 0; i < blocks; i++) {
    const A = iterateHash(alg, input, iterations);
    A.copy(out, i * u);
    if (i + 1 < blocks) {
      // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
      for (let j = 0; j < I.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const s = I[j + k]! + A[k % u]! + carry;
          I[j + k] = s & 0xff;
          carry = s >>> 8;
        }
      }
      I.copy(input, v);
    }
  }
  return out.subarray(0, n);
}

function malformed(what: string, e: unknown): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${what}: malformed encryption parameters (${(e as Error).message}).`);
}

/**
 * Decrypts `data` under the AlgorithmIdentifier at `alg`. Returns undefined
 * when the padding is wrong (the usual sign of a wrong password).
 */
export function pbeDecrypt(buf: Uint8Array, alg: Tlv, data: Buffer, pw: PbePassword, budget: WorkBudget, ber: boolean, what: string): Buffer | undefined {
  let scheme: string;
  let params: DerReader;
  try {
    const r = DerReader.of(buf, alg, ber);
    scheme = oidOf(buf, r.expect(Tag.OID, 'encryption algorithm'));
    params = r.enter(Tag.SEQUENCE, 'encryption parameters');
  } catch (e) {
    throw malformed(what, e);
  }
  if (scheme === OID.pbes2) return pbes2Decrypt(buf, params, data, pw, budget, what);
  let salt: Buffer, iterations: number;
  try {
    salt = octets(params, buf, 'salt');
    iterations = smallInt(buf, params.expect(Tag.INTEGER, 'iterations'));
  } catch (e) {
    throw malformed(what, e);
  }
  const cipher = ((): { keyLen: number; ivLen: number; decrypt: (k: Buffer, iv: Buffer) => Buffer | undefined } | undefined => {
    switch (scheme) {
      case PBE_OID.sha1And3KeyTripleDES:
        return { keyLen: 24, ivLen: 8, decrypt: (k, iv) => nodeDecrypt('des-ede3-cbc', k, iv, data) };
      case PBE_OID.sha1And2KeyTripleDES:
        return { keyLen: 16, ivLen: 8, decrypt: (k, iv) => nodeDecrypt('des-ede3-cbc', Buffer.concat([k, k.subarray(0, 8)]), iv, data) };
      case PBE_OID.sha1And40BitRC2:
        return { keyLen: 5, ivLen: 8, decrypt: (k, iv) => rc2CbcDecrypt(k, 40, iv, data) };
      case PBE_OID.sha1And128BitRC2:
        return { keyLen: 16, ivLen: 8, decrypt: (k, iv) => rc2CbcDecrypt(k, 128, iv, data) };
      default:
        return undefined;
    }
  })();
  if (!cipher) {
    throw new CcmError(400, LocalCode.UNSUPPORTED, `${what}: encryption scheme ${SCHEME_NAMES[scheme] ?? scheme} is not supported (ccmkit reads AES, 3DES and RC2).`);
  }
  // Key and IV are two derivations, each one pass of `iterations` per 20-byte block.
  budget.spend('pkcs12-sha1', iterations, what, blocksFor('sha1', cipher.keyLen) + blocksFor('sha1', cipher.ivLen));
  const key = pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, cipher.keyLen);
  const iv = pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, cipher.ivLen);
  return cipher.decrypt(key, iv);
}

function pbes2Decrypt(buf: Uint8Array, params: DerReader, data: Buffer, pw: PbePassword, budget: WorkBudget, what: string): Buffer | undefined {
  let salt: Buffer, iterations: number, keyLen: number | undefined, prf = 'sha1', cipherOid: string, iv: Buffer;
  try {
    const kdf = params.enter(Tag.SEQUENCE, 'keyDerivationFunc');
    const kdfOid = oidOf(buf, kdf.expect(Tag.OID, 'KDF'));
    if (kdfOid !== OID.pbkdf2) throw new CcmError(400, LocalCode.UNSUPPORTED, `${what}: PBES2 key derivation ${kdfOid} is not supported (only PBKDF2).`);
    const p = kdf.enter(Tag.SEQUENCE, 'PBKDF2-params');
    salt = octets(p, buf, 'salt');
    iterations = smallInt(buf, p.expect(Tag.INTEGER, 'iterationCount'));
    const kl = p.optional(Tag.INTEGER);
    if (kl) keyLen = smallInt(buf, kl);
    if (p.more()) {
      const prfR = p.enter(Tag.SEQUENCE, 'prf');
      const prfOid = oidOf(buf, prfR.expect(Tag.OID, 'prf'));
      const name = PRF[prfOid];
      if (!name) throw new CcmError(400, LocalCode.UNSUPPORTED, `${what}: PBKDF2 PRF ${prfOid} is not supported.`);
      prf = name;
    }
    const enc = params.enter(Tag.SEQUENCE, 'encryptionScheme');
    cipherOid = oidOf(buf, enc.expect(Tag.OID, 'cipher'));
    iv = octets(enc, buf, 'IV');
  } catch (e) {
    if (e instanceof CcmError) throw e;
    throw malformed(what, e);
  }
  const c = PBES2_CIPHERS[cipherOid];
  if (!c) throw new CcmError(400, LocalCode.UNSUPPORTED, `${what}: PBES2 cipher ${cipherOid} is not supported (AES-CBC and 3DES are).`);
  if (keyLen !== undefined && keyLen !== c.keyLen) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${what}: PBKDF2 key length ${keyLen} does not fit ${c.name}.`);
  budget.spend(`pbkdf2-${prf}` as WorkPrimitive, iterations, what, blocksFor(prf, c.keyLen));
  const key = pbkdf2Sync(pw.utf8, salt, iterations, c.keyLen, prf);
  return nodeDecrypt(c.name, key, iv, data);
}

function nodeDecrypt(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // Bad padding, or an IV of the wrong size in a corrupt file: both mean "cannot decrypt".
    return undefined;
  }
}

export type PbeProfile = 'legacy' | 'modern';

/** Encrypts for a PKCS#12 bag: returns the AlgorithmIdentifier and the ciphertext. */
export function pbeEncrypt(profile: PbeProfile, data: Uint8Array, pw: PbePassword, iterations: number, random: (n: number) => Buffer): { alg: Buffer; ciphertext: Buffer } {
  if (profile === 'legacy') {
    const salt = random(8);
    const key = pkcs12Kdf('sha1', pw.bmp, salt, 1, iterations, 24);
    const iv = pkcs12Kdf('sha1', pw.bmp, salt, 2, iterations, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    return {
      alg: seq(oid(PBE_OID.sha1And3KeyTripleDES), seq(octetString(salt), integer(iterations))),
      ciphertext: Buffer.concat([c.update(data), c.final()]),
    };
  }
  const salt = random(16);
  const iv = random(16);
  const key = pbkdf2Sync(pw.utf8, salt, iterations, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  return {
    alg: seq(
      oid(OID.pbes2),
      seq(seq(oid(OID.pbkdf2), seq(octetString(salt), integer(iterations), seq(oid(PBE_OID.hmacWithSHA256), nullValue()))), seq(oid(PBE_OID.aes256cbc), octetString(iv))),
    ),
    ciphertext: Buffer.concat([c.update(data), c.final()]),
  };
}
