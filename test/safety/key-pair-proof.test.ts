// Issue 10, item 1: a private key that carries the certificate's public key
// but another key's private half must be refused wherever ccmkit pairs a key
// with a certificate (SCM.0014), by the one signing proof in engine/match.ts.
// `openssl pkey -check` judges the fixtures: they must really be broken.
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/engine/certificate.js';
import { pairVerdict, proveKeyPair } from '../../src/engine/match.js';
import { parsePrivateKey } from '../../src/engine/privatekey.js';
import { ecWithForeignScalar, rsaWithForeignPrivate } from '../helpers/corrupt-keys.js';
import { issue, key, pem, REF } from '../helpers/pki.js';
import { ccmkit, tempDir, run, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-pair-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const AT = REF.toISOString();

const ca = issue({ cn: 'Pair Test CA', ca: true, key: key('EC256', 40) });
const rsaLeaf = issue({ cn: 'rsa.pair.example', issuer: ca, key: key('RSA2048', 41) });
const ecLeaf = issue({ cn: 'ec.pair.example', issuer: ca, key: key('EC256', 42) });
const badRsaDer = rsaWithForeignPrivate(rsaLeaf.key, key('RSA2048', 43));
const badEcDer = ecWithForeignScalar(ecLeaf.key, key('EC256', 44));

f('ca.pem', pem('CERTIFICATE', ca.der));
const CASES = [
  { name: 'RSA key with the certificate\'s n, e and another key\'s p, q, d', leaf: rsaLeaf, label: 'RSA PRIVATE KEY', der: badRsaDer, id: 'rsa' },
  { name: 'SEC1 EC key with the certificate\'s public point and another scalar', leaf: ecLeaf, label: 'EC PRIVATE KEY', der: badEcDer, id: 'ec' },
];
for (const c of CASES) {
  f(`${c.id}-leaf.pem`, pem('CERTIFICATE', c.leaf.der));
  f(`${c.id}-bad.key`, pem(c.label, c.der));
  f(`${c.id}-full.pem`, pem('CERTIFICATE', c.leaf.der) + pem('CERTIFICATE', ca.der));
}

describe.each(CASES)('$name', (c) => {
  const leafFile = join(tmp.dir, `${c.id}-leaf.pem`);
  const keyFile = join(tmp.dir, `${c.id}-bad.key`);

  it('is broken according to openssl pkey -check, and carries the certificate\'s public key', () => {
    const r = run('openssl', ['pkey', '-check', '-noout', '-in', keyFile]);
    expect(r.code).not.toBe(0);
    expect(parsePrivateKey(c.der).publicKey.id).toBe(parseCertificate(c.leaf.der).publicKey.id);
  });

  it('engine: the signing proof refuses it, and accepts the real key', () => {
    const leaf = parseCertificate(c.leaf.der);
    const bad = parsePrivateKey(c.der);
    expect(proveKeyPair(bad.keyObject, leaf.publicKey)).toBe(false);
    expect(pairVerdict(bad, leaf.publicKey)).toBe('corrupt-key');
    const good = parsePrivateKey(c.leaf.key.export({ type: 'pkcs8', format: 'der' }));
    expect(pairVerdict(good, leaf.publicKey)).toBe('match');
    // The lazily read key (pre-flight reads the public half from the structure) gets the same verdict.
    expect(pairVerdict(parsePrivateKey(c.der, { lazy: true }), leaf.publicKey)).toBe('corrupt-key');
  });

  it('validate scm-import: SCM.0014, exit 1', () => {
    const r = ccmkit(['validate', 'scm-import', '--json', '--at', AT, '--name', 'pair_test', '--certificate', leafFile, '--certificate-chain', join(tmp.dir, 'ca.pem'), '--private-key', keyFile]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.valid).toBe(false);
    expect(j.error_code).toBe('SCM.0014');
    expect(j.error_msg).toMatch(/does not match|corrupt/);
  });

  it.each(['APACHE', 'NGINX', 'IIS', 'TOMCAT', 'OTHER'])('export --type %s: SCM.0014, nothing written', (type) => {
    const dir = join(tmp.dir, `export-${c.id}-${type}`);
    mkdirSync(dir);
    const r = ccmkit(['export', '--type', type, '--certificate', leafFile, '--certificate-chain', join(tmp.dir, 'ca.pem'), '--private-key', keyFile, '-o', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCM.0014');
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('export --json (the CCM export body): SCM.0014', () => {
    const r = ccmkit(['export', '--type', 'NGINX', '--json', '--certificate', leafFile, '--private-key', keyFile]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error_code).toBe('SCM.0014');
  });

  it('convert --to scm-import and --to pem: SCM.0014, nothing printed or written', () => {
    const a = ccmkit(['convert', join(tmp.dir, `${c.id}-full.pem`), keyFile, '--to', 'scm-import', '--name', 'pair_test']);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('SCM.0014');
    expect(a.stdout).toBe('');
    const out = join(tmp.dir, `convert-${c.id}`);
    const b = ccmkit(['convert', join(tmp.dir, `${c.id}-full.pem`), keyFile, '--to', 'pem', '-o', out]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('SCM.0014');
    expect(existsSync(join(out, 'server.key'))).toBe(false);
  });

  it('key match: the pair fails its proof', () => {
    const r = ccmkit(['key', 'match', '--json', leafFile, keyFile]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failed_proofs).toHaveLength(1);
  });

  it('csr create: the key is refused (SCM.0012), no CSR written', () => {
    const out = join(tmp.dir, `${c.id}.csr`);
    const r = ccmkit(['csr', 'create', '--key', keyFile, '--cn', 'x.pair.example', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCM.0012');
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(out)).toBe(false);
  });
});

describe('other pairings', () => {
  it('crl build refuses a CA key that carries the CA certificate\'s public key but another scalar', () => {
    const caBad = f('ca-bad.key', pem('EC PRIVATE KEY', ecWithForeignScalar(ca.key, key('EC256', 45))));
    const revoked = f('revoked.csv', '0A,2025-05-01T00:00:00Z,KEY_COMPROMISE\n');
    const out = join(tmp.dir, 'bad-ca.crl');
    const r = ccmkit(['crl', 'build', '--json', '--ca-cert', join(tmp.dir, 'ca.pem'), '--ca-key', caBad, '--revoked', revoked, '--crl-number', '1', '--valid-days', '7', '--at', AT, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/private part does not match/);
    expect(existsSync(out)).toBe(false);
  });

  it('validate scm-upload-csr refuses a corrupt private_key next to the CSR (SCM.0014)', () => {
    // The CSR is made with the real key; the body carries the tampered one.
    const good = f('ec-good.key', ecLeaf.key.export({ type: 'pkcs8', format: 'pem' }).toString());
    const csr = ccmkit(['csr', 'create', '--key', good, '--cn', 'ec.pair.example']);
    expect(csr.code).toBe(0);
    const body = f('upload.json', JSON.stringify({ name: 'pair_test', csr: csr.stdout, private_key: pem('EC PRIVATE KEY', badEcDer) }));
    const r = ccmkit(['validate', 'scm-upload-csr', '--json', body]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.findings.some((x: { code: string; message: string }) => x.code === 'SCM.0014' && /private part does not match/.test(x.message))).toBe(true);
  });

  it('the good keys still pass everywhere (validate and export)', () => {
    const goodKey = f('rsa-good.key', createPrivateKey(rsaLeaf.key.export({ type: 'pkcs1', format: 'pem' })).export({ type: 'pkcs1', format: 'pem' }).toString());
    const v = ccmkit(['validate', 'scm-import', '--json', '--at', AT, '--name', 'pair_test', '--certificate', join(tmp.dir, 'rsa-leaf.pem'), '--certificate-chain', join(tmp.dir, 'ca.pem'), '--private-key', goodKey]);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true });
    const dir = join(tmp.dir, 'export-good');
    mkdirSync(dir);
    const e = ccmkit(['export', '--type', 'IIS', '--certificate', join(tmp.dir, 'rsa-leaf.pem'), '--private-key', goodKey, '-o', dir]);
    expect(e.code).toBe(0);
  });
});
