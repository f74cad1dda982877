// The fast paths taken for speed (issue 16) must answer exactly as the plain
// code they replaced: strict base64 decoding without a stripped copy, the PEM
// length computed instead of encoded, the RFC 4514 escape skipped when nothing
// needs escaping, DN lengths counted in code points without an array.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnObjectFindings } from '../../src/ccm/dn.js';
import { encodeName } from '../../src/engine/builder.js';
import { nameToString, parseName } from '../../src/engine/name.js';
import { parsePem, pemLength, PemError, toPem } from '../../src/engine/pem.js';
import { readTlv } from '../../src/engine/der.js';

/** The decoder as it was before: strip all whitespace, then check the alphabet and the length. */
function referenceDecode(body: string): Buffer | 'empty' | 'corrupt' {
  const b64 = body.replace(/[\s]+/g, '');
  if (b64.length === 0) return 'empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) return 'corrupt';
  return Buffer.from(b64, 'base64');
}

function decodeViaParsePem(body: string): Buffer | 'empty' | 'corrupt' {
  try {
    return parsePem(`-----BEGIN X-----${body}-----END X-----`)[0]!.der;
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    return /empty/.test(e.message) ? 'empty' : 'corrupt';
  }
}

// Base64 text with the characters that matter: the alphabet, padding in and out
// of place, ASCII and Unicode whitespace, and characters base64 never has.
const piece = fc.constantFrom('QUJD', 'RA', 'RA==', 'RE=', 'A', '=', '==', '\n', '\r\n', ' ', '\t', '\u00a0', '\u2028', '\ufeff', '-', '*', 'é', '\u0000', 'ab+/', '0123456789');

describe('strict base64 in PEM', () => {
  it('decodes or refuses exactly as the strip-then-check decoder did', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const body = parts.join('');
        const got = decodeViaParsePem(body);
        const want = referenceDecode(body);
        if (Buffer.isBuffer(want)) expect(Buffer.isBuffer(got) && got.equals(want), JSON.stringify(body)).toBe(true);
        else expect(got).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads real PEM with LF, CRLF and odd line lengths', () => {
    const der = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
    for (const text of [toPem('X', der), toPem('X', der, '\r\n'), `-----BEGIN X-----\n ${der.toString('base64').replace(/.{10}/g, '$&\n\t')} \n-----END X-----\n`]) {
      expect(parsePem(text)[0]!.der.equals(der)).toBe(true);
    }
  });
});

describe('pemLength', () => {
  it('equals the length of the PEM toPem writes, for every size and line break', () => {
    for (let n = 0; n <= 400; n++) {
      const der = Buffer.alloc(n, 0x41);
      for (const eol of ['\n', '\r\n']) {
        for (const label of ['CERTIFICATE REQUEST', 'PUBLIC KEY']) expect(pemLength(label, n, eol)).toBe(toPem(label, der, eol).length);
      }
    }
  });
});

describe('name display', () => {
  /** RFC 4514 escaping as it was: three replaces on every value. */
  const referenceEscape = (v: string): string => v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');

  it('escapes values exactly as the three-replace version did', () => {
    const ch = fc.constantFrom('a', 'Z', ' ', '#', ',', '+', '"', '\\', '<', '>', ';', '=', 'é', '中');
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 12 }), (chars) => {
        const v = chars.join('');
        const der = encodeName([['CN', v]]);
        expect(nameToString(parseName(der, readTlv(der, 0, der.length)))).toBe(`CN=${referenceEscape(v)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts DN lengths in code points, as CCM does (an emoji is one character)', () => {
    const emoji = '\u{1F600}';
    expect(dnObjectFindings({ common_name: emoji.repeat(64) })).toEqual([]);
    expect(dnObjectFindings({ common_name: emoji.repeat(65) })[0]!.message).toMatch(/^common_name is 65 characters/);
    // A lone surrogate is one code point, as [...v] counts it.
    expect(dnObjectFindings({ common_name: '\ud800'.repeat(65) })[0]!.message).toMatch(/^common_name is 65 characters/);
    expect(dnObjectFindings({ common_name: 'a'.repeat(63) + '\ud800' })).toEqual([]);
  });
});
