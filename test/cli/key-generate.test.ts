// `ccmkit key generate`: real keys that OpenSSL accepts, files written 0600
// and never half-written, secrets never taken from the command line.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../src/engine/privatekey.js';
import { parsePem } from '../../src/engine/pem.js';
import { ccmkit, openssl, run, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-keygen-');
afterAll(tmp.cleanup);
const f = (name: string): string => join(tmp.dir, name);
const mode = (p: string): number => statSync(p).mode & 0o777;

const CASES = [
  { alg: 'RSA2048', format: 'pkcs8', label: 'PRIVATE KEY', type: 'RSA', text: 'Private-Key: (2048 bit, 2 primes)' },
  { alg: 'RSA2048', format: 'pkcs1', label: 'RSA PRIVATE KEY', type: 'RSA', text: 'Private-Key: (2048 bit, 2 primes)' },
  { alg: 'RSA4096', format: 'pkcs8', label: 'PRIVATE KEY', type: 'RSA', text: 'Private-Key: (4096 bit, 2 primes)' },
  { alg: 'EC256', format: 'pkcs8', label: 'PRIVATE KEY', type: 'EC', text: 'NIST CURVE: P-256' },
  { alg: 'EC256', format: 'sec1', label: 'EC PRIVATE KEY', type: 'EC', text: 'NIST CURVE: P-256' },
  { alg: 'EC384', format: 'pkcs8', label: 'PRIVATE KEY', type: 'EC', text: 'NIST CURVE: P-384' },
  { alg: 'EC384', format: 'sec1', label: 'EC PRIVATE KEY', type: 'EC', text: 'NIST CURVE: P-384' },
] as const;

describe('key generate', () => {
  it.each(CASES)('$alg as $format: openssl pkey -check accepts it with the expected type and size; mode 0600', ({ alg, format, label, text }) => {
    const p = f(`${alg}-${format}.key`);
    const r = ccmkit(['key', 'generate', '--algorithm', alg, '--format', format, '--out', p]);
    expect(r.code, r.stderr).toBe(0);
    expect(mode(p)).toBe(0o600);
    const pem = readFileSync(p, 'utf8');
    expect(parsePem(pem).map((b) => b.label)).toEqual([label]);
    const check = openssl(['pkey', '-in', p, '-check', '-noout', '-text']);
    expect(check).toContain('Key is valid');
    expect(check).toContain(text);
    // ccmkit's own parser classifies it the same way.
    const k = parsePrivateKey(parsePem(pem)[0]!.der);
    expect(k.format).toBe(format);
    expect(k.publicKey.bits).toBe(Number(alg.replace(/\D/g, '')));
  });

  it.each(['RSA2048', 'EC256', 'EC384'])('--encrypt writes PBES2/PBKDF2/AES-256-CBC PKCS#8 that openssl pkey -passin decrypts (%s)', (alg) => {
    const p = f(`enc-${alg}.key`);
    const r = ccmkit(['key', 'generate', '--algorithm', alg, '--encrypt', '--out', p], { env: { ...process.env, CCMKIT_OUT_PASSWORD: 'correct horse battery' } });
    expect(r.code, r.stderr).toBe(0);
    expect(mode(p)).toBe(0o600);
    const pem = readFileSync(p, 'utf8');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const asn1 = openssl(['asn1parse', '-in', p]);
    expect(asn1).toContain(':PBES2');
    expect(asn1).toContain(':PBKDF2');
    expect(asn1).toContain(':hmacWithSHA256');
    expect(asn1).toContain(':aes-256-cbc');
    const out = openssl(['pkey', '-in', p, '-passin', 'pass:correct horse battery', '-check', '-noout']);
    expect(out).toContain('Key is valid');
    expect(run('openssl', ['pkey', '-in', p, '-passin', 'pass:wrong', '-noout']).code).not.toBe(0);
    // pyca/cryptography, a second independent reader of PBES2.
    const py = run('python3', ['-c', 'import sys; from cryptography.hazmat.primitives.serialization import load_pem_private_key as l; k = l(open(sys.argv[1], "rb").read(), sys.argv[2].encode()); print(k.key_size)', p, 'correct horse battery']);
    expect(py.code, py.stderr).toBe(0);
    expect(py.stdout.trim()).toBe(alg.replace(/\D/g, ''));
    const k = parsePrivateKey(parsePem(pem)[0]!.der, { password: 'correct horse battery' });
    expect(k.encryption?.scheme).toBe('PBES2/PBKDF2/AES-256-CBC');
    expect(k.encryption?.iterations).toBe(600_000);
  });

  it('a non-ASCII passphrase is used as UTF-8, as OpenSSL reads it', () => {
    const p = f('enc-utf8.key');
    const env = { ...process.env, CCMKIT_OUT_PASSWORD: 'pässwörd 证书' };
    expect(ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--out', p], { env }).code).toBe(0);
    const r = run('openssl', ['pkey', '-in', p, '-passin', 'env:CCMKIT_OUT_PASSWORD', '-check', '-noout'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Key is valid');
  });

  it('--out-password-file reads the first line; the key decrypts with exactly that line', () => {
    const pf = f('pass.txt');
    writeFileSync(pf, 'line one secret\nsecond line ignored\n');
    const p = f('enc-file.key');
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--out-password-file', pf, '--out', p], { env: { ...process.env, CCMKIT_OUT_PASSWORD: 'not this one' } });
    expect(r.code, r.stderr).toBe(0);
    expect(openssl(['pkey', '-in', p, '-passin', `file:${pf}`, '-check', '-noout'])).toContain('Key is valid');
  });

  it('--out-password on the command line works but warns once on stderr, without echoing the value', () => {
    const p = f('argv.key');
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--out-password', 'argv-s3cret', '--out', p]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/warning: --out-password on the command line is visible to other users/g)).toHaveLength(1);
    expect(r.stderr).toContain('--out-password-file');
    expect(r.stderr + r.stdout).not.toContain('argv-s3cret');
    expect(openssl(['pkey', '-in', p, '-passin', 'pass:argv-s3cret', '-check', '-noout'])).toContain('Key is valid');
  });

  it.each([['--passphrase', 'x'], ['--password', 'x']])('%s (the secret that opens inputs) is not the new key\'s password: usage error, nothing written', (...flag) => {
    const p = f('never.key');
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', ...flag, '--out', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CCMKIT\.0001: unknown option --pass\w+/);
    expect(r.stderr).toContain('--out-password-file');
    expect(existsSync(p)).toBe(false);
  });

  it('--encrypt without any password source (and no terminal) is a usage error and writes nothing', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CCMKIT_PASSPHRASE: 'opens inputs only' };
    delete env.CCMKIT_OUT_PASSWORD;
    const p = f('nopass.key');
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--out', p], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--encrypt needs a password: --out-password-file F, $CCMKIT_OUT_PASSWORD');
    expect(r.stderr).toContain('$CCMKIT_PASSPHRASE opens inputs');
    expect(existsSync(p)).toBe(false);
  });

  it('refuses to overwrite without --force; --force replaces the file and the new one is 0600', () => {
    const p = f('exists.key');
    writeFileSync(p, 'precious', { mode: 0o644 });
    chmodSync(p, 0o644);
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists; give --force to replace it');
    expect(readFileSync(p, 'utf8')).toBe('precious');
    const r2 = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', p, '--force']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(mode(p)).toBe(0o600);
    expect(openssl(['pkey', '-in', p, '-check', '-noout'])).toContain('Key is valid');
  });

  it('does not follow a symlink planted at the output path', () => {
    const target = f('symlink-target');
    writeFileSync(target, 'target');
    const link = f('planted.key');
    run('ln', ['-s', target, link]);
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', link]);
    expect(r.code).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe('target');
  });

  it.each([
    ['unknown algorithm', ['--algorithm', 'EC521'], 1, /PCA\.00020102: unknown key algorithm "EC521"/],
    ['not CCM\'s, in lower case', ['--algorithm', 'rsa1024'], 1, /PCA\.00020102/],
    ['pkcs1 for EC', ['--algorithm', 'EC256', '--format', 'pkcs1'], 2, /pkcs1 holds RSA keys only/],
    ['sec1 for RSA', ['--algorithm', 'RSA2048', '--format', 'sec1'], 2, /sec1 holds EC keys only/],
    ['unknown format', ['--algorithm', 'EC256', '--format', 'pem'], 2, /--format "pem" is not one of pkcs8, pkcs1, sec1/],
    ['encrypt + pkcs1', ['--algorithm', 'RSA2048', '--format', 'pkcs1', '--encrypt'], 2, /--encrypt writes encrypted PKCS#8/],
    ['no algorithm', [], 2, /--algorithm is required/],
  ])('%s: clear error, no key file', (_name, args, code, msg) => {
    const p = f(`bad-${String(_name).replace(/\W/g, '')}.key`);
    const r = ccmkit(['key', 'generate', ...(args as string[]), '--out', p], { env: { ...process.env, CCMKIT_OUT_PASSWORD: 'pw' } });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(p)).toBe(false);
  });

  it('unwritable output paths: clear error, exit 1, nothing left behind', () => {
    const before = readdirSync(tmp.dir).length;
    const file = f('plain-file');
    writeFileSync(file, 'x');
    mkdirSync(f('adir'));
    for (const [p, why] of [
      [f('no/such/dir/k.key'), 'its folder does not exist'],
      [join(file, 'k.key'), 'cannot be created'],
      [f('adir'), 'already exists'],
    ] as const) {
      const r = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', p]);
      expect(r.code, p).toBe(1);
      expect(r.stderr).toContain('CCMKIT.0008');
      expect(r.stderr).toContain(why);
    }
    const forced = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', f('adir'), '--force']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('is a directory');
    expect(readdirSync(tmp.dir).length).toBe(before + 2);
  });

  it('--json reports the algorithm and public key; without --out the private key is in the output', () => {
    const r = ccmkit(['key', 'generate', '--algorithm', 'EC384', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, string | null | boolean>;
    expect(j.key_algorithm).toBe('EC384');
    expect(j.file).toBeNull();
    expect(String(j.private_key)).toContain('-----BEGIN PRIVATE KEY-----');
    const pub = openssl(['pkey', '-pubout'], { input: String(j.private_key) });
    expect(pub).toBe(j.public_key);
    const p = f('json.key');
    const r2 = ccmkit(['key', 'generate', '--algorithm', 'EC256', '--out', p, '--json']);
    const j2 = JSON.parse(r2.stdout) as Record<string, unknown>;
    expect(j2.private_key).toBeUndefined();
    expect(j2.file).toBe(p);
  });
});
