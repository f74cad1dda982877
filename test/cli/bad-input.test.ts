// Hostile and broken input: every command answers with a CCM-style error
// (code + message naming the source), exits 1 or 2, in bounded time, and
// never prints a stack trace.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ccmkit, openssl, tempDir } from '../helpers/run.js';
import { issue, pem } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// A CSR made by OpenSSL at test time (no dependency on the shared corpora).
openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tmp.dir, 'csr.key'), '-subj', '/CN=bad-input.example', '-sha256', '-out', join(tmp.dir, 'good.csr')]);
const csrPem = readFileSync(join(tmp.dir, 'good.csr'), 'utf8');
const csrDer = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const certDer = issue({ cn: 'bad-input.example' }).der;

function nested(depth: number, indefinite: boolean): Buffer {
  if (indefinite) return Buffer.concat([Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2, 0)]);
  let inner = Buffer.from([0x05, 0x00]);
  for (let i = 0; i < depth; i++) {
    const len = inner.length;
    const hdr = len < 128 ? Buffer.from([0x30, len]) : len < 256 ? Buffer.from([0x30, 0x81, len]) : len < 65536 ? Buffer.from([0x30, 0x82, len >> 8, len & 255]) : Buffer.from([0x30, 0x83, len >> 16, (len >> 8) & 255, len & 255]);
    inner = Buffer.concat([hdr, inner]);
  }
  return inner;
}

const lying = Buffer.from(csrDer);
lying[2] = 0xff; // outer length claims far more than there is

const CASES: { name: string; data: Buffer | string; codes: string[] }[] = [
  { name: 'empty file', data: '', codes: ['CCMKIT.0002'] },
  { name: 'garbage bytes', data: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]), codes: ['CCMKIT.0004'] },
  { name: 'plain text', data: 'hello, this is not a certificate\n', codes: ['CCMKIT.0004'] },
  { name: 'truncated DER CSR', data: csrDer.subarray(0, csrDer.length - 40), codes: ['CCMKIT.0004', 'PCA.00020401'] },
  { name: 'truncated PEM (no END line)', data: csrPem.slice(0, csrPem.length - 40), codes: ['CCMKIT.0002'] },
  { name: 'corrupt base64 in PEM', data: csrPem.replace(/^(MII.)/m, '$1!!**'), codes: ['CCMKIT.0002'] },
  { name: 'lying outer length', data: lying, codes: ['CCMKIT.0004', 'PCA.00020401'] },
  { name: '10,000-deep definite nesting', data: nested(10_000, false), codes: ['CCMKIT.0004', 'CCMKIT.0003'] },
  { name: '200,000-deep indefinite nesting', data: nested(200_000, true), codes: ['CCMKIT.0004', 'CCMKIT.0003'] },
  { name: 'oversized PEM object (> 1 MiB)', data: pem('CERTIFICATE', Buffer.alloc(1_100_000, 0x41)), codes: ['CCMKIT.0003'] },
  { name: 'oversized DER object (> 1 MiB)', data: Buffer.concat([Buffer.from([0x30, 0x83, 0x10, 0xc8, 0xe0]), Buffer.alloc(0x10c8e0)]), codes: ['CCMKIT.0003'] },
  { name: 'unknown PEM label', data: '-----BEGIN FOO BAR-----\nAAAA\n-----END FOO BAR-----\n', codes: ['CCMKIT.0004'] },
  { name: 'certificate with a corrupted inner structure', data: pem('CERTIFICATE', Buffer.concat([certDer.subarray(0, 20), Buffer.alloc(30, 0xff), certDer.subarray(50)])), codes: ['SCM.0031', 'CCMKIT.0004'] },
  { name: 'JSON body with a broken csr', data: JSON.stringify({ csr: '-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----' }), codes: ['CCMKIT.0004', 'PCA.00020401'] },
];

function expectCleanFailure(r: { code: number; stdout: string; stderr: string }, codes: string[]): void {
  expect(r.code === 1 || r.code === 2, `exit ${r.code}: ${r.stderr}`).toBe(true);
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
  expect(r.stderr).not.toMatch(/internal error/);
  const m = /ccmkit: ([A-Z]+\.\d+):/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  expect(codes).toContain(m![1]);
}

describe('bad input', () => {
  it.each(CASES)('csr parse: $name', ({ name, data, codes }) => {
    const f = join(tmp.dir, name.replace(/\W+/g, '_'));
    writeFileSync(f, data);
    const t0 = Date.now();
    const r = ccmkit(['csr', 'parse', f]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expectCleanFailure(r, [...codes, 'PCA.00020401']);
    // docs/conventions.md: a junk file is exit 1 in every command (2 is for usage errors only).
    expect(r.code).toBe(1);
  });

  it.each(CASES)('inspect: $name', ({ name, data, codes }) => {
    const f = join(tmp.dir, 'i_' + name.replace(/\W+/g, '_'));
    writeFileSync(f, data);
    const r = ccmkit(['inspect', f]);
    expectCleanFailure(r, codes);
    expect(r.code).toBe(1);
  });

  it('inspect --json reports each error as a CCM body with the source', () => {
    const f = join(tmp.dir, 'mixed.pem');
    writeFileSync(f, pem('CERTIFICATE', certDer) + 'garbage between blocks\n' + '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n');
    const r = ccmkit(['inspect', '--json', f]);
    const j = JSON.parse(r.stdout);
    expect(j.objects).toEqual([]);
    expect(j.errors[0]).toMatchObject({ error_code: 'CCMKIT.0002', source: `${f}#2` });
    expect(r.code).toBe(1);
  });

  it('a missing file is a clear error with exit 1', () => {
    const r = ccmkit(['key', 'match', join(tmp.dir, 'nope.pem')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CCMKIT.0002: .*nope.pem: no such file/);
  });

  it('usage errors exit 2 and name the problem', () => {
    expect(ccmkit(['csr', 'parse']).code).toBe(2);
    const r = ccmkit(['csr', 'parse', '--bogus', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
    expect(ccmkit(['frobnicate']).code).toBe(2);
    const grp = ccmkit(['csr']);
    expect(grp.code).toBe(2);
    expect(grp.stderr).toContain('csr parse');
  });

  it('every command has --help with examples and exit codes', () => {
    for (const cmd of [['csr', 'parse'], ['key', 'match'], ['inspect']]) {
      const r = ccmkit([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: ccmkit/);
      expect(r.stdout).toMatch(/Examples:/);
      expect(r.stdout).toMatch(/Exit codes:/);
    }
  });
});
