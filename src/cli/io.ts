// File and terminal I/O for the CLI: bounded reads, secrets from files or the
// environment, and CCM-style error output.

import { readFileSync, statSync } from 'node:fs';
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
  if (file !== undefined) {
    const text = readInputFile(file).toString('utf8');
    return text.split(/\r?\n/)[0] ?? '';
  }
  return process.env.CCMKIT_PASSPHRASE;
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
