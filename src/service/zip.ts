// ZIP (PKWARE APPNOTE 6.3) for CCM export bundles: our own small writer, and
// reading through yauzl.
//
// Writer: the bundles hold two or three small files; ~60 lines over
// node:zlib, measured faster than a library writer for the export benchmark
// (README, "Zip"), and it stores the Unix modes unzip restores (0600 keys).
//
// Reader: yauzl, a maintained reader built for untrusted archives. It reads
// ZIP64 (Info-ZIP `zip -fz`), reports every central-directory record (so two
// entries with one name are seen, where JSZip keeps only the last) and
// enforces each entry's declared size while inflating. On top of it ccmkit
// stays as strict as its own reader was: entries whose names escape the
// target folder ("zip slip"), symbolic links, encrypted, multi-disk or
// unknown-method entries, more than 256 entries or 64 MiB uncompressed, and
// sizes or CRCs that lie are all refused with a clear error, never
// half-read.

import { crc32, deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
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

/** Unix file-type bits of a "made by Unix" entry's external attributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Reads every file of a zip, in central-directory order. Directory entries
 * are skipped; anything unsafe or inconsistent throws a CcmError.
 */
export async function readZip(buf: Buffer, source = 'zip'): Promise<ZipEntryOut[]> {
  if (buf.length < 22) throw bad(source, 'too short');
  let zip: yauzl.ZipFile;
  try {
    // Names stay raw bytes here so that ccmkit, not the library, decides what is unsafe and says why.
    zip = await yauzl.fromBufferPromise(buf, { decodeStrings: false, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw bad(source, libraryReason(e));
  }
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) throw bad(source, `${zip.entryCount} entries (limit ${MAX_ZIP_ENTRIES})`);
    const out: ZipEntryOut[] = [];
    const names = new Set<string>();
    let total = 0;
    const entries: yauzl.Entry[] = [];
    try {
      for await (const e of zip.eachEntry()) entries.push(e);
    } catch (e) {
      throw bad(source, libraryReason(e));
    }
    for (const e of entries) {
      const raw = e.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
      if (!isSafeEntryName(name)) {
        throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: entry "${name.slice(0, 80)}" would be written outside the target folder (zip slip); the archive is refused.`, source);
      }
      const unix = e.versionMadeBy >> 8 === 3 ? (e.externalFileAttributes >>> 16) & S_IFMT : 0;
      if (unix === S_IFLNK) {
        throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: entry "${name.slice(0, 80)}" is a symbolic link; the archive is refused.`, source);
      }
      if (name.endsWith('/')) continue;
      if (names.has(name)) throw bad(source, `entry "${name.slice(0, 80)}" appears twice`);
      names.add(name);
      if (e.isEncrypted()) throw new CcmError(400, LocalCode.UNSUPPORTED, `${source}: entry "${name.slice(0, 80)}" is encrypted; ccmkit reads unencrypted zips only.`, source);
      if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
        throw new CcmError(400, LocalCode.UNSUPPORTED, `${source}: entry "${name.slice(0, 80)}" uses compression method ${e.compressionMethod} (stored and deflate are supported).`, source);
      }
      total += e.uncompressedSize;
      if (total > MAX_ZIP_TOTAL) throw bad(source, `more than ${MAX_ZIP_TOTAL} bytes uncompressed`);
      const data = await entryData(zip, e, name, source);
      if (data.length !== e.uncompressedSize || crc32(data) !== e.crc32) throw bad(source, `entry "${name.slice(0, 80)}" fails its size or CRC check`);
      out.push({ name, data });
    }
    return out;
  } finally {
    zip.close();
  }
}

/** One entry's bytes, never more than it declares (a lying size is a bomb, and stops at the declared size). */
async function entryData(zip: yauzl.ZipFile, e: yauzl.Entry, name: string, source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    const stream = await zip.openReadStreamPromise(e);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > e.uncompressedSize) {
        stream.destroy();
        throw new Error('larger than it claims');
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw bad(source, `entry "${name.slice(0, 80)}" does not inflate (${libraryReason(err)})`);
  }
  return Buffer.concat(chunks, n);
}

/** The library's reason, one short line (its messages hold offsets and sizes, never data). */
function libraryReason(e: unknown): string {
  const m = String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 120);
  return /multi-disk/i.test(m) ? 'multi-disk archives are not supported' : /end of central directory/i.test(m) ? 'no end-of-central-directory record (truncated?)' : m.replace(/\.$/, '');
}
