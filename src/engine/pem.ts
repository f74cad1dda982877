// PEM (RFC 7468) scanning and writing.
//
// Users paste PEM with CRLF or LF, with text around and between the blocks,
// and sometimes as the JSON-escaped strings CCM request bodies carry
// ("-----BEGIN...\n...", or with a literal backslash-r-backslash-n). The scanner
// finds every block, decodes its base64 strictly (a corrupt block is an error,
// not silently shortened output as Buffer.from(..., 'base64') would give), and
// reports what it skipped.

export interface PemBlock {
  label: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of legacy encrypted keys. */
  headers: Record<string, string>;
  der: Buffer;
  /** The block's own text, armour included (legacy encrypted keys need it verbatim). */
  text: string;
}

export class PemError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'PemError';
  }
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;

/** True when the text contains at least one PEM armour line. */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Turns JSON-style escapes (`\n`, `\r\n`, `\r`, `\/`) into real characters when the
 * text holds PEM armour written that way. Only applied when no real newline
 * separates BEGIN from its base64, so a real PEM with a stray backslash is left alone.
 */
export function unescapeJsonPem(text: string): string {
  if (!text.includes('\\n') && !text.includes('\\r')) return text;
  return text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\\\//g, '/');
}

/**
 * Every PEM block in `text`, in order. `index` in errors is 1-based.
 * Blocks with an unmatched END or corrupt base64 throw PemError.
 */
export function parsePem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BEGIN.exec(text)) !== null) {
    const label = m[1]!;
    const index = out.length + 1;
    const endMarker = `-----END ${label}-----`;
    const bodyStart = m.index + m[0].length;
    const endAt = text.indexOf(endMarker, bodyStart);
    if (endAt < 0) throw new PemError(`PEM block "${label}" has no matching END line`, index);
    let body = text.slice(bodyStart, endAt);
    const headers: Record<string, string> = {};
    if (body.includes(':')) {
      // RFC 1421 encapsulated headers, ended by a blank line.
      const split = /\r?\n\s*\r?\n/.exec(body);
      const head = split ? body.slice(0, split.index) : '';
      if (split && /^\s*[A-Za-z-]+:/.test(head)) {
        for (const line of head.split(/\r?\n/)) {
          const c = line.indexOf(':');
          if (c > 0) headers[line.slice(0, c).trim()] = line.slice(c + 1).trim();
        }
        body = body.slice(split.index + split[0].length);
      }
    }
    out.push({ label, headers, der: decodeBase64Strict(body, label, index), text: text.slice(m.index, endAt + endMarker.length) + '\n' });
    BEGIN.lastIndex = endAt + endMarker.length;
  }
  return out;
}

// Character classes for the strict base64 scan: 1 alphabet, 2 padding, 3 ASCII whitespace.
const B64_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  B64_CLASS[c] = /[A-Za-z0-9+/]/.test(ch) ? 1 : ch === '=' ? 2 : /\s/.test(ch) ? 3 : 0;
}

/**
 * Strict base64: alphabet characters, then at most two '=', whitespace
 * anywhere, never a length of 4n+1. One pass over the characters, no stripped
 * copy: Node's decoder skips the whitespace itself. Non-ASCII text (Unicode
 * spaces count as whitespace, as in a JavaScript \s) takes the general path.
 */
function decodeBase64Strict(body: string, label: string, index: number): Buffer {
  let n = 0;
  let pad = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 128) return decodeBase64General(body, label, index);
    const k = B64_CLASS[c];
    if (k === 1) {
      if (pad) throw corrupt(label, index);
      n++;
    } else if (k === 2) {
      if (++pad > 2) throw corrupt(label, index);
      n++;
    } else if (k !== 3) throw corrupt(label, index);
  }
  if (n === 0) throw new PemError(`PEM block "${label}" is empty`, index);
  if (n % 4 === 1) throw corrupt(label, index);
  return Buffer.from(body, 'base64');
}

function decodeBase64General(body: string, label: string, index: number): Buffer {
  const b64 = body.replace(/[\s]+/g, '');
  if (b64.length === 0) throw new PemError(`PEM block "${label}" is empty`, index);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) throw corrupt(label, index);
  return Buffer.from(b64, 'base64');
}

function corrupt(label: string, index: number): PemError {
  return new PemError(`PEM block "${label}" has corrupt base64`, index);
}

/** The length of toPem(label, der, eol) for a `derLength`-byte object, without encoding it. */
export function pemLength(label: string, derLength: number, eol = '\n'): number {
  const b64 = 4 * Math.ceil(derLength / 3);
  const lines = Math.ceil(b64 / 64);
  return `-----BEGIN ${label}-----`.length + `-----END ${label}-----`.length + b64 + (lines + 2) * eol.length;
}

/**
 * PEM text of one DER object: 64-character base64 lines, `eol` line breaks
 * and a trailing `eol` (CCM returns `\r\n` in its JSON bodies).
 *
 * @param label - the PEM label: `CERTIFICATE`, `CERTIFICATE REQUEST`, `PRIVATE KEY`, `X509 CRL`...
 *
 * @example
 * ```ts
 * const pem = toPem('CERTIFICATE', obj.der); // "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
 * ```
 */
export function toPem(label: string, der: Uint8Array, eol = '\n'): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.length).toString('base64');
  const lines: string[] = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`);
  return lines.join(eol) + eol;
}
