// A `csr parse` batch verifies on the thread pool, many signatures in flight:
// every verdict must still belong to its own CSR and come out in input order.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/engine/builder.js';
import { ccmkit, jsonLines, tempDir } from '../helpers/run.js';
import { issue, key, pem } from '../helpers/pki.js';

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
    // As run (one thread at this size), and split across worker threads.
    for (const env of [process.env, { ...process.env, CCMKIT_WORKERS: '2', CCMKIT_PARALLEL_MIN: '1', CCMKIT_PARALLEL_MAIN: '0' }]) {
      const r = ccmkit(['csr', 'parse', '--json', f], { env });
      const lines = jsonLines(r.stdout);
      expect(lines).toHaveLength(n);
      lines.forEach((o, i) => {
        expect(o.source).toBe(`${f}#${i + 1}`);
        expect(o.subject).toBe(`CN=h${i}.batch.example`);
        expect(o.signature_valid, `CSR ${i}`).toBe(!broken.has(i));
      });
      expect(r.code).toBe(1);
    }
  });
});

describe('csr parse, worker threads', () => {
  // A batch mixing every kind of answer: good RSA and EC CSRs, broken
  // signatures, a certificate where a CSR was expected, a CSR that is not DER,
  // a file that is missing and one that is garbage.
  const n = 700;
  const files: string[] = [];
  const setup = (): void => {
    if (files.length) return;
    const keys = [key('EC256', 1), key('RSA2048', 1), key('EC384', 1)];
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const der = buildCsr({ subject: [['C', 'CN'], ['CN', i % 97 === 0 ? `bad, "name"+${i} ` : `w${i}.example`]], key: keys[i % 3]! });
      if (i % 50 === 3) der[der.length - 3]! ^= 0x40;
      parts.push(pem('CERTIFICATE REQUEST', der));
      if (i === 321) parts.push(pem('CERTIFICATE', issue({ cn: 'not.a.csr' }).der));
      if (i === 444) parts.push(pem('CERTIFICATE REQUEST', Buffer.from('3081ff0201', 'hex')));
    }
    const big = join(tmp.dir, 'mixed.pem');
    writeFileSync(big, parts.join(''));
    const garbage = join(tmp.dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([1, 2, 3, 0, 4]));
    files.push(big, join(tmp.dir, 'missing.csr'), garbage);
  };

  for (const json of [true, false]) {
    it(`prints the same ${json ? 'JSON' : 'human'} output, byte for byte, with and without workers`, () => {
      setup();
      const args = ['csr', 'parse', ...(json ? ['--json'] : []), ...files];
      // Workers only (the main thread takes no chunk), against the main thread only.
      const one = ccmkit(args, { env: { ...process.env, CCMKIT_WORKERS: '0' } });
      const many = ccmkit(args, { env: { ...process.env, CCMKIT_WORKERS: '3', CCMKIT_PARALLEL_MIN: '1', CCMKIT_PARALLEL_MAIN: '0' } });
      // The workers really did the work (the debug line is the only difference).
      const traced = ccmkit(args, { env: { ...process.env, CCMKIT_WORKERS: '3', CCMKIT_PARALLEL_MIN: '1', CCMKIT_PARALLEL_MAIN: '0', CCMKIT_DEBUG: '1' } });
      expect(traced.stderr).toMatch(/debug: 6 chunks, 6 by 3 worker threads/);
      expect(traced.stdout).toBe(many.stdout);
      expect(many.code).toBe(1); // docs/conventions.md: not a CSR, or a missing file, is exit 1
      expect(one.code).toBe(1);
      expect(many.stdout).toBe(one.stdout);
      expect(many.stderr).toBe(one.stderr);
      if (json) {
        const lines = jsonLines(many.stdout);
        // Missing and garbage files first, then one line per object in input order.
        expect(lines).toHaveLength(2 + n + 2);
        const objs = lines.slice(2);
        expect(objs.filter((o) => o.signature_valid === false)).toHaveLength(14);
        expect(objs[322]!.error_code).toBe('PCA.00020401');
        expect(objs[446]!.error_code).toBe('PCA.00020401');
        expect(objs[0]!.subject).toBe('C=CN, CN=bad\\, \\"name\\"\\+0\\ ');
      }
    });
  }

  it('hands out chunks while it is still reading many files; errors found late still print first', () => {
    setup();
    const ec = key('EC256', 1);
    const paths: string[] = [];
    for (let i = 0; i < 400; i++) {
      const f = join(tmp.dir, `one-${i}.csr`);
      if (i === 150) paths.push(join(tmp.dir, 'not-there.csr'));
      if (i === 399) writeFileSync(f, 'not a csr');
      else writeFileSync(f, pem('CERTIFICATE REQUEST', buildCsr({ subject: [['CN', `f${i}.example`]], key: ec })));
      paths.push(f);
    }
    const one = ccmkit(['csr', 'parse', '--json', ...paths], { env: { ...process.env, CCMKIT_WORKERS: '0' } });
    const many = ccmkit(['csr', 'parse', '--json', ...paths], { env: { ...process.env, CCMKIT_WORKERS: '2', CCMKIT_PARALLEL_MIN: '1', CCMKIT_PARALLEL_MAIN: '0', CCMKIT_DEBUG: '1' } });
    expect(many.stderr).toMatch(/debug: 4 chunks, 4 by 2 worker threads/);
    expect(many.stdout).toBe(one.stdout);
    const lines = jsonLines(many.stdout);
    expect(lines).toHaveLength(401);
    expect(lines[0]!.error_code).toBe('CCMKIT.0002');
    expect(lines[1]!.error_code).toBe('CCMKIT.0004');
    expect(lines[2]!.subject).toBe('CN=f0.example');
    expect(lines[400]!.subject).toBe('CN=f398.example');
    expect(many.code).toBe(1); // docs/conventions.md: not a CSR, or a missing file, is exit 1
  });

  it('starts its workers after reading when the batch size is only known then (stdin)', () => {
    setup();
    const input = readFileSync(files[0]!);
    const one = ccmkit(['csr', 'parse', '--json', '-'], { input, env: { ...process.env, CCMKIT_WORKERS: '0' } });
    const many = ccmkit(['csr', 'parse', '--json', '-'], { input, env: { ...process.env, CCMKIT_WORKERS: '2', CCMKIT_PARALLEL_MIN: '1', CCMKIT_PARALLEL_MAIN: '0', CCMKIT_DEBUG: '1' } });
    expect(many.stderr).toMatch(/debug: 6 chunks, 6 by 2 worker threads/);
    expect(many.stdout).toBe(one.stdout);
    expect(jsonLines(many.stdout)).toHaveLength(n + 2);
    expect(many.code).toBe(1); // docs/conventions.md: not a CSR, or a missing file, is exit 1
  });
});
