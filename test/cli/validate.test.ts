// The validate commands through the real binary: exit codes, JSON shape,
// bodies that are not JSON or not UTF-8, and --fix writing a 0600 file.
import { statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ccmkit, tempDir } from '../helpers/run.js';
import { chain, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const p = (n: string): string => join(tmp.dir, n);
const c = chain(2, 'RSA2048');
const P = (d: Buffer): string => pem('CERTIFICATE', d);

describe('ccmkit validate', () => {
  it('scm-import: valid body exits 0; the JSON carries CCM fields', () => {
    // The whole chain, root included: CCM accepts it without the root, but validate would warn.
    writeFileSync(p('ok.json'), JSON.stringify({ name: 'ok_cert', certificate: P(c.leaf.der), certificate_chain: P(c.intermediates[0]!.der) + P(c.root.der), private_key: keyPem(c.leaf.key) }));
    const r = ccmkit(['validate', 'scm-import', '--json', '--at', '2025-06-01T00:00:00Z', p('ok.json')]);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, status: 200, findings: [] });
    expect(r.code).toBe(0);
  });

  it('scm-import: an expired certificate exits 1 with SCM.0042 and the fix in human output', () => {
    const r = ccmkit(['validate', 'scm-import', '--at', '2040-01-01T00:00:00Z', p('ok.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('HTTP 400 SCM.0042');
    expect(r.stdout).toMatch(/fix: Renew/);
  });

  it('scm-import from files (DER too) instead of a body', () => {
    writeFileSync(p('leaf.der'), c.leaf.der);
    writeFileSync(p('leaf.key'), keyPem(c.leaf.key));
    const r = ccmkit(['validate', 'scm-import', '--json', '--at', '2025-06-01', '--name', 'from_files', '--certificate', p('leaf.der'), '--private-key', p('leaf.key')]);
    expect(JSON.parse(r.stdout).valid).toBe(true);
  });

  it('bodies that are not JSON or not UTF-8 are CCM refusals (exit 1), not crashes', () => {
    writeFileSync(p('bad.json'), '{"name": "x", certificate: }');
    writeFileSync(p('latin1.json'), Buffer.from([0x7b, 0x22, 0x6e, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    for (const [f, cmd] of [['bad.json', 'scm-import'], ['latin1.json', 'scm-import'], ['bad.json', 'pca-create-ca'], ['latin1.json', 'pca-apply-cert']]) {
      const r = ccmkit(['validate', cmd!, '--json', p(f!)]);
      const j = JSON.parse(r.stdout);
      expect(j.valid).toBe(false);
      expect(j.error_code).toMatch(cmd === 'scm-import' ? /^SCM\.0005$/ : /^PCA\.00020001$/);
      expect(r.code).toBe(1);
    }
  });

  it('--fix writes a corrected body 0600 and validates it; usage errors exit 2', () => {
    const enc = c.leaf.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    writeFileSync(p('messy.json'), JSON.stringify({ name: 'messy_cert', certificate: P(c.leaf.der) + P(c.root.der) + P(c.intermediates[0]!.der), private_key: enc }));
    expect(ccmkit(['validate', 'scm-import', '--at', '2025-06-01', p('messy.json')]).code).toBe(1);
    writeFileSync(p('pw.txt'), 'pw\n');
    const r = ccmkit(['validate', 'scm-import', '--at', '2025-06-01', p('messy.json'), '--fix', '--passphrase-file', p('pw.txt'), '-o', p('fixed.json')]);
    expect(r.stdout).toContain('valid: CCM would accept');
    expect(r.code).toBe(0);
    expect(statSync(p('fixed.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(p('fixed.json'), 'utf8')).certificate_chain).toBe(P(c.intermediates[0]!.der) + P(c.root.der));
    expect(ccmkit(['validate', 'scm-import', p('messy.json'), '--fix']).code).toBe(2);
    expect(ccmkit(['validate', 'scm-import']).code).toBe(2);
    expect(ccmkit(['validate', 'pca-create-ca']).code).toBe(2);
    expect(existsSync(p('fixed.json.ccmkit-tmp'))).toBe(false);
  });

  it('pca-import-ca with files', () => {
    writeFileSync(p('int.pem'), P(c.intermediates[0]!.der));
    writeFileSync(p('root.pem'), P(c.root.der));
    writeFileSync(p('int.csr'), '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
    const bad = ccmkit(['validate', 'pca-import-ca', '--csr', p('int.csr'), '--certificate', p('int.pem')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PCA.00020401');
  });
});
