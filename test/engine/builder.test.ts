import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/engine/certificate.js';
import { verifyCertificateSignature } from '../../src/engine/certificate.js';
import { buildCsr, keyUsageExt, subjectAltNameExt } from '../../src/engine/builder.js';
import { parseCsr, verifyCsrSignature } from '../../src/engine/csr.js';
import { openssl, tempDir } from '../helpers/run.js';
import { chain, key, pem, REF } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('builder', () => {
  it.each(['EC256', 'RSA2048', 'EC384'] as const)('builds a %s chain that openssl verifies at the reference time', (alg) => {
    const c = chain(3, alg);
    const f = (n: string, s: string): string => {
      const p = join(tmp.dir, `${alg}-${n}`);
      writeFileSync(p, s);
      return p;
    };
    const root = f('root.pem', pem('CERTIFICATE', c.root.der));
    const inter = f('inter.pem', c.intermediates.map((i) => pem('CERTIFICATE', i.der)).join(''));
    const leaf = f('leaf.pem', pem('CERTIFICATE', c.leaf.der));
    const out = openssl(['verify', '-attime', String(REF.getTime() / 1000), '-CAfile', root, '-untrusted', inter, leaf]);
    expect(out).toContain('OK');
    const parsed = parseCertificate(c.leaf.der);
    expect(parsed.extensions.subjectAltNames).toEqual([{ type: 'DNS', value: 'www.example.com' }]);
    expect(verifyCertificateSignature(parsed, parseCertificate(c.intermediates[0]!.der).publicKey).valid).toBe(true);
    expect(verifyCertificateSignature(parsed, parseCertificate(c.root.der).publicKey).valid).toBe(false);
  });

  it('builds a CSR that openssl and ccmkit both verify, with the requested extensions', () => {
    const k = key('EC256');
    const der = buildCsr({
      subject: [['C', 'CN'], ['CN', 'csr.example.com']],
      key: k,
      extensions: [subjectAltNameExt([{ type: 'DNS', value: 'csr.example.com' }, { type: 'IP', value: '2001:db8::1' }]), keyUsageExt(['digitalSignature'])],
    });
    const p = join(tmp.dir, 'b.csr');
    writeFileSync(p, pem('CERTIFICATE REQUEST', der));
    const text = openssl(['req', '-in', p, '-noout', '-verify', '-text']);
    expect(text).toContain('IP Address:2001:DB8:0:0:0:0:0:1');
    const csr = parseCsr(der);
    expect(verifyCsrSignature(csr).valid).toBe(true);
    expect(csr.extensions.subjectAltNames?.[1]).toEqual({ type: 'IP', value: '2001:db8::1' });
    expect(csr.extensions.keyUsage).toEqual(['digitalSignature']);
  });
});
