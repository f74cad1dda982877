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
import type { Finding } from './findings.js';
import { finding } from './rules.js';

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

export function isCcmReason(s: string): s is CcmRevocationReason {
  return Object.prototype.hasOwnProperty.call(CCM_REVOCATION_REASONS, s);
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
    if (!Number.isInteger(ms)) return { ok: false, problem: `revoked_at ${v} is not whole milliseconds` };
  } else if (typeof v === 'string') {
    const s = v.trim();
    const m = ISO.exec(s);
    if (!m) return { ok: false, problem: `revoked_at "${short(s)}" is neither ISO 8601 with a time zone (2025-05-01T12:00:00Z) nor epoch milliseconds` };
    const [, y, mo, d, h, mi, se] = m;
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
      off = sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
    }
    ms = base - off;
  } else return { ok: false, problem: 'revoked_at is missing' };
  ms = Math.floor(ms / 1000) * 1000;
  if (ms < MIN_DATE || ms > MAX_DATE) return { ok: false, problem: `revoked_at ${new Date(ms).toISOString?.() ?? ms} is out of range (1970..9999)` };
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

/** Growable columns, doubled as rows arrive. */
class Columns {
  serials = Buffer.allocUnsafe(1 << 16);
  used = 0;
  offsets = new Uint32Array(1024);
  times = new Float64Array(1024);
  reasons = new Uint8Array(1024);
  /** Line (CSV) or array index (JSON) each entry came from, for messages. */
  rows = new Uint32Array(1024);
  count = 0;

  push(serial: Buffer, ms: number, reason: number, row: number): void {
    if (this.count + 1 >= this.offsets.length) {
      const n = this.offsets.length * 2;
      this.offsets = grow(this.offsets, new Uint32Array(n));
      this.times = grow(this.times, new Float64Array(n));
      this.reasons = grow(this.reasons, new Uint8Array(n));
      this.rows = grow(this.rows, new Uint32Array(n));
    }
    if (this.used + serial.length > this.serials.length) {
      const b = Buffer.allocUnsafe(this.serials.length * 2);
      this.serials.copy(b, 0, 0, this.used);
      this.serials = b;
    }
    this.offsets[this.count] = this.used;
    serial.copy(this.serials, this.used);
    this.used += serial.length;
    this.times[this.count] = ms;
    this.reasons[this.count] = reason;
    this.rows[this.count] = row;
    this.count++;
  }

  done(): RevokedList {
    this.offsets[this.count] = this.used;
    return {
      count: this.count,
      serials: Buffer.from(this.serials.subarray(0, this.used)),
      offsets: this.offsets.slice(0, this.count + 1),
      times: this.times.slice(0, this.count),
      reasons: this.reasons.slice(0, this.count),
    };
  }
}

function grow<T extends Uint32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/**
 * Reads the `--revoked` file: JSON `[{"serial_number","revoked_at","reason"}]`
 * or CSV `serial,revoked_at,reason` (optional header line, `#` comments,
 * empty reason = UNSPECIFIED). Pure: bytes in, list and findings out.
 */
export function parseRevokedFile(bytes: Uint8Array, opts: RevokedFileOptions): RevokedFileResult {
  const max = opts.maxFindings ?? 20;
  const findings: Finding[] = [];
  let badRows = 0;
  const cols = new Columns();
  const atMs = opts.at.getTime();
  const report = (where: string, id: string, detail: string, fix?: string): void => {
    badRows++;
    if (findings.length < max) findings.push(finding(id, `${opts.source} ${where}: ${detail}.`, fix, 'error', 'revoked'));
  };

  let rowNo = 0;
  let json = false;
  const at = (n: number): string => (json ? `[${n}]` : `line ${n}`);
  const row = (where: string, serialV: unknown, dateV: unknown, reasonV: unknown): void => {
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
      if (typeof r !== 'string' || !isCcmReason(r)) {
        const hint = typeof r === 'string' && isCcmReason(r.toUpperCase()) ? ` (did you mean ${r.toUpperCase()}?)` : '';
        return report(where, 'pca-crl.revoked.reason', `unknown reason "${short(String(r))}"${hint}`, `Use one of ${Object.keys(CCM_REVOCATION_REASONS).join(', ')}.`);
      }
      reason = reasonCodeFor(r);
    }
    cols.push(serial.content, date.ms, reason, rowNo);
  };

  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] === 0x5b /* [ */ || buf[i] === 0x7b /* { */) {
    let data: unknown;
    try {
      data = JSON.parse(buf.toString('utf8', i));
    } catch (e) {
      return fatal(`${opts.source}: not valid JSON: ${(e as Error).message.slice(0, 120)}`);
    }
    if (!Array.isArray(data)) return fatal(`${opts.source}: JSON must be an array of {"serial_number","revoked_at","reason"} objects`);
    json = true;
    data.forEach((o, n) => {
      rowNo = n;
      const where = at(n);
      if (!o || typeof o !== 'object' || Array.isArray(o)) return report(where, 'pca-crl.revoked.serial', 'not an object');
      const r = o as Record<string, unknown>;
      row(where, r.serial_number, r.revoked_at, r.reason);
    });
  } else {
    // CSV, streamed over the bytes: one string per field, never one per file.
    let line = 0;
    let pos = i;
    while (pos < buf.length) {
      let nl = buf.indexOf(0x0a, pos);
      if (nl < 0) nl = buf.length;
      line++;
      let end = nl;
      if (end > pos && buf[end - 1] === 0x0d) end--;
      const text = buf.toString('utf8', pos, end);
      pos = nl + 1;
      const t = text.trim();
      if (t === '' || t.startsWith('#')) continue;
      if (line === 1 && /^serial/i.test(t)) continue; // header
      rowNo = line;
      const f = t.split(',');
      if (f.length < 2 || f.length > 3) {
        report(`line ${line}`, 'pca-crl.revoked.serial', `expected serial,revoked_at,reason but found ${f.length} field(s)`);
        continue;
      }
      row(`line ${line}`, unquote(f[0]!), unquote(f[1]!), f[2] === undefined ? undefined : unquote(f[2]));
    }
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
