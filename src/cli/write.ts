// Output files that never end up half-written: everything goes to a temporary
// name beside the target first, is fsynced, and is renamed into place only when
// complete, so a failure (full disk, a bad input found late, Ctrl-C) leaves the
// old file or nothing, never a half-written key, keystore or CRL. Files holding
// keys or passwords are created 0600 whatever the umask.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fstatSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, chmodSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CcmError, LocalCode } from '../engine/errors.js';
import { MAX_FILE_BYTES } from './io.js';

export interface OutFile {
  name: string;
  data: Buffer;
  secret: boolean;
}

function outputError(message: string, path: string): CcmError {
  return new CcmError(500, LocalCode.OUTPUT, message, path);
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw outputError(`cannot use ${dir} as the output folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, dir);
  }
}

/** Writes one file atomically; refuses to replace an existing file unless `force`. */
export function writeFileAtomic(path: string, data: Buffer, secret: boolean, force = false): void {
  ensureDir(dirname(path));
  if (!force && existsSync(path)) throw outputError(`${path} already exists; remove it or pass --force.`, path);
  writeAtomic(path, [data], secret ? 0o600 : 0o644);
}

/** Writes several files into `dir`: all of them or none. */
export function writeFilesAtomic(dir: string, files: OutFile[], force = false): string[] {
  ensureDir(dir);
  const targets = files.map((f) => join(dir, f.name));
  if (!force) {
    const clash = targets.find((t) => existsSync(t));
    if (clash) throw outputError(`${clash} already exists; remove it or pass --force.`, clash);
  }
  let tmp: string;
  try {
    tmp = mkdtempSync(join(dir, '.ccmkit-'));
  } catch (e) {
    throw outputError(`cannot write into ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, dir);
  }
  try {
    for (const f of files) {
      const p = join(tmp, f.name);
      writeFileSync(p, f.data, { mode: f.secret ? 0o600 : 0o644, flag: 'wx' });
      chmodSync(p, f.secret ? 0o600 : 0o644);
    }
    files.forEach((f, i) => renameSync(join(tmp, f.name), targets[i]!));
  } catch (e) {
    throw outputError(`cannot write into ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return targets;
}

/** Streams `pieces` into `path` atomically (temporary file, fsync, rename). */
export function writeAtomic(path: string, pieces: Iterable<Uint8Array | string>, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    fchmodSync(fd, mode); // the umask must not loosen a key file's mode
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
