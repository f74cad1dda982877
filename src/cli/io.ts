// File and terminal I/O for the CLI: bounded reads, secrets from files or the
// environment, and CCM-style error output.

import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { CcmError, LocalCode, usageError } from '../engine/errors.js';
import type { Parsed } from './args.js';

/** No single input file may exceed this (a 1,000,000-entry CRL is ~40 MiB). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export function readInputFile(path: string): Buffer {
  try {
    if (path === '-') return readFileSync(0);
    const st = statSync(path);
    if (st.isDirectory()) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path} is a directory.`, path);
    if (st.size > MAX_FILE_BYTES) {
      throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} is ${st.size} bytes; the limit is ${MAX_FILE_BYTES}.`, path);
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof CcmError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'unreadable';
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: ${why}.`, path);
  }
}

/**
 * The password for encrypted keys and keystores: `--password P`,
 * `--passphrase-file F` (first line), or $CCMKIT_PASSPHRASE, in that order.
 */
export function passwordFrom(p: Parsed): string | undefined {
  const direct = p.str.get('password');
  const file = p.str.get('passphrase-file');
  if (direct !== undefined && file !== undefined) throw usageError('give --password or --passphrase-file, not both');
  if (direct !== undefined) return direct;
  if (file !== undefined) return firstLineOf(file);
  return process.env.CCMKIT_PASSPHRASE;
}

/** A passphrase file's first line, without its line break. */
function firstLineOf(file: string): string {
  return readInputFile(file).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * A secret for *writing* (a new key's passphrase): `--passphrase-file F`
 * (first line) or $CCMKIT_PASSPHRASE only. Never a command-line value: argv is
 * visible to every local user (ps, /proc) and lands in shell history.
 */
export function secretFrom(p: Parsed): string | undefined {
  const file = p.str.get('passphrase-file');
  if (file !== undefined) return firstLineOf(file);
  return process.env.CCMKIT_PASSPHRASE;
}

/** Usage error for a secret given on the command line (checked before parsing, so the reason is explained). */
export function refuseSecretFlags(argv: string[], flags: string[]): void {
  for (const a of argv) {
    if (a === '--') break;
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : undefined;
    if (name && flags.includes(name)) {
      throw usageError(
        `--${name} is not accepted: a secret on the command line is visible to other users (ps, /proc) and kept in shell history. Use --passphrase-file F or the CCMKIT_PASSPHRASE environment variable.`,
      );
    }
  }
}

/**
 * Writes a new file atomically enough for secrets: created with `mode` and
 * O_EXCL (never following a planted symlink, never widening an existing
 * file's mode after the fact), and removed again if the write fails. With
 * `force` an existing file is unlinked first, so the new file gets `mode`.
 */
export function writeNewFile(path: string, data: string | Buffer, opts: { mode: number; force?: boolean }): void {
  const fail = (e: unknown, what: string): CcmError => {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST'
        ? 'already exists; give --force to replace it'
        : code === 'ENOENT'
          ? 'its folder does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'is a directory'
              : (code ?? 'cannot be written');
    return new CcmError(400, LocalCode.OUTPUT, `${path}: ${what} ${why}.`, path);
  };
  if (opts.force) {
    try {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(e, 'cannot be replaced:');
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', opts.mode);
  } catch (e) {
    throw fail(e, 'cannot be created:');
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    closeSync(fd);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(path);
    } catch {
      /* nothing left to remove */
    }
    throw fail(e, 'write failed, nothing was left behind:');
  }
}

export function out(line: string): void {
  process.stdout.write(line + '\n');
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
  else process.stderr.write(`ccmkit: ${e.code}: ${e.message}\n`);
}

/** The time of a check, in whole seconds (every CCM and X.509 time is). The CLI's one clock read. */
export function now(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
