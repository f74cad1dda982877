// `ccmkit csr create`: every CSR is judged by OpenSSL and pyca/cryptography,
// which must read back the same subject, SANs, key usage, EKU and CA flag.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccmkit, ccmkitAsync, openssl, run, runAsync, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-csr-');
afterAll(tmp.cleanup);
const f = (name: string): string => join(tmp.dir, name);

const ALGS = ['RSA2048', 'RSA4096', 'EC256', 'EC384'] as const;
const HASHES = ['SHA256', 'SHA384', 'SHA512'] as const;
const KEY_BITS = { RSA2048: 2048, RSA4096: 4096, EC256: 256, EC384: 384 };

beforeAll(async () => {
  const made = await Promise.all([
    ...ALGS.map((alg) => ccmkitAsync(['key', 'generate', '--algorithm', alg, '--out', f(`${alg}.key`)])),
    // An encrypted key, and keys CCM does not support.
    ccmkitAsync(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--out', f('enc.key')], { env: { ...process.env, CCMKIT_OUT_PASSWORD: 'pw for csr' } }),
    runAsync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', f('rsa3072.key')]),
    runAsync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521', '-out', f('ec521.key')]),
  ]);
  for (const r of made) if (r.code !== 0) throw new Error(r.stderr);
  writeFileSync(
    f('dn.json'),
    JSON.stringify({ common_name: 'www.example.com', country: 'CN', state: 'Sichuan', locality: 'Chengdu', organization: 'Example Ltd', organizational_unit: 'Ops' }),
  );
}, 120_000);

interface Parsed {
  valid: boolean;
  subject: string;
  hash: string;
  key_size: number;
  sans: string[];
  ku: string[] | null;
  eku: string[] | null;
  ca: boolean | null;
  path_length: number | null;
}

const PYCA = `
import sys, json
from cryptography import x509
out = []
for p in sys.argv[1:]:
    csr = x509.load_pem_x509_csr(open(p, 'rb').read())
    d = {'valid': csr.is_signature_valid, 'subject': csr.subject.rfc4514_string(),
         'hash': csr.signature_hash_algorithm.name.upper(), 'key_size': csr.public_key().key_size,
         'sans': [], 'ku': None, 'eku': None, 'ca': None, 'path_length': None}
    for ext in csr.extensions:
        v = ext.value
        if isinstance(v, x509.SubjectAlternativeName):
            for g in v:
                t = {x509.DNSName: 'DNS', x509.IPAddress: 'IP', x509.RFC822Name: 'EMAIL', x509.UniformResourceIdentifier: 'URI'}[type(g)]
                d['sans'].append(t + ':' + str(g.value))
        elif isinstance(v, x509.KeyUsage):
            names = ['digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment', 'key_agreement', 'key_cert_sign', 'crl_sign']
            d['ku'] = [n for n in names if getattr(v, n)]
        elif isinstance(v, x509.ExtendedKeyUsage):
            d['eku'] = [o.dotted_string for o in v]
        elif isinstance(v, x509.BasicConstraints):
            d['ca'] = v.ca
            d['path_length'] = v.path_length
    out.append(d)
print(json.dumps(out))
`;

function pyca(files: string[]): Parsed[] {
  const r = run('python3', ['-c', PYCA, ...files]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Parsed[];
}

/** What openssl's -text shows for an extension, as one line. */
function opensslExt(text: string, title: string): string | undefined {
  const m = new RegExp(`${title}:( critical)? *\\n\\s+(.*)`).exec(text);
  return m ? m[2]!.trim() : undefined;
}

const PY_KU: Record<string, string> = {
  digitalSignature: 'digital_signature',
  keyEncipherment: 'key_encipherment',
  keyCertSign: 'key_cert_sign',
  cRLSign: 'crl_sign',
  nonRepudiation: 'content_commitment',
  keyAgreement: 'key_agreement',
};
const OSSL_KU: Record<string, string> = {
  digitalSignature: 'Digital Signature',
  keyEncipherment: 'Key Encipherment',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  nonRepudiation: 'Non Repudiation',
  keyAgreement: 'Key Agreement',
};

describe('csr create: interop matrix (each CCM key algorithm x hash)', () => {
  const cases = ALGS.flatMap((alg) => HASHES.map((hash) => ({ alg, hash, ca: hash === 'SHA384' })));
  const made: { alg: string; hash: string; ca: boolean; file: string }[] = [];

  beforeAll(async () => {
    const jobs = cases.map((c) => {
      const file = f(`${c.alg}-${c.hash}.csr`);
      const args = ['csr', 'create', '--key', f(`${c.alg}.key`), '--algorithm', c.alg, '--subject-json', f('dn.json'), '--hash', c.hash, '--out', file];
      if (c.ca) args.push('--ca', '--path-length', '1');
      else {
        args.push('--san', 'DNS:www.example.com', '--san', 'DNS:*.example.com', '--san', 'IP:192.0.2.10', '--san', 'EMAIL:ops@example.com', '--san', 'URI:https://example.com/app');
        args.push('--key-usage', 'digitalSignature,keyEncipherment', '--extended-key-usage', 'serverAuth', '--extended-key-usage', 'clientAuth');
      }
      return ccmkitAsync(args).then((r) => {
        if (r.code !== 0) throw new Error(`${c.alg}/${c.hash}: ${r.stderr}`);
        return { ...c, file };
      });
    });
    made.push(...(await Promise.all(jobs)));
  }, 120_000);

  it('openssl req -verify accepts all 12 CSRs, and openssl and pyca read the same subject, SANs, KU, EKU, CA flag and path length', async () => {
    expect(made).toHaveLength(12);
    const py = pyca(made.map((m) => m.file));
    const judged = await Promise.all(
      made.map(async (m) => ({
        req: await runAsync('openssl', ['req', '-in', m.file, '-verify', '-noout', '-text']),
        subject: await runAsync('openssl', ['req', '-in', m.file, '-noout', '-subject', '-nameopt', 'RFC2253']),
        parsed: await ccmkitAsync(['csr', 'parse', '--json', m.file]),
      })),
    );
    made.forEach((m, i) => {
      const r = judged[i]!.req;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr + r.stdout).toMatch(/verify OK/);
      const text = r.stdout;
      const p = py[i]!;
      expect(p.valid).toBe(true);
      expect(p.hash).toBe(m.hash);
      expect(p.key_size).toBe(KEY_BITS[m.alg as keyof typeof KEY_BITS]);
      expect(text).toContain(m.alg.startsWith('RSA') ? `Public-Key: (${KEY_BITS[m.alg as 'RSA2048']} bit)` : `NIST CURVE: P-${KEY_BITS[m.alg as 'EC256']}`);
      // Subject: the same RFC 4514 string from both judges.
      const subj = judged[i]!.subject.stdout.replace(/^subject=/, '').trim();
      expect(subj).toBe('CN=www.example.com,OU=Ops,O=Example Ltd,L=Chengdu,ST=Sichuan,C=CN');
      expect(p.subject).toBe(subj);
      if (m.ca) {
        expect(opensslExt(text, 'X509v3 Basic Constraints')).toBe('CA:TRUE, pathlen:1');
        expect(text).toMatch(/X509v3 Basic Constraints: critical/);
        expect([p.ca, p.path_length]).toEqual([true, 1]);
        const ku = ['digitalSignature', 'keyCertSign', 'cRLSign'];
        expect(opensslExt(text, 'X509v3 Key Usage')).toBe(ku.map((k) => OSSL_KU[k]).join(', '));
        expect(p.ku).toEqual(ku.map((k) => PY_KU[k]));
        expect(p.sans).toEqual([]);
        expect(p.eku).toBeNull();
      } else {
        expect(opensslExt(text, 'X509v3 Subject Alternative Name')).toBe('DNS:www.example.com, DNS:*.example.com, IP Address:192.0.2.10, email:ops@example.com, URI:https://example.com/app');
        expect(p.sans).toEqual(['DNS:www.example.com', 'DNS:*.example.com', 'IP:192.0.2.10', 'EMAIL:ops@example.com', 'URI:https://example.com/app']);
        expect(opensslExt(text, 'X509v3 Key Usage')).toBe('Digital Signature, Key Encipherment');
        expect(p.ku).toEqual(['digital_signature', 'key_encipherment']);
        expect(opensslExt(text, 'X509v3 Extended Key Usage')).toBe('TLS Web Server Authentication, TLS Web Client Authentication');
        expect(p.eku).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
        expect(p.ca).toBeNull();
      }
      // And ccmkit's own parser agrees (csr parse exits 0: within CCM's policy).
      const parsed = judged[i]!.parsed;
      expect(parsed.code, parsed.stdout).toBe(0);
      expect(JSON.parse(parsed.stdout).ccm_key_algorithm).toBe(m.alg);
    });
  });

  it('a CSR made by ccmkit and signed by an openssl x509 -req CA yields a certificate that ccmkit key match pairs with the key', () => {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Offline Root', '-days', '3650']);
    for (const alg of ['EC256', 'RSA2048'] as const) {
      const cert = f(`${alg}-signed.pem`);
      openssl(['x509', '-req', '-in', f(`${alg}-SHA256.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-set_serial', '7', '-days', '30', '-copy_extensions', 'copy', '-out', cert]);
      const r = ccmkit(['key', 'match', '--json', f(`${alg}.key`), cert]);
      expect(r.code, r.stdout).toBe(0);
      const j = JSON.parse(r.stdout) as { pairs: { key: string; certificate?: string }[]; unmatched_keys: string[] };
      expect(j.pairs).toEqual([{ key: `${f(`${alg}.key`)}#1`, certificate: `${cert}#1` }]);
      // A different key does not pair with it.
      const other = ccmkit(['key', 'match', '--json', f('EC384.key'), cert]);
      expect(other.code).toBe(1);
      expect(openssl(['x509', '-in', cert, '-noout', '-ext', 'subjectAltName'])).toContain('DNS:*.example.com');
    }
  });
});

describe('csr create: options', () => {
  it('reads an encrypted key with $CCMKIT_PASSPHRASE, and refuses without it or with a wrong one', () => {
    const ok = ccmkit(['csr', 'create', '--key', f('enc.key'), '--cn', 'enc.example.com'], { env: { ...process.env, CCMKIT_PASSPHRASE: 'pw for csr' } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(openssl(['req', '-verify', '-noout', '-subject'], { input: ok.stdout })).toContain('CN = enc.example.com');
    const env = { ...process.env };
    delete env.CCMKIT_PASSPHRASE;
    const none = ccmkit(['csr', 'create', '--key', f('enc.key'), '--cn', 'x'], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('CCMKIT.0005');
    const wrong = ccmkit(['csr', 'create', '--key', f('enc.key'), '--cn', 'x'], { env: { ...env, CCMKIT_PASSPHRASE: 'nope' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('CCMKIT.0006');
  });

  it('--json summarises the CSR as ccmkit parsed it, with warnings (a name listed twice)', () => {
    const r = ccmkit(['csr', 'create', '--key', f('EC256.key'), '--cn', 'dup.example.com', '--san', 'DNS:dup.example.com', '--san', 'DNS:DUP.example.com', '--san', 'IP:192.0.2.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { csr: string; key_algorithm: string; subject_alternative_names: unknown; warnings: { code: string; severity: string; field: string }[] };
    expect(j.key_algorithm).toBe('EC256');
    expect(j.subject_alternative_names).toEqual([{ type: 'DNS', value: 'dup.example.com' }, { type: 'DNS', value: 'DUP.example.com' }, { type: 'IP', value: '192.0.2.1' }]);
    expect(j.warnings.map((w) => `${w.severity} ${w.code} ${w.field}`)).toEqual(['warning PCA.00020112 subject_alternative_names[1]']);
    expect(openssl(['req', '-verify', '-noout', '-text'], { input: j.csr })).toContain('IP Address:192.0.2.1');
    // Without --json the warning goes to stderr and stdout stays a clean PEM.
    const plain = ccmkit(['csr', 'create', '--key', f('EC256.key'), '--cn', 'dup.example.com', '--san', 'DNS:a.example.com', '--san', 'DNS:a.example.com']);
    expect(plain.stdout).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[^]*-----END CERTIFICATE REQUEST-----\n$/);
    expect(plain.stderr).toContain('WARNING PCA.00020112');
  });

  it('accepts CCM request form {"distinguished_name": {...}} in --subject-json', () => {
    const p = f('dn-wrapped.json');
    writeFileSync(p, JSON.stringify({ distinguished_name: { common_name: 'wrapped', organization: 'Org' } }));
    const r = ccmkit(['csr', 'create', '--key', f('EC256.key'), '--subject-json', p]);
    expect(r.code, r.stderr).toBe(0);
    expect(openssl(['req', '-noout', '-subject', '-nameopt', 'RFC2253'], { input: r.stdout }).trim()).toBe('subject=CN=wrapped,O=Org');
  });

  it('--body scm-upload prints {"name","csr"} with \\n-escaped PEM and no private_key', () => {
    const r = ccmkit(['csr', 'create', '--key', f('EC384.key'), '--cn', 'up.example.com', '--san', 'DNS:up.example.com', '--body', 'scm-upload', '--name', 'up-2026']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"csr": "-----BEGIN CERTIFICATE REQUEST-----\\n');
    const body = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['name', 'csr']);
    expect(body.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE REQUEST-----$/);
    expect(openssl(['req', '-verify', '-noout', '-subject'], { input: body.csr + '\n' })).toContain('up.example.com');
    const p = f('up.json');
    writeFileSync(p, r.stdout);
    const v = ccmkit(['validate', 'scm-upload-csr', p, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toEqual({ valid: true, status: 200, findings: [] });
  });

  it('--body pca-issue prints the 4.2.2.3 body; --ca defaults type INTERMEDIATE_CA and carries path_length', () => {
    const r = ccmkit(['csr', 'create', '--key', f('EC384.key'), '--cn', 'Sub CA', '--organization', 'Example', '--ca', '--path-length', '0', '--body', 'pca-issue', '--issuer-id', '2cb2878b-6cd1-460d-bd25-afe655159bdc', '--validity', 'YEAR:5', '--out', f('issue.json')]);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(readFileSync(f('issue.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['csr', 'issuer_id', 'validity', 'type', 'path_length']);
    expect(body).toMatchObject({ issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', validity: { type: 'YEAR', value: 5 }, type: 'INTERMEDIATE_CA', path_length: 0 });
    expect(openssl(['req', '-noout', '-text'], { input: String(body.csr) })).toMatch(/CA:TRUE, pathlen:0/);
    const v = ccmkit(['validate', 'pca-issue-csr', f('issue.json'), '--json']);
    expect(v.code, v.stdout).toBe(0);
  });
});

describe('csr create: bad input gives a clear error, non-zero exit, and no file', () => {
  const base = (key = 'EC256'): string[] => ['csr', 'create', '--key', f(`${key}.key`), '--out', f('bad.csr')];
  it.each([
    ['common_name over 64', ['--cn', 'a'.repeat(65)], 1, 'PCA.00020101', 'common_name is 65 characters'],
    ['state over 128', ['--cn', 'x', '--state', 's'.repeat(129)], 1, 'PCA.00020101', 'state is 129 characters'],
    ['organization over 64', ['--cn', 'x', '--organization', 'o'.repeat(65)], 1, 'PCA.00020101', 'organization is 65'],
    ['country of 3 letters', ['--cn', 'x', '--country', 'CHN'], 1, 'PCA.00020101', 'country is 3 characters'],
    ['country with a digit', ['--cn', 'x', '--country', 'C1'], 1, 'PCA.00020101', 'must be two letters'],
    ['no common name', ['--organization', 'x'], 2, 'CCMKIT.0001', 'give --cn'],
    ['IP that does not parse', ['--cn', 'x', '--san', 'IP:1.2.3.256'], 1, 'PCA.00020111', 'IP "1.2.3.256" is not an IPv4 address'],
    ['IPv6 with two ::', ['--cn', 'x', '--san', 'IP:fe80::1::2'], 1, 'PCA.00020111', 'is not an IPv4 address'],
    ['IPv6 (CCM takes IPv4 only)', ['--cn', 'x', '--san', 'IP:2001:db8::1'], 1, 'PCA.00020111', 'is not an IPv4 address'],
    ['DNS name with a space', ['--cn', 'x', '--san', 'DNS:www example.com'], 1, 'PCA.00020110', 'contains white space'],
    ['wildcard not leftmost', ['--cn', 'x', '--san', 'DNS:www.*.example.com'], 1, 'PCA.00020110', 'a wildcard must be the whole leftmost label'],
    ['partial-label wildcard', ['--cn', 'x', '--san', 'DNS:w*.example.com'], 1, 'PCA.00020110', 'a wildcard must be the whole leftmost label'],
    ['wildcard over a TLD', ['--cn', 'x', '--san', 'DNS:*.com'], 1, 'PCA.00020110', 'a wildcard needs at least two labels after it'],
    ['non-ASCII DNS name', ['--cn', 'x', '--san', 'DNS:bücher.example'], 1, 'PCA.00020110', 'is not letters, digits and inner hyphens'],
    ['email without @', ['--cn', 'x', '--san', 'EMAIL:ops.example.com'], 1, 'PCA.00020112', 'is not an e-mail address'],
    ['URI with a space', ['--cn', 'x', '--san', 'URI:https://a b/'], 1, 'PCA.00020112', 'is not a URI'],
    ['SAN type CCM does not know', ['--cn', 'x', '--san', 'RID:1.2.3.4'], 1, 'PCA.00020112', 'is not DNS, IP, EMAIL or URI'],
    ['SAN without type', ['--cn', 'x', '--san', 'www.example.com'], 2, 'CCMKIT.0001', 'needs a type prefix'],
    ['21 SANs', ['--cn', 'x', ...Array.from({ length: 21 }, (_, i) => ['--san', `DNS:h${i}.example.com`]).flat()], 1, 'PCA.00020112', '21 subject alternative names; CCM allows at most 20'],
    ['path length 7', ['--cn', 'x', '--ca', '--path-length', '7'], 1, 'PCA.00020203', 'outside 0-6'],
    ['path length without --ca', ['--cn', 'x', '--path-length', '1'], 1, 'PCA.00020203', 'needs a CA request'],
    ['hash SHA1', ['--cn', 'x', '--hash', 'SHA1'], 1, 'PCA.00020103', 'SHA1 is not supported'],
    ['unknown key usage', ['--cn', 'x', '--key-usage', 'signEverything'], 2, 'CCMKIT.0001', 'unknown key usage'],
    ['unknown EKU', ['--cn', 'x', '--extended-key-usage', 'webServer'], 2, 'CCMKIT.0001', 'unknown extended key usage'],
    ['key is not the algorithm asked for', ['--cn', 'x', '--algorithm', 'EC384'], 1, 'PCA.00020102', 'The key is EC256, not EC384 as asked'],
    ['--algorithm that CCM does not have', ['--cn', 'x', '--algorithm', 'ED25519'], 1, 'PCA.00020102', 'is not a CCM key algorithm'],
    ['validity that is not TYPE:VALUE', ['--cn', 'x', '--body', 'pca-issue', '--issuer-id', '2cb2878b-6cd1-460d-bd25-afe655159bdc', '--validity', '1y'], 1, 'PCA.00020109', 'is not TYPE:VALUE'],
    ['validity over 20 years', ['--cn', 'x', '--body', 'pca-issue', '--issuer-id', '2cb2878b-6cd1-460d-bd25-afe655159bdc', '--validity', 'YEAR:21'], 1, 'PCA.00020109', 'exceeds 20 years'],
    ['bad issuer id', ['--cn', 'x', '--body', 'pca-issue', '--issuer-id', 'ca-1', '--validity', 'YEAR:1'], 1, 'PCA.00020201', 'is not a CA ID'],
    ['INTERMEDIATE_CA without --ca', ['--cn', 'x', '--body', 'pca-issue', '--issuer-id', '2cb2878b-6cd1-460d-bd25-afe655159bdc', '--validity', 'YEAR:1', '--type', 'INTERMEDIATE_CA'], 2, 'CCMKIT.0001', 'needs --ca'],
    ['scm-upload name over 63', ['--cn', 'x', '--body', 'scm-upload', '--name', 'n'.repeat(64)], 1, 'SCM.0005', 'name is 64 characters'],
  ])('%s', (_name, args, code, errorCode, text) => {
    const r = ccmkit([...base(), ...(args as string[])]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toContain(`ccmkit: ${errorCode as string}`);
    expect(r.stderr).toContain(text as string);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(f('bad.csr'))).toBe(false);
  });

  it.each([
    ['rsa3072.key', 'RSA3072 is not supported'],
    ['ec521.key', 'EC P-521 is not supported'],
  ])('a key CCM does not support (%s) is PCA.00020102', (key, text) => {
    const r = ccmkit(['csr', 'create', '--key', f(key), '--cn', 'x', '--out', f('bad.csr')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PCA.00020102');
    expect(r.stderr).toContain(text);
    expect(existsSync(f('bad.csr'))).toBe(false);
  });

  it('--json errors are CCM error bodies on stdout', () => {
    const r = ccmkit(['csr', 'create', '--key', f('EC256.key'), '--cn', 'x', '--san', 'IP:300.1.1.1', '--json']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 400, error_code: 'PCA.00020111' });
    expect(String(body.error_msg)).toContain('IP "300.1.1.1" is not an IPv4 address');
  });

  it('a key file that is not a key, a missing key file, and an unwritable --out', () => {
    const notKey = ccmkit(['csr', 'create', '--key', f('dn.json'), '--cn', 'x']);
    expect(notKey.code).not.toBe(0);
    expect(notKey.stderr).toMatch(/ccmkit: CCMKIT\.000[24]/);
    const missing = ccmkit(['csr', 'create', '--key', f('nope.key'), '--cn', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const unwritable = ccmkit(['csr', 'create', '--key', f('EC256.key'), '--cn', 'x', '--out', f('no/dir/x.csr')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain('CCMKIT.0008');
  });

  it('an RSA4096 CSR with 20 long SANs is too long for SCM: SCM.0005 with EC384 as the fix; EC384 with the same SANs fits', () => {
    const sans = Array.from({ length: 20 }, (_, i) => ['--san', `DNS:service-${i}.a-rather-long-department-name.example.com`]).flat();
    const rsa = ccmkit(['csr', 'create', '--key', f('RSA4096.key'), '--cn', 'many.example.com', ...sans, '--body', 'scm-upload', '--name', 'many', '--out', f('many.json')]);
    expect(rsa.code).toBe(1);
    expect(rsa.stderr).toMatch(/ccmkit: SCM\.0005: .*csr is \d{4} characters; SCM allows at most 2555\..*Use an EC384 key instead of RSA4096/);
    expect(existsSync(f('many.json'))).toBe(false);
    const ec = ccmkit(['csr', 'create', '--key', f('EC384.key'), '--cn', 'many.example.com', ...sans, '--body', 'scm-upload', '--name', 'many']);
    expect(ec.code, ec.stderr).toBe(0);
    expect((JSON.parse(ec.stdout) as { csr: string }).csr.length).toBeLessThanOrEqual(2555);
  });
});
