// Issue 10, item 3: public keys OpenSSL refuses are flagged wherever ccmkit
// reads one, with OpenSSL's verdict: an EC point off the curve (OpenSSL
// cannot load it) in inspect, chain verify, csr parse and the SCM pre-flight;
// an RSA exponent of 1 (or 2, or an even modulus) in csr parse, though
// `openssl req -verify` calls such a CSR OK: `openssl pkey -pubcheck` does not.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCertificate } from '../../src/engine/builder.js';
import { parseSpki, publicKeyProblem } from '../../src/engine/publickey.js';
import { csrWithExponent, csrWithSpki, offCurveSpki, rsaSpkiWith } from '../helpers/corrupt-keys.js';
import { issue, key, keyPem, pem, REF } from '../helpers/pki.js';
import { ccmkit, tempDir, run, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-badpub-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const AT = REF.toISOString();
const rsa = key('RSA2048', 60);
const ec = key('EC256', 61);
const ca = issue({ cn: 'BadPub CA', ca: true, key: key('EC256', 62) });
const CA = f('ca.pem', pem('CERTIFICATE', ca.der));
const offSpki = offCurveSpki(ec);
const offCert = buildCertificate({
  serial: 77n, subject: [['CN', 'offcurve.example']], issuer: ca.name, notBefore: new Date(REF.getTime() - 864e5), notAfter: new Date(REF.getTime() + 3650 * 864e5),
  publicKey: offSpki, signingKey: ca.key, extensions: [],
});
const OFF_CERT = f('offcurve.pem', pem('CERTIFICATE', offCert));
const OFF_CSR = f('offcurve.csr', pem('CERTIFICATE REQUEST', csrWithSpki(offSpki, ec, 'offcurve.example')));
const n = Buffer.from(rsa.export({ format: 'jwk' }).n!, 'base64url');
const evenN = Buffer.concat([n.subarray(0, -1), Buffer.from([n[n.length - 1]! & 0xfe])]);
const RSA_BAD: [string, Buffer][] = [
  ['e = 1', rsaSpkiWith(rsa, 1n)],
  ['e = 2', rsaSpkiWith(rsa, 2n)],
  ['an even modulus', rsaSpkiWith(rsa, 65537n, evenN)],
];

describe('EC point off the curve', () => {
  it('OpenSSL cannot load it (the verdict ccmkit must match)', () => {
    expect(run('openssl', ['x509', '-in', OFF_CERT, '-noout', '-pubkey']).code).not.toBe(0);
    expect(run('openssl', ['verify', '-CAfile', CA, OFF_CERT]).code).not.toBe(0);
    expect(run('openssl', ['req', '-in', OFF_CSR, '-noout', '-verify']).code).not.toBe(0);
  });

  it('inspect: listed with the problem, exit 1 (SCM.0031)', () => {
    const r = ccmkit(['inspect', '--json', OFF_CERT]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.objects[0].public_key_problem).toMatch(/not on the curve P-256/);
    expect(j.errors[0].error_code).toBe('SCM.0031');
  });

  it('chain verify: the chain is invalid (invalid-public-key), exit 1', () => {
    const r = ccmkit(['chain', 'verify', '--json', '--at', AT, OFF_CERT, '--roots', CA]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('invalid-public-key');
  });

  it('csr parse: rejected with the key named as the cause', () => {
    const r = ccmkit(['csr', 'parse', '--json', OFF_CSR]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/public key is invalid: EC point is not on the curve/);
  });

  it('validate scm-import: SCM.0031 for the certificate', () => {
    const body = f('offcurve-body.json', JSON.stringify({ name: 'off_curve', certificate: pem('CERTIFICATE', offCert), certificate_chain: pem('CERTIFICATE', ca.der), private_key: keyPem(ec) }));
    const j = JSON.parse(ccmkit(['validate', 'scm-import', '--json', '--at', AT, body]).stdout);
    expect(j.valid).toBe(false);
    expect(j.findings.some((x: { code: string; message: string }) => x.code === 'SCM.0031' && /not on the curve/.test(x.message))).toBe(true);
  });
});

describe('EC point off the curve in a PCA CA import', () => {
  it('validate pca-import-ca names the invalid key', () => {
    const csr = f('ca-req.csr', pem('CERTIFICATE REQUEST', csrWithSpki(offSpki, ec, 'offcurve.example')));
    const r = ccmkit(['validate', 'pca-import-ca', '--json', '--csr', csr, '--certificate', OFF_CERT, '--certificate-chain', CA]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/public key is invalid: EC point is not on the curve/);
  });
});

describe.each(RSA_BAD)('RSA with %s', (name, spki) => {
  const id = name.replace(/\W+/g, '-');
  it('openssl pkey -pubcheck refuses it, and so does ccmkit', () => {
    const file = f(`${id}.pub.pem`, pem('PUBLIC KEY', spki));
    const o = run('openssl', ['pkey', '-pubin', '-in', file, '-pubcheck', '-noout']);
    expect(o.code + o.stdout + o.stderr).toMatch(/invalid|out of range/i);
    expect(publicKeyProblem(parseSpki(spki))).toMatch(/out of range|invalid RSA modulus/);
    const r = ccmkit(['inspect', '--json', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).objects[0].public_key_problem).toBeDefined();
  });
});

describe('csr parse with e = 1', () => {
  it('openssl req -verify says OK, pkey -pubcheck says the exponent is out of range; csr parse rejects it', () => {
    const csr = f('e1.csr', pem('CERTIFICATE REQUEST', csrWithExponent(rsa, 1n, 'e1.example')));
    expect(run('openssl', ['req', '-in', csr, '-noout', '-verify']).code).toBe(0);
    const r = ccmkit(['csr', 'parse', '--json', csr]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RSA public exponent out of range \(e = 1/);
    expect(r.stdout).not.toMatch(/"CSR OK"/);
  });
});

describe('valid keys stay valid', () => {
  it('fresh keys of every curve and e = 3 (OpenSSL accepts it outside FIPS mode)', () => {
    for (const curve of ['P-256', 'P-384', 'P-521', 'secp256k1']) {
      for (let i = 0; i < 20; i++) {
        const k = generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
        expect(publicKeyProblem(parseSpki(k.export({ type: 'spki', format: 'der' })))).toBeUndefined();
      }
    }
    const e3 = rsaSpkiWith(rsa, 3n);
    expect(run('openssl', ['pkey', '-pubin', '-in', f('e3.pem', pem('PUBLIC KEY', e3)), '-pubcheck', '-noout']).code).toBe(0);
    expect(publicKeyProblem(parseSpki(e3))).toBeUndefined();
    // Compressed points are checked by OpenSSL's own import.
    const comp = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const j = comp.export({ format: 'jwk' });
    const y = Buffer.from(j.y!, 'base64url');
    const point = Buffer.concat([Buffer.from([2 + (y[31]! & 1)]), Buffer.from(j.x!, 'base64url')]);
    const spki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), point]);
    expect(publicKeyProblem(parseSpki(spki))).toBeUndefined();
  });
});
