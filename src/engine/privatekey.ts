// Private keys: PKCS#1, SEC1, PKCS#8 and encrypted PKCS#8, classified and tied
// to their public key so they can be matched to certificates and CSRs.
//
// The structure is read by our DER reader (to say *which* format and to check
// encryption parameters before any expensive KDF runs); the key maths is
// Node's, which derives the public key whatever the format carries.

import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { DerReader, Tag, bitString, bytesOf, ctx, integerBytes, nullValue, oid, oidOf, rawOf, seq, smallInt, type Tlv } from './der.js';
import { CcmError, LocalCode } from './errors.js';
import { blocksFor, MAX_KDF_ITERATIONS, WorkBudget, type WorkPrimitive } from './budget.js';
import { CURVES, OID } from './oids.js';
import { MAX_RSA_BITS, parseSpki, type PublicKeyInfo } from './publickey.js';

/**
 * The structure a private key was stored in: PKCS#1 (`RSA PRIVATE KEY`),
 * SEC1 (`EC PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`) or encrypted PKCS#8.
 *
 * @example
 * ```ts
 * if (obj.kind === 'private-key' && obj.keyFormat === 'encrypted-pkcs8') console.log('needs a password');
 * ```
 */
export type PrivateKeyFormat = 'pkcs1' | 'sec1' | 'pkcs8' | 'encrypted-pkcs8';

/**
 * A private key, decrypted, with its public half.
 *
 * @example
 * ```ts
 * const key = readPrivateKey(readFileSync('server.key'), 'server.key');
 * console.log(key.format, key.publicKey.type, key.publicKey.id === cert.publicKey.id);
 * ```
 */
export interface PrivateKeyInfo {
  /** How it was stored. */
  format: PrivateKeyFormat;
  /** Its public key (compare `id`s to pair it with a certificate or CSR). */
  publicKey: PublicKeyInfo;
  /** Node's key object, to sign with. */
  keyObject: KeyObject;
  /** Set when the input was encrypted: what protected it. */
  encryption?: { scheme: string; iterations?: number };
}

/**
 * Refuse KDF iteration counts above this before running the KDF: a hostile
 * file could otherwise pin a CPU for minutes. Java's keystores refuse counts
 * above 5,000,000 too (jdk.security properties), so nothing legitimate is lost.
 */
export { MAX_KDF_ITERATIONS };

const PBE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC (PBES1)',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC (PBES1)',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC (PBES1)',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC (PBES1)',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC (PBES1)',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC (PBES1)',
  [OID.pbes2]: 'PBES2',
};

/** What kind of private-key structure `der` is, or undefined. Cheap: looks at the first elements only. */
export function sniffPrivateKey(der: Uint8Array): PrivateKeyFormat | undefined {
  try {
    const r = DerReader.of(der, new DerReader(der).expect(Tag.SEQUENCE, 'key'));
    const first = r.next();
    if (first.tag === Tag.SEQUENCE) {
      return r.peekTag() === Tag.OCTET_STRING ? 'encrypted-pkcs8' : undefined;
    }
    if (first.tag !== Tag.INTEGER) return undefined;
    const v = smallInt(der, first);
    const second = r.peekTag();
    if ((v === 0 || v === 1) && second === Tag.SEQUENCE) return 'pkcs8';
    if (v === 1 && second === Tag.OCTET_STRING) return 'sec1';
    if (v === 0 && second === Tag.INTEGER) {
      r.next();
      r.expect(Tag.INTEGER, 'e');
      // Exactly nine INTEGERs (or more for multi-prime) distinguishes RSAPrivateKey from other SEQUENCEs of INTEGERs.
      let n = 3;
      while (r.more() && r.next().tag === Tag.INTEGER) n++;
      return n >= 9 ? 'pkcs1' : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

interface Encryption {
  scheme: string;
  iterations?: number;
  /** What the derivation costs (budget.ts), when it is one ccmkit counts. */
  cost?: { primitive: WorkPrimitive; blocks: number };
}

const PBES2_PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const KEY_BYTES: Record<string, number> = { '2.16.840.1.101.3.4.1.2': 16, '2.16.840.1.101.3.4.1.22': 24, '2.16.840.1.101.3.4.1.42': 32, '1.2.840.113549.3.7': 24, '1.3.14.3.2.7': 8 };

function encryptionOf(der: Uint8Array): Encryption {
  const r = DerReader.of(der, new DerReader(der).expect(Tag.SEQUENCE, 'EncryptedPrivateKeyInfo'));
  const alg = r.enter(Tag.SEQUENCE, 'encryptionAlgorithm');
  const oid = oidOf(der, alg.expect(Tag.OID, 'encryption OID'));
  const scheme = PBE_NAMES[oid] ?? oid;
  const params = alg.enter(Tag.SEQUENCE, 'encryption parameters');
  if (oid === OID.pbes2) {
    const kdf = params.enter(Tag.SEQUENCE, 'keyDerivationFunc');
    const kdfOid = oidOf(der, kdf.expect(Tag.OID, 'KDF OID'));
    const enc = params.enter(Tag.SEQUENCE, 'encryptionScheme');
    const encOid = oidOf(der, enc.expect(Tag.OID, 'cipher OID'));
    if (kdfOid !== OID.pbkdf2) return { scheme: `PBES2/${kdfOid}/${encOid}` };
    const p = kdf.enter(Tag.SEQUENCE, 'PBKDF2-params');
    p.next(); // salt
    const iterations = smallInt(der, p.expect(Tag.INTEGER, 'iterationCount'));
    const kl = p.optional(Tag.INTEGER);
    let prf = 'sha1';
    if (p.peekTag() === Tag.SEQUENCE) prf = PBES2_PRF[oidOf(der, p.enter(Tag.SEQUENCE, 'prf').expect(Tag.OID, 'prf OID'))] ?? 'sha512';
    const keyLen = kl ? smallInt(der, kl) : (KEY_BYTES[encOid] ?? 32);
    return { scheme: `PBES2/PBKDF2/${CIPHERS[encOid] ?? encOid}`, iterations, cost: { primitive: `pbkdf2-${prf}` as WorkPrimitive, blocks: blocksFor(prf, keyLen) } };
  }
  params.expect(Tag.OCTET_STRING, 'salt');
  // PKCS#12 PBE (key and IV, up to three SHA-1 blocks) and PBES1 (one chain): count both as the PKCS#12 KDF.
  return { scheme, iterations: smallInt(der, params.expect(Tag.INTEGER, 'iterations')), cost: { primitive: 'pkcs12-sha1', blocks: 3 } };
}

const CIPHERS: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'AES-128-CBC',
  '2.16.840.1.101.3.4.1.22': 'AES-192-CBC',
  '2.16.840.1.101.3.4.1.42': 'AES-256-CBC',
  '1.2.840.113549.3.7': 'DES-EDE3-CBC',
  '1.3.14.3.2.7': 'DES-CBC',
};

function isBadDecrypt(e: unknown): boolean {
  const msg = String((e as Error)?.message ?? '');
  const code = String((e as { code?: string })?.code ?? '');
  // A wrong password usually fails the padding check (bad decrypt); about 1 in 256 decrypts to
  // garbage the DER decoder then refuses ("DECODER routines::unsupported"): both mean the password.
  return /bad decrypt|BAD_DECRYPT|wrong final block|unsupported|decrypt/i.test(msg + code);
}

/**
 * OpenSSL 3 cannot run the cipher or KDF at all (PBES1 MD5/SHA1-DES, RC2, RC4, PBES2 with DES:
 * moved to its legacy provider). Then the password was never tried, so it must not be blamed.
 */
function isUnsupportedScheme(e: unknown): boolean {
  return (e as { code?: string })?.code === 'ERR_OSSL_EVP_UNSUPPORTED';
}

/**
 * Parses a private key. `password` decrypts encrypted PKCS#8 (and legacy
 * PEM-encrypted keys, passed with `pem`). Errors are CcmErrors with SCM.0012
 * (the code CCM answers for an unreadable key), or the local password codes.
 */
export function parsePrivateKey(der: Uint8Array, opts: { password?: string; pem?: string; lazy?: boolean; budget?: WorkBudget } = {}): PrivateKeyInfo {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.length);
  const format = opts.pem ? 'pkcs1' : sniffPrivateKey(buf);
  if (!format) throw keyError('not a private key in PKCS#1, SEC1 or PKCS#8 form');
  // Refused before any work: every signature with a 32,768-bit key costs seconds (issue 10, item 13).
  const structural = !opts.pem && format !== 'encrypted-pkcs8' ? fromStructure(buf, format) : undefined;
  refuseHugeRsa(structural?.publicKey.type === 'RSA' ? structural.publicKey.bits : undefined, 'RSA');
  if (opts.lazy && !opts.pem && format !== 'encrypted-pkcs8') {
    if (structural) {
      let loaded: KeyObject | undefined;
      return Object.defineProperty({ format, publicKey: structural.publicKey } as Omit<PrivateKeyInfo, 'keyObject'>, 'keyObject', {
        get: () => (loaded ??= loadFromJwk(structural.jwk) ?? loadPlain(buf, format)),
        enumerable: true,
      }) as PrivateKeyInfo;
    }
  }
  let keyObject: KeyObject;
  let encryption: Encryption | undefined;
  try {
    if (opts.pem) {
      // Legacy "Proc-Type: 4,ENCRYPTED" PEM: only OpenSSL's PEM reader knows the scheme.
      if (opts.password === undefined) throw passwordRequired();
      const dek = /DEK-Info:\s*([A-Za-z0-9-]{1,32})/.exec(opts.pem)?.[1];
      encryption = { scheme: `legacy PEM encryption${dek ? ` (${dek})` : ''}` };
      keyObject = createPrivateKey({ key: opts.pem, format: 'pem', passphrase: opts.password });
    } else if (format === 'encrypted-pkcs8') {
      try {
        encryption = encryptionOf(buf);
      } catch (e) {
        throw keyError(`malformed EncryptedPrivateKeyInfo: ${(e as Error).message}`);
      }
      if (encryption.iterations !== undefined && encryption.iterations > MAX_KDF_ITERATIONS) {
        throw new CcmError(400, 'SCM.0012', `The private key's KDF iteration count ${encryption.iterations} exceeds the limit of ${MAX_KDF_ITERATIONS}.`);
      }
      if (opts.password === undefined) throw passwordRequired();
      if (encryption.iterations !== undefined && encryption.cost) {
        (opts.budget ?? new WorkBudget()).spend(encryption.cost.primitive, encryption.iterations, 'encrypted private key', encryption.cost.blocks);
      }
      keyObject = createPrivateKey({ key: buf, format: 'der', type: 'pkcs8', passphrase: opts.password });
    } else {
      keyObject = createPrivateKey({ key: buf, format: 'der', type: format });
    }
  } catch (e) {
    if (e instanceof CcmError) throw e;
    if (encryption) {
      if (isUnsupportedScheme(e)) {
        throw new CcmError(
          400,
          LocalCode.UNSUPPORTED,
          `The private key is encrypted with ${encryption.scheme}, a scheme this OpenSSL no longer runs (legacy DES/RC2/RC4 encryption); the password was not checked. Re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -provider legacy -provider default -in old.key -out new.key.`,
        );
      }
      if (isBadDecrypt(e)) {
        throw new CcmError(400, LocalCode.WRONG_PASSWORD, 'Wrong password: the private key could not be decrypted with the password given.');
      }
    }
    throw keyError(`the private key could not be loaded (${shortReason(e)})`);
  }
  refuseHugeRsa(keyObject.asymmetricKeyDetails?.modulusLength, keyObject.asymmetricKeyType);
  let publicKey: PublicKeyInfo;
  try {
    const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
    publicKey = parseSpki(spki);
  } catch (e) {
    throw keyError(`the public key could not be derived (${shortReason(e)})`);
  }
  const out: PrivateKeyInfo = { format, publicKey, keyObject };
  if (encryption) out.encryption = { scheme: encryption.scheme, ...(encryption.iterations !== undefined ? { iterations: encryption.iterations } : {}) };
  return out;
}

function refuseHugeRsa(bits: number | undefined, type: string | undefined): void {
  if (bits !== undefined && bits > MAX_RSA_BITS && (type === 'RSA' || type === 'rsa' || type === 'rsa-pss')) {
    throw keyError(`the RSA modulus has ${bits} bits; ccmkit, like OpenSSL, refuses more than ${MAX_RSA_BITS}`);
  }
}

function loadPlain(buf: Buffer, format: 'pkcs1' | 'sec1' | 'pkcs8'): KeyObject {
  try {
    return createPrivateKey({ key: buf, format: 'der', type: format });
  } catch (e) {
    throw keyError(`the private key could not be loaded (${shortReason(e)})`);
  }
}

/**
 * The same numbers as a JWK: Node imports an RSA JWK in ~5 us where the DER
 * route through OpenSSL's decoder chain costs ~300 us (PKCS#8), which matters
 * now that every pre-flight body proves its key by signing. The JWK carries
 * exactly the integers the file holds, so it is the same key; when Node will
 * not take it (odd encodings, zero CRT values), the DER route decides.
 */
function loadFromJwk(jwk: JsonWebKey | undefined): KeyObject | undefined {
  if (!jwk) return undefined;
  try {
    return createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
}

interface Structural {
  publicKey: PublicKeyInfo;
  jwk?: JsonWebKey;
}

/**
 * The public key a private-key structure carries, read without loading the
 * key: n and e of RSA keys, the optional publicKey of SEC1 EC keys. Node's
 * private-key import costs ~0.3 ms (OpenSSL's decoder chain) where this costs
 * a few microseconds, which is what lets pre-flight run thousands of bodies a
 * second. Undefined when the structure does not carry it (EC keys without the
 * optional public key, EdDSA): the caller then loads the key.
 */
function fromStructure(buf: Buffer, format: 'pkcs1' | 'sec1' | 'pkcs8'): Structural | undefined {
  try {
    const r = DerReader.of(buf, new DerReader(buf).expect(Tag.SEQUENCE, 'key'));
    if (format === 'pkcs1') return rsaParts(buf, r);
    if (format === 'sec1') return ecParts(buf, r, undefined);
    r.expect(Tag.INTEGER, 'version');
    const alg = r.enter(Tag.SEQUENCE, 'privateKeyAlgorithm');
    const algOid = oidOf(buf, alg.expect(Tag.OID, 'algorithm'));
    const params = alg.more() ? alg.next() : undefined;
    const inner = r.expect(Tag.OCTET_STRING, 'privateKey');
    const ir = DerReader.of(buf, new DerReader(buf, inner.body, inner.end).expect(Tag.SEQUENCE, 'inner key'));
    if (algOid === OID.rsaEncryption) return rsaParts(buf, ir);
    if (algOid === OID.ecPublicKey && params?.tag === Tag.OID) return ecParts(buf, ir, params);
    return undefined;
  } catch {
    return undefined;
  }
}

/** Unsigned big-endian magnitude of an INTEGER, base64url, as JWK wants it. */
function b64u(buf: Buffer, t: Tlv): string {
  let b = integerBytes(buf, t);
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b.toString('base64url');
}

function rsaParts(buf: Buffer, r: DerReader): Structural {
  if (smallInt(buf, r.expect(Tag.INTEGER, 'version')) !== 0) throw new Error('multi-prime');
  const nT = r.expect(Tag.INTEGER, 'n');
  const eT = r.expect(Tag.INTEGER, 'e');
  const publicKey = parseSpki(seq(seq(oid(OID.rsaEncryption), nullValue()), bitString(seq(rawOf(buf, nT), rawOf(buf, eT)))));
  let jwk: JsonWebKey | undefined;
  try {
    const [d, p, q, dp, dq, qi] = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((w) => b64u(buf, r.expect(Tag.INTEGER, w)));
    jwk = { kty: 'RSA', n: b64u(buf, nT), e: b64u(buf, eT), d, p, q, dp, dq, qi };
  } catch {
    jwk = undefined; // the DER route reports it
  }
  return jwk ? { publicKey, jwk } : { publicKey };
}

function ecParts(buf: Buffer, r: DerReader, curveFromAlg: Tlv | undefined): Structural | undefined {
  r.expect(Tag.INTEGER, 'version');
  const dT = r.expect(Tag.OCTET_STRING, 'privateKey');
  const p = r.optional(ctx(0));
  const curveT = curveFromAlg ?? (p ? DerReader.of(buf, p).expect(Tag.OID, 'curve') : undefined);
  const pubT = r.optional(ctx(1));
  if (!curveT || !pubT) return undefined;
  const pub = DerReader.of(buf, pubT).expect(Tag.BIT_STRING, 'publicKey');
  const publicKey = parseSpki(seq(seq(oid(OID.ecPublicKey), rawOf(buf, curveT)), rawOf(buf, pub)));
  const crv = CURVES[oidOf(buf, curveT)]?.jwk;
  const point = publicKey.ecPoint;
  if (!crv || !point || point[0] !== 0x04 || point.length % 2 !== 1) return { publicKey };
  const half = (point.length - 1) / 2;
  const d = bytesOf(buf, dT);
  if (d.length > half) return { publicKey };
  // RFC 5915: the scalar is the field size in octets; some writers drop leading zeros, JWK wants them back.
  const dFull = Buffer.concat([Buffer.alloc(half - d.length), d]);
  return {
    publicKey,
    jwk: { kty: 'EC', crv, d: dFull.toString('base64url'), x: point.subarray(1, 1 + half).toString('base64url'), y: point.subarray(1 + half).toString('base64url') },
  };
}

/** The unencrypted PKCS#8 DER of a parsed key. */
export function toPkcs8(k: PrivateKeyInfo): Buffer {
  return k.keyObject.export({ type: 'pkcs8', format: 'der' });
}

function shortReason(e: unknown): string {
  // OpenSSL messages never contain key bytes, but keep them short and single-line.
  return String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 100);
}

function keyError(detail: string): CcmError {
  return new CcmError(400, 'SCM.0012', `The uploaded private key failed to be resolved: ${detail}.`);
}

function passwordRequired(): CcmError {
  return new CcmError(400, LocalCode.PASSWORD_REQUIRED, 'The private key is encrypted: give its password (--passphrase-file F, $CCMKIT_PASSPHRASE, or a prompt on a terminal).');
}
