// Keys and CSRs made by openssl at test time must parse to what
// `openssl req -text` shows: DN, SANs, algorithm and key size.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ccmkit, jsonLines, openssl, tempDir } from '../helpers/run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const CASES = [
  { name: 'RSA2048', gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ccm: 'RSA2048', alg: 'RSA', bits: 2048, hash: 'sha256', sig: 'SHA256withRSA' },
  { name: 'RSA4096', gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'], ccm: 'RSA4096', alg: 'RSA', bits: 4096, hash: 'sha512', sig: 'SHA512withRSA' },
  { name: 'EC256', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ccm: 'EC256', alg: 'EC', bits: 256, hash: 'sha256', sig: 'SHA256withECDSA' },
  { name: 'EC384', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ccm: 'EC384', alg: 'EC', bits: 384, hash: 'sha384', sig: 'SHA384withECDSA' },
  // Outside CCM's policy: parsed, reported with PCA.00020102.
  { name: 'RSA3072', gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'], ccm: null, alg: 'RSA', bits: 3072, hash: 'sha256', sig: 'SHA256withRSA' },
  { name: 'EC521', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], ccm: null, alg: 'EC', bits: 521, hash: 'sha512', sig: 'SHA512withECDSA' },
  { name: 'Ed25519', gen: ['-algorithm', 'ED25519'], ccm: null, alg: 'Ed25519', bits: 256, hash: null, sig: 'Ed25519' },
] as const;

const SUBJECT = '/C=CN/ST=Sichuan/L=Chengdu/O=Example Ltd/OU=IT Ops/CN=www.example.com';
const SAN = 'DNS:www.example.com,DNS:*.example.com,IP:10.1.2.3,IP:2001:db8::7,email:ops@example.com,URI:https://example.com/x';

/** SANs as `openssl req -text` prints them, in our TYPE:value form. */
function opensslSans(text: string): string[] {
  const m = /X509v3 Subject Alternative Name:\s*\n\s*(.+)/.exec(text);
  if (!m) return [];
  return m[1]!.split(', ').map((s) => {
    const [t, ...v] = s.split(':');
    const value = v.join(':');
    if (t === 'IP Address') {
      // openssl prints IPv6 uncompressed and upper-case: compare as bytes below.
      return `IP:${value}`;
    }
    return `${{ DNS: 'DNS', email: 'EMAIL', URI: 'URI' }[t!]}:${value}`;
  });
}

function normIp(s: string): string {
  if (!s.startsWith('IP:') || !s.includes(':', 3)) return s;
  const groups = s.slice(3).split(':');
  if (groups.length === 8) return 'IP:' + groups.map((g) => parseInt(g, 16).toString(16)).join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return s;
}

describe('openssl-made CSRs', () => {
  it.each(CASES)('$name: ccmkit agrees with openssl req -text', (c) => {
    const key = join(tmp.dir, `${c.name}.key`);
    const csr = join(tmp.dir, `${c.name}.csr`);
    openssl(['genpkey', ...c.gen, '-out', key]);
    openssl(['req', '-new', '-key', key, '-subj', SUBJECT, '-addext', `subjectAltName=${SAN}`, '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment', '-addext', 'extendedKeyUsage=serverAuth,clientAuth', ...(c.hash ? [`-${c.hash}`] : []), '-out', csr]);
    const text = openssl(['req', '-in', csr, '-noout', '-text']);
    const r = ccmkit(['csr', 'parse', '--json', csr]);
    const [o] = jsonLines(r.stdout) as Record<string, any>[];
    expect(o).toBeDefined();
    expect(r.code).toBe(c.ccm ? 0 : 1);

    // Subject: openssl -text prints "C = CN, ST = Sichuan, ..."
    const subj = /Subject: (.+)/.exec(text)![1]!.replace(/ = /g, '=');
    expect(o!.subject).toBe(subj);
    expect(o!.distinguished_name).toEqual({ country: 'CN', state: 'Sichuan', locality: 'Chengdu', organization: 'Example Ltd', organizational_unit: 'IT Ops', common_name: 'www.example.com' });

    const bits = /Public-Key: \((\d+) bit\)/.exec(text);
    if (bits) expect(o!.key_algorithm_length).toBe(Number(bits[1]));
    else expect(o!.key_algorithm_length).toBe(c.bits);
    expect(o!.key_algorithm).toBe(c.alg);
    expect(o!.ccm_key_algorithm).toBe(c.ccm);
    expect(o!.signature_algorithm).toBe(c.sig);
    expect(o!.signature_valid).toBe(true);

    const ours = (o!.subject_alternative_names as { type: string; value: string }[]).map((s) => `${s.type}:${s.value}`);
    expect(ours.map(normIp)).toEqual(opensslSans(text).map(normIp));
    expect(o!.key_usage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(o!.extended_key_usage).toEqual(['serverAuth', 'clientAuth']);

    // Our public key is the one openssl extracts, byte for byte (CCM's \r\n aside).
    const pub = openssl(['req', '-in', csr, '-noout', '-pubkey']);
    expect(String(o!.public_key).replace(/\r\n/g, '\n')).toBe(pub);
    if (!c.ccm) expect((o!.findings as { code: string }[]).map((f) => f.code)).toContain('PCA.00020102');
  });

  it('a CA request reports basicConstraints and a SHA-1 request is outside policy', () => {
    const key = join(tmp.dir, 'ca.key');
    const csr = join(tmp.dir, 'ca.csr');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    openssl(['req', '-new', '-key', key, '-subj', '/CN=Sub CA', '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:2', '-sha1', '-out', csr]);
    const r = ccmkit(['csr', 'parse', '--json', csr]);
    const [o] = jsonLines(r.stdout) as Record<string, any>[];
    expect(o!.basic_constraints).toEqual({ ca: true, path_length: 2 });
    expect(o!.signature_algorithm).toBe('SHA1withECDSA');
    expect(o!.findings.map((f: { code: string }) => f.code)).toEqual(['PCA.00020103']);
    expect(r.code).toBe(1);
  });

  it('accepts a CSR pasted as a CCM request body with escaped \\r\\n', () => {
    const key = join(tmp.dir, 'body.key');
    const csr = join(tmp.dir, 'body.csr');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    openssl(['req', '-new', '-key', key, '-subj', '/CN=body.example.com', '-out', csr]);
    const pemText = openssl(['req', '-in', csr]);
    const body = join(tmp.dir, 'body.json');
    writeFileSync(body, JSON.stringify({ csr: pemText.replace(/\n/g, '\r\n') }));
    const r = ccmkit(['csr', 'parse', '--json', body]);
    const [o] = jsonLines(r.stdout) as Record<string, any>[];
    expect(o!.distinguished_name).toEqual({ common_name: 'body.example.com' });
    expect(r.code).toBe(0);
    // The same body with literal backslash escapes inside a non-JSON text file.
    const raw = join(tmp.dir, 'escaped.txt');
    writeFileSync(raw, pemText.replace(/\n/g, '\\n'));
    expect(jsonLines(ccmkit(['csr', 'parse', '--json', raw]).stdout)[0]!.distinguished_name).toEqual({ common_name: 'body.example.com' });
  });
});
