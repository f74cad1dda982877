// The DER writer builds each TLV in one allocation (issue 16: CSR creation
// spent a fifth of its time collecting garbage). Its bytes must be the ones
// the plain header-then-concat writer produced, at every length boundary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { header, lengthBytes, readTlv, tlv } from '../../src/engine/der.js';

function referenceLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

const referenceTlv = (tag: number, ...parts: Uint8Array[]): Buffer =>
  Buffer.concat([Buffer.from([tag]), referenceLength(parts.reduce((n, p) => n + p.length, 0)), ...parts]);

describe('DER writer', () => {
  it('writes length fields as X.690 definite lengths, at every boundary', () => {
    for (const len of [0, 1, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x101, 0xffff, 0x10000, 0xffffff, 0x1000000, 0x7fffffff, 0xffffffff, 2 ** 32, 2 ** 40 + 5]) {
      expect(lengthBytes(len), String(len)).toEqual(referenceLength(len));
      expect(header(0x30, len)).toEqual(Buffer.concat([Buffer.from([0x30]), referenceLength(len)]));
    }
  });

  it('builds the same TLV bytes as header + concat, and reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xff }), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (tag, parts) => {
        const got = tlv(tag, ...parts);
        expect(got).toEqual(referenceTlv(tag, ...parts));
        if ((tag & 0x1f) !== 0x1f) {
          const t = readTlv(got, 0, got.length);
          expect(t.end).toBe(got.length);
          expect(Buffer.from(got.subarray(t.body))).toEqual(Buffer.concat(parts));
        }
      }),
      { numRuns: 500 },
    );
    // Lengths that need two and three length octets.
    for (const n of [0x80, 0x100, 0x10000]) expect(tlv(0x04, Buffer.alloc(n, 7))).toEqual(referenceTlv(0x04, Buffer.alloc(n, 7)));
  });
});
