// A `csr parse` batch verifies on the thread pool, many signatures in flight:
// every verdict must still belong to its own CSR and come out in input order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/engine/builder.js';
import { ccmkit, jsonLines, tempDir } from '../helpers/run.js';
import { key, pem } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('csr parse, large batch', () => {
  it('gives each of 300 CSRs its own verdict, in input order, broken ones included', () => {
    const n = 300;
    const broken = new Set([0, 7, 150, n - 1]);
    const keys = [key('EC256', 1), key('RSA2048', 1)];
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const der = buildCsr({ subject: [['CN', `h${i}.batch.example`]], key: keys[i % 2]! });
      if (broken.has(i)) der[der.length - 5]! ^= 0x01; // flip a bit in the signature
      parts.push(pem('CERTIFICATE REQUEST', der));
    }
    const f = join(tmp.dir, 'batch.pem');
    writeFileSync(f, parts.join(''));
    const r = ccmkit(['csr', 'parse', '--json', f]);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(n);
    lines.forEach((o, i) => {
      expect(o.source).toBe(`${f}#${i + 1}`);
      expect(o.subject).toBe(`CN=h${i}.batch.example`);
      expect(o.signature_valid, `CSR ${i}`).toBe(!broken.has(i));
    });
    expect(r.code).toBe(1);
  });
});
