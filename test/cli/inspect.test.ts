// `inspect` against openssl's own view of the same objects.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_CORPORA, ccmkit, openssl, tempDir } from '../helpers/run.js';
import { issue, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const p = (n: string): string => join(tmp.dir, n);

describe('inspect', () => {
  it('agrees with openssl on serial, fingerprint, dates, subject and SANs; CRLF and text between blocks are fine', () => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', p('k.pem')]);
    openssl(['req', '-x509', '-new', '-key', p('k.pem'), '-subj', '/C=DE/O=Acme, Inc./CN=inspect.example', '-addext', 'subjectAltName=DNS:inspect.example,IP:192.0.2.1', '-set_serial', '0x00F1E2D3C4B5A6978812', '-days', '3650', '-out', p('c.pem')]);
    const certText = openssl(['x509', '-in', p('c.pem')]);
    const keyText = openssl(['pkey', '-in', p('k.pem')]);
    writeFileSync(p('bag.pem'), ('Subject: whatever a mail client adds\n' + certText + '\nand some more text\n' + keyText).replace(/\n/g, '\r\n'));
    const r = ccmkit(['inspect', '--json', p('bag.pem')]);
    expect(r.code).toBe(0);
    const [cert, key] = JSON.parse(r.stdout).objects;
    const serial = openssl(['x509', '-in', p('c.pem'), '-noout', '-serial']).trim().replace('serial=', '');
    expect(cert.serial).toBe(serial);
    const fp = openssl(['x509', '-in', p('c.pem'), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
    expect(cert.sha256).toBe(fp);
    const end = new Date(openssl(['x509', '-in', p('c.pem'), '-noout', '-enddate']).trim().replace('notAfter=', ''));
    expect(cert.not_after).toBe(end.toISOString().replace('.000Z', 'Z'));
    expect(cert.subject).toBe('C=DE, O=Acme\\, Inc., CN=inspect.example');
    expect(cert.subject_alternative_names).toEqual([{ type: 'DNS', value: 'inspect.example' }, { type: 'IP', value: '192.0.2.1' }]);
    expect(cert.ccm_key_algorithm).toBe('EC384');
    expect(cert.source).toBe(`${p('bag.pem')}#1`);
    expect(key).toMatchObject({ kind: 'private-key', source: `${p('bag.pem')}#2`, key_format: 'pkcs8', ccm_key_algorithm: 'EC384' });
    expect(key.public_key_sha256).toBe(cert.public_key_sha256);
  });

  it('shows an encrypted key without a password, and opens it with one', () => {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', 'pass:pw', '-out', p('e.pem')]);
    const closed = JSON.parse(ccmkit(['inspect', '--json', p('e.pem')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } }).stdout).objects[0];
    expect(closed).toMatchObject({ kind: 'private-key', encrypted: true, key_format: 'encrypted-pkcs8' });
    expect(closed.key_algorithm).toBeUndefined();
    const open = JSON.parse(ccmkit(['inspect', '--json', '--passphrase', 'pw', p('e.pem')]).stdout).objects[0];
    expect(open).toMatchObject({ encrypted: true, key_algorithm: 'RSA2048', ccm_key_algorithm: 'RSA2048' });
  });

  it.skipIf(!HAVE_CORPORA)('reads a CRL and a public key', () => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p('ca.key')]);
    openssl(['pkey', '-in', p('ca.key'), '-pubout', '-out', p('pub.pem')]);
    const r = JSON.parse(ccmkit(['inspect', '--json', p('pub.pem'), join(import.meta.dirname, '../../../shared/corpora/pyca/x509-custom/crl_all_reasons.pem')]).stdout);
    expect(r.objects[0]).toMatchObject({ kind: 'public-key', key_algorithm: 'EC P-256', ccm_key_algorithm: 'EC256' });
    expect(r.objects[1].kind).toBe('crl');
    const count = (openssl(['crl', '-in', join(import.meta.dirname, '../../../shared/corpora/pyca/x509-custom/crl_all_reasons.pem'), '-noout', '-text']).match(/Serial Number:/g) ?? []).length;
    expect(r.objects[1].revoked_count).toBe(count);
  });

  it('reads a CRL larger than the 1 MiB object limit (CRLs are bounded by the file limit)', () => {
    const ca = issue({ cn: 'Big CRL CA', ca: true });
    writeFileSync(p('bigca.pem'), pem('CERTIFICATE', ca.der));
    writeFileSync(p('bigca.key'), keyPem(ca.key));
    const rows: string[] = [];
    for (let i = 1; i <= 40_000; i++) rows.push(`${(0x100000 + i).toString(16)},2025-05-01T00:00:00Z,KEY_COMPROMISE`);
    writeFileSync(p('big.csv'), rows.join('\n') + '\n');
    const b = ccmkit(['crl', 'build', '--ca-cert', p('bigca.pem'), '--ca-key', p('bigca.key'), '--revoked', p('big.csv'), '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z', '--format', 'der', '--out', p('big.crl')]);
    expect(b.code, b.stderr).toBe(0);
    expect(statSync(p('big.crl')).size).toBeGreaterThan(1024 * 1024);
    const r = ccmkit(['inspect', '--json', p('big.crl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).objects[0]).toMatchObject({ kind: 'crl', revoked_count: 40_000, issuer: 'O=ccmkit test, CN=Big CRL CA' });
  });
});
