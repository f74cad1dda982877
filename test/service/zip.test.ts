import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CcmError } from '../../src/engine/errors.js';
import { isSafeEntryName, readZip, writeZip } from '../../src/service/zip.js';
import { REF } from '../helpers/pki.js';
import { run, tempDir } from '../helpers/run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('zip writer and reader', () => {
  it('unzip (Info-ZIP) lists and extracts what writeZip writes, with the stored modes', async () => {
    const files = [
      { name: 'server.key', data: Buffer.from('-----BEGIN PRIVATE KEY-----\n'.repeat(20)), mode: 0o600 },
      { name: 'server.crt', data: Buffer.from('x'), mode: 0o644 },
    ];
    const p = join(tmp.dir, 'a.zip');
    writeFileSync(p, writeZip(files, REF));
    const t = run('unzip', ['-t', p]);
    expect(t.code, t.stdout + t.stderr).toBe(0);
    expect(t.stdout).toContain('No errors detected');
    const z = run('zipinfo', [p]);
    expect(z.stdout).toMatch(/-rw-------.*server\.key/);
    expect(z.stdout).toMatch(/-rw-r--r--.*server\.crt/);
    expect((await readZip(writeZip(files, REF))).map((e) => [e.name, e.data])).toEqual(files.map((f) => [f.name, f.data]));
  });

  it('reads zips written by Python zipfile (stored and deflated) and refuses unsafe names', async () => {
    const p = join(tmp.dir, 'py.zip');
    const r = run('python3', ['-c', `import zipfile\nz=zipfile.ZipFile(${JSON.stringify(p)},'w')\nz.writestr('dir/', '')\nz.writestr('a.txt','hello', compress_type=zipfile.ZIP_DEFLATED)\nz.writestr('b.txt','world', compress_type=zipfile.ZIP_STORED)\nz.close()`]);
    expect(r.code, r.stderr).toBe(0);
    const entries = await readZip(readFileSync(p));
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['a.txt', 'hello'],
      ['b.txt', 'world'],
    ]);
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', '']) expect(isSafeEntryName(bad)).toBe(false);
    for (const ok of ['server.key', 'a/b/c.crt', 'x..y']) expect(isSafeEntryName(ok)).toBe(true);
  });

  it('fuzz: mutated zips give entries or a CcmError (bounded)', async () => {
    const base = writeZip(
      [
        { name: 'server.crt', data: Buffer.from('certificate '.repeat(30)) },
        { name: 'keystorePass.txt', data: Buffer.from('abc') },
      ],
      REF,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat({ max: 40 }), async (muts, cut) => {
        const m = Buffer.from(base.subarray(0, base.length - cut));
        for (const [pos, v] of muts) m[pos % m.length] = v;
        try {
          await readZip(m);
        } catch (e) {
          if (!(e instanceof CcmError)) throw e;
        }
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

