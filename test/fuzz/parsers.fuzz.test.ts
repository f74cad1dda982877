// Mutation fuzzing of every parser behind the input layer: whatever the bytes,
// the only way out is a value or a typed error (DerError inside the engine,
// CcmError at the service edge). Bounded run counts keep CI fast; the seed is
// printed by fast-check on failure so any counter-example can be replayed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/engine/certificate.js';
import { parseCsr, verifyCsrSignature } from '../../src/engine/csr.js';
import { DerError } from '../../src/engine/der.js';
import { CcmError } from '../../src/engine/errors.js';
import { readInput } from '../../src/engine/input.js';
import { parsePrivateKey } from '../../src/engine/privatekey.js';
import { inspectObject } from '../../src/service/inspect.js';
import { corpusFile } from '../helpers/run.js';
import { issue, key, keyPem, pem } from '../helpers/pki.js';

const k = key('EC256');
const SEEDS: Buffer[] = [
  corpusFile('pyca/x509-requests/rsa_sha256.der'),
  corpusFile('pyca/x509-requests/ec_sha256.der'),
  issue({ cn: 'fuzz.example', key: k, sans: [{ type: 'DNS', value: 'fuzz.example' }, { type: 'IP', value: '10.0.0.1' }] }).der,
  k.export({ type: 'pkcs8', format: 'der' }),
  k.export({ type: 'sec1', format: 'der' }),
  Buffer.from(keyPem(k)),
  Buffer.from(pem('CERTIFICATE', issue({ cn: 'pem.fuzz' }).der, '\r\n')),
  corpusFile('pyca/x509-custom/crl_all_reasons.pem'),
].filter((b): b is Buffer => b !== undefined);

/** A seed with 1-8 random edits: byte flips, truncation, insertion, length-octet bumps. */
const mutated = fc
  .tuple(
    fc.integer({ min: 0, max: SEEDS.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([i, edits]) => {
    let b = Buffer.from(SEEDS[i]!);
    for (const [pos, val, op] of edits) {
      const at = pos % Math.max(1, b.length);
      if (op === 0) b[at] = val;
      else if (op === 1) b = b.subarray(0, at);
      else if (op === 2) b = Buffer.concat([b.subarray(0, at), Buffer.from([val]), b.subarray(at)]);
      else b[at] = (b[at]! + 1) & 0xff;
    }
    return b;
  });

function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof DerError || e instanceof CcmError) return;
    throw e;
  }
}

describe('fuzz', () => {
  it('readInput + inspect: only values or CcmErrors, for any mutation', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        const r = readInput(bytes, 'fuzz');
        for (const p of r.problems) expect(p.error).toBeInstanceOf(CcmError);
        for (const o of r.objects) {
          try {
            inspectObject(o);
          } catch (e) {
            expect(e).toBeInstanceOf(CcmError);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('engine parsers: only values or DerErrors/CcmErrors', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        typedOnly(() => parseCertificate(bytes));
        typedOnly(() => verifyCsrSignature(parseCsr(bytes)));
        typedOnly(() => parsePrivateKey(bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes never crash the input layer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = readInput(bytes, 'rand');
        expect(r.objects.length + r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
