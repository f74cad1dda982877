// Reading inputs that may be huge (a CA's PEM CRL of millions of entries)
// without holding them as text: PEM files above STREAM_PEM_ABOVE are decoded
// chunk by chunk (engine/pem-stream.ts), so `inspect`, `crl inspect` and
// `crl check` stay within about twice the DER size (issue 10, item 13).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CcmError, LocalCode } from '../api/errors.js';
import { readInput, readPemChunks, type InputResult } from '../api/inputs.js';
import { readInputFile } from './io.js';
import { fileChunks } from './write.js';

/** Smaller files are read whole: streaming only pays where text and DER together would cost hundreds of MB. */
export const STREAM_PEM_ABOVE = 16 * 1024 * 1024;

/** A regular file above the threshold whose first bytes are PEM armour (not JSON, not DER). */
export function isLargePem(path: string): boolean {
  if (path === '-') return false;
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size <= STREAM_PEM_ABOVE) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.toString('latin1', 0, n).trimStart();
    return text.startsWith('-----BEGIN ');
  } catch {
    return false; // readInputFile gives the precise error
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The objects of a large PEM file, decoded as read; undefined when it is not one (or must be read whole). */
export function readLargePem(path: string, name: string): InputResult | undefined {
  if (!isLargePem(path)) return undefined;
  const f = fileChunks(path);
  return readPemChunks(f.chunks, name, f.size);
}

/** readInput(readInputFile(path)), streaming large PEM files. */
export function readInputLarge(path: string, name: string): InputResult {
  return readLargePem(path, name) ?? readInput(readInputFile(path), name);
}

/**
 * A CRL file's bytes for loadCrl: large PEM files come back as the DER of
 * their X509 CRL block, decoded as read; everything else as read.
 */
export function readCrlFile(path: string): { bytes: Buffer; source: string } {
  const r = readLargePem(path, path);
  if (r) {
    const crl = r.objects.find((o) => o.kind === 'crl');
    if (crl) return { bytes: crl.der, source: path };
    const why = r.problems[0] ? `bad PEM: ${r.problems[0].error.message}` : `no X509 CRL PEM block (found ${r.objects.map((o) => o.label ?? o.kind).join(', ') || 'nothing'})`;
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: not a readable CRL: ${why}`, path);
  }
  return { bytes: readInputFile(path), source: path };
}
