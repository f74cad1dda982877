// CCM's revocation vocabulary and the revoked-list input of `crl build`.
//
// PCA revokes a certificate with one of nine reasons (ccm-api-reference.txt
// 4.2.2.9 "Revoking a Certificate" and 4.2.1.13 "Revoking a subordinate CA",
// request body `reason`); they are RFC 5280 5.3.1 CRLReason values by name.
// UNSPECIFIED is CCM's default ("No reason is specified for revocation"):
// ccmkit writes it as *no* reasonCode extension, because RFC 5280 5.3.1 says
// "the reason code CRL entry extension SHOULD be absent instead of using the
// unspecified (0) reasonCode value"; reading, both an absent extension and
// code 0 read back as UNSPECIFIED.
//
// The revoked list (JSON or CSV) is read into a columnar RevokedList with
// findings for every bad row, the way a linter reports, capped so that a
// million bad rows give a readable answer.

import { NO_REASON, SerialIndex, type RevokedList } from '../engine/crl.js';
import { parseJson } from '../engine/json.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';

/**
 * CCM's revocation reasons (PCA "Revoking a Certificate", 4.2.2.9) and the
 * RFC 5280 reasonCode each is written as (UNSPECIFIED: no reasonCode extension).
 *
 * @example
 * ```ts
 * CCM_REVOCATION_REASONS.KEY_COMPROMISE; // 1
 * ```
 */
export const CCM_REVOCATION_REASONS = {
  UNSPECIFIED: 0,
  KEY_COMPROMISE: 1,
  CERTIFICATE_AUTHORITY_COMPROMISE: 2,
  AFFILIATION_CHANGED: 3,
  SUPERSEDED: 4,
  CESSATION_OF_OPERATION: 5,
  CERTIFICATE_HOLD: 6,
  PRIVILEGE_WITHDRAWN: 9,
  ATTRIBUTE_AUTHORITY_COMPROMISE: 10,
} as const;
/**
 * One of CCM's revocation reason names.
 *
 * @example
 * ```ts
 * const reason: CcmRevocationReason = 'SUPERSEDED';
 * ```
 */
export type CcmRevocationReason = keyof typeof CCM_REVOCATION_REASONS;

const NAME_OF = new Map<number, CcmRevocationReason>(
  Object.entries(CCM_REVOCATION_REASONS).map(([n, c]) => [c, n as CcmRevocationReason]),
);

/** The reasonCode ccmkit writes for a CCM reason: NO_REASON (no extension) for UNSPECIFIED. */
export function reasonCodeFor(name: CcmRevocationReason): number {
  return name === 'UNSPECIFIED' ? NO_REASON : CCM_REVOCATION_REASONS[name];
}

/**
 * CCM's name for an entry's reasonCode (undefined = no extension). 8
 * (removeFromCRL, delta CRLs only) has no CCM name and reads REMOVE_FROM_CRL;
 * anything else unknown reads UNKNOWN(n).
 */
export function reasonName(code: number | undefined): string {
  if (code === undefined || code === NO_REASON) return 'UNSPECIFIED';
  if (code === 8) return 'REMOVE_FROM_CRL';
  return NAME_OF.get(code) ?? `UNKNOWN(${code})`;
}

/**
 * Whether `s` is one of CCM's revocation reason names (exact spelling, as PCA's bodies take them).
 *
 * @example
 * ```ts
 * if (!isCcmReason(reason)) throw usageError(`unknown reason ${reason}`);
 * ```
 */
export function isCcmReason(s: string): s is CcmRevocationReason {
  return Object.prototype.hasOwnProperty.call(CCM_REVOCATION_REASONS, s);
}

const reasonKey = (s: string): string => s.toUpperCase().replace(/[-_\s]/g, '');

/**
 * Every spelling a user may bring for a CCM reason: CCM's names in any case
 * (key_compromise), and the RFC 5280 / openssl names (`openssl ca
 * -crl_reason keyCompromise`, CACompromise, AACompromise). The CCM name is
 * what is stored and printed.
 */
const REASON_ALIASES = new Map<string, CcmRevocationReason>([
  ...Object.keys(CCM_REVOCATION_REASONS).map((n) => [reasonKey(n), n as CcmRevocationReason] as const),
  ['CACOMPROMISE', 'CERTIFICATE_AUTHORITY_COMPROMISE'],
  ['AACOMPROMISE', 'ATTRIBUTE_AUTHORITY_COMPROMISE'],
]);

/** The CCM reason `s` names (CCM or openssl spelling, any case), or undefined. */
export function parseReason(s: string): CcmRevocationReason | undefined {
  return REASON_ALIASES.get(reasonKey(s.trim()));
}

// ---- serials ---------------------------------------------------------------------------

export type SerialParse = { ok: true; content: Buffer } | { ok: false; problem: string };

/**
 * A serial as OpenSSL prints it (hex, any case, colons allowed) to DER INTEGER
 * content. RFC 5280 4.1.2.2: positive, non-zero, at most 20 octets, counted
 * on the DER encoding (a 20-octet magnitude with its top bit set needs a 21st
 * sign octet and is refused).
 */
export function parseSerial(text: string): SerialParse {
  const s = text.trim().replace(/:/g, '');
  if (s.startsWith('-')) return { ok: false, problem: `serial "${short(text)}" is negative` };
  if (s === '' || !/^[0-9a-fA-F]+$/.test(s)) return { ok: false, problem: `serial "${short(text)}" is not hexadecimal` };
  const digits = s.replace(/^0+/, '');
  if (digits === '') return { ok: false, problem: `serial "${short(text)}" is zero` };
  if (digits.length > 42) return { ok: false, problem: `serial "${short(text)}" is longer than 20 octets` };
  let mag = Buffer.from(digits.length % 2 ? '0' + digits : digits, 'hex');
  if (mag[0]! & 0x80) mag = Buffer.concat([Buffer.from([0]), mag]);
  if (mag.length > 20) return { ok: false, problem: `serial "${short(text)}" is ${mag.length} octets encoded; RFC 5280 allows 20` };
  return { ok: true, content: mag };
}

function short(s: string): string {
  const t = String(s).replace(/[^\x20-\x7e]/g, '?');
  return t.length > 48 ? t.slice(0, 45) + '...' : t;
}

// ---- dates -------------------------------------------------------------------------------

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;
const MIN_DATE = Date.UTC(1970, 0, 1);
const MAX_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);

export type DateParse = { ok: true; ms: number } | { ok: false; problem: string };

/**
 * `revoked_at`: ISO 8601 with a zone (Z or an offset) or CCM-style epoch
 * milliseconds (a JSON number or a digit string). Sub-seconds are dropped:
 * X.509 times carry whole seconds (RFC 5280 5.1.2.6).
 */
export function parseRevokedAt(v: unknown): DateParse {
  let ms: number;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{1,16}$/.test(v.trim()))) {
    ms = typeof v === 'number' ? v : Number(v.trim());
    if (!Number.isInteger(ms)) return { ok: false, problem: `revoked_at ${short(String(v))} is not whole milliseconds` };
    // Checked here, before any Date is made of it: past 8.64e15 ms a Date is invalid and toISOString throws.
    if (ms < MIN_DATE || ms > MAX_DATE) return { ok: false, problem: `revoked_at ${short(String(v))} is out of range (epoch milliseconds from 0, 1970, to ${MAX_DATE}, 9999-12-31)` };
  } else if (typeof v === 'string') {
    const s = v.trim();
    const m = ISO.exec(s);
    if (!m) return { ok: false, problem: `revoked_at "${short(s)}" is neither ISO 8601 with a time zone (2025-05-01T12:00:00Z) nor epoch milliseconds` };
    const [, y, mo, d, h, mi, se] = m;
    // Date.UTC reads years 0-99 as 1900-1999: "0099-01-01" must not become 1999.
    if (+y! < 1970) return { ok: false, problem: `revoked_at "${short(s)}" is out of range (1970..9999)` };
    const base = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +(se ?? 0));
    const check = new Date(base);
    if (+mo! < 1 || +mo! > 12 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +(se ?? 0) > 59) {
      return { ok: false, problem: `revoked_at "${short(s)}" is not a real date` };
    }
    const z = m[8]!;
    let off = 0;
    if (z !== 'Z') {
      const sign = z[0] === '-' ? -1 : 1;
      const digits = z.slice(1).replace(':', '');
      const oh = +digits.slice(0, 2);
      const om = +digits.slice(2);
      // ISO 8601 offsets are hours 00-23 and minutes 00-59 (real zones span -12:00..+14:00).
      if (oh > 23 || om > 59) return { ok: false, problem: `revoked_at "${short(s)}" has a time-zone offset ${short(z)} outside -23:59..+23:59` };
      off = sign * (oh * 60 + om) * 60_000;
    }
    ms = base - off;
  } else return { ok: false, problem: 'revoked_at is missing' };
  ms = Math.floor(ms / 1000) * 1000;
  if (ms < MIN_DATE || ms > MAX_DATE) return { ok: false, problem: `revoked_at ${typeof v === 'string' ? `"${short(v)}"` : short(String(v))} is out of range (1970..9999)` };
  return { ok: true, ms };
}

// ---- the list ---------------------------------------------------------------------------

export interface RevokedFileResult {
  list: RevokedList;
  findings: Finding[];
  /** Rows with an error (all of them, though findings are capped). */
  badRows: number;
}

export interface RevokedFileOptions {
  /** Revocation dates after `at` are refused (the CRL is issued at `at`). */
  at: Date;
  source: string;
  /** Most row findings to report; default 20. */
  maxFindings?: number;
}

/**
 * Growable columns. Capacity comes from a size hint when there is one: large
 * typed arrays are zero pages until written, so over-reserving costs address
 * space, not memory, and saves the copy-on-grow peaks.
 */
class Columns {
  serials: Buffer;
  used = 0;
  offsets: Uint32Array;
  times: Float64Array;
  reasons: Uint8Array;
  /** Line (CSV) or array index (JSON) each entry came from, for messages. */
  rows: Uint32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.serials = Buffer.alloc(capacity * 12);
    this.offsets = new Uint32Array(capacity + 1);
    this.times = new Float64Array(capacity);
    this.reasons = new Uint8Array(capacity);
    this.rows = new Uint32Array(capacity);
  }

  push(serial: Uint8Array, ms: number, reason: number, row: number, from = 0, to = serial.length): void {
    if (this.count + 1 >= this.offsets.length) {
      const n = this.offsets.length * 2;
      this.offsets = grow(this.offsets, new Uint32Array(n));
      this.times = grow(this.times, new Float64Array(n));
      this.reasons = grow(this.reasons, new Uint8Array(n));
      this.rows = grow(this.rows, new Uint32Array(n));
    }
    if (this.used + (to - from) > this.serials.length) {
      const b = Buffer.alloc(this.serials.length * 2);
      this.serials.copy(b, 0, 0, this.used);
      this.serials = b;
    }
    this.offsets[this.count] = this.used;
    const dst = this.serials;
    let u = this.used;
    for (let i = from; i < to; i++) dst[u++] = serial[i]!;
    this.used = u;
    this.times[this.count] = ms;
    this.reasons[this.count] = reason;
    this.rows[this.count] = row;
    this.count++;
  }

  done(): RevokedList {
    this.offsets[this.count] = this.used;
    // Views, not copies: the unused tail was never touched, so never resident.
    return {
      count: this.count,
      serials: this.serials.subarray(0, this.used),
      offsets: this.offsets.subarray(0, this.count + 1),
      times: this.times.subarray(0, this.count),
      reasons: this.reasons.subarray(0, this.count),
    };
  }
}

function grow<T extends Uint32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

const REASON_BY_TEXT = new Map<string, number>(Object.keys(CCM_REVOCATION_REASONS).map((n) => [n, reasonCodeFor(n as CcmRevocationReason)]));
REASON_BY_TEXT.set('', NO_REASON);

const REASON_BYTES = [...REASON_BY_TEXT].map(([name, code]) => ({ bytes: Buffer.from(name, 'latin1'), code }));

/** The reason code of the exact CCM name at b[s..e), or -1. */
function reasonAt(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  outer: for (const r of REASON_BYTES) {
    if (r.bytes.length !== n) continue;
    for (let i = 0; i < n; i++) if (b[s + i] !== r.bytes[i]) continue outer;
    return r.code;
  }
  return -1;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX[0x41 + i] = HEX[0x61 + i] = 10 + i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** `YYYY-MM-DDTHH:MM:SSZ` at b[s..s+20), or NaN (the slow path then explains). */
function fastIso(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 20 || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x54 || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a || b[s + 19] !== 0x5a) return NaN;
  const d2 = (i: number): number => {
    const x = b[s + i]! - 0x30;
    const y = b[s + i + 1]! - 0x30;
    return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : NaN;
  };
  const year = d2(0) * 100 + d2(2);
  const mo = d2(5), d = d2(8), h = d2(11), mi = d2(14), se = d2(17);
  if (!(year >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && se <= 59)) return NaN;
  if (d > (mo === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[mo - 1]!)) return NaN;
  return Date.UTC(year, mo - 1, d, h, mi, se);
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Splits a top-level JSON array into its elements as bytes arrive, so a
 * million-object list is never one string nor one object tree (JSON.parse of
 * the whole costs ~5x the file in memory). Each element's text is then
 * JSON.parse'd alone: the same answers as parsing the whole array.
 */
export class JsonArrayScanner {
  error?: string;
  private state: 'start' | 'elements' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: Buffer[] = [];
  private partLen = 0;
  private count = 0;

  constructor(
    private readonly onElement: (value: unknown, index: number) => void,
    /** Largest element accepted (a revoked-list object is ~100 bytes). */
    private readonly maxElement = 1 << 16,
  ) {}

  push(b: Buffer): void {
    let start = -1;
    for (let i = 0; i < b.length && !this.error; i++) {
      const c = b[i]!;
      if (this.state === 'start') {
        if (isWs(c) || c === 0xef || c === 0xbb || c === 0xbf) continue; // whitespace, UTF-8 BOM
        if (c !== 0x5b) this.error = 'JSON must be an array of {"serial_number","revoked_at","reason"} objects';
        this.state = 'elements';
        start = i + 1;
        continue;
      }
      if (this.state === 'done') {
        if (!isWs(c)) this.error = 'not valid JSON: data after the closing ]';
        continue;
      }
      if (start < 0) start = i;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (this.depth > 0) this.depth--;
        else if (c === 0x7d) this.error = 'not valid JSON: unbalanced }';
        else {
          this.finish(b, start, i, true);
          this.state = 'done';
          start = -1;
        }
      } else if (c === 0x2c && this.depth === 0) {
        this.finish(b, start, i, false);
        start = i + 1;
      }
    }
    if (!this.error && this.state === 'elements' && start >= 0 && start < b.length) this.keep(b.subarray(start));
  }

  end(): void {
    if (!this.error && this.state !== 'done') this.error = this.state === 'start' ? 'no JSON array found' : 'not valid JSON: the array is not closed';
  }

  private keep(part: Buffer): void {
    this.partLen += part.length;
    if (this.partLen > this.maxElement) this.error = `element [${this.count}] is larger than ${this.maxElement} bytes`;
    else this.parts.push(Buffer.from(part));
  }

  private finish(b: Buffer, s: number, e: number, closing: boolean): void {
    if (this.partLen + (e - s) > this.maxElement) {
      this.error = `element [${this.count}] is larger than ${this.maxElement} bytes`;
      return;
    }
    const text = (this.parts.length ? Buffer.concat([...this.parts, b.subarray(s, e)]).toString('utf8') : b.toString('utf8', s, e)).trim();
    this.parts = [];
    this.partLen = 0;
    if (text === '') {
      if (!(closing && this.count === 0)) this.error = `not valid JSON: empty element [${this.count}]`;
      return;
    }
    let v: unknown;
    try {
      v = parseJson(text);
    } catch (err) {
      this.error = `not valid JSON in element [${this.count}]: ${(err as Error).message.slice(0, 100)}`;
      return;
    }
    this.onElement(v, this.count++);
  }
}

/** Longest CSV line read: a revoked-list row is under 200 bytes; JSON elements have the same bound. */
export const MAX_CSV_LINE = 1 << 16;

/**
 * A revoked list's bytes: whole, or chunks as they are read (a million-line
 * CSV need never be held whole).
 *
 * @example
 * ```ts
 * const revoked: RevokedInputBytes = readFileSync('revoked.csv');
 * ```
 */
export type RevokedInputBytes = Uint8Array | Iterable<Uint8Array>;

/**
 * Reads the `--revoked` list: JSON `[{"serial_number","revoked_at","reason"}]`
 * or CSV `serial,revoked_at,reason` (optional header line, `#` comments,
 * empty reason = UNSPECIFIED). Pure: bytes (whole, or chunks as they are
 * read, so a million-line CSV is never held whole) in, list and findings out.
 */
export function parseRevokedFile(input: RevokedInputBytes, opts: RevokedFileOptions & { sizeHint?: number }): RevokedFileResult {
  const max = opts.maxFindings ?? 20;
  const findings: Finding[] = [];
  let badRows = 0;
  // A CSV row is at least ~25 bytes ("1,1746057600000" plus a newline is 16).
  const cols = new Columns(opts.sizeHint ? Math.min(Math.ceil(opts.sizeHint / 16) + 16, 1 << 26) : 1024);
  const atMs = opts.at.getTime();
  let json = false;
  const at = (n: number): string => (json ? `[${n}]` : `line ${n}`);
  const report = (where: string, id: string, detail: string, fix?: string): void => {
    badRows++;
    if (findings.length < max) findings.push(finding(id, `${opts.source} ${where}: ${detail}.`, fix, 'error', 'revoked'));
  };

  // The slow path: any row, as strings; explains every problem.
  const row = (n: number, serialV: unknown, dateV: unknown, reasonV: unknown): void => {
    const where = at(n);
    if (typeof serialV !== 'string') return report(where, 'pca-crl.revoked.serial', 'serial_number is missing or not a string');
    const serial = parseSerial(serialV);
    if (!serial.ok) return report(where, 'pca-crl.revoked.serial', serial.problem, 'Give the serial in hexadecimal as openssl prints it (e.g. 4F:1A:...); it must be positive, non-zero and at most 20 octets.');
    const date = parseRevokedAt(dateV);
    if (!date.ok) return report(where, 'pca-crl.revoked.date', date.problem);
    if (date.ms > atMs) {
      return report(where, 'pca-crl.revoked.date', `revoked_at ${iso(date.ms)} is after the CRL's thisUpdate ${iso(atMs)}`, 'A CRL cannot list a future revocation: fix the date or pass a later --at.');
    }
    let reason = NO_REASON;
    if (reasonV !== undefined && reasonV !== null && reasonV !== '') {
      const r = typeof reasonV === 'string' ? reasonV.trim() : reasonV;
      const name = typeof r === 'string' ? parseReason(r) : undefined;
      if (name === undefined) {
        const hint =
          typeof r === 'string' && reasonKey(r) === 'REMOVEFROMCRL'
            ? ' (removeFromCRL is written only in delta CRLs: leave the serial out of the list and build with --base-crl)'
            : '';
        return report(where, 'pca-crl.revoked.reason', `unknown reason "${short(String(r))}"${hint}`, `Use one of ${Object.keys(CCM_REVOCATION_REASONS).join(', ')} (any case; openssl's keyCompromise, CACompromise, ... too).`);
      }
      reason = reasonCodeFor(name);
    }
    cols.push(serial.content, date.ms, reason, n);
  };

  // The fast path: one CSV line at b[s..e), no strings but the reason; false = use the slow path.
  const scratch = Buffer.alloc(24);
  const fastLine = (b: Buffer, s: number, e: number, n: number): boolean => {
    // JS loops, not Buffer.indexOf: a native call per field costs more than the scan.
    let c1 = -1;
    let c2 = -1;
    for (let i = s; i < e; i++) {
      if (b[i] !== 0x2c) continue;
      if (c1 < 0) c1 = i;
      else if (c2 < 0) c2 = i;
      else return false;
    }
    if (c1 < 0) return false;
    // serial: hex digits and colons only
    let digits = 0;
    let lead = true;
    let k = 0;
    let half = -1;
    // Count significant digits first, to know whether the first byte is a half.
    for (let i = s; i < c1; i++) {
      const c = b[i]!;
      if (c === 0x3a) continue;
      const v = HEX[c]!;
      if (v < 0) return false;
      if (lead && v === 0) continue;
      lead = false;
      digits++;
    }
    if (digits === 0 || digits > 40) return false;
    let odd = digits % 2 === 1;
    lead = true;
    for (let i = s; i < c1; i++) {
      const c = b[i]!;
      if (c === 0x3a) continue;
      const v = HEX[c]!;
      if (lead && v === 0) continue;
      lead = false;
      if (odd) {
        scratch[1 + k++] = v;
        odd = false;
      } else if (half < 0) half = v;
      else {
        scratch[1 + k++] = (half << 4) | v;
        half = -1;
      }
    }
    let from = 1;
    if (scratch[1]! & 0x80) {
      scratch[0] = 0;
      from = 0;
    }
    if (k + 1 - from > 20) return false;
    // date
    const de = c2 < 0 ? e : c2;
    let ms = fastIso(b, c1 + 1, de);
    if (Number.isNaN(ms)) {
      if (de - (c1 + 1) < 1 || de - (c1 + 1) > 15) return false;
      ms = 0;
      for (let i = c1 + 1; i < de; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) return false;
        ms = ms * 10 + d;
      }
      ms = Math.floor(ms / 1000) * 1000;
    }
    if (ms < MIN_DATE || ms > MAX_DATE || ms > atMs) return false;
    // reason
    const reason = c2 < 0 ? NO_REASON : reasonAt(b, c2 + 1, e);
    if (reason < 0) return false;
    cols.push(scratch, ms, reason, n, from, k + 1);
    return true;
  };

  const chunks: Iterable<Uint8Array> = input instanceof Uint8Array ? [input] : input;
  let line = 0;
  let mode: 'unknown' | 'csv' | 'json' = 'unknown';
  const scanner = new JsonArrayScanner((v, n) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return report(at(n), 'pca-crl.revoked.serial', 'not an object');
    const r = v as Record<string, unknown>;
    const { serial_number: sn, revoked_at: ra, reason: re } = r;
    // Plain string/number fields without commas go through the CSV fast path; anything else is explained by row().
    if (typeof sn === 'string' && (typeof ra === 'string' || typeof ra === 'number') && (re === undefined || re === null || typeof re === 'string')) {
      const text = re ? `${sn},${ra},${re}` : `${sn},${ra}`;
      if (text.split(',').length === (re ? 3 : 2)) {
        const b = Buffer.from(text, 'utf8');
        if (fastLine(b, 0, b.length, n)) return;
      }
    }
    row(n, sn, ra, re);
  });
  const csvLine = (b: Buffer, s: number, e: number): void => {
    line++;
    if (e - s > MAX_CSV_LINE) return report(at(line), 'pca-crl.revoked.serial', `the line is ${e - s} bytes long; a revoked-list line is serial,revoked_at,reason (at most ${MAX_CSV_LINE} bytes)`);
    if (e > s && b[e - 1] === 0x0d) e--;
    if (line === 1 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3; // UTF-8 BOM
    if (e === s) return;
    if (fastLine(b, s, e, line)) return;
    const t = b.toString('utf8', s, e).trim();
    if (t === '' || t.startsWith('#')) return;
    if (line === 1 && /^serial/i.test(t)) return; // header
    const f = t.split(',');
    if (f.length < 2 || f.length > 3) return report(at(line), 'pca-crl.revoked.serial', `expected serial,revoked_at,reason but found ${f.length} field(s)`);
    row(line, unquote(f[0]!), unquote(f[1]!), f[2] === undefined ? undefined : unquote(f[2]));
  };
  // A line split across chunks is kept as a list of pieces and joined once, when its end arrives:
  // joining on every chunk made one 40 MB line cost O(n^2) copies (issue 10, item 13). A line past
  // MAX_CSV_LINE is not kept at all, only measured, so any line costs O(its length) and O(1) memory.
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let leadingBom = false;
  const endLine = (b: Buffer, s: number, e: number): void => {
    if (pendingLen === 0) return csvLine(b, s, e);
    const total = pendingLen + (e - s);
    if (total > MAX_CSV_LINE) {
      pending = [];
      pendingLen = 0;
      // csvLine only measures a line this long: a view of the right length is enough.
      return csvLine(Buffer.alloc(0), 0, total);
    }
    const whole = Buffer.concat([...pending, b.subarray(s, e)]);
    pending = [];
    pendingLen = 0;
    csvLine(whole, 0, whole.length);
  };
  for (const chunk of chunks) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (mode === 'unknown') {
      let i = 0;
      if (!leadingBom && line === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
        leadingBom = true;
        i = 3;
      }
      while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
      if (i === b.length) {
        // Only white space so far: count its lines (for messages) and drop it instead of carrying it.
        for (let k = 0; k < b.length; k++) if (b[k] === 0x0a) line++;
        continue;
      }
      mode = b[i] === 0x5b || b[i] === 0x7b ? 'json' : 'csv';
      json = mode === 'json';
    }
    if (mode === 'json') {
      scanner.push(b);
      if (scanner.error) break;
      continue;
    }
    let pos = 0;
    for (let i = 0; i < b.length; i++) {
      if (b[i] !== 0x0a) continue;
      endLine(b, pos, i);
      pos = i + 1;
    }
    if (pos < b.length) {
      if (pendingLen <= MAX_CSV_LINE) pending.push(Buffer.from(b.subarray(pos)));
      pendingLen += b.length - pos;
      if (pendingLen > MAX_CSV_LINE) pending = [];
    }
  }
  if (mode === 'csv' && pendingLen) endLine(Buffer.alloc(0), 0, 0);
  if (mode === 'json') {
    scanner.end();
    if (scanner.error) return fatal(`${opts.source}: ${scanner.error}`);
  }

  const list = cols.done();
  // Duplicates: a serial may appear once (RFC 5280 5.1.2.6 lists certificates, not events).
  const index = new SerialIndex(list);
  for (const [first, dup] of index.duplicates()) {
    badRows++;
    if (findings.length < max) {
      const hex = list.serials.subarray(list.offsets[dup]!, list.offsets[dup + 1]!).toString('hex').toUpperCase().replace(/^00(?=[89A-F])/, '');
      findings.push(finding('pca-crl.revoked.duplicate', `${opts.source}: serial ${hex} is listed twice (${at(cols.rows[first]!)} and ${at(cols.rows[dup]!)}).`, 'List each revoked serial once.', 'error', 'revoked'));
    }
  }
  if (badRows > findings.length) {
    findings.push({ code: findings[0]?.code ?? 'PCA.00020001', severity: 'error', field: 'revoked', message: `... and ${badRows - findings.length} more bad entries in ${opts.source}.` });
  }
  return { list, findings, badRows };

  function fatal(msg: string): RevokedFileResult {
    return { list: cols.done(), findings: [finding('pca-crl.revoked.serial', msg + '.', undefined, 'error', 'revoked')], badRows: 1 };
  }
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
