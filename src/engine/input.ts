// The one input layer every command uses: bytes as users have them in, typed
// DER objects out, each tagged with where it came from (`file#n`, n counting
// the objects of the file from 1).
//
// Accepted: PEM with one or many blocks (LF or CRLF, text around and between
// the blocks), raw DER, bare base64 of DER, JSON strings whose newlines are
// escaped (`\n`, `\r\n`, as CCM request bodies carry them), and JSON objects
// whose string fields hold PEM (CCM request and export bodies).

import { DerError, DerReader, Tag, bitString, nullValue, oid, oidOf, readTlv, seq } from './der.js';
import { CcmError, LocalCode } from './errors.js';
import { JsonDepthError, parseJson } from './json.js';
import { OID } from './oids.js';
import { PemStreamDecoder } from './pem-stream.js';
import { looksLikePem, parsePem, PemError, unescapeJsonPem, type PemBlock } from './pem.js';
import { isZeroPadding, PKCS7_OID } from './pkcs7.js';
import { sniffPrivateKey, type PrivateKeyFormat } from './privatekey.js';

/**
 * What an input object is: a plain object (certificate, CSR, CRL, key) or a
 * container ccmkit opens (PKCS#12, PKCS#7, JKS, JCEKS, zip).
 *
 * @example
 * ```ts
 * const certs = readInput(bytes, 'bundle.pem').objects.filter((o) => o.kind === 'certificate');
 * ```
 */
export type ObjectKind = 'certificate' | 'csr' | 'crl' | 'private-key' | 'public-key' | 'pkcs12' | 'pkcs7' | 'jks' | 'jceks' | 'zip';

/**
 * One object found in an input, as DER, named by where it came from.
 *
 * @example
 * ```ts
 * const [obj] = readInput(pemText, 'server.csr').objects;
 * console.log(obj.source, obj.kind, obj.encoding); // server.csr#1 csr pem
 * ```
 */
export interface InputObject {
  /** What the object is. */
  kind: ObjectKind;
  /** `file#n`: the input's name and the object's position in it, from 1. */
  source: string;
  /** The object's DER (for a legacy encrypted PEM key: its ciphertext). */
  der: Buffer;
  /** How it was written: a PEM block, raw DER, bare base64, or a string in a JSON body. */
  encoding: 'pem' | 'der' | 'base64' | 'json';
  /** PEM label, when read from PEM. */
  label?: string;
  /** For private keys: the structure found. */
  keyFormat?: PrivateKeyFormat;
  /** For legacy encrypted PEM keys: the PEM text itself (OpenSSL must decrypt it). */
  legacyPem?: string;
  /** Source of the keystore, PKCS#7 bag or zip this object was found in. */
  container?: string;
}

/**
 * Something in an input that could not be read, with the CCM-style error
 * that says why.
 *
 * @example
 * ```ts
 * for (const p of readInput(bytes, 'x.pem').problems) console.error(p.source, p.error.error_code, p.error.error_msg);
 * ```
 */
export interface InputProblem {
  /** `file` or `file#n`. */
  source: string;
  /** Why it could not be read. */
  error: CcmError;
}

/**
 * Everything {@link readInput} found in one input.
 *
 * @example
 * ```ts
 * const { objects, problems, skipped } = readInput(bytes, 'bundle.pem');
 * ```
 */
export interface InputResult {
  /** The objects, in input order. */
  objects: InputObject[];
  /** What could not be read; the other objects are still returned. */
  problems: InputProblem[];
  /** PEM blocks that were recognised and deliberately skipped (EC PARAMETERS...). */
  skipped: { source: string; label: string }[];
}

/** Largest single object ccmkit will decode (a 10,000-name certificate is ~400 KiB). */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/**
 * CRLs are the exception: a CA's CRL legitimately grows with its revocations
 * (1,000,000 entries is ~45 MB), and the CRL reader keeps one offset per entry
 * rather than a tree, so they are bounded by the file limit instead.
 */
export const MAX_CRL_BYTES = 256 * 1024 * 1024;

/**
 * A PKCS#7 bag is a container of certificates (a CA's whole trust list can
 * be one), each of which is bounded by MAX_OBJECT_BYTES when it is read.
 */
export const MAX_PKCS7_BYTES = 16 * 1024 * 1024;

function limitFor(kind: ObjectKind | undefined): number {
  return kind === 'crl' ? MAX_CRL_BYTES : kind === 'pkcs7' ? MAX_PKCS7_BYTES : MAX_OBJECT_BYTES;
}

const LABELS: Record<string, ObjectKind> = {
  CERTIFICATE: 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'X.509 CERTIFICATE': 'certificate',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'X509 CRL': 'crl',
  'PRIVATE KEY': 'private-key',
  'RSA PRIVATE KEY': 'private-key',
  'EC PRIVATE KEY': 'private-key',
  'DSA PRIVATE KEY': 'private-key',
  'ENCRYPTED PRIVATE KEY': 'private-key',
  'PUBLIC KEY': 'public-key',
  'RSA PUBLIC KEY': 'public-key',
  PKCS12: 'pkcs12',
  // RFC 7468 section 8: OpenSSL writes "PKCS7"; "CMS" and the older "PKCS #7 SIGNED DATA" are read too.
  PKCS7: 'pkcs7',
  CMS: 'pkcs7',
  'PKCS #7 SIGNED DATA': 'pkcs7',
};

/** Labels that carry no object a user means (OpenSSL writes them next to keys). */
const IGNORED_LABELS = new Set(['EC PARAMETERS', 'DH PARAMETERS', 'X9.42 DH PARAMETERS']);

const te = new TextDecoder('utf-8', { fatal: true });

export function unrecognised(source: string, what: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${what}: not a certificate, CSR, CRL, key or keystore ccmkit can read.`, source);
}

/**
 * Reads every object in one input, whatever its form: PEM with one or many
 * blocks (LF or CRLF, text around them, `NEW CERTIFICATE REQUEST`, legacy
 * encrypted keys), raw DER, bare base64, JSON strings with escaped `\n`, and
 * JSON bodies whose fields hold PEM (CCM request and export bodies).
 * Containers (PKCS#12, PKCS#7, JKS, JCEKS, zips) come back as one object
 * each; {@link openInputs} opens them. Never throws for bad input: that is
 * a problem in the result.
 *
 * @param bytes - the input: bytes, or text (PEM, JSON, base64)
 * @param name - what to call it in `source` (`name#1`, `name#2`...)
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const { objects, problems } = readInput(readFileSync('fullchain.pem'), 'fullchain.pem');
 * for (const o of objects) console.log(o.source, o.kind); // fullchain.pem#1 certificate ...
 * ```
 */
export function readInput(bytes: Uint8Array | string, name: string): InputResult {
  const res: InputResult = { objects: [], problems: [], skipped: [] };
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length === 0) {
    res.problems.push({ source: name, error: new CcmError(400, LocalCode.INPUT_UNREADABLE, `${name} is empty.`, name) });
    return res;
  }
  const magic = buf.length >= 4 ? buf.readUInt32BE(0) : 0;
  if (magic === 0xfeedfeed) return one(res, name, 'jks', buf, 'der');
  if (magic === 0xcececece) return one(res, name, 'jceks', buf, 'der');
  if (magic === 0x504b0304) return one(res, name, 'zip', buf, 'der');

  let text: string | undefined;
  if (!buf.includes(0)) {
    try {
      text = te.decode(buf);
    } catch {
      text = undefined;
    }
  }
  if (text !== undefined && looksLikePem(text)) {
    let pemText: string;
    try {
      pemText = textFromJson(text);
    } catch (e) {
      if (!(e instanceof JsonDepthError)) throw e;
      res.problems.push({ source: name, error: new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${name}: ${e.message}; no CCM body does.`, name) });
      return res;
    }
    return readPemText(res, name, pemText);
  }
  if (text !== undefined && buf[0] !== 0x30) {
    const b64 = text.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(b64) && b64.length % 4 === 0) {
      const der = Buffer.from(b64, 'base64');
      return addDer(res, `${name}#1`, der, 'base64');
    }
    res.problems.push({ source: name, error: unrecognised(name, `${name} holds text without any PEM block`) });
    return res;
  }
  return addDer(res, `${name}#1`, buf, 'der');
}

function one(res: InputResult, name: string, kind: ObjectKind, der: Buffer, encoding: InputObject['encoding']): InputResult {
  res.objects.push({ kind, source: `${name}#1`, der, encoding });
  return res;
}

/**
 * JSON bodies: pull out the PEM-bearing strings, in field order. Throws
 * JsonDepthError for JSON nested past MAX_JSON_DEPTH; the walk keeps its own
 * stack anyway, so no input can exhaust the call stack.
 */
function textFromJson(text: string): string {
  const t = text.trimStart();
  if (t[0] !== '{' && t[0] !== '[' && t[0] !== '"') return unescapeJsonPem(text);
  let parsed: unknown;
  try {
    parsed = parseJson(t);
  } catch (e) {
    if (e instanceof JsonDepthError) throw e;
    return unescapeJsonPem(text);
  }
  const parts: string[] = [];
  const stack: unknown[] = [parsed];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (looksLikePem(v)) parts.push(unescapeJsonPem(v));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // CCM export bodies repeat leaf + chain in entire_certificate: read it only when nothing else is there.
      const skipEntire = typeof o.certificate === 'string' && looksLikePem(o.certificate);
      const fields = Object.entries(o).filter(([k]) => !(skipEntire && k === 'entire_certificate'));
      for (let i = fields.length - 1; i >= 0; i--) stack.push(fields[i]![1]);
    }
  }
  return parts.join('\n');
}

function readPemText(res: InputResult, name: string, text: string): InputResult {
  let blocks;
  try {
    blocks = parsePem(text);
  } catch (e) {
    if (e instanceof PemError) {
      const src = `${name}#${e.index}`;
      res.problems.push({ source: src, error: new CcmError(400, LocalCode.INPUT_UNREADABLE, `${src}: ${e.message}.`, src) });
      return res;
    }
    throw e;
  }
  blocks.forEach((b, i) => addBlock(res, `${name}#${i + 1}`, b));
  if (blocks.length === 0) res.problems.push({ source: name, error: unrecognised(name, `${name} has no complete PEM block`) });
  return res;
}

/**
 * {@link readInput} for PEM that arrives in chunks, for inputs too large to
 * hold as text (a CA's PEM CRL of millions of entries): each block's DER is
 * decoded as the chunks arrive, so the run holds about the DER plus one
 * chunk. Undefined when the input cannot be streamed (a block with RFC 1421
 * headers, as legacy encrypted keys have): read it whole with readInput then.
 *
 * @param size - the input's total size in bytes (the DER buffer is sized from it)
 *
 * @example
 * ```ts
 * function* chunksOf(path: string): Generator<Buffer> {
 *   const fd = openSync(path, 'r');
 *   try {
 *     for (let buf = Buffer.alloc(1 << 20), n; (n = readSync(fd, buf)) > 0; buf = Buffer.alloc(1 << 20)) yield buf.subarray(0, n);
 *   } finally {
 *     closeSync(fd);
 *   }
 * }
 * const file = 'huge-crl.pem';
 * const r = readPemChunks(chunksOf(file), file, statSync(file).size) ?? readInput(readFileSync(file), file);
 * ```
 */
export function readPemChunks(chunks: Iterable<Uint8Array>, name: string, size: number): InputResult | undefined {
  const decoder = new PemStreamDecoder((size * 3) / 4);
  try {
    for (const chunk of chunks) {
      decoder.push(chunk);
      if (decoder.needsWholeText) return undefined;
    }
    return readDecodedPem(decoder.end(), name);
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    const source = `${name}#${e.index}`;
    return { objects: [], problems: [{ source, error: new CcmError(400, LocalCode.INPUT_UNREADABLE, `${source}: ${e.message}.`, source) }], skipped: [] };
  }
}

/**
 * The objects of PEM blocks decoded elsewhere: by PemStreamDecoder, for files
 * too large to hold as text (a CA's CRL of millions of entries).
 */
export function readDecodedPem(blocks: readonly { label: string; der: Buffer }[], name: string): InputResult {
  const res: InputResult = { objects: [], problems: [], skipped: [] };
  blocks.forEach((b, i) => addBlock(res, `${name}#${i + 1}`, { ...b, headers: {}, text: '' }));
  if (blocks.length === 0) res.problems.push({ source: name, error: unrecognised(name, `${name} has no complete PEM block`) });
  return res;
}

function addBlock(res: InputResult, source: string, b: Pick<PemBlock, 'label' | 'der' | 'headers' | 'text'>): void {
  if (IGNORED_LABELS.has(b.label)) {
    res.skipped.push({ source, label: b.label });
    return;
  }
  const kind = LABELS[b.label];
  if (!kind) {
    res.problems.push({ source, error: new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: PEM label "${b.label}" is not one ccmkit reads.`, source) });
    return;
  }
  if (b.der.length > limitFor(kind)) {
    res.problems.push({ source, error: tooLarge(source, b.der.length, limitFor(kind)) });
    return;
  }
  if (b.headers['Proc-Type']?.includes('ENCRYPTED')) {
    // Legacy OpenSSL encryption: the DER is ciphertext; OpenSSL decrypts the PEM text.
    res.objects.push({ kind, source, der: b.der, encoding: 'pem', label: b.label, legacyPem: b.text.replace(/\r\n/g, '\n') });
    return;
  }
  let der = b.der;
  if (b.label === 'RSA PUBLIC KEY') der = rsaPublicToSpki(der);
  const obj: InputObject = { kind, source, der, encoding: 'pem', label: b.label };
  if (kind === 'private-key') {
    const f = sniffPrivateKey(der);
    if (f) obj.keyFormat = f;
  }
  res.objects.push(obj);
}

function tooLarge(source: string, n: number, limit: number): CcmError {
  return new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${source}: object of ${n} bytes exceeds the ${limit}-byte limit.`, source);
}

function rsaPublicToSpki(pkcs1: Buffer): Buffer {
  return seq(seq(oid(OID.rsaEncryption), nullValue()), bitString(pkcs1));
}

function addDer(res: InputResult, source: string, der: Buffer, encoding: InputObject['encoding']): InputResult {
  // Classifying reads only the first few TLVs, so it is safe before the size check.
  const kind = der.length > MAX_CRL_BYTES ? undefined : classifyDer(der);
  if (der.length > limitFor(kind)) {
    res.problems.push({ source, error: tooLarge(source, der.length, limitFor(kind)) });
    return res;
  }
  if (!kind) {
    res.problems.push({ source, error: unrecognised(source, source) });
    return res;
  }
  // A bare PKCS#1 RSAPublicKey (SEQUENCE of two INTEGERs) becomes an SPKI, like its PEM twin.
  if (kind === 'public-key' && der[readTlv(der, 0, der.length).body] === Tag.INTEGER) der = rsaPublicToSpki(der);
  const obj: InputObject = { kind, source, der, encoding };
  if (kind === 'private-key') {
    const f = sniffPrivateKey(der);
    if (f) obj.keyFormat = f;
  }
  res.objects.push(obj);
  return res;
}

/**
 * What a DER object is, from its outline alone (no signature checks, no deep
 * parse). Undefined when it is none of the kinds ccmkit reads.
 *
 * @example
 * ```ts
 * classifyDer(readFileSync('server.cer')); // 'certificate'
 * ```
 */
export function classifyDer(der: Uint8Array): ObjectKind | undefined {
  const strict = classify(der, false);
  if (strict) return strict;
  // BER (indefinite lengths, constructed strings) only occurs in the containers
  // among the kinds we read: Windows/.NET and Java write PKCS#12 and PKCS#7 that way.
  const loose = classify(der, true);
  return loose === 'pkcs12' || loose === 'pkcs7' ? loose : undefined;
}

function classify(der: Uint8Array, ber: boolean): ObjectKind | undefined {
  try {
    const top = readTlv(der, 0, der.length, ber);
    if (top.tag !== Tag.SEQUENCE) return undefined;
    // Windows pads PKCS#7 (and PFX) exports with zero octets (dotnet/runtime#59212): allowed for containers only, below.
    const padded = top.end !== der.length;
    if (padded && !isZeroPadding(der, top.end)) return undefined;
    const r = DerReader.of(der, top, ber);
    const tags: number[] = [];
    const firsts = [];
    while (r.more() && tags.length < 4) {
      const t = r.next();
      tags.push(t.tag);
      firsts.push(t);
    }
    const [a, b, c] = tags;
    if (padded) {
      if (a === Tag.OID && b === 0xa0 && oidOf(der, firsts[0]!) === PKCS7_OID.signedData) return 'pkcs7';
      if (a === Tag.INTEGER && der[firsts[0]!.body] === 3 && b === Tag.SEQUENCE) return 'pkcs12';
      return undefined;
    }
    if (a === Tag.SEQUENCE && b === Tag.SEQUENCE && c === Tag.BIT_STRING && tags.length === 3) {
      return classifySigned(der, firsts[0]!);
    }
    if (a === Tag.SEQUENCE && b === Tag.BIT_STRING && tags.length === 2) return 'public-key';
    if (a === Tag.OID && b === 0xa0 && oidOf(der, firsts[0]!) === PKCS7_OID.signedData) return 'pkcs7';
    if (a === Tag.INTEGER) {
      const v = der[firsts[0]!.body];
      if (v === 3 && firsts[0]!.end - firsts[0]!.body === 1 && b === Tag.SEQUENCE) {
        // PFX: version 3, then a ContentInfo (SEQUENCE with the data OID).
        return 'pkcs12';
      }
      if (b === Tag.INTEGER && tags.length === 2) return 'public-key';
    }
    if (sniffPrivateKey(der)) return 'private-key';
    return undefined;
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}

function classifySigned(der: Uint8Array, tbsT: ReturnType<typeof readTlv>): ObjectKind | undefined {
  const r = DerReader.of(der, tbsT);
  const tags: number[] = [];
  while (r.more() && tags.length < 7) tags.push(r.next().tag);
  const isTime = (t: number | undefined): boolean => t === Tag.UTC_TIME || t === Tag.GENERALIZED_TIME;
  if (tags[0] === 0xa0) return 'certificate';
  if (isTime(tags[2]) || isTime(tags[3])) return 'crl';
  if (tags[0] === Tag.INTEGER && tags.length >= 6 && tags.slice(1, 6).every((t) => t === Tag.SEQUENCE)) return 'certificate';
  if (tags[0] === Tag.INTEGER && tags[1] === Tag.SEQUENCE && tags[2] === Tag.SEQUENCE && (tags.length === 3 || tags[3] === 0xa0)) {
    return 'csr';
  }
  return undefined;
}
