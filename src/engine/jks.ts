// Java KeyStore (JKS) writer and reader, and a JCEKS reader.
//
// Why our own: no npm package writes JKS, and the readers that exist crash on
// some inputs (formats.md). The layout is what java.io.DataOutputStream writes
// for sun.security.provider.JavaKeyStore (big-endian, "modified UTF-8"
// aliases), with the integrity hash SHA-1(password UTF-16BE || "Mighty
// Aphrodite" || body) and keys protected by Sun's KeyProtector (a SHA-1
// keystream, OID 1.3.6.1.4.1.42.2.17.1.1). JCEKS (com.sun.crypto.provider.
// JceKeyStore) uses the same framing, PBEWithMD5AndTripleDES for keys, and
// Java-serialised objects for secret keys, which ccmkit refuses to deserialise.

import { createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DerError, DerReader, Tag, bytesOf, nullValue, octets, oid, oidOf, readTlv, seq, smallInt } from './der.js';
import { CcmError, LocalCode } from './errors.js';
import { WorkBudget } from './budget.js';
import { skipJavaSerialized } from './javaser.js';

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;
const SUN_JKS_KEY_OID = '1.3.6.1.4.1.42.2.17.1.1';
const PBE_MD5_3DES_OID = '1.3.6.1.4.1.42.2.19.1';
const WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');

/** Tomcat's and keytool's default alias. */
export const DEFAULT_ALIAS = 'tomcat';

export interface JksWriteOptions {
  /** Unencrypted PKCS#8 DER. */
  key: Buffer;
  /** Leaf first, then the chain in issuing order. */
  certificates: Buffer[];
  /** Store password; the key password is the same (Tomcat assumes so). */
  password: string;
  alias?: string;
  /** Creation date written into the entry. */
  at: Date;
  random?: (n: number) => Buffer;
}

/** Password as Java's char[] to bytes: UTF-16BE, no BOM, no terminator. */
function passwordBytes(password: string): Buffer {
  const b = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** java.io.DataOutput.writeUTF: modified UTF-8 (NUL as C0 80, surrogates encoded one by one). */
export function modifiedUtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (out.length > 0xffff) throw new CcmError(400, LocalCode.USAGE, 'alias too long for a Java keystore.');
  const b = Buffer.alloc(2 + out.length);
  b.writeUInt16BE(out.length, 0);
  Buffer.from(out).copy(b, 2);
  return b;
}

function decodeModifiedUtf8(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const x = b[i]!;
    if (x < 0x80) {
      s += String.fromCharCode(x);
      i += 1;
    } else if ((x & 0xe0) === 0xc0 && i + 1 < b.length) {
      s += String.fromCharCode(((x & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 2;
    } else if ((x & 0xf0) === 0xe0 && i + 2 < b.length) {
      s += String.fromCharCode(((x & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    } else throw new DerError('malformed alias encoding', i);
  }
  return s;
}

/** Sun KeyProtector: salt || (PKCS#8 XOR SHA-1 keystream) || SHA-1(password || PKCS#8). */
function protectKey(pkcs8: Buffer, pw: Buffer, salt: Buffer): Buffer {
  const ks = keystream(pw, salt, pkcs8.length);
  const ct = Buffer.allocUnsafe(pkcs8.length);
  for (let i = 0; i < pkcs8.length; i++) ct[i] = pkcs8[i]! ^ ks[i]!;
  const check = createHash('sha1').update(pw).update(pkcs8).digest();
  return Buffer.concat([salt, ct, check]);
}

function keystream(pw: Buffer, salt: Buffer, n: number): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(n / 20) * 20);
  let d = salt;
  for (let o = 0; o < n; o += 20) {
    d = createHash('sha1').update(pw).update(d).digest();
    d.copy(out, o);
  }
  return out;
}

/** Writes a version-2 JKS with one private-key entry. */
export function writeJks(o: JksWriteOptions): Buffer {
  if (o.certificates.length === 0) throw new CcmError(400, LocalCode.USAGE, 'a JKS key entry needs at least the leaf certificate.');
  const alias = (o.alias ?? DEFAULT_ALIAS).toLowerCase();
  if (alias.length === 0) throw new CcmError(400, LocalCode.USAGE, 'the keystore alias must not be empty.');
  const pw = passwordBytes(o.password);
  const random = o.random ?? randomBytes;
  const protectedKey = protectKey(o.key, pw, random(20));
  const epki = seq(seq(oid(SUN_JKS_KEY_OID), nullValue()), octets(protectedKey));
  const parts: Buffer[] = [u32(JKS_MAGIC), u32(2), u32(1), u32(1), modifiedUtf8(alias), u64(o.at.getTime()), u32(epki.length), epki, u32(o.certificates.length)];
  const x509 = modifiedUtf8('X.509');
  for (const c of o.certificates) parts.push(x509, u32(c.length), c);
  const body = Buffer.concat(parts);
  const digest = createHash('sha1').update(pw).update(WHITENER).update(body).digest();
  return Buffer.concat([body, digest]);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Math.trunc(v)), 0);
  return b;
}

// ---- reader --------------------------------------------------------------------

export interface KeystoreEntry {
  alias: string;
  kind: 'private-key' | 'trusted-certificate';
  created: Date;
  /** Unencrypted PKCS#8 DER, for private-key entries (absent when the key was not decrypted). */
  key?: Buffer;
  /** Key entries: the chain as stored (leaf first); trusted entries: one certificate. */
  certificates: Buffer[];
  /** How the key was protected. */
  protection?: string;
}

export interface KeystoreContents {
  format: 'jks' | 'jceks';
  version: number;
  entries: KeystoreEntry[];
  /**
   * `verified`: the integrity hash matches the password (or the empty one);
   * `unchecked`: read without a password, as `keytool -list` does, so the
   * entries may have been altered; keys are then not decrypted.
   */
  integrity: 'verified' | 'unchecked';
  /** Unchecked because a password was given and it does not match (it may belong to another input). */
  passwordMismatch?: boolean;
  /** JCEKS secret-key entries, listed but not read (Java-serialised objects). */
  secretKeys: { alias: string; created: Date }[];
}

export interface JksReadOptions {
  /** Store password (integrity) and, unless keyPassword is given, the key password. */
  password?: string;
  keyPassword?: string;
  /** The command's work budget; a fresh one when absent. */
  budget?: WorkBudget;
  /**
   * Without a password (and when the empty one does not verify), list the
   * entries unchecked instead of refusing, as keytool does for a truststore.
   */
  allowUnchecked?: boolean;
  /** Decrypt key entries (default true); listing does not need them. */
  decryptKeys?: boolean;
  /** Decrypt only the key entry with this alias (case-insensitive, as Java compares them). */
  alias?: string;
}

/**
 * Largest protected key or certificate one entry may hold. A PKCS#8 RSA-16384
 * key is under 10 KB; the bound stops a 60 MB "key" before its key stream runs
 * (issue 10, item 13), as MAX_OBJECT_BYTES bounds other objects.
 */
export const MAX_ENTRY_BYTES = 1024 * 1024;

const MAX_ENTRIES = 10_000;
const MAX_CHAIN = 100;

function bad(kind: string, detail: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Not a readable ${kind} keystore: ${detail}.`);
}

class Cursor {
  pos = 0;
  constructor(
    readonly b: Buffer,
    readonly end: number,
  ) {}
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) throw new DerError(`truncated at ${what}`, this.pos);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.b.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8, what);
    const v = this.b.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v);
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  utf(what: string): string {
    return decodeModifiedUtf8(this.bytes(this.u16(what), what));
  }
}

interface RawEntry {
  alias: string;
  tag: number;
  created: Date;
  epki?: Buffer;
  certificates: Buffer[];
}

function boundedLength(c: Cursor, what: string): number {
  const n = c.u32(`${what} length`);
  if (n > MAX_ENTRY_BYTES) throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `A keystore entry's ${what} of ${n} bytes exceeds the ${MAX_ENTRY_BYTES}-byte limit; the keystore is refused before any decryption.`);
  return n;
}

/**
 * Reads a JKS or JCEKS keystore. Wrong store passwords give WRONG_PASSWORD,
 * truncation or garbage INPUT_UNRECOGNISED, JCEKS secret-key entries and
 * unknown protections UNSUPPORTED.
 */
export function readJks(data: Uint8Array, opts: JksReadOptions = {}): KeystoreContents {
  const b = Buffer.from(data.buffer, data.byteOffset, data.length);
  if (b.length < 4) throw bad('Java', 'shorter than the magic number');
  const magic = b.readUInt32BE(0);
  const format = magic === JKS_MAGIC ? 'jks' : magic === JCEKS_MAGIC ? 'jceks' : undefined;
  if (!format) throw bad('Java', 'bad magic number');
  const kind = format.toUpperCase();
  if (b.length < 12 + 20) throw bad(kind, 'truncated header');
  const body = b.length - 20;
  const c = new Cursor(b, body);
  let version: number;
  const raw: RawEntry[] = [];
  const secretKeys: KeystoreContents['secretKeys'] = [];
  try {
    c.pos = 4;
    version = c.u32('version');
    if (version !== 1 && version !== 2) throw new DerError(`unknown version ${version}`, 4);
    const count = c.u32('entry count');
    if (count > MAX_ENTRIES) throw new DerError(`${count} entries (limit ${MAX_ENTRIES})`, 8);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const entryStart = c.pos;
      const tag = c.u32('entry tag');
      const alias = c.utf('alias');
      // Java compares aliases case-insensitively: two that differ only in case collide.
      const key = alias.toLowerCase();
      if (seen.has(key)) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `The ${kind} keystore holds the alias "${alias.slice(0, 64)}" twice.`);
      seen.add(key);
      const created = new Date(c.u64('creation date'));
      if (tag === 1) {
        const epki = Buffer.from(c.bytes(boundedLength(c, 'protected key'), 'protected key'));
        const n = c.u32('chain length');
        if (n > MAX_CHAIN) throw new DerError(`chain of ${n} certificates`, c.pos);
        const certificates: Buffer[] = [];
        for (let j = 0; j < n; j++) certificates.push(readCert(c, version));
        raw.push({ alias, tag, created, epki, certificates });
      } else if (tag === 2) {
        raw.push({ alias, tag, created, certificates: [readCert(c, version)] });
      } else if (tag === 3 && format === 'jceks') {
        // A sealed secret key, Java-serialised inline: walked over (never deserialised) and listed.
        c.pos = skipJavaSerialized(b, c.pos, body);
        secretKeys.push({ alias, created });
      } else throw new DerError(`unknown entry tag ${tag}`, entryStart);
    }
    if (c.pos !== body) throw new DerError('data between the last entry and the integrity hash', c.pos);
  } catch (e) {
    if (e instanceof DerError) throw bad(kind, e.message);
    throw e;
  }
  const password = opts.password ?? '';
  const pw = passwordBytes(password);
  const digest = createHash('sha1').update(pw).update(WHITENER).update(b.subarray(0, body)).digest();
  let integrity: KeystoreContents['integrity'] = 'verified';
  let passwordMismatch = false;
  if (!timingSafeEqual(digest, b.subarray(body))) {
    if (opts.password === undefined) {
      if (!opts.allowUnchecked) {
        throw new CcmError(400, LocalCode.PASSWORD_REQUIRED, `The ${kind} keystore is password-protected: give its password (--passphrase-file F, $CCMKIT_PASSPHRASE, or a prompt on a terminal).`);
      }
      integrity = 'unchecked';
    } else if (opts.allowUnchecked) {
      // Listing only: one passphrase serves every input, and a truststore's may differ. Say so, do not refuse.
      integrity = 'unchecked';
      passwordMismatch = true;
    } else {
      throw new CcmError(400, LocalCode.WRONG_PASSWORD, `Wrong password: the ${kind} keystore's integrity hash does not match the password given (or the file was altered).`);
    }
  }
  const budget = opts.budget ?? new WorkBudget();
  const keyPw = opts.keyPassword ?? password;
  const decrypt = integrity === 'verified' && opts.decryptKeys !== false;
  const entries = raw.map((r): KeystoreEntry => {
    if (r.tag === 2) return { alias: r.alias, kind: 'trusted-certificate', created: r.created, certificates: r.certificates };
    if (!decrypt || (opts.alias !== undefined && opts.alias.toLowerCase() !== r.alias.toLowerCase())) {
      return { alias: r.alias, kind: 'private-key', created: r.created, certificates: r.certificates, protection: protectionName(r.epki!) };
    }
    const { key, protection } = unprotect(r.epki!, keyPw, format, budget, r.alias);
    return { alias: r.alias, kind: 'private-key', created: r.created, key, certificates: r.certificates, protection };
  });
  return { format, version, entries, integrity, secretKeys, ...(passwordMismatch ? { passwordMismatch } : {}) };
}

/** How a key entry is protected, read from its AlgorithmIdentifier alone. */
function protectionName(epki: Buffer): string {
  try {
    const r = DerReader.of(epki, readTlv(epki, 0, epki.length));
    const o = oidOf(epki, r.enter(Tag.SEQUENCE, 'algorithm').expect(Tag.OID, 'algorithm OID'));
    return o === SUN_JKS_KEY_OID ? 'JKS KeyProtector (SHA-1 keystream)' : o === PBE_MD5_3DES_OID ? 'PBEWithMD5AndTripleDES' : o;
  } catch {
    return 'unknown';
  }
}

function readCert(c: Cursor, version: number): Buffer {
  if (version === 2) {
    const type = c.utf('certificate type');
    if (type !== 'X.509') throw new DerError(`certificate type "${type.slice(0, 32)}"`, c.pos);
  }
  return Buffer.from(c.bytes(boundedLength(c, 'certificate'), 'certificate'));
}

function unprotect(epki: Buffer, password: string, format: 'jks' | 'jceks', budget: WorkBudget, alias: string): { key: Buffer; protection: string } {
  let algOid: string, data: Buffer, params: DerReader | undefined;
  try {
    const top = readTlv(epki, 0, epki.length);
    if (top.tag !== Tag.SEQUENCE || top.end !== epki.length) throw new DerError('not an EncryptedPrivateKeyInfo', 0);
    const r = DerReader.of(epki, top);
    const alg = r.enter(Tag.SEQUENCE, 'algorithm');
    algOid = oidOf(epki, alg.expect(Tag.OID, 'algorithm OID'));
    if (alg.peekTag() === Tag.SEQUENCE) params = alg.enter(Tag.SEQUENCE, 'parameters');
    data = bytesOf(epki, r.expect(Tag.OCTET_STRING, 'encryptedData'));
  } catch (e) {
    throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Key entry "${alias.slice(0, 64)}": malformed protected key (${(e as Error).message}).`);
  }
  const wrongKeyPassword = (): CcmError =>
    new CcmError(400, LocalCode.WRONG_PASSWORD, `Wrong password for key entry "${alias.slice(0, 64)}": the store opened but the key does not decrypt (the key may have its own password: --key-passphrase-file F or $CCMKIT_KEY_PASSPHRASE).`);
  if (algOid === SUN_JKS_KEY_OID) {
    if (data.length < 41) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Key entry "${alias.slice(0, 64)}": protected key too short.`);
    const pw = passwordBytes(password);
    budget.spend('jks-stream', 1, `JKS key entry "${alias.slice(0, 64)}"`, Math.ceil((data.length - 40) / 20));
    const salt = data.subarray(0, 20);
    const ct = data.subarray(20, data.length - 20);
    const check = data.subarray(data.length - 20);
    const ks = keystream(pw, salt, ct.length);
    const plain = Buffer.allocUnsafe(ct.length);
    for (let i = 0; i < ct.length; i++) plain[i] = ct[i]! ^ ks[i]!;
    const expect = createHash('sha1').update(pw).update(plain).digest();
    if (!timingSafeEqual(expect, check)) throw wrongKeyPassword();
    return { key: plain, protection: 'JKS KeyProtector (SHA-1 keystream)' };
  }
  if (algOid === PBE_MD5_3DES_OID && format === 'jceks') {
    let salt: Buffer, iterations: number;
    try {
      if (!params) throw new DerError('missing parameters', 0);
      salt = bytesOf(epki, params.expect(Tag.OCTET_STRING, 'salt'));
      iterations = smallInt(epki, params.expect(Tag.INTEGER, 'iterations'));
      if (salt.length !== 8) throw new DerError(`salt of ${salt.length} bytes`, 0);
    } catch (e) {
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Key entry "${alias.slice(0, 64)}": malformed PBE parameters (${(e as Error).message}).`);
    }
    // Two MD5 chains of `iterations` rounds, one per salt half.
    budget.spend('jceks-md5', iterations, `JCEKS key entry "${alias.slice(0, 64)}"`, 2);
    const plain = pbeMd5TripleDesDecrypt(password, salt, iterations, data);
    if (!plain) throw wrongKeyPassword();
    return { key: plain, protection: `PBEWithMD5AndTripleDES, ${iterations} iterations` };
  }
  throw new CcmError(400, LocalCode.UNSUPPORTED, `Key entry "${alias.slice(0, 64)}": key protection ${algOid} is not supported.`);
}

/**
 * Sun's PBEWithMD5AndTripleDES (com.sun.crypto.provider.PBES1Core): each salt
 * half is hashed with the ASCII password `iterations` times with MD5; the two
 * 16-byte results give the 24-byte 3DES key and the 8-byte IV.
 */
function pbeMd5TripleDesDecrypt(password: string, saltIn: Buffer, iterations: number, data: Buffer): Buffer | undefined {
  const pw = Buffer.alloc(password.length);
  for (let i = 0; i < password.length; i++) pw[i] = password.charCodeAt(i) & 0x7f;
  const salt = Buffer.from(saltIn);
  if (salt.subarray(0, 4).equals(salt.subarray(4, 8))) {
    // Equal halves would give key == IV material: Java reverses the first half.
    for (let i = 0; i < 2; i++) {
      const t = salt[i]!;
      salt[i] = salt[3 - i]!;
      salt[3 - i] = t;
    }
  }
  const result = Buffer.alloc(32);
  for (let h = 0; h < 2; h++) {
    let d: Buffer = salt.subarray(h * 4, h * 4 + 4);
    for (let j = 0; j < iterations; j++) d = createHash('md5').update(d).update(pw).digest();
    d.copy(result, h * 16);
  }
  try {
    const dec = createDecipheriv('des-ede3-cbc', result.subarray(0, 24), result.subarray(24, 32));
    const plain = Buffer.concat([dec.update(data), dec.final()]);
    const t = readTlv(plain, 0, plain.length);
    if (t.tag !== Tag.SEQUENCE || t.end !== plain.length) return undefined;
    return plain;
  } catch {
    return undefined;
  }
}
