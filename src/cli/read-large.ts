// Reading inputs that may be huge (a CA's PEM CRL of millions of entries)
// without holding them as text: PEM files above STREAM_PEM_ABOVE are decoded
// chunk by chunk (engine/pem-stream.ts), so `inspect`, `crl inspect` and
// `crl check` stay within about twice the DER size (issue 10, item 13).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CcmError, LocalCode } from '../engine/errors.js';
import { readDecodedPem, readInput, type InputResult } from '../engine/input.js';
import { PemError } from '../engine/pem.js';
import { PemStreamDecoder } from '../engine/pem-stream.js';
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

/** The PEM blocks of a large file, decoded as read; undefined when the file must be read whole. */
function decodeStreaming(path: string): ReturnType<PemStreamDecoder['end']> | undefined {
  const f = fileChunks(path);
  const decoder = new PemStreamDecoder((f.size * 3) / 4);
  for (const chunk of f.chunks) {
    decoder.push(chunk);
    if (decoder.needsWholeText) return undefined;
  }
  return decoder.end();
}

function pemProblem(e: PemError, name: string): CcmError {
  const src = `${name}#${e.index}`;
  return new CcmError(400, LocalCode.INPUT_UNREADABLE, `${src}: ${e.message}.`, src);
}

/** The objects of a large PEM file, decoded as read; undefined when it is not one (or must be read whole). */
export function readLargePem(path: string, name: string): InputResult | undefined {
  if (!isLargePem(path)) return undefined;
  try {
    const blocks = decodeStreaming(path);
    return blocks ? readDecodedPem(blocks, name) : undefined;
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    return { objects: [], problems: [{ source: `${name}#${e.index}`, error: pemProblem(e, name) }], skipped: [] };
  }
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
  if (isLargePem(path)) {
    let blocks;
    try {
      blocks = decodeStreaming(path);
    } catch (e) {
      if (!(e instanceof PemError)) throw e;
      throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: not a readable CRL: bad PEM: ${e.message}.`, path);
    }
    if (blocks) {
      const crl = blocks.find((b) => b.label === 'X509 CRL');
      if (crl) return { bytes: crl.der, source: path };
      const labels = blocks.map((b) => b.label);
      throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: not a readable CRL: ${labels.length ? `no X509 CRL PEM block (found ${labels.join(', ')})` : 'neither DER nor PEM'}.`, path);
    }
  }
  return { bytes: readInputFile(path), source: path };
}
