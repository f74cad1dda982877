// File and terminal I/O for the CLI: bounded reads (each remembered, so that
// no output ever lands on an input), and CCM-style output with control
// characters escaped.

import { fstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { CcmError, LocalCode } from '../api/errors.js';
import { escapeControl } from './escape.js';

/** No single input file may exceed this (a 1,000,000-entry CRL is ~40 MiB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A file this process has read: by device/inode (hard links, symlinks) and by real path. */
export interface InputIdentity {
  dev: number;
  ino: number;
  real: string;
}

const inputs: InputIdentity[] = [];

/**
 * Remembers `path` (or the open `fd`) as an input of this run: writers refuse to replace it, even with --force.
 * `st`: the stat the caller already made. The real path comes from libc's realpath: the JavaScript one
 * costs ~30 us a file, a tenth of what `csr parse` spends on each of 3,000 one-CSR files.
 */
export function noteInput(path: string, fd?: number, st?: { dev: number; ino: number }): void {
  if (path === '-') return;
  try {
    const id = st ?? (fd === undefined ? statSync(path) : fstatSync(fd));
    inputs.push({ dev: id.dev, ino: id.ino, real: realpathSync.native(path) });
  } catch {
    /* unreadable files fail on their own */
  }
}

/** Every file this run has read so far. */
export function inputsRead(): readonly InputIdentity[] {
  return inputs;
}

/** The message for an input that cannot be read; one wording for every command. */
export function unreadable(path: string, e: unknown): CcmError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
  return new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path === '-' ? 'stdin' : path}: ${why}.`, path === '-' ? 'stdin' : path);
}

export function readInputFile(path: string): Buffer {
  try {
    if (path === '-') return readFileSync(0);
    const st = statSync(path);
    if (st.isDirectory()) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path} is a directory.`, path);
    if (st.size > MAX_FILE_BYTES) {
      throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} is ${st.size} bytes; the limit is ${MAX_FILE_BYTES}.`, path);
    }
    const bytes = readFileSync(path);
    noteInput(path, undefined, st);
    return bytes;
  } catch (e) {
    if (e instanceof CcmError) throw e;
    throw unreadable(path, e);
  }
}

/** One human-readable line on stdout, control characters escaped. */
export function out(line: string): void {
  process.stdout.write(escapeControl(line) + '\n');
}

/** One human-readable line on stderr (notes, warnings, summaries), control characters escaped. */
export function err(line: string): void {
  process.stderr.write(escapeControl(line) + '\n');
}

/** `ccmkit: warning: ...` on stderr. */
export function warn(message: string): void {
  err(`ccmkit: warning: ${message}`);
}

export function printJsonLine(v: unknown): void {
  process.stdout.write(JSON.stringify(v) + '\n');
}

export function printJson(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

/** Prints a CCM error body: JSON on stdout with --json, else one line on stderr. */
export function printError(e: CcmError, json: boolean): void {
  if (json) process.stdout.write(JSON.stringify({ status: e.status, ...e.body() }) + '\n');
  else err(`ccmkit: ${e.code}: ${e.message}`);
}

/** The time of a check, in whole seconds (every CCM and X.509 time is). The CLI's one clock read. */
export function now(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
