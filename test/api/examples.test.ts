// Every example in examples/ runs here, on a PKI openssl makes at test time,
// and its output is judged (by openssl where there is something to judge).
// The examples import 'ccmkit' by name, as users do; tsx resolves it to the
// sources through tsconfig.json's paths (the packed package is tried in
// consumer.test.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, ROOT, run, tempDir, type RunResult } from '../helpers/run.js';
import { startEmu } from '../helpers/sync.js';

const EXAMPLES = join(ROOT, 'examples');
const tested = new Set<string>();

/** Runs examples/NAME.ts with `args`, in `cwd`. */
function example(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunResult {
  tested.add(`${name}.ts`);
  // --tsconfig: the repository's paths ('ccmkit' -> src), whatever the working folder.
  return run(join(ROOT, 'node_modules/.bin/tsx'), ['--tsconfig', join(ROOT, 'tsconfig.json'), join(EXAMPLES, `${name}.ts`), ...args], { cwd, env: { ...process.env, ...env } });
}

let tmp: { dir: string; cleanup: () => void };
let d: string;
const file = (n: string): string => join(d, n);
const pem = (n: string): string => readFileSync(file(n), 'utf8');

beforeAll(() => {
  tmp = tempDir('ccmkit-examples-');
  d = tmp.dir;
  // root -> intermediate -> leaf, EC P-256, as a private CA issues them.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', file('root.key'), '-out', file('root.pem'), '-days', '3650', '-subj', '/O=Example/CN=Example Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', file('int.key'), '-out', file('int.csr'), '-subj', '/O=Example/CN=Example Issuing CA']);
  writeFileSync(file('int.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(['x509', '-req', '-in', file('int.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-CAcreateserial', '-out', file('int.pem'), '-days', '1825', '-extfile', file('int.ext')]);
  openssl(['req', ...ec, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/O=Example/CN=www.example.com']);
  writeFileSync(file('leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(['x509', '-req', '-in', file('leaf.csr'), '-CA', file('int.pem'), '-CAkey', file('int.key'), '-CAcreateserial', '-out', file('leaf.pem'), '-days', '365', '-extfile', file('leaf.ext')]);
});

afterAll(() => tmp.cleanup());

describe('examples/', () => {
  it('preflight-scm-import: a good body is accepted (exit 0); the wrong key is SCM.0014 (exit 1)', () => {
    const ok = example('preflight-scm-import', ['--name', 'www_example', 'leaf.pem', 'int.pem', 'leaf.key'], d);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^CCM would accept this body \(HTTP 200\)/);
    const bad = example('preflight-scm-import', ['--name', 'www_example', 'leaf.pem', 'int.pem', 'int.key'], d);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^CCM would answer HTTP 400 SCM\.0014: /);
    // A JSON body file works the same.
    writeFileSync(file('body.json'), JSON.stringify({ name: 'x', certificate: pem('leaf.pem'), private_key: pem('leaf.key') }));
    const shortName = example('preflight-scm-import', ['body.json'], d);
    expect(shortName.code).toBe(1);
    expect(shortName.stdout).toMatch(/SCM\.0032/);
  });

  it("parse-csr: CCM's fields for an openssl CSR; a file that is no CSR exits 1", () => {
    const r = example('parse-csr', ['leaf.csr'], d);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim());
    expect(report).toMatchObject({ source: 'leaf.csr#1', key_algorithm: 'EC', key_algorithm_length: 256, ccm_key_algorithm: 'EC256', signature_algorithm: 'SHA256withECDSA', signature_valid: true });
    expect(report.distinguished_name).toEqual({ organization: 'Example', common_name: 'www.example.com' });
    // The public key CCM returns is the CSR's, as openssl prints it (CCM's \r\n line breaks).
    const spki = openssl(['req', '-in', file('leaf.csr'), '-noout', '-pubkey']);
    expect(report.public_key.replace(/\r\n/g, '\n')).toBe(spki);
    writeFileSync(file('junk.csr'), 'not a CSR at all');
    const junk = example('parse-csr', ['junk.csr'], d);
    expect(junk.code).toBe(1);
    expect(JSON.parse(junk.stdout.trim())).toMatchObject({ status: 400, error_code: 'CCMKIT.0004' });
  });

  it('build-chain: a shuffled bag becomes leaf + intermediate > root, which openssl verifies', () => {
    writeFileSync(file('bag.pem'), pem('root.pem') + pem('leaf.pem') + pem('int.pem') + pem('root.pem'));
    const r = example('build-chain', ['bag.pem'], d);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim());
    expect(line).toMatchObject({ leaf: 'bag.pem#2', complete: true, valid: true, anchor: 'self-signed-in-input' });
    expect(line.certificate).toBe(pem('leaf.pem'));
    expect(line.certificate_chain).toBe(pem('int.pem') + pem('root.pem'));
    writeFileSync(file('chain-out.pem'), line.certificate_chain);
    expect(openssl(['verify', '-CAfile', file('root.pem'), '-untrusted', file('chain-out.pem'), file('leaf.pem')])).toMatch(/OK/);
    // Without the intermediate the chain stops short and names what is missing.
    const short = example('build-chain', ['leaf.pem', '--roots', 'root.pem'], d);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/missing issuer: O=Example, CN=Example Issuing CA/);
  });

  it("export-bundle: NGINX's zip holds the key and the leaf with its chain; the key is the certificate's", () => {
    const r = example('export-bundle', ['NGINX', '.', 'leaf.pem', 'int.pem', 'leaf.key'], d);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('www.example.com_nginx.zip');
    const zip = file('www.example.com_nginx.zip');
    expect(run('unzip', ['-Z1', zip]).stdout.split('\n').filter(Boolean)).toEqual(['server.key', 'server.crt']);
    const crt = run('unzip', ['-p', zip, 'server.crt']).stdout;
    expect(crt).toBe(pem('leaf.pem') + pem('int.pem'));
    writeFileSync(file('server.key'), run('unzip', ['-p', zip, 'server.key']).stdout);
    expect(openssl(['pkey', '-in', file('server.key'), '-pubout'])).toBe(openssl(['x509', '-in', file('leaf.pem'), '-noout', '-pubkey']));
    // IIS from a PFX: the password comes from the environment; openssl reads the PFX with keystorePass.txt.
    openssl(['pkcs12', '-export', '-in', file('leaf.pem'), '-inkey', file('leaf.key'), '-certfile', file('int.pem'), '-passout', 'pass:changeit', '-out', file('leaf.pfx')]);
    const iis = example('export-bundle', ['iis', '.', 'leaf.pfx'], d, { KEYSTORE_PASSWORD: 'changeit' });
    expect(iis.code).toBe(0);
    expect(run('unzip', ['-o', '-q', file('www.example.com_iis.zip'), '-d', file('iis')]).code).toBe(0);
    const pass = readFileSync(file('iis/keystorePass.txt'), 'utf8');
    expect(pass).toMatch(/^[A-Za-z0-9]{20}$/);
    // CCM's IIS profile is the legacy one (3DES, RC2-40) that Windows Server 2016 imports: OpenSSL 3 reads it with -legacy.
    const certs = openssl(['pkcs12', '-legacy', '-in', file('iis/server.pfx'), '-passin', `pass:${pass}`, '-nokeys']);
    expect(certs).toContain(pem('leaf.pem').trim());
    expect(certs).toContain(pem('int.pem').trim());
  });

  it('build-crl: the CRL openssl reads lists the serials with their reasons; the leaf is revoked for openssl too', () => {
    const serial = openssl(['x509', '-in', file('leaf.pem'), '-noout', '-serial']).trim().split('=')[1]!;
    writeFileSync(file('revoked.csv'), `1A2B,2025-05-01T00:00:00Z,KEY_COMPROMISE\n${serial},2025-05-02T00:00:00Z,SUPERSEDED\n`);
    const r = example('build-crl', ['int.pem', 'int.key', 'revoked.csv', '3', 'int.crl', 'leaf.pem'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^int\.crl: CRL #3, 2 revoked, SHA256withECDSA/);
    expect(r.stdout).toContain('leaf.pem: revoked (SUPERSEDED)');
    const text = openssl(['crl', '-in', file('int.crl'), '-noout', '-text']);
    expect(text).toMatch(/Serial Number: 1A2B\s+Revocation Date: May {2}1 00:00:00 2025 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(openssl(['crl', '-in', file('int.crl'), '-noout', '-CAfile', file('int.pem'), '-verify'], {})).toBe('');
    writeFileSync(file('ca-bundle.pem'), pem('root.pem') + pem('int.pem'));
    const v = run('openssl', ['verify', '-crl_check', '-CAfile', file('ca-bundle.pem'), '-CRLfile', file('int.crl'), file('leaf.pem')]);
    expect(v.code).not.toBe(0);
    expect(v.stdout + v.stderr).toMatch(/certificate revoked/);
  });

  it("make-csr: a new key's CSR in an SCM upload body; openssl verifies the CSR's signature", () => {
    const r = example('make-csr', ['shop.example.com', 'example.com'], d);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('CSR for O=Example, CN=shop.example.com: EC256, SHA256withECDSA, SANs shop.example.com, example.com');
    const body = JSON.parse(lines.find((l) => l.startsWith('{'))!);
    expect(body.name).toBe('shop.example.com');
    writeFileSync(file('made.csr'), body.csr);
    const v = run('openssl', ['req', '-in', file('made.csr'), '-noout', '-verify', '-text']);
    expect(v.stdout + v.stderr).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(v.stdout).toMatch(/DNS:shop\.example\.com, DNS:example\.com/);
    expect(lines[lines.length - 1]).toBe('SCM would accept this upload');
  });

  it('convert-pfx: an openssl PFX becomes an SCM import body with the same leaf, chain and key; a wrong password exits 1', () => {
    openssl(['pkcs12', '-export', '-in', file('leaf.pem'), '-inkey', file('leaf.key'), '-certfile', file('int.pem'), '-passout', 'pass:changeit', '-out', file('conv.pfx')]);
    const r = example('convert-pfx', ['conv.pfx', 'www_example'], d, { KEYSTORE_PASSWORD: 'changeit' });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.name).toBe('www_example');
    expect(body.certificate).toBe(pem('leaf.pem'));
    expect(body.certificate_chain).toBe(pem('int.pem'));
    writeFileSync(file('conv.key'), body.private_key);
    expect(openssl(['pkey', '-in', file('conv.key'), '-pubout'])).toBe(openssl(['pkey', '-in', file('leaf.key'), '-pubout']));
    const wrong = example('convert-pfx', ['conv.pfx', 'www_example'], d, { KEYSTORE_PASSWORD: 'not-it' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe('wrong KEYSTORE_PASSWORD');
  });

  it('scm-import: against the emulator, signed with the AK/SK: imported, then found (no duplicate); refused offline and by SCM', async () => {
    const emu = await startEmu();
    try {
      const key = emu.credentials.access_keys.find((k) => k.security_token === undefined)!;
      const env = { HUAWEICLOUD_SDK_AK: key.access, HUAWEICLOUD_SDK_SK: key.secret, HUAWEICLOUD_SDK_DOMAIN_ID: emu.credentials.domain_id };
      const args = ['--endpoint', emu.url, '--name', 'www_example', 'leaf.pem', 'int.pem', 'leaf.key'];
      const first = example('scm-import', args, d, env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const id = /^imported: (\S+) \(www\.example\.com, /.exec(first.stdout)?.[1];
      expect(id).toBeTruthy();
      const again = example('scm-import', args, d, env);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^already in SCM: ${id} `));
      expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(1);
      // The wrong key: the pre-flight refuses it and nothing is sent.
      const wrongKey = example('scm-import', ['--endpoint', emu.url, 'leaf.pem', 'int.pem', 'int.key'], d, env);
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stdout).toMatch(/^not sent: SCM would answer HTTP 400 SCM\.0014: /);
      expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(1);
      // A wrong SK: the gateway's refusal, as a RemoteError with its code; the secret is never printed.
      const wrongSk = example('scm-import', args, d, { ...env, HUAWEICLOUD_SDK_SK: 'not-the-secret-key' });
      expect(wrongSk.code).toBe(1);
      expect(wrongSk.stdout).toMatch(/^SCM refused: HTTP 401 APIGW\.\d+ \(X-Request-Id /);
      expect(wrongSk.stdout + wrongSk.stderr).not.toContain(key.secret);
    } finally {
      await emu.stop();
    }
  }, 180_000);

  it('every example in examples/ is run by this file', () => {
    const all = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts'));
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((f) => !tested.has(f))).toEqual([]);
  });
});
