// PEM decoded as it is read, for the inputs too big to hold twice.
//
// parsePem works on one string: a 243 MB PEM CRL became a 243 MB string, a
// slice of it, a whitespace-free copy and then the DER, 1.4 GB at the peak
// (issue 10, item 13). This decoder takes the file in chunks and writes each
// block's DER straight into one buffer sized from the input, so the whole run
// holds about the DER plus one chunk. Same rules as parsePem: text around the
// blocks is ignored, base64 is strict, a block without its END line is an
// error. Blocks with RFC 1421 headers (legacy encrypted keys, never large) are
// not streamed: `needsWholeText` tells the caller to use parsePem instead.

import { PemError } from './pem.js';

export interface StreamedPemBlock {
  label: string;
  der: Buffer;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
const NOT_BASE64 = /[^A-Za-z0-9+/=\s]/;
const SPACE = /\s+/g;

export class PemStreamDecoder {
  readonly blocks: StreamedPemBlock[] = [];
  /** Set when a block has headers (Proc-Type...): decode that input with parsePem. */
  needsWholeText = false;
  private readonly out: Buffer;
  private pos = 0;
  private state: 'outside' | 'body' = 'outside';
  private label = '';
  private blockStart = 0;
  /** Undecoded text: a marker cut by the chunk boundary. */
  private carry = '';
  /** Base64 characters short of a whole 4-character quantum. */
  private quantum = '';
  private pads = 0;

  /** `capacity`: an upper bound of the DER size, e.g. 3/4 of the input size. */
  constructor(capacity: number) {
    this.out = Buffer.allocUnsafe(Math.max(0, Math.ceil(capacity)) + 4);
  }

  push(chunk: Uint8Array): void {
    if (this.needsWholeText) return;
    let text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    this.carry = '';
    let i = 0;
    while (i < text.length && !this.needsWholeText) {
      if (this.state === 'outside') {
        const b = text.indexOf(BEGIN, i);
        if (b < 0) {
          // Keep a tail that may be the start of a marker cut by the chunk boundary.
          this.carry = text.slice(Math.max(i, text.length - BEGIN.length));
          return;
        }
        const close = text.indexOf(DASHES, b + BEGIN.length);
        if (close < 0) {
          if (text.length - b > BEGIN.length + 64 + DASHES.length) i = b + BEGIN.length; // not a marker: skip it
          else {
            this.carry = text.slice(b);
            return;
          }
          continue;
        }
        const label = text.slice(b + BEGIN.length, close);
        if (!/^[A-Z0-9 ]{1,64}$/.test(label)) {
          i = b + BEGIN.length;
          continue;
        }
        this.label = label;
        this.state = 'body';
        this.blockStart = this.pos;
        this.quantum = '';
        this.pads = 0;
        i = close + DASHES.length;
        continue;
      }
      // In a block: base64 up to the first '-', which must start the END line.
      const dash = text.indexOf('-', i);
      const span = text.slice(i, dash < 0 ? text.length : dash);
      if (span.includes(':')) {
        this.needsWholeText = true;
        return;
      }
      this.base64(span);
      if (dash < 0) return;
      const end = `-----END ${this.label}-----`;
      if (text.length - dash < end.length) {
        this.carry = text.slice(dash);
        return;
      }
      if (!text.startsWith(end, dash)) {
        // "Proc-Type: 4,ENCRYPTED" / "DEK-Info: ...": RFC 1421 headers, which parsePem reads.
        const lineEnd = text.indexOf('\n', dash);
        if (text.slice(text.lastIndexOf('\n', dash) + 1, lineEnd < 0 ? text.length : lineEnd).includes(':')) {
          this.needsWholeText = true;
          return;
        }
        throw new PemError(`PEM block "${this.label}" has no matching END line`, this.blocks.length + 1);
      }
      this.finishBlock();
      i = dash + end.length;
      // Free what is behind: a chunk's text is dropped as soon as it is consumed.
      text = text.slice(i);
      i = 0;
    }
  }

  /** Every block found. Throws PemError for a block left open. */
  end(): StreamedPemBlock[] {
    if (!this.needsWholeText && this.state === 'body') throw new PemError(`PEM block "${this.label}" has no matching END line`, this.blocks.length + 1);
    return this.blocks;
  }

  private corrupt(): PemError {
    return new PemError(`PEM block "${this.label}" has corrupt base64`, this.blocks.length + 1);
  }

  private base64(span: string): void {
    if (span.length === 0) return;
    if (NOT_BASE64.test(span)) throw this.corrupt();
    const add = span.replace(SPACE, '');
    if (add.length === 0) return;
    // "=" only at the very end, at most two of them (parsePem: /^[A-Za-z0-9+/]*={0,2}$/).
    const pad = add.indexOf('=');
    if (this.pads && pad !== 0) throw this.corrupt();
    if (pad >= 0) {
      if (/[^=]/.test(add.slice(pad))) throw this.corrupt();
      this.pads += add.length - pad;
      if (this.pads > 2) throw this.corrupt();
    }
    const chars = this.quantum + add;
    const whole = chars.length - (chars.length % 4);
    if (whole) this.pos += this.out.write(chars.slice(0, whole), this.pos, 'base64');
    this.quantum = chars.slice(whole);
  }

  private finishBlock(): void {
    const q = this.quantum.replace(/=+$/, '');
    if (q.length === 1) throw this.corrupt();
    if (q.length) this.pos += this.out.write(q, this.pos, 'base64');
    if (this.pos === this.blockStart) throw new PemError(`PEM block "${this.label}" is empty`, this.blocks.length + 1);
    this.blocks.push({ label: this.label, der: this.out.subarray(this.blockStart, this.pos) });
    this.state = 'outside';
    this.quantum = '';
  }
}
