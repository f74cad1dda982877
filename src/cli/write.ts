// Atomic output: write to a temporary file beside the target, fsync, rename.
// A crash, a full disk or a signal mid-write leaves the old file (or nothing),
// never a half-written CRL that a relying party would reject or, worse, trust.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CcmError, LocalCode } from '../engine/errors.js';
import { MAX_FILE_BYTES } from './io.js';

export function writeAtomic(path: string, pieces: Iterable<Uint8Array | string>, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    for (const p of pieces) {
      const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof CcmError || code === undefined) throw e;
    throw new CcmError(500, LocalCode.OUTPUT, `cannot write ${path}: ${code}.`, path);
  }
}

/** Writes pieces to standard output, synchronously (large outputs, pipes). */
export function writeStdout(pieces: Iterable<Uint8Array | string>): void {
  for (const p of pieces) {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    let off = 0;
    while (off < b.length) {
      try {
        off += writeSync(1, b, off, b.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
    }
  }
}

/**
 * A file as 1 MiB chunks, read on demand (a million-line revoked list is never
 * held whole). Same limits and errors as readInputFile. `size` is known up front.
 */
export function fileChunks(path: string): { size: number; chunks: Iterable<Buffer> } {
  let fd: number;
  let size: number;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path} is a directory.`, path);
    size = st.isFile() ? st.size : 0;
    if (size > MAX_FILE_BYTES) throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} is ${size} bytes; the limit is ${MAX_FILE_BYTES}.`, path);
  } catch (e) {
    if (e instanceof CcmError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'unreadable';
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: ${why}.`, path);
  }
  function* chunks(): Generator<Buffer> {
    let total = 0;
    try {
      for (;;) {
        const b = Buffer.allocUnsafe(1 << 20);
        let n: number;
        try {
          n = readSync(fd, b, 0, b.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}.`, path);
        }
        if (n === 0) return;
        total += n;
        if (total > MAX_FILE_BYTES) throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} exceeds the ${MAX_FILE_BYTES}-byte limit.`, path);
        yield b.subarray(0, n);
      }
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  }
  return { size, chunks: chunks() };
}
