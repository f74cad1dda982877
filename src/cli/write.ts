// Output files that never end up half-written: everything goes to a temporary
// name in the target folder first and is renamed into place only when
// complete, so a failure (full disk, a bad input found late, Ctrl-C) leaves
// nothing behind. Files holding keys or passwords are created 0600.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CcmError, LocalCode } from '../engine/errors.js';

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
  const dir = dirname(path);
  ensureDir(dir);
  if (!force && existsSync(path)) throw outputError(`${path} already exists; remove it or pass --force.`, path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
    chmodSync(tmp, secret ? 0o600 : 0o644);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw outputError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, path);
  }
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
