// PKCS#12 (RFC 7292): ccmkit's own writer and reader.
//
// Why our own (formats.md): node-forge cannot write EC keys or certificates and
// always MACs with SHA-1; pkijs writes only PBES2/AES and reads neither 3DES
// nor RC2. IIS on Windows Server 2016 and older needs 3DES ("legacy"), OpenSSL
// 3 and Windows Server 2019+ default to AES ("modern"), and files in the wild
// still carry RC2-40 certificate bags.
//
// Writer: definite-length DER throughout (split OCTET STRINGs break Windows
// import), certificate bags in one encrypted SafeContents, the key in a
// pkcs8ShroudedKeyBag, the same localKeyId (SHA-1 of the leaf DER) and a
// BMPString friendlyName on the key and the leaf, then a MAC.
//
// Reader: DER or BER (indefinite lengths, constructed OCTET STRINGs, as
// Windows/.NET and Java write them), MAC with SHA-1/224/256/384/512 or PBMAC1
// (RFC 9579), PBES2 (AES, 3DES), PKCS#12 PBE (3DES, RC2), plain bags, nested
// SafeContents, empty versus absent password, exact duplicate bags folded into
// one (Windows exports can hold the key and certificate twice), and every
// derivation charged to the command's work budget (budget.ts).

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { DerError, DerReader, Tag, bmp, bytesOf, contentEnd, ctx, explicit, integer, nullValue, octets, oid, oidOf, readTlv, seq, setOf, smallInt, stringOf, tlv, type Tlv } from './der.js';
import { CcmError, LocalCode } from './errors.js';
import { blocksFor, WorkBudget, type WorkPrimitive } from './budget.js';
import type { IterHash } from './iterhash.js';
import { OID } from './oids.js';
import { isZeroPadding } from './pkcs7.js';
import { octetContent, pbeDecrypt, pbeEncrypt, pbePassword, pkcs12Kdf, SCHEME_NAMES, type PbePassword } from './pbe.js';

export const P12_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

const MAC_HASHES: Record<string, IterHash> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/**
 * How a PKCS#12 file is protected: `legacy` (3DES key bags, RC2-40 certificate
 * bags, SHA-1 MAC: what Windows Server 2016 and older import) or `modern`
 * (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, SHA-256 MAC).
 *
 * @example
 * ```ts
 * const profile: Pkcs12Profile = 'modern';
 * ```
 */
export type Pkcs12Profile = 'legacy' | 'modern';

export interface Pkcs12WriteOptions {
  /** Unencrypted PKCS#8 DER of the private key. */
  key: Buffer;
  /** Leaf first, then the chain in issuing order. */
  certificates: Buffer[];
  password: string;
  profile: Pkcs12Profile;
  /** friendlyName on the key and the leaf (Windows shows it; Java uses it as the alias). */
  friendlyName?: string;
  /** KDF and MAC iteration count; 2048 as OpenSSL and pyca write. */
  iterations?: number;
  random?: (n: number) => Buffer;
}

export const DEFAULT_P12_ITERATIONS = 2048;

/** Writes a PFX. */
export function writePkcs12(o: Pkcs12WriteOptions): Buffer {
  if (o.certificates.length === 0) throw new CcmError(400, LocalCode.USAGE, 'a PKCS#12 file needs at least the leaf certificate.');
  const random = o.random ?? randomBytes;
  const iterations = o.iterations ?? DEFAULT_P12_ITERATIONS;
  const pw = pbePassword(o.password);
  const localKeyId = createHash('sha1').update(o.certificates[0]!).digest();
  const attrs: Buffer[] = [seq(oid(OID.localKeyId), setOf([octets(localKeyId)]))];
  if (o.friendlyName !== undefined) attrs.push(seq(oid(OID.friendlyName), setOf([bmp(o.friendlyName)])));
  const attrSet = setOf(attrs);

  const certBags = o.certificates.map((der, i) =>
    seq(oid(P12_OID.certBag), explicit(0, seq(oid(P12_OID.x509Certificate), explicit(0, octets(der)))), ...(i === 0 ? [attrSet] : [])),
  );
  const certEnc = pbeEncrypt(o.profile, seq(...certBags), pw, iterations, random);
  const certInfo = seq(
    oid(P12_OID.encryptedData),
    explicit(0, seq(integer(0), seq(oid(P12_OID.data), certEnc.alg, tlv(0x80, certEnc.ciphertext)))),
  );

  const keyEnc = pbeEncrypt(o.profile, o.key, pw, iterations, random);
  const keyBag = seq(oid(P12_OID.shroudedKeyBag), explicit(0, seq(keyEnc.alg, octets(keyEnc.ciphertext))), attrSet);
  const keyInfo = seq(oid(P12_OID.data), explicit(0, octets(seq(keyBag))));

  const authSafe = seq(certInfo, keyInfo);
  const macHash: IterHash = o.profile === 'legacy' ? 'sha1' : 'sha256';
  const macSalt = random(8);
  const macKey = pkcs12Kdf(macHash, pw.bmp, macSalt, 3, iterations, macHash === 'sha1' ? 20 : 32);
  const mac = createHmac(macHash, macKey).update(authSafe).digest();
  const macData = seq(seq(seq(oid(macHash === 'sha1' ? OID.sha1 : OID.sha256), nullValue()), octets(mac)), octets(macSalt), integer(iterations));
  return seq(integer(3), seq(oid(P12_OID.data), explicit(0, octets(authSafe))), macData);
}

// ---- reader --------------------------------------------------------------------

export interface Pkcs12Item {
  /** Certificate DER, or unencrypted PKCS#8 DER for keys. */
  der: Buffer;
  localKeyId?: Buffer;
  friendlyName?: string;
}

export interface Pkcs12Contents {
  keys: Pkcs12Item[];
  certificates: Pkcs12Item[];
  /** The integrity MAC: `hash` is the digest for the PKCS#12 KDF MAC, "PBMAC1/HMAC-<h>/PBKDF2-<prf>" for RFC 9579. */
  mac?: { hash: string; iterations: number };
  /** Encryption schemes met, for reports ("pbeWithSHAAnd40BitRC2-CBC", "PBES2/aes-256-cbc"...). */
  schemes: string[];
  /** Which password form opened the file. */
  password: 'given' | 'empty' | 'absent';
  /** Bags skipped (CRL, secret, unknown certificate types). */
  skipped: string[];
  /** Exact duplicate key or certificate bags folded into the first. */
  folded: number;
}

export interface Pkcs12ReadOptions {
  password?: string;
  /** The command's work budget; a fresh one when absent. */
  budget?: WorkBudget;
}

const MAX_BAGS = 1000;
const MAX_NESTING = 4;

function bad(detail: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Not a readable PKCS#12 file: ${detail}.`);
}

/** Largest certificate or key a bag may hold (the same bound input.ts puts on a single object). */
const MAX_BAG_BYTES = 1024 * 1024;

type MacData =
  | { kind: 'pkcs12'; hash: IterHash; digest: Buffer; salt: Buffer; iterations: number }
  | { kind: 'pbmac1'; prf: string; macHash: string; digest: Buffer; salt: Buffer; iterations: number; keyLength: number };

interface Parsed {
  authSafe: Buffer;
  macData?: MacData;
}

const HMAC_OIDS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

function parseOuter(der: Buffer): Parsed {
  const top = readTlv(der, 0, der.length, true);
  if (top.tag !== Tag.SEQUENCE) throw new DerError('not a SEQUENCE', 0);
  // Zero octets after the PFX (Windows pads its exports) are tolerated; any other trailing data is not.
  if (top.end !== der.length && !isZeroPadding(der, top.end)) throw new DerError('trailing data after the PFX', top.end);
  const r = DerReader.of(der, top, true);
  const version = smallInt(der, r.expect(Tag.INTEGER, 'version'));
  if (version !== 3) throw new DerError(`version ${version}, expected 3`, 0);
  const ci = r.enter(Tag.SEQUENCE, 'authSafe');
  const type = oidOf(der, ci.expect(Tag.OID, 'authSafe contentType'));
  if (type === P12_OID.signedData) throw new CcmError(400, LocalCode.UNSUPPORTED, 'PKCS#12 files in public-key integrity mode (signedData) are not supported.');
  if (type !== P12_OID.data) throw new DerError(`authSafe content type ${type}`, 0);
  const wrap = ci.enter(ctx(0), 'authSafe content');
  const authSafe = octetContent(der, wrap.next());
  let macData: Parsed['macData'];
  if (r.more()) {
    const m = r.enter(Tag.SEQUENCE, 'macData');
    const di = m.enter(Tag.SEQUENCE, 'mac');
    const alg = di.enter(Tag.SEQUENCE, 'digestAlgorithm');
    const hashOid = oidOf(der, alg.expect(Tag.OID, 'digest algorithm'));
    const pbmac1 = hashOid === P12_OID.pbmac1 ? readPbmac1Params(der, alg) : undefined;
    const hash = MAC_HASHES[hashOid];
    if (!pbmac1 && !hash) throw new CcmError(400, LocalCode.UNSUPPORTED, `PKCS#12 MAC digest ${hashOid} is not supported (SHA-1/224/256/384/512 and PBMAC1 are).`);
    const digest = octetContent(der, di.expect(di.peekTag() === 0x24 ? 0x24 : Tag.OCTET_STRING, 'digest'));
    // RFC 9579 section 4: with PBMAC1, macSalt and iterations are still present but ignored.
    const salt = octetContent(der, m.expect(m.peekTag() === 0x24 ? 0x24 : Tag.OCTET_STRING, 'macSalt'));
    const it = m.optional(Tag.INTEGER);
    const iterations = it ? smallInt(der, it) : 1;
    macData = pbmac1 ? { kind: 'pbmac1', ...pbmac1, digest } : { kind: 'pkcs12', hash: hash!, digest, salt, iterations };
  }
  return { authSafe, macData };
}

/**
 * PBMAC1-params (RFC 8018 A.5) as RFC 9579 section 4 profiles them for
 * PKCS#12: PBKDF2 with an explicit keyLength, and an HMAC message
 * authentication scheme. Malformed or incomplete parameters are the file's
 * fault (INPUT_UNRECOGNISED), not the password's.
 */
function readPbmac1Params(der: Buffer, alg: DerReader): { prf: string; macHash: string; salt: Buffer; iterations: number; keyLength: number } {
  const fail = (why: string): CcmError => new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `Not a readable PKCS#12 file: PBMAC1 (RFC 9579) parameters ${why}.`);
  let prf = 'sha1', macHash: string | undefined, salt: Buffer, iterations: number, keyLength: number | undefined, macOid: string;
  try {
    const params = alg.enter(Tag.SEQUENCE, 'PBMAC1-params');
    const kdf = params.enter(Tag.SEQUENCE, 'keyDerivationFunc');
    const kdfOid = oidOf(der, kdf.expect(Tag.OID, 'KDF'));
    if (kdfOid !== OID.pbkdf2) throw new CcmError(400, LocalCode.UNSUPPORTED, `PKCS#12 PBMAC1 key derivation ${kdfOid} is not supported (RFC 9579 uses PBKDF2).`);
    const p = kdf.enter(Tag.SEQUENCE, 'PBKDF2-params');
    salt = p.peekTag() === 0x24 ? octetContent(der, p.next()) : bytesOf(der, p.expect(Tag.OCTET_STRING, 'salt'));
    iterations = smallInt(der, p.expect(Tag.INTEGER, 'iterationCount'));
    const kl = p.optional(Tag.INTEGER);
    if (kl) keyLength = smallInt(der, kl);
    if (p.more()) {
      const prfOid = oidOf(der, p.enter(Tag.SEQUENCE, 'prf').expect(Tag.OID, 'prf'));
      const name = HMAC_OIDS[prfOid];
      if (!name) throw new CcmError(400, LocalCode.UNSUPPORTED, `PKCS#12 PBMAC1 PRF ${prfOid} is not supported (HMAC-SHA-1/224/256/384/512 are).`);
      prf = name;
    }
    p.done('PBKDF2-params');
    const mas = params.enter(Tag.SEQUENCE, 'messageAuthScheme');
    macOid = oidOf(der, mas.expect(Tag.OID, 'messageAuthScheme'));
    macHash = HMAC_OIDS[macOid];
  } catch (e) {
    if (e instanceof CcmError) throw e;
    throw fail(`are malformed (${(e as Error).message})`);
  }
  if (!macHash) throw new CcmError(400, LocalCode.UNSUPPORTED, `PKCS#12 PBMAC1 message authentication scheme ${macOid} is not supported (HMAC-SHA-1/224/256/384/512 are).`);
  // RFC 9579 section 4 makes keyLength mandatory: without it the HMAC key size is undefined.
  if (keyLength === undefined) throw fail('lack the PBKDF2 keyLength, which RFC 9579 requires');
  if (keyLength < 20 || keyLength > 512) throw fail(`give a PBKDF2 keyLength of ${keyLength} bytes (ccmkit accepts 20 to 512)`);
  return { prf, macHash, salt, iterations, keyLength };
}

function macOk(p: Parsed, pw: PbePassword, budget: WorkBudget): boolean {
  const m = p.macData!;
  let mac: Buffer;
  if (m.kind === 'pbmac1') {
    // PBMAC1 derives from the password's UTF-8 bytes (as PBES2 does), not the BMPString.
    budget.spend(`pbkdf2-${m.prf}` as WorkPrimitive, m.iterations, 'PKCS#12 PBMAC1', blocksFor(m.prf, m.keyLength));
    const key = pbkdf2Sync(pw.utf8, m.salt, m.iterations, m.keyLength, m.prf);
    mac = createHmac(m.macHash, key).update(p.authSafe).digest();
  } else {
    const len = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }[m.hash];
    budget.spend(`pkcs12-${m.hash}` as WorkPrimitive, m.iterations, 'PKCS#12 MAC');
    const key = pkcs12Kdf(m.hash, pw.bmp, m.salt, 3, m.iterations, len);
    mac = createHmac(m.hash, key).update(p.authSafe).digest();
  }
  return mac.length === m.digest.length && timingSafeEqual(mac, m.digest);
}

function macSummary(m: MacData): { hash: string; iterations: number } {
  if (m.kind === 'pkcs12') return { hash: m.hash, iterations: m.iterations };
  const up = (h: string): string => h.toUpperCase().replace('SHA', 'SHA-');
  return { hash: `PBMAC1/HMAC-${up(m.macHash)}/PBKDF2-${up(m.prf)}`, iterations: m.iterations };
}

/**
 * Reads a PFX. Wrong passwords give LocalCode.WRONG_PASSWORD ("wrong
 * password"), a protected file without a password PASSWORD_REQUIRED, and
 * anything malformed INPUT_UNRECOGNISED; never a DerError.
 */
export function readPkcs12(der: Uint8Array, opts: Pkcs12ReadOptions = {}): Pkcs12Contents {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.length);
  const budget = opts.budget ?? new WorkBudget();
  let parsed: Parsed;
  try {
    parsed = parseOuter(buf);
  } catch (e) {
    if (e instanceof DerError) throw bad(e.message);
    throw e;
  }
  // Empty and absent passwords encode differently (RFC 7292 B.1 vs. OpenSSL's NULL): try both.
  // PBMAC1 takes UTF-8 bytes, where the two are the same: one try is enough.
  const candidates: { pw: PbePassword; form: Pkcs12Contents['password'] }[] =
    opts.password === undefined || opts.password === ''
      ? [
          { pw: pbePassword(''), form: 'empty' },
          ...(parsed.macData?.kind === 'pbmac1' ? [] : [{ pw: pbePassword(undefined), form: 'absent' as const }]),
        ]
      : [{ pw: pbePassword(opts.password), form: 'given' }];
  const noPassword = opts.password === undefined;
  if (parsed.macData) {
    const hit = candidates.find((c) => macOk(parsed, c.pw, budget));
    if (!hit) {
      if (noPassword) throw passwordRequired();
      // Tell a wrong password from a damaged MAC (RFC 9579's negative examples: wrong
      // iteration count or salt): when the password opens the encrypted bags, it is right.
      if (opensContents(parsed, candidates[0]!.pw, budget)) throw integrityFailure();
      throw wrongPassword();
    }
    return contents(readAuthSafe(parsed, hit.pw, hit.form, budget, false));
  }
  // No MAC (rare: Java "-nomac" stores): the password is right when everything decrypts.
  let last: unknown;
  for (const c of candidates) {
    try {
      return contents(readAuthSafe(parsed, c.pw, c.form, budget, true));
    } catch (e) {
      last = e;
      if (!(e instanceof CcmError && e.code === LocalCode.WRONG_PASSWORD)) throw e;
    }
  }
  if (noPassword && last instanceof CcmError && last.code === LocalCode.WRONG_PASSWORD) throw passwordRequired();
  throw last;
}

/** The public result, without the reader's bookkeeping. */
function contents(r: Reading): Pkcs12Contents {
  const { decrypted: _decrypted, ...out } = r;
  return out;
}

/** True when `pw` decrypts at least one encrypted bag into well-formed contents. */
function opensContents(p: Parsed, pw: PbePassword, budget: WorkBudget): boolean {
  try {
    return readAuthSafe({ authSafe: p.authSafe }, pw, 'given', budget, true).decrypted > 0;
  } catch {
    // Any failure here (wrong password, budget spent, odd bags) leaves the verdict at "wrong password".
    return false;
  }
}

function integrityFailure(): CcmError {
  return new CcmError(
    400,
    LocalCode.INPUT_UNRECOGNISED,
    'The PKCS#12 integrity check (MAC) fails although the password decrypts the contents: the file was altered, or its MAC parameters (salt, iteration count) are wrong.',
  );
}

function wrongPassword(): CcmError {
  return new CcmError(400, LocalCode.WRONG_PASSWORD, 'Wrong password: the PKCS#12 integrity check (MAC) does not verify with the password given (or the file was altered).');
}

function passwordRequired(): CcmError {
  return new CcmError(400, LocalCode.PASSWORD_REQUIRED, 'The PKCS#12 file is password-protected: give its password (--passphrase-file F, $CCMKIT_PASSPHRASE, or a prompt on a terminal).');
}

interface Reading extends Pkcs12Contents {
  /** Encrypted items that decrypted (for telling a wrong password from a damaged MAC). */
  decrypted: number;
}

function readAuthSafe(p: Parsed, pw: PbePassword, form: Pkcs12Contents['password'], budget: WorkBudget, noMac: boolean): Reading {
  const out: Reading = { keys: [], certificates: [], schemes: [], password: form, skipped: [], folded: 0, decrypted: 0 };
  if (p.macData) out.mac = macSummary(p.macData);
  const a = p.authSafe;
  try {
    const top = readTlv(a, 0, a.length, true);
    if (top.tag !== Tag.SEQUENCE) throw new DerError('AuthenticatedSafe is not a SEQUENCE', 0);
    const r = DerReader.of(a, top, true);
    let n = 0;
    while (r.more()) {
      if (++n > MAX_BAGS) throw bad('too many ContentInfos');
      const ci = r.enter(Tag.SEQUENCE, 'ContentInfo');
      const type = oidOf(a, ci.expect(Tag.OID, 'contentType'));
      if (type === P12_OID.data) {
        const w = ci.enter(ctx(0), 'data content');
        readSafeContents(octetContent(a, w.next()), pw, budget, out, 0);
      } else if (type === P12_OID.encryptedData) {
        const w = ci.enter(ctx(0), 'encryptedData content');
        const ed = w.enter(Tag.SEQUENCE, 'EncryptedData');
        ed.expect(Tag.INTEGER, 'version');
        const eci = ed.enter(Tag.SEQUENCE, 'EncryptedContentInfo');
        eci.expect(Tag.OID, 'contentType');
        const alg = eci.expect(Tag.SEQUENCE, 'contentEncryptionAlgorithm');
        const encT = eci.next();
        if ((encT.tag & 0xdf) !== 0x80) throw new DerError('encryptedContent is not [0]', encT.start);
        const ct = (encT.tag & 0x20) !== 0 ? octetContent(a, { ...encT, tag: 0x24 }) : bytesOf(a, encT);
        out.schemes.push(schemeName(a, alg));
        const plain = pbeDecrypt(a, alg, ct, pw, budget, true, 'PKCS#12 certificate bags');
        if (!plain) throw noMac ? wrongPassword() : bagPasswordError('certificate bags');
        readSafeContents(plain, pw, budget, out, 0, noMac);
        out.decrypted++;
      } else if (type === P12_OID.envelopedData) {
        throw new CcmError(400, LocalCode.UNSUPPORTED, 'PKCS#12 bags in public-key privacy mode (envelopedData) are not supported.');
      } else {
        out.skipped.push(`ContentInfo ${type}`);
      }
    }
  } catch (e) {
    if (e instanceof DerError) throw bad(e.message);
    throw e;
  }
  foldDuplicates(out);
  return out;
}

/**
 * Folds exact duplicates (same DER) into the first occurrence, keeping the
 * first bag's attributes and taking a missing localKeyId or friendlyName from
 * its twin. Windows/.NET exports can carry the key and its certificate twice.
 */
function foldDuplicates(out: Reading): void {
  const fold = (items: Pkcs12Item[]): Pkcs12Item[] => {
    const byDer = new Map<string, Pkcs12Item>();
    const kept: Pkcs12Item[] = [];
    for (const it of items) {
      const k = createHash('sha256').update(it.der).digest('base64');
      const first = byDer.get(k);
      if (first && first.der.equals(it.der)) {
        first.localKeyId ??= it.localKeyId;
        first.friendlyName ??= it.friendlyName;
        out.folded++;
        continue;
      }
      byDer.set(k, it);
      kept.push(it);
    }
    return kept;
  };
  out.keys = fold(out.keys);
  out.certificates = fold(out.certificates);
}

function bagPasswordError(what: string): CcmError {
  return new CcmError(400, LocalCode.WRONG_PASSWORD, `Wrong password for the ${what}: the MAC verifies but the ${what} do not decrypt (the file may use a separate key password).`);
}

function schemeName(buf: Uint8Array, alg: Tlv): string {
  try {
    const r = DerReader.of(buf, alg, true);
    const o = oidOf(buf, r.expect(Tag.OID, 'alg'));
    if (o !== OID.pbes2) return SCHEME_NAMES[o] ?? o;
    const p = r.enter(Tag.SEQUENCE, 'params');
    p.expect(Tag.SEQUENCE, 'kdf');
    const enc = p.enter(Tag.SEQUENCE, 'enc');
    const c = oidOf(buf, enc.expect(Tag.OID, 'cipher'));
    return `PBES2/${{ '2.16.840.1.101.3.4.1.2': 'aes-128-cbc', '2.16.840.1.101.3.4.1.22': 'aes-192-cbc', '2.16.840.1.101.3.4.1.42': 'aes-256-cbc', '1.2.840.113549.3.7': 'des-ede3-cbc' }[c] ?? c}`;
  } catch {
    return 'unknown';
  }
}

function readSafeContents(sc: Buffer, pw: PbePassword, budget: WorkBudget, out: Reading, depth: number, noMac = false): void {
  if (depth > MAX_NESTING) throw bad('SafeContents nested too deep');
  let top: Tlv;
  try {
    top = readTlv(sc, 0, sc.length, true);
  } catch (e) {
    // Decrypted bytes that are not DER: without a MAC this is how a wrong password shows.
    if (noMac) throw wrongPassword();
    throw e;
  }
  if (top.tag !== Tag.SEQUENCE) {
    if (noMac) throw wrongPassword();
    throw new DerError('SafeContents is not a SEQUENCE', 0);
  }
  const r = DerReader.of(sc, top, true);
  while (r.more()) {
    if (out.keys.length + out.certificates.length + out.skipped.length > MAX_BAGS) throw bad('too many bags');
    const bag = r.enter(Tag.SEQUENCE, 'SafeBag');
    const bagId = oidOf(sc, bag.expect(Tag.OID, 'bagId'));
    const value = bag.enter(ctx(0), 'bagValue');
    const attrs = bag.more() ? readAttributes(sc, bag.expect(Tag.SET, 'bagAttributes')) : {};
    switch (bagId) {
      case P12_OID.keyBag: {
        const k = value.expect(Tag.SEQUENCE, 'PrivateKeyInfo');
        out.keys.push({ der: Buffer.from(sc.subarray(k.start, k.end)), ...attrs });
        break;
      }
      case P12_OID.shroudedKeyBag: {
        const epki = value.enter(Tag.SEQUENCE, 'EncryptedPrivateKeyInfo');
        const alg = epki.expect(Tag.SEQUENCE, 'encryptionAlgorithm');
        const data = octetContent(sc, epki.next());
        out.schemes.push(schemeName(sc, alg));
        const plain = pbeDecrypt(sc, alg, data, pw, budget, true, 'PKCS#12 key bag');
        if (!plain) throw noMac ? wrongPassword() : bagPasswordError('key bag');
        try {
          const t = readTlv(plain, 0, plain.length);
          if (t.tag !== Tag.SEQUENCE || t.end !== plain.length) throw new DerError('not a PrivateKeyInfo', 0);
        } catch {
          throw noMac ? wrongPassword() : bad('the decrypted key bag is not a PKCS#8 PrivateKeyInfo');
        }
        out.keys.push({ der: plain, ...attrs });
        out.decrypted++;
        break;
      }
      case P12_OID.certBag: {
        const cb = value.enter(Tag.SEQUENCE, 'CertBag');
        const certId = oidOf(sc, cb.expect(Tag.OID, 'certId'));
        const cv = cb.enter(ctx(0), 'certValue');
        if (certId !== P12_OID.x509Certificate) {
          out.skipped.push(`certificate of type ${certId}`);
          break;
        }
        const cert = octetContent(sc, cv.expect(cv.peekTag() === 0x24 ? 0x24 : Tag.OCTET_STRING, 'certificate'));
        if (cert.length > MAX_BAG_BYTES) throw bad(`a certificate bag of ${cert.length} bytes exceeds the ${MAX_BAG_BYTES}-byte limit`);
        out.certificates.push({ der: cert, ...attrs });
        break;
      }
      case P12_OID.safeContentsBag: {
        const inner = value.expect(Tag.SEQUENCE, 'SafeContents');
        readSafeContents(Buffer.from(sc.subarray(inner.start, inner.end)), pw, budget, out, depth + 1, noMac);
        break;
      }
      case P12_OID.crlBag:
        out.skipped.push('CRL bag');
        break;
      case P12_OID.secretBag:
        out.skipped.push('secret bag');
        break;
      default:
        out.skipped.push(`bag ${bagId}`);
    }
  }
}

function readAttributes(buf: Uint8Array, t: Tlv): { localKeyId?: Buffer; friendlyName?: string } {
  const out: { localKeyId?: Buffer; friendlyName?: string } = {};
  const r = DerReader.of(buf, t, true);
  while (r.more()) {
    const a = r.enter(Tag.SEQUENCE, 'attribute');
    const type = oidOf(buf, a.expect(Tag.OID, 'attribute type'));
    const values = a.enter(Tag.SET, 'attribute values');
    if (!values.more()) continue;
    const v = values.next();
    if (type === OID.localKeyId && (v.tag & 0x1f) === Tag.OCTET_STRING) out.localKeyId = octetContent(buf, v);
    else if (type === OID.friendlyName && v.tag === Tag.BMP_STRING) {
      try {
        out.friendlyName = stringOf(buf, { ...v, end: contentEnd(buf, v) });
      } catch {
        // A malformed friendly name is cosmetic; the certificate still counts.
      }
    }
  }
  return out;
}
