// A small, strict DER reader and writer.
//
// Why our own: the engine's hot paths (CSR verification, chain building, CRL
// encoding) walk a handful of fixed structures. A generic ASN.1 object model
// (asn1js, @peculiar/asn1-schema) allocates a tree per parse and costs more than
// the signature check itself. Here a TLV is four numbers over the caller's
// bytes, nothing is copied, and every length is checked against its parent so
// a lying length can never read outside the input.

export class DerError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

/** Universal tags, as the identifier octet of a low-tag-number TLV. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

/** Context-specific tag helpers: [n] constructed / primitive. */
export const ctx = (n: number): number => 0xa0 | n;
export const ctxPrim = (n: number): number => 0x80 | n;

/** Deepest nesting any structure ccmkit reads may have. Real PKI objects stay under 20. */
export const MAX_DEPTH = 64;

/** High-tag-number identifiers map to values at or above this, so they never equal a one-octet tag. */
export const HIGH_TAG = 0x100;

export interface Tlv {
  /** Identifier octet; high-tag-number identifiers map to HIGH_TAG + class bits + number. */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly body: number;
  /** Offset just past the TLV (past the end-of-contents octets when indefinite). */
  readonly end: number;
  /** BER indefinite length form. */
  readonly indefinite?: boolean;
}

/**
 * Reads one TLV at `pos`, bounded by `limit`.
 * `ber` allows the indefinite length form (PKCS#12 files from some Windows and
 * Java versions); everything else must be DER.
 */
export function readTlv(buf: Uint8Array, pos: number, limit: number, ber = false, depth = 0): Tlv {
  if (pos >= limit) throw new DerError('unexpected end of data', pos);
  let tag = buf[pos]!;
  let lenAt = pos + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High-tag-number form (X.690 8.1.2.4): nothing in PKIX uses it, but hostile
    // or odd inputs do; read it so it can be skipped or reported, never misread.
    let n = 0;
    for (let i = 0; ; i++) {
      if (lenAt >= limit || i >= 4) throw new DerError('bad high-tag-number identifier', pos);
      const x = buf[lenAt++]!;
      n = n * 128 + (x & 0x7f);
      if ((x & 0x80) === 0) break;
    }
    tag = HIGH_TAG + (tag & 0xe0) * 0x10000000 + n;
  }
  if (lenAt >= limit) throw new DerError('truncated length', lenAt);
  const b = buf[lenAt]!;
  let body = lenAt + 1;
  let len: number;
  if (b < 0x80) {
    len = b;
  } else if (b === 0x80) {
    if (!ber || (tag & 0x20) === 0) throw new DerError('indefinite length is not allowed in DER', pos + 1);
    return { tag, start: pos, body, end: findEoc(buf, body, limit, depth + 1), indefinite: true };
  } else {
    const n = b & 0x7f;
    if (n > 4) throw new DerError('length too large', lenAt);
    if (body + n > limit) throw new DerError('truncated length', lenAt);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    if (!ber && (len < 0x80 || buf[body] === 0)) throw new DerError('non-minimal length encoding', lenAt);
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new DerError(`length ${len} runs past the end of its container`, lenAt);
  return { tag, start: pos, body, end };
}

/** With BER indefinite length, `end` points past the end-of-contents octets. */
function findEoc(buf: Uint8Array, pos: number, limit: number, depth: number): number {
  // Indefinite lengths nest recursively: bound the depth so hostile input cannot overflow the stack.
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep', pos);
  while (pos < limit) {
    if (buf[pos] === 0 && buf[pos + 1] === 0) return pos + 2;
    const t = readTlv(buf, pos, limit, true, depth);
    pos = t.end;
  }
  throw new DerError('missing end-of-contents', pos);
}

/** Content end of a TLV, not counting BER end-of-contents octets. */
export function contentEnd(_buf: Uint8Array, t: Tlv): number {
  return t.indefinite ? t.end - 2 : t.end;
}

/**
 * Sequential reader over the contents of one constructed TLV (or a whole
 * buffer). Every read is bounded by the container.
 */
export class DerReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
    readonly ber = false,
  ) {
    this.pos = start;
  }

  static of(buf: Uint8Array, t: Tlv, ber = false): DerReader {
    return new DerReader(buf, t.body, ber ? contentEnd(buf, t) : t.end, ber);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  peekTag(): number {
    return this.pos < this.end ? this.buf[this.pos]! : -1;
  }

  next(): Tlv {
    const t = readTlv(this.buf, this.pos, this.end, this.ber);
    this.pos = t.end;
    return t;
  }

  /** Reads a TLV with the expected tag, or throws naming `what`. */
  expect(tag: number, what: string): Tlv {
    const got = this.peekTag();
    if (got !== tag) {
      throw new DerError(
        got < 0 ? `${what}: missing` : `${what}: expected tag 0x${tag.toString(16)}, found 0x${got.toString(16)}`,
        this.pos,
      );
    }
    return this.next();
  }

  /** Reads the TLV if its tag matches, else returns undefined without moving. */
  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** A reader over the contents of the next TLV, which must have `tag`. */
  enter(tag: number, what: string): DerReader {
    return DerReader.of(this.buf, this.expect(tag, what), this.ber);
  }

  done(what: string): void {
    if (this.pos !== this.end) throw new DerError(`${what}: unexpected trailing data`, this.pos);
  }
}

// ---- value decoders ---------------------------------------------------------

export function bytesOf(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.body, t.end - t.body);
}

export function rawOf(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.start, t.end - t.start);
}

/** INTEGER content, checked for minimal encoding. */
export function integerBytes(buf: Uint8Array, t: Tlv): Buffer {
  const n = t.end - t.body;
  if (n === 0) throw new DerError('empty INTEGER', t.start);
  if (n > 1) {
    const a = buf[t.body]!;
    const b = buf[t.body + 1]!;
    if ((a === 0 && b < 0x80) || (a === 0xff && b >= 0x80)) throw new DerError('non-minimal INTEGER', t.start);
  }
  return bytesOf(buf, t);
}

/** Small non-negative INTEGER (versions, path lengths, counts). */
export function smallInt(buf: Uint8Array, t: Tlv): number {
  const b = integerBytes(buf, t);
  if (b.length > 6 || (b[0]! & 0x80) !== 0) throw new DerError('INTEGER out of range', t.start);
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

export function bigIntOf(bytes: Uint8Array, signed = true): bigint {
  if (bytes.length === 0) return 0n;
  let v = BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex'));
  if (signed && (bytes[0]! & 0x80) !== 0) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/** BIT STRING content without the unused-bits octet; only whole octets allowed unless `allowPartial`. */
export function bitStringBytes(buf: Uint8Array, t: Tlv, allowPartial = false): { bytes: Buffer; unused: number } {
  if (t.end - t.body < 1) throw new DerError('empty BIT STRING', t.start);
  const unused = buf[t.body]!;
  if (unused > 7 || (unused !== 0 && t.end - t.body === 1)) throw new DerError('bad BIT STRING padding', t.start);
  if (unused !== 0 && !allowPartial) throw new DerError('BIT STRING is not octet-aligned', t.start);
  return { bytes: Buffer.from(buf.buffer, buf.byteOffset + t.body + 1, t.end - t.body - 1), unused };
}

export function bytesHash(buf: Uint8Array, start = 0, end = buf.length, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A small bounded cache keyed by byte content (one or more parts), found by an
 * FNV-1a hash and confirmed by comparing the bytes. The hot paths use it for
 * OIDs, algorithm identifiers, issuer keys and CA-link verdicts: values that
 * repeat across a batch and cost more to recompute than to look up, without
 * allocating a string key per lookup. Cleared when full.
 */
export class ContentCache<V> {
  private map = new Map<number, { parts: Uint8Array[]; value: V }[]>();
  private size = 0;
  constructor(private readonly limit = 1024) {}

  private hash(parts: readonly Uint8Array[]): number {
    let h = 0x811c9dc5;
    for (const p of parts) h = bytesHash(p, 0, p.length, h);
    return h;
  }

  get(...parts: Uint8Array[]): V | undefined {
    const bucket = this.map.get(this.hash(parts));
    if (bucket) {
      outer: for (const e of bucket) {
        for (let i = 0; i < parts.length; i++) if (!sameBytes(e.parts[i]!, parts[i]!)) continue outer;
        return e.value;
      }
    }
    return undefined;
  }

  /** get() for one part given as buf[start, end), without making a view of it (OIDs and algorithm identifiers, on every parse). */
  getRange(buf: Uint8Array, start: number, end: number): V | undefined {
    const bucket = this.map.get(bytesHash(buf, start, end, 0x811c9dc5));
    if (bucket) {
      for (const e of bucket) {
        const p = e.parts[0]!;
        if (e.parts.length !== 1 || p.length !== end - start) continue;
        let i = 0;
        while (i < p.length && p[i] === buf[start + i]) i++;
        if (i === p.length) return e.value;
      }
    }
    return undefined;
  }

  set(value: V, ...parts: Uint8Array[]): void {
    if (this.size >= this.limit) {
      this.map.clear();
      this.size = 0;
    }
    const h = this.hash(parts);
    const copy = parts.map((p) => Uint8Array.prototype.slice.call(p));
    this.map.set(h, [...(this.map.get(h) ?? []), { parts: copy, value }]);
    this.size++;
  }
}

const oidCache = new ContentCache<string>(4096);

/** OBJECT IDENTIFIER content as dotted text. */
export function oidOf(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== Tag.OID) throw new DerError('expected OBJECT IDENTIFIER', t.start);
  const hit = oidCache.getRange(buf, t.body, t.end);
  if (hit !== undefined) return hit;
  const content = buf.subarray(t.body, t.end);
  const text = decodeOid(content, t.start);
  oidCache.set(text, content);
  return text;
}

function decodeOid(raw: Uint8Array, at: number): string {
  if (raw.length === 0 || raw.length > 128) throw new DerError('bad OBJECT IDENTIFIER length', at);
  const arcs: string[] = [];
  let v = 0n;
  let first = true;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (v === 0n && b === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER arc', at);
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      if (first) {
        const x = v < 80n ? v / 40n : 2n;
        arcs.push(String(x), String(v - x * 40n));
        first = false;
      } else arcs.push(String(v));
      v = 0n;
    } else if (i === raw.length - 1) throw new DerError('truncated OBJECT IDENTIFIER', at);
  }
  return arcs.join('.');
}

const te8 = new TextDecoder('utf-8', { fatal: true });
const teLatin1 = new TextDecoder('latin1');

/** Any ASN.1 string type as JS text. Throws on malformed UTF-8/BMP. */
export function stringOf(buf: Uint8Array, t: Tlv): string {
  const b = buf.subarray(t.body, t.end);
  switch (t.tag) {
    case Tag.UTF8_STRING:
      try {
        return te8.decode(b);
      } catch {
        throw new DerError('invalid UTF-8 in UTF8String', t.start);
      }
    case Tag.BMP_STRING: {
      if (b.length % 2) throw new DerError('odd-length BMPString', t.start);
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      if (b.length % 4) throw new DerError('bad UniversalString length', t.start);
      let s = '';
      for (let i = 0; i < b.length; i += 4) {
        const cp = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
        if (cp > 0x10ffff) throw new DerError('bad UniversalString code point', t.start);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.NUMERIC_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.T61_STRING:
      return teLatin1.decode(b);
    default:
      throw new DerError(`tag 0x${t.tag.toString(16)} is not a string type`, t.start);
  }
}

/** UTCTime / GeneralizedTime, as RFC 5280 4.1.2.5 restricts them (Z, seconds, no fractions in DER). */
export function timeOf(buf: Uint8Array, t: Tlv): Date {
  const s = teLatin1.decode(buf.subarray(t.body, t.end));
  let m: RegExpMatchArray | null;
  let year: number;
  if (t.tag === Tag.UTC_TIME) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (!m) throw new DerError(`malformed UTCTime "${s.slice(0, 32)}"`, t.start);
    const yy = +m[1]!;
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === Tag.GENERALIZED_TIME) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d*[1-9])?Z$/.exec(s);
    if (!m) throw new DerError(`malformed GeneralizedTime "${s.slice(0, 32)}"`, t.start);
    year = +m[1]!;
  } else throw new DerError('expected a time', t.start);
  const mo = +m[2]!, d = +m[3]!, h = +m[4]!, mi = +m[5]!, se = +m[6]!;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) {
    throw new DerError(`time out of range "${s}"`, t.start);
  }
  // Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly (GeneralizedTime "0050..." is year 50).
  const back = new Date(Date.UTC(2000, mo - 1, 1, h, mi, se));
  back.setUTCFullYear(year, mo - 1, d);
  if (back.getUTCDate() !== d) throw new DerError(`no such date "${s}"`, t.start);
  return back;
}

// ---- writer ------------------------------------------------------------------
// Builders return complete TLVs as Buffers. Concatenation is one copy per level,
// which is fine for everything but the CRL body (which streams, see crl.ts).

export function lengthBytes(len: number): Buffer {
  const out = Buffer.allocUnsafe(lengthSize(len));
  writeLength(out, 0, len);
  return out;
}

/** Octets of a definite length field (X.690 8.1.3): one below 128, else 1 + the octets of the value. */
function lengthSize(len: number): number {
  if (len < 0x80) return 1;
  let n = 1;
  for (let v = len; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}

function writeLength(out: Buffer, at: number, len: number): number {
  if (len < 0x80) {
    out[at] = len;
    return at + 1;
  }
  const n = lengthSize(len) - 1;
  out[at] = 0x80 | n;
  for (let i = n, v = len; i >= 1; i--, v = Math.floor(v / 256)) out[at + i] = v & 0xff;
  return at + 1 + n;
}

export function header(tag: number, len: number): Buffer {
  const h = Buffer.allocUnsafe(1 + lengthSize(len));
  h[0] = tag;
  writeLength(h, 1, len);
  return h;
}

/** One TLV in one allocation: the builders nest these a dozen deep per CSR or certificate. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = Buffer.allocUnsafe(1 + lengthSize(len) + len);
  out[0] = tag;
  let at = writeLength(out, 1, len);
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]): Buffer => tlv(Tag.SEQUENCE, ...parts);
export const set = (...parts: Uint8Array[]): Buffer => tlv(Tag.SET, ...parts);

/** SET OF, with elements sorted as DER requires (X.690 11.6). */
export function setOf(parts: Buffer[]): Buffer {
  return tlv(Tag.SET, ...[...parts].sort(Buffer.compare));
}

export const explicit = (n: number, ...parts: Uint8Array[]): Buffer => tlv(ctx(n), ...parts);
export const octets = (b: Uint8Array): Buffer => tlv(Tag.OCTET_STRING, b);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);

export function bitString(b: Uint8Array, unused = 0): Buffer {
  return tlv(Tag.BIT_STRING, Buffer.from([unused]), b);
}

/** INTEGER from a non-negative bigint/number, or from unsigned big-endian magnitude bytes. */
export function integer(v: bigint | number | Uint8Array): Buffer {
  return tlv(Tag.INTEGER, integerContent(v));
}

export function integerContent(v: bigint | number | Uint8Array): Buffer {
  // Versions, path lengths and small counts: one octet, without BigInt and hex round trips.
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 0x80) return Buffer.from([v]);
  let mag: Buffer;
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = BigInt(v);
    if (n < 0n) throw new RangeError('negative INTEGER not supported by the writer');
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    mag = Buffer.from(hex, 'hex');
  } else mag = Buffer.from(v);
  let i = 0;
  while (i < mag.length - 1 && mag[i] === 0 && mag[i + 1]! < 0x80) i++;
  mag = mag.subarray(i);
  if (mag.length === 0) return Buffer.from([0]);
  return mag[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), mag]) : mag;
}

const oidEncCache = new Map<string, Buffer>();

export function oid(dotted: string): Buffer {
  const hit = oidEncCache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OID "${dotted}"`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! >= 40n)) throw new RangeError(`bad OID "${dotted}"`);
  const out: number[] = [];
  const push = (v: bigint): void => {
    const tmp: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      tmp.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...tmp);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  const enc = tlv(Tag.OID, Buffer.from(out));
  oidEncCache.set(dotted, enc);
  return enc;
}

export const utf8 = (s: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(s, 'utf8'));
export const printable = (s: string): Buffer => tlv(Tag.PRINTABLE_STRING, Buffer.from(s, 'latin1'));
export const ia5 = (s: string): Buffer => tlv(Tag.IA5_STRING, Buffer.from(s, 'latin1'));

export function bmp(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return tlv(Tag.BMP_STRING, b);
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const y = d.getUTCFullYear();
  const body = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(Tag.UTC_TIME, Buffer.from(String(y).slice(2) + body, 'latin1'));
  if (y < 0 || y > 9999) throw new RangeError('year out of range for X.509 time');
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(String(y).padStart(4, '0') + body, 'latin1'));
}
