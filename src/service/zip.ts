// A small ZIP (PKWARE APPNOTE 6.3) writer and reader for CCM export bundles.
//
// Why our own: the bundles hold two or three small files; a writer is ~60
// lines over node:zlib, and the reader must be strict in ways general zip
// libraries are not: entries whose names escape the target folder ("zip
// slip"), encrypted or multi-disk archives, sizes that lie, and decompression
// bombs are all refused with a clear error instead of being half-extracted.

import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { CcmError, LocalCode } from '../engine/errors.js';

export interface ZipEntryIn {
  name: string;
  data: Buffer;
  /** Unix permission bits stored for unzip to restore (0o600 for keys). */
  mode?: number;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const y = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((y - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** A deflated zip of `entries`, in the order given, timestamps `at`. */
export function writeZip(entries: ZipEntryIn[], at: Date): Buffer {
  const { time, date } = dosDateTime(at);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const deflated = deflateRawSync(e.data, { level: 9 });
    const stored = deflated.length >= e.data.length;
    const body = stored ? e.data : deflated;
    const method = stored ? 0 : 8;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // UTF-8 names
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(time, 10);
    lh.writeUInt16LE(date, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x031e, 4); // made by Unix, spec 3.0: the external attributes carry the mode
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(time, 12);
    ch.writeUInt16LE(date, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE((((0o100000 | (e.mode ?? 0o644)) << 16) >>> 0), 38);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

export interface ZipEntryOut {
  name: string;
  data: Buffer;
}

export const MAX_ZIP_ENTRIES = 256;
export const MAX_ZIP_TOTAL = 64 * 1024 * 1024;

function bad(source: string, detail: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: not a readable zip: ${detail}.`, source);
}

/** True when extracting `name` under a folder would stay inside it. */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.includes('\0') || name.includes('\\')) return false;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return false;
  return !name.split('/').some((seg) => seg === '..');
}

/** Reads every file of a zip. Directory entries are skipped; anything unsafe or inconsistent throws. */
export function readZip(buf: Buffer, source = 'zip'): ZipEntryOut[] {
  if (buf.length < 22) throw bad(source, 'too short');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad(source, 'no end-of-central-directory record (truncated?)');
  const disk = buf.readUInt16LE(eocd + 4);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOff = buf.readUInt32LE(eocd + 16);
  if (disk !== 0 || buf.readUInt16LE(eocd + 8) !== count) throw bad(source, 'multi-disk archives are not supported');
  if (count === 0xffff || cdOff === 0xffffffff) throw bad(source, 'ZIP64 archives are not supported');
  if (count > MAX_ZIP_ENTRIES) throw bad(source, `${count} entries (limit ${MAX_ZIP_ENTRIES})`);
  if (cdOff + cdSize > eocd) throw bad(source, 'central directory runs past its end');
  const out: ZipEntryOut[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOff;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) throw bad(source, 'corrupt central directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const lho = buf.readUInt32LE(p + 42);
    if (p + 46 + nlen > eocd) throw bad(source, 'corrupt central directory');
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    p += 46 + nlen + xlen + clen;
    if (!isSafeEntryName(name)) {
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: entry "${name.slice(0, 80)}" would be written outside the target folder (zip slip); the archive is refused.`, source);
    }
    if (name.endsWith('/')) continue;
    if (names.has(name)) throw bad(source, `entry "${name.slice(0, 80)}" appears twice`);
    names.add(name);
    if (flags & 1) throw new CcmError(400, LocalCode.UNSUPPORTED, `${source}: entry "${name.slice(0, 80)}" is encrypted; ccmkit reads unencrypted zips only.`, source);
    if (method !== 0 && method !== 8) throw new CcmError(400, LocalCode.UNSUPPORTED, `${source}: entry "${name.slice(0, 80)}" uses compression method ${method} (stored and deflate are supported).`, source);
    total += usize;
    if (total > MAX_ZIP_TOTAL) throw bad(source, `more than ${MAX_ZIP_TOTAL} bytes uncompressed`);
    if (lho + 30 > buf.length || buf.readUInt32LE(lho) !== 0x04034b50) throw bad(source, `local header of "${name.slice(0, 80)}" missing`);
    const start = lho + 30 + buf.readUInt16LE(lho + 26) + buf.readUInt16LE(lho + 28);
    if (start + csize > buf.length) throw bad(source, `entry "${name.slice(0, 80)}" is truncated`);
    const raw = buf.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, usize) });
      } catch {
        throw bad(source, `entry "${name.slice(0, 80)}" does not inflate (corrupt, or larger than it claims)`);
      }
    }
    if (data.length !== usize || crc32(data) !== crc) throw bad(source, `entry "${name.slice(0, 80)}" fails its size or CRC check`);
    out.push({ name, data });
  }
  return out;
}
