// Bounded fuzzing of chain building: random subsets, orders, duplicates and
// corruptions (byte flips, truncations) of a small PKI must never throw, must
// stay within the per-leaf signature-check cap, and every link of every chain
// reported must be a real issuer/subject link.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildChains } from '../../src/engine/chain.js';
import { parseCertificate, sha256Fingerprint } from '../../src/engine/certificate.js';
import { normalisedKey } from '../../src/engine/name.js';
import { chain, issue, REF } from '../helpers/pki.js';

const p = chain(4);
const cross = issue({ cn: 'Test Intermediate 2', ca: true, issuer: p.root, key: p.intermediates[1]!.key });
const distractor = issue({ cn: 'Test Intermediate 3', ca: true, issuer: p.root });
const rootFp = sha256Fingerprint(parseCertificate(p.root.der));
const pool = [p.leaf.der, p.root.der, ...p.intermediates.map((i) => i.der), cross.der, distractor.der];

const mutated = fc
  .record({
    i: fc.nat({ max: pool.length - 1 }),
    op: fc.constantFrom('keep', 'flip', 'truncate', 'append'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ i, op, at, byte }) => {
    const d = Buffer.from(pool[i]!);
    const pos = at % d.length;
    if (op === 'flip') d[pos] = d[pos]! ^ (byte || 1);
    if (op === 'truncate') return d.subarray(0, pos);
    if (op === 'append') return Buffer.concat([d, Buffer.from([byte])]);
    return d;
  });

describe('chain building fuzz (bounded)', () => {
  it('never throws, stays bounded, and reports only real links', () => {
    fc.assert(
      fc.property(fc.array(mutated, { minLength: 0, maxLength: 12 }), fc.boolean(), (bag, withRoots) => {
        const r = buildChains(bag, { at: REF, ...(withRoots ? { roots: [p.root.der] } : {}), maxSignatureChecks: 50 });
        for (const l of r.leaves) {
          expect(l.signatureChecks).toBeLessThanOrEqual(50);
          expect(l.chains.length).toBeLessThanOrEqual(16);
          for (const c of l.chains) {
            expect(c.certificates[0]!.sha256).toBe(l.leaf.sha256);
            for (let k = 1; k < c.certificates.length; k++) {
              expect(normalisedKey(c.certificates[k - 1]!.cert.issuer)).toBe(normalisedKey(c.certificates[k]!.cert.subject));
            }
            // With --roots, a complete chain can only end in that root.
            if (c.complete && withRoots) expect(c.certificates.at(-1)!.sha256).toBe(rootFp);
            expect(c.valid).toBe(c.complete && c.problems.length === 0);
          }
        }
      }),
      { numRuns: 300, seed: 20250601 },
    );
  });
});
