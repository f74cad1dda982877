// "Every command reads what convert reads" (issue 11, Inputs), through the
// real binary: keystores, PKCS#7 bags and zips given to inspect, key match,
// chain build/verify, validate, crl check, csr parse, export and convert; and
// the per-command work budget refusals of issue 10, item 12. Inputs are made by
// OpenSSL, keytool and Info-ZIP at test time.
import { createHash, createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCode } from '../../src/engine/errors.js';
import { explicit, integer, nullValue, octets, oid, seq } from '../../src/engine/der.js';
import { modifiedUtf8 } from '../../src/engine/jks.js';
import { pbeEncrypt, pbePassword, pkcs12Kdf } from '../../src/engine/pbe.js';
import { certsIn, keyIn, spkiOfKey } from '../helpers/keystores.js';
import { ccmkit, ccmkitAsync, openssl, opensslAsync, ROOT, run, tempDir, unzipWithPython } from '../helpers/run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const f = (n: string): string => join(tmp.dir, n);
const der = (pemFile: string): Buffer => certsIn(readFileSync(pemFile, 'utf8'))[0]!;

function keytool(args: string[]): string {
  const r = run('keytool', args);
  if (r.code !== 0) throw new Error(`keytool ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Runs ccmkit --json and returns the parsed body and exit code. */
function json(args: string[], env?: NodeJS.ProcessEnv): { code: number; body: Record<string, unknown>; stderr: string } {
  const r = ccmkit([...args, '--json'], env ? { env: { ...process.env, ...env } } : {});
  return { code: r.code, body: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
}

/** An OpenSSL-made PKI (root CA -> subordinate CA -> leaf), with the files people hold for it. */
beforeAll(() => {
  writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  writeFileSync(f('leaf.ext'), 'basicConstraints=CA:false\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:shop.example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('root.key'), '-subj', '/O=inputs test/CN=Inputs Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('root.pem')]);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('sub.key'), '-subj', '/O=inputs test/CN=Inputs Sub CA', '-out', f('sub.csr')]);
  openssl(['x509', '-req', '-in', f('sub.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-set_serial', '2', '-days', '3000', '-extfile', f('ca.ext'), '-out', f('sub.pem')]);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-subj', '/O=inputs test/CN=shop.example.com', '-out', f('leaf.csr')]);
  openssl(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('sub.pem'), '-CAkey', f('sub.key'), '-set_serial', '4660', '-days', '2000', '-extfile', f('leaf.ext'), '-out', f('leaf.pem')]);
  writeFileSync(f('chain.pem'), readFileSync(f('sub.pem'), 'utf8') + readFileSync(f('root.pem'), 'utf8'));
  writeFileSync(f('pw.txt'), 'S3cret-pw\n');
  openssl(['pkcs12', '-export', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-certfile', f('chain.pem'), '-name', 'shop', '-passout', 'pass:S3cret-pw', '-out', f('shop.pfx')]);
  keytool(['-importkeystore', '-noprompt', '-srckeystore', f('shop.pfx'), '-srcstoretype', 'PKCS12', '-srcstorepass', 'S3cret-pw', '-destkeystore', f('shop.jks'), '-deststoretype', 'JKS', '-deststorepass', 'S3cret-pw']);
  keytool(['-importcert', '-noprompt', '-alias', 'inputs-root', '-file', f('root.pem'), '-keystore', f('trust.jks'), '-storetype', 'JKS', '-storepass', 'changeit']);
  openssl(['crl2pkcs7', '-nocrl', '-certfile', f('chain.pem'), '-out', f('chain.p7b')]);
  openssl(['crl2pkcs7', '-nocrl', '-certfile', f('leaf.pem'), '-outform', 'DER', '-out', f('leaf.p7b')]);
});

describe('inspect lists keystores like keytool -list -v', () => {
  it('JKS with its password: alias, entry type, chain length and fingerprints agree with keytool', () => {
    const kt = keytool(['-list', '-v', '-keystore', f('shop.jks'), '-storepass', 'S3cret-pw']);
    const { code, body } = json(['inspect', f('shop.jks'), '--passphrase-file', f('pw.txt')]);
    expect(code).toBe(0);
    const ks = (body.objects as { keystore?: { type: string; integrity: string; entries: { alias: string; entry_type: string; chain_length: number; certificates: { sha1: string; sha256: string; owner: string }[] }[] } }[])[0]!.keystore!;
    expect(ks.type).toBe('JKS');
    expect(ks.integrity).toBe('verified');
    expect(ks.entries).toHaveLength(1);
    const e = ks.entries[0]!;
    expect(kt).toContain(`Alias name: ${e.alias}`);
    expect(kt).toContain(`Entry type: ${e.entry_type}`);
    expect(kt).toContain(`Certificate chain length: ${e.chain_length}`);
    expect(e.chain_length).toBe(3);
    for (const c of e.certificates) {
      expect(kt).toContain(`SHA1: ${c.sha1}`);
      expect(kt).toContain(`SHA256: ${c.sha256}`);
    }
    expect(e.certificates[0]!.owner).toMatch(/CN=shop\.example\.com/);
    // The key entry's key is decrypted and listed as an object of its own.
    expect((body.objects as { source: string; kind: string }[]).some((o) => o.kind === 'private-key' && o.source === `${f('shop.jks')}#1/shop`)).toBe(true);
    const human = ccmkit(['inspect', f('shop.jks'), '--passphrase-file', f('pw.txt')]).stdout;
    expect(human).toMatch(/Keystore type: JKS\n/);
    expect(human).toMatch(/Entry type: PrivateKeyEntry\n/);
    expect(human).toMatch(/Certificate\[3\]:/);
  });

  it('a JKS truststore without its password is listed with integrity NOT verified, as keytool lists it', () => {
    const kt = run('keytool', ['-list', '-keystore', f('trust.jks')], { input: '\n' });
    expect(kt.stdout + kt.stderr).toMatch(/has NOT been verified/);
    const r = ccmkit(['inspect', f('trust.jks')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Integrity: NOT verified \(no password given\)/);
    expect(r.stdout).toMatch(/Alias name: inputs-root\n[\s\S]*Entry type: trustedCertEntry/);
  });

  it('a password-less PKCS#12 truststore (keytool, no MAC, plain certificate bags, as newer JDK cacerts) needs no password', () => {
    keytool(['-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE', '-J-Dkeystore.pkcs12.macAlgorithm=NONE', '-importcert', '-noprompt', '-alias', 'inputs-root', '-file', f('root.pem'), '-keystore', f('nopw.p12'), '-storetype', 'PKCS12', '-storepass', 'changeit']);
    const r = ccmkit(['inspect', f('nopw.p12')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Integrity: none \(this file has no MAC/);
    expect(r.stdout).toMatch(/Alias name: inputs-root\n[\s\S]*Entry type: trustedCertEntry/);
    const b = ccmkit(['chain', 'build', f('leaf.pem'), f('sub.pem'), '--roots', f('nopw.p12')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    expect(b.code, b.stderr).toBe(0);
    expect(certsIn(b.stdout)).toEqual([der(f('leaf.pem')), der(f('sub.pem')), der(f('root.pem'))]);
  });

  it('PFX, PKCS#7 (PEM and DER), JCEKS with a secret key: each opened, nothing refused', () => {
    keytool(['-genseckey', '-alias', 'aes-key', '-keyalg', 'AES', '-keysize', '128', '-keystore', f('mixed.jceks'), '-storetype', 'JCEKS', '-storepass', 'S3cret-pw', '-keypass', 'S3cret-pw']);
    keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', f('root.pem'), '-keystore', f('mixed.jceks'), '-storetype', 'JCEKS', '-storepass', 'S3cret-pw']);
    const { code, body } = json(['inspect', f('shop.pfx'), f('chain.p7b'), f('leaf.p7b'), f('mixed.jceks'), '--passphrase-file', f('pw.txt')]);
    expect(code).toBe(0);
    expect(body.errors).toEqual([]);
    const stores = (body.objects as { kind: string; keystore?: { type: string; entries: { alias: string; entry_type: string }[]; notes: string[] } }[]).filter((o) => o.keystore);
    expect(stores.map((s) => s.keystore!.type)).toEqual(['PKCS12', 'PKCS7', 'PKCS7', 'JCEKS']);
    expect(stores[0]!.keystore!.entries.map((e) => [e.alias, e.entry_type])).toEqual([['shop', 'PrivateKeyEntry']]);
    expect(stores[3]!.keystore!.entries.map((e) => [e.alias, e.entry_type]).sort()).toEqual([
      ['aes-key', 'SecretKeyEntry'],
      ['root', 'trustedCertEntry'],
    ]);
    expect(stores[3]!.keystore!.notes.join(' ')).toMatch(/secret-key entry "aes-key" skipped/);
  });

  it('a PFX without its password is a clear "password required", exit 1, other files still listed', () => {
    const r = json(['inspect', f('shop.pfx'), f('leaf.pem')], { CCMKIT_PASSPHRASE: '' });
    // An empty $CCMKIT_PASSPHRASE counts as unset (docs/conventions.md): "password required", as with none.
    expect(r.code).toBe(1);
    expect((r.body.errors as { error_code: string }[]).map((e) => e.error_code)).toEqual([LocalCode.PASSWORD_REQUIRED]);
    const n = ccmkit(['inspect', '--json', f('shop.pfx'), f('leaf.pem')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    const body = JSON.parse(n.stdout) as { objects: { kind: string }[]; errors: { error_code: string }[] };
    expect(n.code).toBe(1);
    expect(body.errors.map((e) => e.error_code)).toEqual([LocalCode.PASSWORD_REQUIRED]);
    expect(body.objects.map((o) => o.kind)).toEqual(['certificate']);
  });
});

describe('keystores everywhere', () => {
  it('key match pairs the key and certificate inside a PFX and a JKS', () => {
    for (const store of ['shop.pfx', 'shop.jks']) {
      const { code, body } = json(['key', 'match', f(store), '--passphrase-file', f('pw.txt')]);
      expect(code, store).toBe(0);
      expect((body.pairs as { key: string; certificate: string }[]).length).toBe(1);
    }
  });

  it('chain build and verify take a PFX, a p7b and a JKS truststore (no password) as leaf, bag and roots', () => {
    const b = ccmkit(['chain', 'build', f('leaf.p7b'), f('chain.p7b'), '--roots', f('trust.jks')]);
    expect(b.code, b.stderr).toBe(0);
    expect(certsIn(b.stdout)).toEqual([der(f('leaf.pem')), der(f('sub.pem')), der(f('root.pem'))]);
    const v = json(['chain', 'verify', f('shop.pfx'), '--roots', f('trust.jks'), '--passphrase-file', f('pw.txt'), '--hostname', 'shop.example.com']);
    expect(v.code, JSON.stringify(v.body)).toBe(0);
    expect(v.body.valid).toBe(true);
    expect((v.body.chain as { subject: string }[])[0]!.subject).toMatch(/shop\.example\.com/);
  });

  it('validate scm-import takes a PFX alone (leaf, chain and key from it) and a p7b with a key file', () => {
    const a = json(['validate', 'scm-import', '--name', 'shop_1', '--certificate', f('shop.pfx'), '--passphrase-file', f('pw.txt')]);
    expect(a.code, JSON.stringify(a.body)).toBe(0);
    expect(a.body.valid).toBe(true);
    const b = json(['validate', 'scm-import', '--name', 'shop_1', '--certificate', f('leaf.p7b'), '--certificate-chain', f('chain.p7b'), '--private-key', f('leaf.key')]);
    expect(b.code, JSON.stringify(b.body)).toBe(0);
    // A wrong key inside a keystore is still SCM.0014.
    const c = json(['validate', 'scm-import', '--name', 'shop_1', '--certificate', f('leaf.p7b'), '--private-key', f('sub.key')]);
    expect(c.body.error_code).toBe('SCM.0014');
  });

  it('validate pca-import-ca reads the CA certificate and its chain from PKCS#7 bags', () => {
    openssl(['crl2pkcs7', '-nocrl', '-certfile', f('sub.pem'), '-out', f('sub.p7b')]);
    openssl(['crl2pkcs7', '-nocrl', '-certfile', f('root.pem'), '-outform', 'DER', '-out', f('root.p7b')]);
    const r = json(['validate', 'pca-import-ca', '--csr', f('sub.csr'), '--certificate', f('sub.p7b'), '--certificate-chain', f('root.p7b')]);
    expect(r.code, JSON.stringify(r.body)).toBe(0);
    expect(r.body.valid).toBe(true);
  });

  it('crl check takes the certificate from a PFX, the CRL from a PKCS#7 bag and the CA from a JKS', () => {
    writeFileSync(f('revoked.csv'), 'serial,revoked_at,reason\n1234,2025-05-01T10:00:00Z,KEY_COMPROMISE\n');
    const c = ccmkit(['crl', 'build', '--ca-cert', f('sub.pem'), '--ca-key', f('sub.key'), '--revoked', f('revoked.csv'), '--crl-number', '7', '--valid-days', '7', '--at', new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'), '--out', f('sub.crl')]);
    expect(c.code, c.stderr).toBe(0);
    openssl(['crl2pkcs7', '-in', f('sub.crl'), '-certfile', f('sub.pem'), '-out', f('crl.p7b')]);
    keytool(['-importcert', '-noprompt', '-alias', 'sub', '-file', f('sub.pem'), '-keystore', f('sub.jks'), '-storetype', 'JKS', '-storepass', 'changeit']);
    const r = json(['crl', 'check', '--crl', f('crl.p7b'), '--certificate', f('leaf.p7b'), '--ca-cert', f('sub.jks')]);
    expect(r.code, JSON.stringify(r.body)).toBe(1);
    expect(r.body.status).toBe('revoked');
    expect(r.body.reason).toBe('KEY_COMPROMISE');
  });

  it('csr parse reads a zip of CSRs, skipping the readme and saying so', () => {
    const d = f('csrs.d');
    run('mkdir', ['-p', d]);
    writeFileSync(join(d, 'README.txt'), 'two CSRs for the web team\n');
    writeFileSync(join(d, 'leaf.csr'), readFileSync(f('leaf.csr')));
    writeFileSync(join(d, 'sub.csr'), readFileSync(f('sub.csr')));
    expect(run('sh', ['-c', `cd "${d}" && zip -q "${f('csrs.zip')}" README.txt leaf.csr sub.csr`]).code).toBe(0);
    const r = ccmkit(['csr', 'parse', f('csrs.zip')]);
    expect(r.stdout.match(/CSR OK/g)).toHaveLength(2);
    expect(r.stderr).toMatch(/csrs\.zip:README\.txt skipped/);
  });

  it('export takes a PFX holding the key and packs it; the key in the zip is the PFX key', () => {
    const out = f('exp');
    const r = ccmkit(['export', '--type', 'NGINX', '--certificate', f('shop.pfx'), '--passphrase-file', f('pw.txt'), '--name', 'shop', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const files = unzipWithPython(join(out, 'shop_nginx.zip'));
    expect(spkiOfKey(keyIn(files['server.key']!.toString()))).toEqual(spkiOfKey(readFileSync(f('leaf.key'))));
    expect(certsIn(files['server.crt']!.toString())).toEqual([der(f('leaf.pem')), der(f('sub.pem')), der(f('root.pem'))]);
  });
});

describe('convert --to p7b', () => {
  it('writes leaf then chain (PEM and DER) that openssl pkcs7 -print_certs reads; a truststore in input order', () => {
    const pem = ccmkit(['convert', f('shop.jks'), '--passphrase-file', f('pw.txt'), '--to', 'p7b', '-o', f('out.p7b')]);
    expect(pem.code, pem.stderr).toBe(0);
    expect(readFileSync(f('out.p7b'), 'utf8')).toMatch(/^-----BEGIN PKCS7-----/);
    expect(certsIn(openssl(['pkcs7', '-in', f('out.p7b'), '-print_certs']))).toEqual([der(f('leaf.pem')), der(f('sub.pem')), der(f('root.pem'))]);
    const d = ccmkit(['convert', f('shop.pfx'), '--passphrase-file', f('pw.txt'), '--to', 'p7b', '--format', 'der', '-o', f('out.der.p7b')]);
    expect(d.code, d.stderr).toBe(0);
    expect(certsIn(openssl(['pkcs7', '-inform', 'DER', '-in', f('out.der.p7b'), '-print_certs']))).toEqual([der(f('leaf.pem')), der(f('sub.pem')), der(f('root.pem'))]);
    keytool(['-importcert', '-noprompt', '-alias', 'sub', '-file', f('sub.pem'), '-keystore', f('two.jks'), '-storetype', 'JKS', '-storepass', 'changeit']);
    keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', f('root.pem'), '-keystore', f('two.jks'), '-storetype', 'JKS', '-storepass', 'changeit']);
    const t = ccmkit(['convert', f('two.jks'), '--to', 'p7b']);
    expect(t.code, t.stderr).toBe(0);
    expect(certsIn(openssl(['pkcs7', '-print_certs'], { input: t.stdout })).sort(Buffer.compare)).toEqual([der(f('sub.pem')), der(f('root.pem'))].sort(Buffer.compare));
    expect(ccmkit(['convert', f('shop.pfx'), '--to', 'p7b', '--format', 'der']).code).toBe(2);
  });

  it('Windows BER PFX with duplicate bags and a PBMAC1-free legacy profile convert to PEM as OpenSSL reads them', () => {
    openssl(['pkcs12', '-export', '-legacy', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-certfile', f('chain.pem'), '-passout', 'pass:pw', '-certpbe', 'NONE', '-out', f('win-src.pfx')]);
    expect(run('python3', [join(ROOT, 'test/helpers/ber_pfx.py'), f('win-src.pfx'), f('win.pfx'), 'pw', '--duplicate']).code).toBe(0);
    openssl(['pkcs12', '-in', f('win.pfx'), '-passin', 'pass:pw', '-nodes', '-noout', '-legacy']);
    const out = f('win-pem');
    const r = ccmkit(['convert', f('win.pfx'), '--passphrase', 'pw', '--to', 'pem', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(certsIn(readFileSync(join(out, 'server.crt'), 'utf8'))).toEqual([der(f('leaf.pem'))]);
    expect(certsIn(readFileSync(join(out, 'chain.crt'), 'utf8'))).toEqual([der(f('sub.pem')), der(f('root.pem'))]);
  });
});

describe('one work budget per command (about 5 s), refused with CCMKIT.0007 exit 1', () => {
  const refused = (r: { code: number; stdout: string }): void => {
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { error_code?: string; error_msg?: string; errors?: { error_code: string; error_msg: string }[] };
    const e = body.errors?.[0] ?? body;
    expect(e.error_code).toBe(LocalCode.UNSUPPORTED);
    expect(e.error_msg).toMatch(/refused before deriving/);
  };

  it('a JCEKS key entry at 5,000,000 MD5 rounds (keytool-made)', async () => {
    keytool(['-J-Djdk.jceks.iterationCount=5000000', '-genkeypair', '-alias', 'k', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=x', '-keystore', f('5m.jceks'), '-storetype', 'JCEKS', '-storepass', 'S3cret-pw', '-keypass', 'S3cret-pw']);
    refused(await ccmkitAsync(['key', 'match', '--json', f('5m.jceks'), '--passphrase-file', f('pw.txt')]));
  });

  it('a PKCS#12 with a 5M-round SHA-512 MAC (and 5M-round bags), and a zip of three MAC-only ones', { timeout: 180_000 }, async () => {
    // Asynchronous subprocesses: millions of rounds must not block the test worker.
    await opensslAsync(['pkcs12', '-export', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-passout', 'pass:S3cret-pw', '-macalg', 'sha512', '-iter', '5000000', '-out', f('5m.pfx')]);
    refused(await ccmkitAsync(['convert', '--json', f('5m.pfx'), '--passphrase-file', f('pw.txt'), '--to', 'scm-import', '--name', 'x_1']));
    // MAC only (plaintext bags): one file fits the budget, the second is refused.
    await opensslAsync(['pkcs12', '-export', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-passout', 'pass:S3cret-pw', '-macalg', 'sha512', '-iter', '5000000', '-keypbe', 'NONE', '-certpbe', 'NONE', '-out', f('mac5m.pfx')]);
    const d = f('z3.d');
    run('mkdir', ['-p', d]);
    for (const n of ['a', 'b', 'c']) writeFileSync(join(d, `${n}.pfx`), readFileSync(f('mac5m.pfx')));
    writeFileSync(join(d, 'keystorePass.txt'), 'S3cret-pw');
    expect(run('sh', ['-c', `cd "${d}" && zip -q "${f('three.zip')}" a.pfx b.pfx c.pfx keystorePass.txt`]).code).toBe(0);
    const r = await ccmkitAsync(['inspect', '--json', f('three.zip')], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
    refused(r);
    const body = JSON.parse(r.stdout) as { errors: { source: string }[] };
    expect(body.errors.map((e) => e.source)).toEqual([`${f('three.zip')}:b.pfx#1`, `${f('three.zip')}:c.pfx#1`]);
  });

  it('eight 4M-round key bags in one PFX: the fifth is refused', { timeout: 180_000 }, async () => {
    // Four valid bags (the same one: exact duplicates are folded afterwards) cost 4 x 12M units; the fifth is refused before deriving.
    const pw = pbePassword('S3cret-pw');
    const key = createPrivateKey(readFileSync(f('leaf.key'))).export({ type: 'pkcs8', format: 'der' });
    const enc = pbeEncrypt('legacy', key, pw, 4_000_000, randomBytes);
    const valid = seq(oid('1.2.840.113549.1.12.10.1.2'), explicit(0, seq(enc.alg, octets(enc.ciphertext))));
    const bags = [valid, valid, valid, valid, ...[1, 2, 3, 4].map(() => seq(oid('1.2.840.113549.1.12.10.1.2'), explicit(0, seq(enc.alg, octets(randomBytes(enc.ciphertext.length))))))];
    const authSafe = seq(seq(oid('1.2.840.113549.1.7.1'), explicit(0, octets(seq(...bags)))));
    const salt = randomBytes(8);
    const mac = createHmac('sha1', pkcs12Kdf('sha1', pw.bmp, salt, 3, 1, 20)).update(authSafe).digest();
    writeFileSync(f('8bags.pfx'), seq(integer(3), seq(oid('1.2.840.113549.1.7.1'), explicit(0, octets(authSafe))), seq(seq(seq(oid('1.3.14.3.2.26'), nullValue()), octets(mac)), octets(salt), integer(1))));
    // OpenSSL agrees the file is well-formed up to the bags: its MAC verifies.
    openssl(['pkcs12', '-in', f('8bags.pfx'), '-passin', 'pass:S3cret-pw', '-noout', '-info', '-nokeys', '-nocerts']);
    refused(await ccmkitAsync(['key', 'match', '--json', f('8bags.pfx'), '--passphrase-file', f('pw.txt')]));
  });

  it('a JKS with a 60 MB key entry is refused before decrypting (CCMKIT.0003)', () => {
    const huge = 60 * 1024 * 1024;
    const head = Buffer.alloc(16);
    head.writeUInt32BE(0xfeedfeed, 0);
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(1, 8);
    head.writeUInt32BE(1, 12);
    const lens = Buffer.alloc(12);
    lens.writeUInt32BE(huge, 8);
    const body = Buffer.concat([head, modifiedUtf8('big'), lens, Buffer.alloc(huge, 1), Buffer.alloc(4)]);
    writeFileSync(f('big.jks'), Buffer.concat([body, createHash('sha1').update(Buffer.from('S3cret-pw', 'utf16le').swap16()).update('Mighty Aphrodite').update(body).digest()]));
    const r = json(['convert', f('big.jks'), '--passphrase-file', f('pw.txt'), '--to', 'scm-import', '--name', 'x_1']);
    expect(r.code).toBe(1);
    expect(r.body.error_code).toBe(LocalCode.INPUT_TOO_LARGE);
  });
});
