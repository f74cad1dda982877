// Every password input (issue 10 item 15): from a file, from the environment,
// from the command line (warned), and typed at a no-echo prompt on a real
// terminal (a pseudo-terminal driven by test/helpers/on-terminal.py). And
// keystores protected with broken ciphers are named as such (item 16).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ccmkit, tempDir, openssl, ROOT, run, scratchFile } from '../helpers/run.js';
import { REF, issue, key, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir('ccmkit-secrets-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const PW = 'typed pässword 1';
const AT = REF.toISOString();

/** Runs ccmkit on a terminal, typing `answers` at its prompts. */
function onTerminal(answers: string[], args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string } {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['CCMKIT_PASSPHRASE', 'CCMKIT_KEY_PASSPHRASE', 'CCMKIT_OUT_PASSWORD']) if (!(k in env)) delete clean[k];
  const r = run('python3', [join(ROOT, 'test/helpers/on-terminal.py'), ...answers, '--', BIN, ...args], { env: clean, cwd: tmp.dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { code: number; out: string };
}

const noSecrets = (): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  delete e.CCMKIT_PASSPHRASE;
  delete e.CCMKIT_KEY_PASSPHRASE;
  delete e.CCMKIT_OUT_PASSWORD;
  return e;
};

beforeAll(() => {
  const ca = issue({ cn: 'Secrets CA', ca: true, key: key('EC256') });
  const leaf = issue({ cn: 'secrets.example.com', issuer: ca, key: key('EC256') });
  f('ca.pem', pem('CERTIFICATE', ca.der));
  f('ca-enc.key', ca.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PW }));
  f('leaf.pem', pem('CERTIFICATE', leaf.der));
  f('leaf.key', keyPem(leaf.key));
  f('enc.key', leaf.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PW }));
  f('pw.txt', `${PW}\nnot this line\n`);
  f('revoked.csv', '0A,2025-05-01T00:00:00Z,\n');
  openssl(['pkcs12', '-export', '-in', f('leaf.pem'), '-inkey', f('leaf.key'), '-certfile', f('ca.pem'), '-passout', `pass:${PW}`, '-out', f('store.pfx')]);
  f('body.json', JSON.stringify({ name: 'secrets', certificate: pem('CERTIFICATE', leaf.der), certificate_chain: pem('CERTIFICATE', ca.der), private_key: readFileSync(f('enc.key'), 'utf8') }));
});

// Each command that opens an encrypted input, and what success looks like.
const INPUTS: [string, () => string[], (out: string) => void][] = [
  ['inspect', () => ['inspect', '--json', f('enc.key')], (o) => expect(o).toContain('"ccm_key_algorithm": "EC256"')],
  ['key match', () => ['key', 'match', f('enc.key'), f('leaf.pem')], (o) => expect(o).toMatch(/enc\.key#1 {2}matches {2}.*leaf\.pem#1/)],
  ['csr create', () => ['csr', 'create', '--key', f('enc.key'), '--cn', 'x.example.com'], (o) => expect(o).toContain('-----BEGIN CERTIFICATE REQUEST-----')],
  ['crl build', () => ['crl', 'build', '--ca-cert', f('ca.pem'), '--ca-key', f('ca-enc.key'), '--revoked', f('revoked.csv'), '--crl-number', '1', '--valid-days', '7', '--at', AT], (o) => expect(o).toContain('-----BEGIN X509 CRL-----')],
  ['export (an encrypted --private-key)', () => ['export', '--type', 'NGINX', '--certificate', f('leaf.pem'), '--private-key', f('enc.key'), '--format', 'json'], (o) => expect(o).toContain('"private_key"')],
  ['convert (a PFX)', () => ['convert', f('store.pfx'), '--to', 'scm-import', '--name', 'abc'], (o) => expect(o).toContain('"private_key"')],
  ['validate scm-import --fix', () => ['validate', 'scm-import', f('body.json'), '--fix', '-o', f(`fixed-${Math.random().toString(36).slice(2)}.json`), '--at', AT], (o) => expect(o).toMatch(/decrypted the private key/)],
];

describe('every password input works from a file, the environment and a prompt', () => {
  it.each(INPUTS)('%s: --passphrase-file F', (_n, args, ok) => {
    const r = ccmkit([...args(), '--passphrase-file', f('pw.txt')], { env: noSecrets() });
    expect(r.code, r.stderr).toBe(0);
    ok(r.stdout);
    expect(r.stderr).not.toContain('warning: --passphrase');
  });

  it.each(INPUTS)('%s: $CCMKIT_PASSPHRASE', (_n, args, ok) => {
    const r = ccmkit(args(), { env: { ...noSecrets(), CCMKIT_PASSPHRASE: PW } });
    expect(r.code, r.stderr).toBe(0);
    ok(r.stdout);
  });

  it.each(INPUTS)('%s: typed at a prompt on a terminal, not echoed', (_n, args, ok) => {
    const t = onTerminal([PW], args());
    expect(t.code, t.out).toBe(0);
    expect(t.out).toMatch(/Enter passphrase[^\n]*: /);
    expect(t.out).not.toContain(PW);
    ok(t.out.replace(/\r\n/g, '\n'));
  });

  it.each(INPUTS)('%s: without a terminal and without a secret, a clear answer (no hang)', (name, args) => {
    const r = ccmkit(args(), { env: noSecrets() });
    if (name === 'inspect') {
      // inspect shows what it can of a key it cannot open.
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('encrypted: give --passphrase-file F (or $CCMKIT_PASSPHRASE) to see the key');
      return;
    }
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/CCMKIT\.0005: .*(password-protected|encrypted): give its password \(--passphrase-file F, \$CCMKIT_PASSPHRASE, or a prompt on a terminal\)|SCM\.0012 .*password-protected/);
  });

  it('a key entry\'s own password: from $CCMKIT_KEY_PASSPHRASE, --key-passphrase-file, or a prompt', () => {
    const p12 = f('kt.p12');
    openssl(['pkcs12', '-export', '-in', f('leaf.pem'), '-inkey', f('leaf.key'), '-passout', 'pass:storepw', '-name', 'web', '-out', p12]);
    const jks = f('kt.jks');
    const k = run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', jks, '-deststoretype', 'JKS', '-deststorepass', 'storepw', '-destkeypass', 'keypw-1']);
    expect(k.code, k.stderr).toBe(0);
    const args = ['convert', jks, '--to', 'scm-import', '--name', 'web'];
    expect(ccmkit(args, { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'storepw' } }).code).toBe(1);
    expect(ccmkit(args, { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'storepw', CCMKIT_KEY_PASSPHRASE: 'keypw-1' } }).code).toBe(0);
    expect(ccmkit([...args, '--key-passphrase-file', f('kp.txt', 'keypw-1\n')], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'storepw' } }).code).toBe(0);
    const t = onTerminal(['storepw', 'keypw-1'], args);
    expect(t.code, t.out).toBe(0);
    expect(t.out).toMatch(/Enter key-entry passphrase: /);
    expect(t.out).not.toMatch(/storepw|keypw-1/);
  });

  it('key generate --encrypt asks twice on a terminal; a mismatch writes nothing', () => {
    const out = f('typed.key');
    const t = onTerminal([PW, PW], ['key', 'generate', '--algorithm', 'EC256', '--encrypt', '-o', out]);
    expect(t.code, t.out).toBe(0);
    expect(t.out).toMatch(/Password for the new key: [\s\S]*Verify output password: /);
    expect(t.out).not.toContain(PW);
    expect(run('openssl', ['pkey', '-in', out, '-passin', `pass:${PW}`, '-noout']).code).toBe(0);
    const bad = onTerminal([PW, 'something else'], ['key', 'generate', '--algorithm', 'EC256', '--encrypt', '-o', f('mismatch.key')]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('the two output passwords typed differ; nothing was written');
    expect(() => readFileSync(f('mismatch.key'))).toThrow();
  });

  it('export protects its output with --out-password-file or $CCMKIT_OUT_PASSWORD', () => {
    for (const [extra, env] of [
      [['--out-password-file', f('out-pw.txt', 'Out-pw-1\n')], {}],
      [[], { CCMKIT_OUT_PASSWORD: 'Out-pw-1' }],
    ] as const) {
      const dir = join(tmp.dir, `op-${Object.keys(env).length}`);
      const r = ccmkit(['export', '--type', 'TOMCAT', '--certificate', f('leaf.pem'), '--certificate-chain', f('ca.pem'), '--private-key', f('leaf.key'), '--name', 't', '-o', dir, ...extra], { env: { ...noSecrets(), ...env } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('keystorePass.txt');
      const conv = ccmkit(['convert', join(dir, 't_tomcat.zip'), '--to', 'pem', '-o', join(dir, 'pem')], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'Out-pw-1' } });
      expect(conv.code, conv.stderr).toBe(0);
    }
  });

  it('an empty environment variable counts as unset: a zip\'s keystorePass.txt still opens it, and no empty workspace path', () => {
    const dir = join(tmp.dir, 'empty-env');
    const r = ccmkit(['export', '--type', 'TOMCAT', '--certificate', f('leaf.pem'), '--private-key', f('leaf.key'), '--name', 't', '-o', dir], { env: noSecrets() });
    expect(r.code, r.stderr).toBe(0);
    const conv = ccmkit(['convert', join(dir, 't_tomcat.zip'), '--to', 'pem', '-o', join(dir, 'pem')], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: '' } });
    expect(conv.code, conv.stderr).toBe(0);
    expect(readFileSync(join(dir, 'pem', 'server.key'), 'utf8')).toContain('PRIVATE KEY');
    // CCMKIT_WORKSPACE= is the default ./ccmkit-workspace (absent here), never the current folder.
    const ws = ccmkit(['ca', 'list'], { env: { ...noSecrets(), CCMKIT_WORKSPACE: '' }, cwd: tmp.dir });
    expect(ws.code).toBe(1);
    expect(ws.stderr).toContain(join(tmp.dir, 'ccmkit-workspace'));
  });
});

describe('broken keystore ciphers are named, with the way out', () => {
  it('a PFX with RC2-40 (openssl -legacy) converts with a warning; a modern one converts silently', () => {
    openssl(['pkcs12', '-export', '-legacy', '-in', f('leaf.pem'), '-inkey', f('leaf.key'), '-certfile', f('ca.pem'), '-passout', 'pass:pw', '-out', f('legacy.pfx')]);
    const info = run('openssl', ['pkcs12', '-in', f('legacy.pfx'), '-info', '-noout', '-passin', 'pass:pw', '-legacy']);
    expect(info.stderr).toContain('pbeWithSHA1And40BitRC2-CBC');
    const r = ccmkit(['convert', f('legacy.pfx'), '--to', 'pem', '-o', join(tmp.dir, 'legacy-out'), '--json'], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'pw' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ccmkit: warning: .*legacy\.pfx is protected with pbeWithSHAAnd40BitRC2-CBC \(RC2 with a 40-bit key: recoverable by brute force\).*--pfx-profile modern/m);
    expect(JSON.parse(r.stdout).warnings[0]).toContain('RC2 with a 40-bit key');
    const rc4 = f('rc4.pfx');
    openssl(['pkcs12', '-export', '-legacy', '-certpbe', 'PBE-SHA1-RC4-128', '-keypbe', 'PBE-SHA1-RC4-128', '-in', f('leaf.pem'), '-inkey', f('leaf.key'), '-passout', 'pass:pw', '-out', rc4]);
    const r4 = ccmkit(['convert', rc4, '--to', 'scm-import', '--name', 'abc'], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'pw' } });
    if (r4.code === 0) expect(r4.stderr).toContain('RC4: broken');
    openssl(['pkcs12', '-export', '-in', f('leaf.pem'), '-inkey', f('leaf.key'), '-certfile', f('ca.pem'), '-passout', 'pass:pw', '-out', f('modern.pfx')]);
    const m = ccmkit(['convert', f('modern.pfx'), '--to', 'pem', '-o', join(tmp.dir, 'modern-out')], { env: { ...noSecrets(), CCMKIT_PASSPHRASE: 'pw' } });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toBe('');
  });
});
