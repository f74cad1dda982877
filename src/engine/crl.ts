// X.509 v2 CRLs (RFC 5280 section 5): a streaming builder, a full parser,
// signature verification and certificate lookup.
//
// Why streaming: a PCA that has revoked a million certificates publishes a CRL
// of ~50 MB. Building it as a tree of nested Buffers (der.ts `seq(...)`) costs
// one copy per nesting level and a JS object per entry. Here every entry has a
// size known by arithmetic (serial length + time length + optional 14-byte
// reasonCode extension), so the revokedCertificates header is written first,
// then entries are encoded straight into 1 MiB chunks that are hashed
// (crypto.Sign.update) as they are produced. Memory is the output plus the
// columnar input (RevokedList), never a per-entry object.
//
// The parser keeps a CRL as its DER plus one Uint32 offset per entry; entries
// are decoded on demand, so a 1,000,000-entry CRL costs ~4 MB beyond its bytes.

import { createSign, type KeyObject } from 'node:crypto';
import {
  DerError,
  DerReader,
  Tag,
  bitString,
  bitStringBytes,
  bytesOf,
  ctx,
  ctxPrim,
  explicit,
  header,
  integer,
  integerBytes,
  integerContent,
  rawOf,
  readTlv,
  seq,
  smallInt,
  time,
  timeOf,
  tlv,
  bigIntOf,
  type Tlv,
} from './der.js';
import type { Certificate } from './certificate.js';
import { serialHex } from './certificate.js';
import { readExtensionList, type Extension } from './extensions.js';
import { parseName, type Name } from './name.js';
import { OID } from './oids.js';
import { parsePem, PemError } from './pem.js';
import { parseSignatureAlgorithm, verifySignature, type SignatureAlgorithm, type VerifyResult } from './signature.js';
import { extension, signatureAlgorithmFor } from './builder.js';

// ---- reason codes ----------------------------------------------------------------

/** RFC 5280 5.3.1 CRLReason values (7 is unused by the standard). */
export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** Marks an entry written without a reasonCode extension. */
export const NO_REASON = 255;

// ---- the revoked list, columnar ------------------------------------------------------

/**
 * The certificates to list, one column per field so that a million entries
 * cost ~30 bytes each instead of a JS object each.
 */
export interface RevokedList {
  count: number;
  /** DER INTEGER contents of every serial, back to back (minimal, positive). */
  serials: Buffer;
  /** Entry i's serial is serials[offsets[i] .. offsets[i+1]). Length count+1. */
  offsets: Uint32Array;
  /** Revocation dates in ms since the epoch (whole seconds). */
  times: Float64Array;
  /** RFC 5280 reason code per entry, or NO_REASON for no reasonCode extension. */
  reasons: Uint8Array;
}

export interface RevokedInput {
  /** Serial as a positive bigint, or as INTEGER content bytes. */
  serial: bigint | Uint8Array;
  revokedAt: Date;
  /** RFC 5280 reason code; absent (or NO_REASON) writes no reasonCode extension. */
  reason?: number;
}

/** Builds a RevokedList from plain objects (tests, small lists). */
export function revokedList(entries: readonly RevokedInput[]): RevokedList {
  const parts = entries.map((e) => serialContent(e.serial));
  const offsets = new Uint32Array(entries.length + 1);
  let n = 0;
  parts.forEach((p, i) => {
    offsets[i] = n;
    n += p.length;
  });
  offsets[entries.length] = n;
  return {
    count: entries.length,
    serials: Buffer.concat(parts, n),
    offsets,
    times: Float64Array.from(entries, (e) => e.revokedAt.getTime()),
    reasons: Uint8Array.from(entries, (e) => e.reason ?? NO_REASON),
  };
}

/** DER INTEGER content of a serial given as bigint or as content bytes. */
export function serialContent(s: bigint | Uint8Array): Buffer {
  return integerContent(s);
}

/**
 * Serial -> entry lookup over a RevokedList without a string per serial: an
 * open-addressing table of entry numbers keyed by FNV-1a of the serial bytes
 * (8 bytes per entry). Finds duplicates while it is built.
 */
export class SerialIndex {
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly dups: [number, number][] = [];

  constructor(readonly list: RevokedList) {
    let size = 16;
    while (size < list.count * 2) size *= 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let i = 0; i < list.count; i++) {
      const slot = this.slotOf(list.serials, list.offsets[i]!, list.offsets[i + 1]!);
      const j = this.table[slot]!;
      if (j >= 0) this.dups.push([j, i]);
      else this.table[slot] = i;
    }
  }

  /** Entry number of `serial` (INTEGER content), or -1. */
  indexOf(serial: Uint8Array): number {
    return this.table[this.slotOf(serial, 0, serial.length)]!;
  }

  /** [first, repeat] entry numbers for every repeated serial. */
  duplicates(): readonly [number, number][] {
    return this.dups;
  }

  /** The slot holding b[s..e), or the empty slot where it would go. */
  private slotOf(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    h ^= h >>> 15;
    const table = this.table;
    const mask = this.mask;
    const serials = this.list.serials;
    const offsets = this.list.offsets;
    const len = e - s;
    let slot = h & mask;
    for (;;) {
      const j = table[slot]!;
      if (j < 0) return slot;
      const a = offsets[j]!;
      if (offsets[j + 1]! - a === len) {
        let k = 0;
        while (k < len && serials[a + k] === b[s + k]) k++;
        if (k === len) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }
}

// ---- building ------------------------------------------------------------------------

export type CrlHash = 'SHA256' | 'SHA384' | 'SHA512';

export interface CrlBuildInput {
  /** The CA certificate's subject Name, DER (RFC 5280 5.1.2.3: the CRL issuer). */
  issuer: Buffer;
  /** keyIdentifier for the authorityKeyIdentifier extension (the CA's SKI). */
  authorityKeyId: Buffer;
  signingKey: KeyObject;
  hash: CrlHash;
  thisUpdate: Date;
  nextUpdate: Date;
  /** CRL number (RFC 5280 5.2.3), non-negative, at most 20 octets. */
  crlNumber: bigint;
  /** For a delta CRL: the base CRL's number (RFC 5280 5.2.4 deltaCRLIndicator). */
  baseCrlNumber?: bigint;
  /**
   * URIs where the delta CRLs for this complete CRL are published (RFC 5280
   * 5.2.6 freshestCRL). Relying parties look for delta CRLs only when the
   * certificate or the complete CRL names them (OpenSSL >= 3.0.22 enforces it).
   */
  freshestCrl?: string[];
  revoked: RevokedList;
  /** Size of the entry chunks; default 1 MiB. */
  chunkSize?: number;
}

/**
 * A signed CRL, DER in chunks (a million-entry CRL is never one copy too many).
 *
 * @example
 * ```ts
 * const der = Buffer.concat(built.chunks); // built.length bytes
 * const pem = [...pemChunks('X509 CRL', built.chunks)].join('');
 * ```
 */
export interface BuiltCrl {
  /** The DER, in order. Concatenated they are the CRL. */
  chunks: Buffer[];
  /** The DER's length in bytes. */
  length: number;
}

const UTC_MIN = Date.UTC(1950, 0, 1);
const UTC_END = Date.UTC(2050, 0, 1);
/** 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z: what a 4-digit GeneralizedTime can say. */
const TIME_MIN = -62135596800000;
const TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Encoded size of an RFC 5280 Time for `ms`: UTCTime through 2049, GeneralizedTime after. */
function timeLen(ms: number): number {
  return ms >= UTC_MIN && ms < UTC_END ? 15 : 17;
}

// reasonCode entry extension: SEQUENCE OF { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED r } } }
const REASON_EXT = Buffer.from([0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, 0x00]);

/** Largest possible entry: 2 header + 23 serial + 17 time + 14 reason. */
const MAX_ENTRY = 56;

/**
 * Builds and signs a v2 CRL. Throws RangeError on inputs the caller should
 * have validated (src/ccm/revocation.ts does, with CCM findings).
 */
export function buildCrl(input: CrlBuildInput): BuiltCrl {
  const { revoked: r } = input;
  const hashName = input.hash.toLowerCase();
  const sigAlg = signatureAlgorithmFor(input.signingKey, input.hash);

  // 1. revokedCertificates content length, by arithmetic.
  let revLen = 0;
  for (let i = 0; i < r.count; i++) {
    const sl = r.offsets[i + 1]! - r.offsets[i]!;
    if (sl < 1 || sl > 21) throw new RangeError(`entry ${i}: serial of ${sl} octets`);
    const t = r.times[i]!;
    if (!Number.isFinite(t) || t < TIME_MIN || t > TIME_MAX) throw new RangeError(`entry ${i}: revocation date out of range`);
    const body = 2 + sl + timeLen(t) + (r.reasons[i] === NO_REASON ? 0 : REASON_EXT.length);
    revLen += 2 + body;
  }

  // 2. Everything around the entries.
  const crlExts: Buffer[] = [
    extension({ oid: OID.authorityKeyIdentifier, value: seq(tlv(ctxPrim(0), input.authorityKeyId)) }),
    extension({ oid: OID.crlNumber, value: integer(input.crlNumber) }),
  ];
  if (input.baseCrlNumber !== undefined) {
    // RFC 5280 5.2.4: deltaCRLIndicator MUST be critical.
    crlExts.push(extension({ oid: OID.deltaCrlIndicator, critical: true, value: integer(input.baseCrlNumber) }));
  }
  if (input.freshestCrl?.length) {
    // FreshestCRL ::= CRLDistributionPoints; each point a fullName URI. RFC 5280 5.2.6: MUST be non-critical.
    const points = input.freshestCrl.map((uri) => seq(explicit(0, explicit(0, tlv(ctxPrim(6), Buffer.from(uri, 'latin1'))))));
    crlExts.push(extension({ oid: OID.freshestCrl, value: seq(...points) }));
  }
  const extsDer = explicit(0, seq(...crlExts));
  const head = Buffer.concat([integer(1), sigAlg, input.issuer, time(input.thisUpdate), time(input.nextUpdate)]);
  // RFC 5280 5.1.2.6: with no revoked certificates the list MUST be absent.
  const revHeader = r.count > 0 ? header(Tag.SEQUENCE, revLen) : Buffer.alloc(0);
  const tbsLen = head.length + revHeader.length + revLen + extsDer.length;
  const tbsHeader = header(Tag.SEQUENCE, tbsLen);

  // 3. Stream the TBS through the signer.
  const signer = createSign(hashName);
  const chunks: Buffer[] = [];
  const first = Buffer.concat([tbsHeader, head, revHeader]);
  chunks.push(first);
  signer.update(first);

  const size = Math.max(input.chunkSize ?? 1 << 20, MAX_ENTRY * 4);
  let buf = Buffer.allocUnsafe(size);
  let pos = 0;
  const times = new TimeWriter();
  for (let i = 0; i < r.count; i++) {
    if (pos + MAX_ENTRY > size) {
      const c = buf.subarray(0, pos);
      chunks.push(c);
      signer.update(c);
      buf = Buffer.allocUnsafe(size);
      pos = 0;
    }
    const s0 = r.offsets[i]!;
    const sl = r.offsets[i + 1]! - s0;
    const t = r.times[i]!;
    const reason = r.reasons[i]!;
    buf[pos] = 0x30;
    buf[pos + 1] = 2 + sl + timeLen(t) + (reason === NO_REASON ? 0 : REASON_EXT.length);
    buf[pos + 2] = Tag.INTEGER;
    buf[pos + 3] = sl;
    const ser = r.serials;
    for (let k = 0; k < sl; k++) buf[pos + 4 + k] = ser[s0 + k]!;
    pos = times.write(buf, pos + 4 + sl, t);
    if (reason !== NO_REASON) {
      REASON_EXT.copy(buf, pos);
      buf[pos + REASON_EXT.length - 1] = reason;
      pos += REASON_EXT.length;
    }
  }
  if (pos > 0) {
    const c = buf.subarray(0, pos);
    chunks.push(c);
    signer.update(c);
  }
  chunks.push(extsDer);
  signer.update(extsDer);
  // ECDSA signatures come out DER-encoded (Node's default dsaEncoding), as X.509 wants.
  const sig = bitString(signer.sign(input.signingKey));
  const tail = Buffer.concat([sigAlg, sig]);
  const bodyLen = tbsHeader.length + tbsLen + tail.length;
  chunks.unshift(header(Tag.SEQUENCE, bodyLen));
  chunks.push(tail);
  let length = 0;
  for (const c of chunks) length += c.length;
  return { chunks, length };
}

/**
 * Writes UTCTime/GeneralizedTime TLVs (RFC 5280 4.1.2.5 rules, as der.ts
 * `time`) by arithmetic: no Date, no string per entry.
 */
class TimeWriter {
  write(buf: Buffer, pos: number, ms: number): number {
    const secs = Math.floor(ms / 1000);
    const days = Math.floor(secs / 86400);
    let rem = secs - days * 86400;
    // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms").
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    const h = Math.floor(rem / 3600);
    rem -= h * 3600;
    const mi = Math.floor(rem / 60);
    const s = rem - mi * 60;
    const two = (v: number): void => {
      buf[pos++] = 0x30 + Math.floor(v / 10);
      buf[pos++] = 0x30 + (v % 10);
    };
    if (y >= 1950 && y < 2050) {
      buf[pos++] = Tag.UTC_TIME;
      buf[pos++] = 13;
      two(y % 100);
    } else {
      buf[pos++] = Tag.GENERALIZED_TIME;
      buf[pos++] = 15;
      two(Math.floor(y / 100));
      two(y % 100);
    }
    two(m);
    two(d);
    two(h);
    two(mi);
    two(s);
    buf[pos++] = 0x5a;
    return pos;
  }
}

/**
 * PEM text of a chunked DER, as pieces (64-column lines, `eol` line breaks),
 * without ever joining the DER: 48 input bytes make one 64-character line.
 *
 * @example
 * ```ts
 * const pem = [...pemChunks('X509 CRL', built.crl!.chunks)].join('');
 * ```
 */
export function* pemChunks(label: string, chunks: readonly Uint8Array[], eol = '\n'): Generator<string> {
  yield `-----BEGIN ${label}-----${eol}`;
  let carry = Buffer.alloc(0);
  for (const c of chunks) {
    const data = carry.length ? Buffer.concat([carry, c]) : Buffer.from(c.buffer, c.byteOffset, c.length);
    const whole = data.length - (data.length % 48);
    if (whole > 0) {
      const b64 = data.subarray(0, whole).toString('base64');
      let s = '';
      for (let i = 0; i < b64.length; i += 64) s += b64.slice(i, i + 64) + eol;
      yield s;
    }
    carry = Buffer.from(data.subarray(whole));
  }
  if (carry.length) yield carry.toString('base64') + eol;
  yield `-----END ${label}-----${eol}`;
}

// ---- parsing -------------------------------------------------------------------------

/**
 * One revoked certificate of a CRL.
 *
 * @example
 * ```ts
 * for (const e of crlEntries(crl)) console.log(e.serial, e.revocationDate.toISOString(), e.reason);
 * ```
 */
export interface CrlEntry {
  /** Upper-case hex, as `openssl crl -text` prints it. */
  serial: string;
  /** INTEGER content bytes of the serial. */
  serialBytes: Buffer;
  /** When it was revoked. */
  revocationDate: Date;
  /** RFC 5280 reason code from the reasonCode extension, when present and valid. */
  reason?: number;
  /** The invalidityDate extension, when present. */
  invalidityDate?: Date;
  /** The entry's extensions as encoded. */
  extensions: Extension[];
  /** Things wrong with this entry that do not stop reading the CRL. */
  problems: string[];
}

/**
 * A parsed X.509 CRL (RFC 5280 5). Entries are decoded on demand
 * ({@link crlEntries}), so a million-entry CRL costs one offset per entry.
 *
 * @example
 * ```ts
 * const crl: Crl = loadCrl({ bytes: readFileSync('ca.crl'), source: 'ca.crl' });
 * console.log(crl.crlNumber, crl.thisUpdate, crl.nextUpdate, crl.revokedCount);
 * ```
 */
export interface Crl {
  /** The whole CRL, DER. */
  der: Buffer;
  /** tbsCertList, exactly as signed. */
  tbs: Buffer;
  /** 1 or 2. */
  version: number;
  /** The algorithm the CA signed with. */
  signatureAlgorithm: SignatureAlgorithm;
  /** The CA that issued it. */
  issuer: Name;
  thisUpdate: Date;
  /** When the next CRL is due, when given. */
  nextUpdate?: Date;
  /** The cRLNumber extension, when present. */
  crlNumber?: bigint;
  /** Set on delta CRLs: the base CRL number from deltaCRLIndicator. */
  baseCrlNumber?: bigint;
  /** keyIdentifier of the authorityKeyIdentifier extension, lower-case hex. */
  authorityKeyId?: string;
  /** Its extensions as encoded. */
  extensions: Extension[];
  /** The signature value's bytes. */
  signature: Buffer;
  /** How many entries. */
  revokedCount: number;
  /** Offset in `der` of each revokedCertificates entry. */
  entryOffsets: Uint32Array;
  /** CRL-level problems that do not stop reading (unknown critical extensions...). */
  problems: string[];
}

const KNOWN_CRL_EXTS = new Set<string>([
  OID.authorityKeyIdentifier,
  OID.crlNumber,
  OID.deltaCrlIndicator,
  OID.issuingDistributionPoint,
  OID.issuerAltName,
  OID.authorityInfoAccess,
  '2.5.29.46', // freshestCRL
]);

/**
 * Parses a DER CRL. Throws DerError on anything structurally wrong (bad TLVs,
 * unknown version, malformed times in the TBS or in any entry). Semantic
 * problems of an entry's extensions are reported by `crlEntry`.
 */
export function parseCrl(der: Uint8Array): Crl {
  const buf = Buffer.isBuffer(der) ? der : Buffer.from(der.buffer, der.byteOffset, der.length);
  const outer = new DerReader(buf);
  const listT = outer.expect(Tag.SEQUENCE, 'CertificateList');
  outer.done('CertificateList');
  const c = DerReader.of(buf, listT);
  const tbsT = c.expect(Tag.SEQUENCE, 'tbsCertList');
  const algT = c.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const sigT = c.expect(Tag.BIT_STRING, 'signatureValue');
  c.done('CertificateList');

  const t = DerReader.of(buf, tbsT);
  let version = 1;
  const vT = t.optional(Tag.INTEGER);
  if (vT) {
    const v = smallInt(buf, vT);
    // RFC 5280 5.1.2.1: the only version number is 1 (v2); absent means v1.
    if (v !== 1) throw new DerError(`unknown CRL version ${v + 1} (encoded ${v}); only v1 and v2 exist`, vT.start);
    version = 2;
  }
  const innerAlgT = t.expect(Tag.SEQUENCE, 'signature');
  const issuer = parseName(buf, t.expect(Tag.SEQUENCE, 'issuer'));
  const thisUpdate = timeOf(buf, t.next());
  let nextUpdate: Date | undefined;
  const pk = t.peekTag();
  if (pk === Tag.UTC_TIME || pk === Tag.GENERALIZED_TIME) nextUpdate = timeOf(buf, t.next());
  const problems: string[] = [];

  let entryOffsets: Uint32Array = new Uint32Array(0);
  const revT = t.optional(Tag.SEQUENCE);
  if (revT) {
    entryOffsets = scanEntries(buf, revT.body, revT.end);
    if (entryOffsets.length === 0) problems.push('empty revokedCertificates list (RFC 5280 5.1.2.6 says omit it)');
  }
  const extensions: Extension[] = [];
  let crlNumber: bigint | undefined;
  let baseCrlNumber: bigint | undefined;
  let authorityKeyId: string | undefined;
  const extT = t.optional(ctx(0));
  if (extT) {
    if (version !== 2) problems.push('crlExtensions in a v1 CRL');
    const er = DerReader.of(buf, extT);
    extensions.push(...readExtensionList(buf, er.expect(Tag.SEQUENCE, 'crlExtensions')));
    er.done('crlExtensions');
    const seen = new Set<string>();
    for (const e of extensions) {
      if (seen.has(e.oid)) problems.push(`duplicate CRL extension ${e.oid}`);
      seen.add(e.oid);
      try {
        if (e.oid === OID.crlNumber) crlNumber = readInteger(e.value, 'cRLNumber');
        else if (e.oid === OID.deltaCrlIndicator) baseCrlNumber = readInteger(e.value, 'BaseCRLNumber');
        else if (e.oid === OID.authorityKeyIdentifier) {
          const r = new DerReader(e.value);
          const s = r.enter(Tag.SEQUENCE, 'AuthorityKeyIdentifier');
          r.done('AuthorityKeyIdentifier');
          const kid = s.optional(ctxPrim(0));
          if (kid) authorityKeyId = bytesOf(e.value, kid).toString('hex');
        } else if (e.critical && !KNOWN_CRL_EXTS.has(e.oid)) problems.push(`unknown critical CRL extension ${e.oid}`);
      } catch (err) {
        problems.push(`malformed CRL extension ${e.oid}: ${(err as Error).message}`);
      }
    }
  }
  t.done('tbsCertList');
  if (!rawOf(buf, algT).equals(rawOf(buf, innerAlgT))) problems.push('signatureAlgorithm differs from tbsCertList.signature');

  const out: Crl = {
    der: rawOf(buf, listT),
    tbs: rawOf(buf, tbsT),
    version,
    signatureAlgorithm: parseSignatureAlgorithm(buf, algT),
    issuer,
    thisUpdate,
    extensions,
    signature: bitStringBytes(buf, sigT).bytes,
    revokedCount: entryOffsets.length,
    entryOffsets,
    problems,
  };
  if (nextUpdate) out.nextUpdate = nextUpdate;
  if (crlNumber !== undefined) out.crlNumber = crlNumber;
  if (baseCrlNumber !== undefined) out.baseCrlNumber = baseCrlNumber;
  if (authorityKeyId !== undefined) out.authorityKeyId = authorityKeyId;
  return out;
}

function readInteger(v: Buffer, what: string): bigint {
  const r = new DerReader(v);
  const t = r.expect(Tag.INTEGER, what);
  r.done(what);
  const n = bigIntOf(integerBytes(v, t));
  if (n < 0n) throw new DerError(`negative ${what}`, t.start);
  return n;
}

/**
 * Walks revokedCertificates once, checking each entry's shape (SEQUENCE of
 * INTEGER, Time, optional SEQUENCE of well-formed Extensions), and records
 * where each entry starts. No per-entry object is kept.
 */
function scanEntries(buf: Buffer, start: number, end: number): Uint32Array {
  let offsets: Uint32Array = new Uint32Array(Math.max(16, Math.min(1 << 20, ((end - start) / 40) | 0)));
  let n = 0;
  let pos = start;
  while (pos < end) {
    const e = readTlv(buf, pos, end);
    if (e.tag !== Tag.SEQUENCE) throw new DerError(`revokedCertificate: expected SEQUENCE, found tag 0x${e.tag.toString(16)}`, pos);
    const s = readTlv(buf, e.body, e.end);
    if (s.tag !== Tag.INTEGER) throw new DerError('revokedCertificate: userCertificate must be an INTEGER', e.body);
    if (s.end === s.body) throw new DerError('revokedCertificate: empty serial number', s.start);
    const tm = readTlv(buf, s.end, e.end);
    fastTimeOf(buf, tm);
    if (tm.end < e.end) {
      const x = readTlv(buf, tm.end, e.end);
      if (x.tag !== Tag.SEQUENCE || x.end !== e.end) throw new DerError('revokedCertificate: trailing data after crlEntryExtensions', x.start);
      let p = x.body;
      while (p < x.end) {
        const ext = readTlv(buf, p, x.end);
        if (ext.tag !== Tag.SEQUENCE) throw new DerError('crlEntryExtensions: expected Extension SEQUENCE', p);
        const o = readTlv(buf, ext.body, ext.end);
        if (o.tag !== Tag.OID) throw new DerError('crlEntryExtensions: expected extnID', o.start);
        p = ext.end;
      }
    }
    if (n === offsets.length) {
      const bigger = new Uint32Array(offsets.length * 2);
      bigger.set(offsets);
      offsets = bigger;
    }
    offsets[n++] = pos;
    pos = e.end;
  }
  return offsets.slice(0, n);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An entry's revocation time in ms, read straight from the bytes for the
 * common DER forms (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ); anything else goes to
 * der.ts `timeOf`, which accepts or explains it. Same answers, no string.
 */
function fastTimeOf(buf: Buffer, t: { tag: number; body: number; end: number; start: number }): number {
  const n = t.end - t.body;
  const utc = t.tag === Tag.UTC_TIME && n === 13;
  if ((utc || (t.tag === Tag.GENERALIZED_TIME && n === 15)) && buf[t.end - 1] === 0x5a) {
    let p = t.body;
    const d2 = (): number => {
      const a = buf[p]! - 0x30;
      const b = buf[p + 1]! - 0x30;
      p += 2;
      return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
    };
    let year = d2();
    year = utc ? (year >= 50 ? 1900 + year : 2000 + year) : year * 100 + d2();
    const mo = d2(), d = d2(), h = d2(), mi = d2(), se = d2();
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    // year >= 100: Date.UTC reads 0-99 as 1900-1999, and a non-digit makes it NaN; timeOf handles both.
    if (year >= 100 && mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1]!) && h <= 23 && mi <= 59 && se <= 59) {
      return Date.UTC(year, mo - 1, d, h, mi, se);
    }
  }
  return timeOf(buf, t as Tlv).getTime();
}

/** Decodes entry `i` (0-based). */
export function crlEntry(crl: Crl, i: number): CrlEntry {
  const buf = crl.der;
  const at = crl.entryOffsets[i];
  if (at === undefined) throw new RangeError(`no entry ${i}`);
  const r = DerReader.of(buf, readTlv(buf, at, buf.length));
  const sT = r.expect(Tag.INTEGER, 'userCertificate');
  const serialBytes = bytesOf(buf, sT);
  const revocationDate = new Date(fastTimeOf(buf, r.next()));
  const problems: string[] = [];
  try {
    integerBytes(buf, sT);
  } catch {
    problems.push('serial number is not minimally encoded');
  }
  if (serialBytes[0]! & 0x80) problems.push('serial number is negative');
  else if (serialBytes.every((b) => b === 0)) problems.push('serial number is zero');
  if (serialBytes.length > 20) problems.push('serial number longer than 20 octets (RFC 5280 4.1.2.2)');
  let extensions: Extension[] = [];
  const out: CrlEntry = { serial: serialHex(serialBytes), serialBytes, revocationDate, extensions, problems };
  if (r.more()) {
    // parseCrl checked only the extensions' outline (scanEntries): a malformed one is this
    // entry's problem, reported with it, never an exception in the middle of a listing.
    try {
      extensions = readExtensionList(buf, r.expect(Tag.SEQUENCE, 'crlEntryExtensions'));
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      problems.push(`malformed crlEntryExtensions: ${e.message}`);
      return out;
    }
    out.extensions = extensions;
    if (crl.version !== 2) problems.push('crlEntryExtensions in a v1 CRL');
    const seen = new Set<string>();
    for (const e of extensions) {
      if (seen.has(e.oid)) problems.push(`duplicate entry extension ${e.oid}`);
      seen.add(e.oid);
      try {
        if (e.oid === OID.crlReason) {
          const rr = new DerReader(e.value);
          const en = rr.expect(Tag.ENUMERATED, 'CRLReason');
          rr.done('CRLReason');
          const code = smallInt(e.value, en);
          if (CRL_REASONS[code] === undefined) problems.push(`unsupported reasonCode ${code}`);
          else out.reason = code;
        } else if (e.oid === OID.invalidityDate) {
          const rr = new DerReader(e.value);
          const g = rr.expect(Tag.GENERALIZED_TIME, 'InvalidityDate');
          rr.done('InvalidityDate');
          out.invalidityDate = timeOf(e.value, g);
        } else if (e.oid === OID.certificateIssuer) {
          const rr = new DerReader(e.value);
          const names = rr.enter(Tag.SEQUENCE, 'GeneralNames');
          rr.done('certificateIssuer');
          if (!names.more()) throw new DerError('empty GeneralNames', 0);
        } else if (e.critical) problems.push(`unknown critical entry extension ${e.oid}`);
      } catch (err) {
        problems.push(`malformed entry extension ${e.oid}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/**
 * A CRL's entries, decoded one at a time in order.
 *
 * @example
 * ```ts
 * for (const e of crlEntries(crl)) if (e.reason === 1) console.log('key compromise:', e.serial);
 * ```
 */
export function* crlEntries(crl: Crl): Generator<CrlEntry> {
  for (let i = 0; i < crl.revokedCount; i++) yield crlEntry(crl, i);
}

/**
 * Index of the entry whose serial has the INTEGER content `serial`, or -1.
 * A linear scan over the raw bytes: no decoding, ~10 ms per million entries.
 */
export function findEntry(crl: Crl, serial: Uint8Array): number {
  const buf = crl.der;
  const n = serial.length;
  for (let i = 0; i < crl.revokedCount; i++) {
    const at = crl.entryOffsets[i]!;
    // Entry header is 2 octets (short form) or more; find the INTEGER after it.
    const lenByte = buf[at + 1]!;
    const s = at + 2 + (lenByte & 0x80 ? lenByte & 0x7f : 0);
    if (buf[s + 1] !== n) continue;
    let eq = true;
    for (let k = 0; k < n; k++) {
      if (buf[s + 2 + k] !== serial[k]) {
        eq = false;
        break;
      }
    }
    if (eq) return i;
  }
  return -1;
}

// ---- verification and lookup --------------------------------------------------------------

export interface CrlIssuerCheck {
  valid: boolean;
  /** Why not, one reason per problem. */
  reasons: string[];
}

/**
 * Checks that `ca` issued `crl`: issuer name equals the CA's subject (RFC 5280
 * 6.3.3 (b)), the CA may sign CRLs (keyUsage cRLSign when keyUsage is present,
 * 4.2.1.3), the AKI matches the CA's SKI when both are present, and the
 * signature verifies with the CA's key.
 */
export function verifyCrl(crl: Crl, ca: Certificate): CrlIssuerCheck {
  const reasons: string[] = [];
  if (!crl.issuer.der.equals(ca.subject.der)) reasons.push("the CRL's issuer is not the CA certificate's subject");
  const ku = ca.extensions.keyUsage;
  if (ku && !ku.includes('cRLSign')) reasons.push('the CA certificate has keyUsage without cRLSign');
  const ski = ca.extensions.subjectKeyId;
  if (crl.authorityKeyId && ski && crl.authorityKeyId !== ski) reasons.push("the CRL's authorityKeyIdentifier is not the CA's subjectKeyIdentifier");
  const sig: VerifyResult = verifySignature(crl.signatureAlgorithm, ca.publicKey, crl.tbs, crl.signature);
  if (!sig.valid) reasons.push(`signature: ${sig.reason}`);
  return { valid: reasons.length === 0, reasons };
}

export type CrlCheck =
  | { status: 'revoked'; entry: CrlEntry }
  | { status: 'good' }
  | { status: 'not-applicable'; reason: string };

/**
 * Looks `cert` up in `crl`. A CRL speaks only for certificates of its issuer:
 * any other certificate is `not-applicable` (RFC 5280 6.3.3 (b)). An entry
 * with reason removeFromCRL (only meaningful in delta CRLs) is not a revocation.
 */
export function checkCertificate(crl: Crl, cert: Certificate): CrlCheck {
  if (!crl.issuer.der.equals(cert.issuer.der)) {
    return { status: 'not-applicable', reason: "the certificate's issuer is not the CRL's issuer" };
  }
  const i = findEntry(crl, certificateSerialContent(cert.der));
  if (i < 0) return { status: 'good' };
  const entry = crlEntry(crl, i);
  if (entry.reason === 8) return { status: 'good' };
  return { status: 'revoked', entry };
}

function certificateSerialContent(certDer: Buffer): Buffer {
  const r = new DerReader(certDer);
  const c = r.enter(Tag.SEQUENCE, 'Certificate');
  const t = c.enter(Tag.SEQUENCE, 'tbsCertificate');
  t.optional(ctx(0));
  return bytesOf(certDer, t.expect(Tag.INTEGER, 'serialNumber'));
}

// ---- input ---------------------------------------------------------------------------

/**
 * The DER of a CRL file: DER as is, or the first `X509 CRL` PEM block. Unlike
 * input.ts, no 1 MiB object limit: CRLs of a million entries are ~50 MB.
 */
export function crlDer(bytes: Uint8Array): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf[0] === 0x30) return buf;
  const text = buf.toString('latin1');
  let blocks;
  try {
    blocks = parsePem(text);
  } catch (e) {
    if (e instanceof PemError) throw new DerError(`bad PEM: ${e.message}`, 0);
    throw e;
  }
  const b = blocks.find((x) => x.label === 'X509 CRL');
  if (!b) {
    const labels = blocks.map((x) => x.label);
    throw new DerError(labels.length ? `no X509 CRL PEM block (found ${labels.join(', ')})` : 'neither DER nor PEM', 0);
  }
  return b.der;
}
