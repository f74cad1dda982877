// Atomic output: write to a temporary file beside the target, fsync, rename.
// A crash, a full disk or a signal mid-write leaves the old file (or nothing),
// never a half-written CRL that a relying party would reject or, worse, trust.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CcmError, LocalCode } from '../engine/errors.js';

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
