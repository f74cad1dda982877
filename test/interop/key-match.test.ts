// Keys made by openssl (every container format), pyca/cryptography and Node
// must match their certificates by public key, whatever order and files they
// come in; and nothing else may match.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccmkit, openssl, run, tempDir } from '../helpers/run.js';
import { issue, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const p = (n: string): string => join(tmp.dir, n);

function selfSign(key: string, cert: string, cn: string): void {
  openssl(['req', '-x509', '-new', '-key', key, '-subj', `/CN=${cn}`, '-days', '1', '-out', cert]);
}

beforeAll(() => {
  // openssl: PKCS#8, traditional PKCS#1, SEC1, encrypted PKCS#8, legacy-encrypted PEM, DER.
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', p('rsa8.key')]);
  openssl(['pkey', '-in', p('rsa8.key'), '-traditional', '-out', p('rsa1.key')]);
  selfSign(p('rsa8.key'), p('rsa.crt'), 'rsa');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-out', p('sec1.key')]); // also writes EC PARAMETERS
  selfSign(p('sec1.key'), p('sec1.crt'), 'sec1');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-aes-256-cbc', '-pass', 'pass:s3cret pw', '-out', p('enc.key')]);
  openssl(['req', '-x509', '-new', '-key', p('enc.key'), '-passin', 'pass:s3cret pw', '-subj', '/CN=enc', '-days', '1', '-out', p('enc.crt')]);
  openssl(['genrsa', '-traditional', '-aes128', '-passout', 'pass:legacy', '-out', p('legacy.key'), '2048']);
  openssl(['req', '-x509', '-new', '-key', p('legacy.key'), '-passin', 'pass:legacy', '-subj', '/CN=legacy', '-days', '1', '-out', p('legacy.crt')]);
  openssl(['pkey', '-in', p('sec1.key'), '-outform', 'DER', '-out', p('sec1.der')]);
  openssl(['x509', '-in', p('sec1.crt'), '-outform', 'DER', '-out', p('sec1-crt.der')]);
  // pyca/cryptography
  const py = `
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
import datetime, sys
out = sys.argv[1]
for name, key in (("py-ec", ec.generate_private_key(ec.SECP256R1())), ("py-rsa", rsa.generate_private_key(65537, 2048))):
    n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime(2025, 6, 1)
    c = x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(key.public_key()).serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650)).sign(key, hashes.SHA256())
    open(f"{out}/{name}.key", "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(f"{out}/{name}.crt", "wb").write(c.public_bytes(serialization.Encoding.PEM))
`;
  const r = run('python3', ['-c', py, tmp.dir]);
  if (r.code !== 0) throw new Error(r.stderr);
  // Node
  const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  writeFileSync(p('node.key'), keyPem(k));
  writeFileSync(p('node.crt'), pem('CERTIFICATE', issue({ cn: 'node', key: k }).der));
});

function match(args: string[], env?: NodeJS.ProcessEnv): { code: number; j: any } {
  const r = ccmkit(['key', 'match', '--json', ...args], env ? { env: { ...process.env, ...env } } : {});
  return { code: r.code, j: JSON.parse(r.stdout) };
}

describe('key match', () => {
  it('pairs every key with its certificate across formats and tools, in any order', () => {
    const { code, j } = match(
      [p('node.crt'), p('py-rsa.key'), p('sec1.crt'), p('rsa1.key'), p('py-ec.crt'), p('rsa.crt'), p('sec1.key'), p('node.key'), p('py-rsa.crt'), p('py-ec.key'), p('rsa8.key')],
    );
    expect(j.errors).toEqual([]);
    const pairs = Object.fromEntries(j.pairs.map((x: any) => [x.key, x.certificate]));
    expect(pairs).toEqual({
      [`${p('py-rsa.key')}#1`]: `${p('py-rsa.crt')}#1`,
      [`${p('rsa1.key')}#1`]: `${p('rsa.crt')}#1`,
      // sec1.key holds EC PARAMETERS first: the key is object #2.
      [`${p('sec1.key')}#2`]: `${p('sec1.crt')}#1`,
      [`${p('node.key')}#1`]: `${p('node.crt')}#1`,
      [`${p('py-ec.key')}#1`]: `${p('py-ec.crt')}#1`,
      [`${p('rsa8.key')}#1`]: `${p('rsa.crt')}#1`,
    });
    expect(j.unmatched_keys).toEqual([]);
    expect(j.unmatched_certificates).toEqual([]);
    expect(code).toBe(0);
  });

  it('reads DER keys and certificates', () => {
    const { code, j } = match([p('sec1-crt.der'), p('sec1.der')]);
    expect(j.pairs).toEqual([{ key: `${p('sec1.der')}#1`, certificate: `${p('sec1-crt.der')}#1` }]);
    expect(code).toBe(0);
  });

  it('never matches by name or order: a key without its certificate is unmatched (exit 1)', () => {
    const { code, j } = match([p('rsa8.key'), p('sec1.crt'), p('node.crt')]);
    expect(j.pairs).toEqual([]);
    expect(j.unmatched_keys).toEqual([`${p('rsa8.key')}#1`]);
    expect(j.unmatched_certificates.sort()).toEqual([`${p('node.crt')}#1`, `${p('sec1.crt')}#1`].sort());
    expect(code).toBe(1);
  });

  it('decrypts encrypted PKCS#8 and legacy PEM keys with --passphrase / CCMKIT_PASSPHRASE / --passphrase-file', () => {
    expect(match([p('enc.key'), p('enc.crt'), '--passphrase', 's3cret pw']).code).toBe(0);
    const viaEnv = match([p('enc.key'), p('enc.crt')], { CCMKIT_PASSPHRASE: 's3cret pw' });
    expect(viaEnv.j.pairs).toHaveLength(1);
    writeFileSync(p('pw.txt'), 'legacy\n');
    const legacy = match([p('legacy.key'), p('legacy.crt'), '--passphrase-file', p('pw.txt')]);
    expect(legacy.j.pairs).toEqual([{ key: `${p('legacy.key')}#1`, certificate: `${p('legacy.crt')}#1` }]);
  });

  it('says "wrong password" (and never echoes it) when the password is wrong, and asks for one when absent', () => {
    const r = ccmkit(['key', 'match', p('enc.key'), p('enc.crt'), '--passphrase', 'not-it-XYZ']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Wrong password/);
    expect(r.stdout + r.stderr).not.toContain('not-it-XYZ');
    const none = match([p('enc.key'), p('enc.crt')], { CCMKIT_PASSPHRASE: '' });
    expect(none.code).toBe(1);
    const noPw = ccmkit(['key', 'match', '--json', p('enc.key'), p('enc.crt')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    expect(JSON.parse(noPw.stdout).errors[0].error_code).toBe('CCMKIT.0005');
  });

  it('pairs keys with CSRs too', () => {
    openssl(['req', '-new', '-key', p('node.key'), '-subj', '/CN=node-csr', '-out', p('node.csr')]);
    const { j } = match([p('node.csr'), p('node.key')]);
    expect(j.pairs).toEqual([{ key: `${p('node.key')}#1`, csr: `${p('node.csr')}#1` }]);
  });

  it('catches a corrupt private half whose public half is intact (signing proof)', () => {
    // Flip bits in the private exponent d of a PKCS#1 key: n and e still match the certificate.
    openssl(['pkey', '-in', p('rsa1.key'), '-traditional', '-outform', 'DER', '-out', p('good-rsa.der')]);
    const bytes = readFileSync(p('good-rsa.der'));
    // d starts after version(3) + n(~265) + e(5). Corrupt d and every CRT value: OpenSSL
    // recomputes a bad CRT result with d, so both must be wrong for the key to be useless.
    for (let i = 300; i < bytes.length - 10; i += 40) bytes[i] = bytes[i]! ^ 0x5a;
    writeFileSync(p('bad-rsa.der'), bytes);
    const { code, j } = match([p('bad-rsa.der'), p('rsa.crt')]);
    expect(code).toBe(1);
    expect(j.pairs).toEqual([]);
  });
});
