// pyca/cryptography's CSR vectors: ccmkit's signature verdict must agree with
// OpenSSL's (csr-manifest.txt), and algorithms outside CCM's policy (DSA, MD4,
// SHA-1) must come back as findings with CCM's codes, never as crashes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, HAVE_CORPORA, ccmkit, jsonLines } from '../helpers/run.js';

const DIR = join(CORPORA, 'pyca/x509-requests');
const manifest = new Map<string, { openssl: 'OK' | 'FAIL'; pyca: string }>();
for (const line of HAVE_CORPORA ? readFileSync(join(CORPORA, 'pyca/csr-manifest.txt'), 'utf8').split('\n') : []) {
  if (!line || line.startsWith('#')) continue;
  const [file, pyca, ossl] = line.split(' | ');
  manifest.set(file!.trim(), { pyca: pyca!.trim(), openssl: ossl!.trim().replace('openssl=', '') as 'OK' | 'FAIL' });
}

describe.skipIf(!HAVE_CORPORA)('pyca CSR corpus', () => {
  const files = HAVE_CORPORA ? readdirSync(DIR).sort() : [];
  it('has a manifest line for every file', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    for (const f of files) expect(manifest.has(f), f).toBe(true);
  });

  // One process for the whole corpus: also exercises the batch mode.
  const r = ccmkit(['csr', 'parse', '--json', ...files.map((f) => join(DIR, f))]);
  const bySource = new Map(jsonLines(r.stdout).map((o) => [String(o.source).replace(/#\d+$/, '').split('/').pop()!, o]));

  it.each(files)('%s: signature verdict agrees with OpenSSL', (f) => {
    const o = bySource.get(f);
    expect(o, `no output for ${f}: ${r.stderr}`).toBeDefined();
    expect(o!.error_code, JSON.stringify(o)).toBeUndefined();
    expect(o!.signature_valid).toBe(manifest.get(f)!.openssl === 'OK');
  });

  it('never prints a stack trace and exits 1 (parsed, some outside policy)', () => {
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
  });

  it('reports DSA and MD4 requests as outside policy with CCM codes', () => {
    const dsa = bySource.get('dsa_sha1.pem')!;
    expect(dsa.key_algorithm).toBe('DSA');
    const codes = (dsa.findings as { code: string }[]).map((x) => x.code);
    expect(codes).toContain('PCA.00020102');
    expect(codes).toContain('PCA.00020103');
    const md4 = bySource.get('rsa_md4.pem')!;
    expect(md4.signature_algorithm).toBe('MD4withRSA');
    expect((md4.findings as { code: string }[]).map((x) => x.code)).toContain('PCA.00020103');
  });

  it('fully-valid modern requests have no findings and parse CCM fields', () => {
    const ec = bySource.get('ec_sha256.pem')!;
    expect(ec.findings).toEqual([]);
    expect(ec.key_algorithm).toBe('EC');
    expect(ec.key_algorithm_length).toBe(384); // openssl: 'Public-Key: (384 bit)', NIST CURVE: P-384
    expect(ec.ccm_key_algorithm).toBe('EC384');
    expect(ec.signature_algorithm).toBe('SHA256withECDSA');
    expect(String(ec.public_key)).toMatch(/^-----BEGIN PUBLIC KEY-----\r\n[\s\S]+\r\n-----END PUBLIC KEY-----\r\n$/);
    const old = bySource.get('ec_sha256_old_header.pem')!;
    expect(old.public_key).toBe(ec.public_key);
  });

  it('a single valid CSR exits 0', () => {
    expect(ccmkit(['csr', 'parse', join(DIR, 'rsa_sha256.pem')]).code).toBe(0);
  });
});
