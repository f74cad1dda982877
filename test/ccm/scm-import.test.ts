// SCM import pre-flight: one row per way a body can be wrong, each with the
// code CCM would answer. Certificates come from the in-memory PKI pinned to REF.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixScmImport, validateScmImport } from '../../src/ccm/scm-import.js';
import { sha256Fingerprint, parseCertificate } from '../../src/engine/certificate.js';
import { buildCertificate, subjectAltNameExt } from '../../src/engine/builder.js';
import { chain, issue, key, keyPem, pem, REF } from '../helpers/pki.js';

const c = chain(3, 'EC256');
const [int1, int2] = c.intermediates; // int1 issued the leaf, int2 issued int1
const P = (d: Buffer): string => pem('CERTIFICATE', d);
const good = { name: 'www_example-2025.v1', certificate: P(c.leaf.der), certificate_chain: P(int1!.der) + P(int2!.der) + P(c.root.der), private_key: keyPem(c.leaf.key) };
const at = REF;
const v = (body: unknown, extra: Partial<Parameters<typeof validateScmImport>[1]> = {}) => validateScmImport(body, { at, ...extra });

const encryptedKey = c.leaf.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
const noDomainKey = key('EC256');
const noDomain = {
  key: noDomainKey,
  der: buildCertificate({ serial: 99n, subject: [['O', 'No Domain Ltd']], issuer: int1!.name, notBefore: new Date(REF.getTime() - 86400_000), notAfter: new Date(REF.getTime() + 86400_000 * 365), publicKey: noDomainKey, signingKey: int1!.key }),
};
const badSan = issue({ cn: 'ok.example.com', issuer: int1, key: key('EC256'), extensions: [subjectAltNameExt([{ type: 'DNS', value: 'w*.example.com' }])] });

const CASES: { name: string; body: unknown; code: string; status?: number; opts?: object }[] = [
  { name: 'not an object (null)', body: null, code: 'SCM.0005' },
  { name: 'not an object (array)', body: [good], code: 'SCM.0005' },
  { name: 'not an object (string)', body: 'certificate', code: 'SCM.0005' },
  { name: 'name too short', body: { ...good, name: 'ab' }, code: 'SCM.0032' },
  { name: 'name too long', body: { ...good, name: 'a'.repeat(64) }, code: 'SCM.0032' },
  { name: 'name with a space', body: { ...good, name: 'my cert' }, code: 'SCM.0032' },
  { name: 'name not a string', body: { ...good, name: 42 }, code: 'SCM.0005' },
  { name: 'name missing', body: { ...good, name: undefined }, code: 'SCM.0005' },
  { name: 'certificate null', body: { ...good, certificate: null }, code: 'SCM.0005' },
  { name: 'certificate an object', body: { ...good, certificate: { pem: 'x' } }, code: 'SCM.0005' },
  { name: 'certificate huge (> 4096)', body: { ...good, certificate: P(c.leaf.der) + 'x'.repeat(5000) }, code: 'SCM.0005' },
  { name: 'certificate empty', body: { ...good, certificate: '' }, code: 'SCM.0006' },
  { name: 'certificate is a key', body: { ...good, certificate: keyPem(c.leaf.key) }, code: 'SCM.0006' },
  { name: 'certificate binary garbage', body: { ...good, certificate: '\u0000\u0001\u00ff\ufffd garbage' }, code: 'SCM.0031' },
  { name: 'certificate corrupt base64', body: { ...good, certificate: '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' }, code: 'SCM.0031' },
  { name: 'chain garbage', body: { ...good, certificate_chain: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, code: 'SCM.0013', status: 500 },
  { name: 'chain out of order', body: { ...good, certificate_chain: P(c.root.der) + P(int2!.der) + P(int1!.der) }, code: 'SCM.0013', status: 500 },
  { name: 'chain with a stranger', body: { ...good, certificate_chain: P(issue({ cn: 'Other CA', ca: true }).der) }, code: 'SCM.0013', status: 500 },
  { name: 'chain huge (> 8192)', body: { ...good, certificate_chain: good.certificate_chain + '\n'.repeat(9000) }, code: 'SCM.0005' },
  { name: 'private_key missing', body: { ...good, private_key: undefined }, code: 'SCM.0005' },
  { name: 'private_key an array', body: { ...good, private_key: [1, 2] }, code: 'SCM.0005' },
  { name: 'private_key garbage', body: { ...good, private_key: 'not a key' }, code: 'SCM.0012' },
  { name: 'private_key password-protected', body: { ...good, private_key: encryptedKey }, code: 'SCM.0012' },
  { name: 'private_key of another certificate', body: { ...good, private_key: keyPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey) }, code: 'SCM.0014' },
  { name: 'expired', body: good, code: 'SCM.0042', opts: { at: new Date(REF.getTime() + 11 * 365 * 86400_000) } },
  { name: 'no domain bound', body: { ...good, certificate: P(noDomain.der), private_key: keyPem(noDomain.key) }, code: 'SCM.0009' },
  { name: 'bad domain format', body: { ...good, certificate: P(badSan.der), private_key: keyPem(badSan.key) }, code: 'SCM.0070' },
  { name: 'duplicate_check not a boolean', body: { ...good, duplicate_check: 'yes' }, code: 'SCM.0005' },
  { name: 'already in SCM', body: good, code: 'SCM.0005', opts: { existingFingerprints: [sha256Fingerprint(parseCertificate(c.leaf.der))] } },
];

describe('validate scm-import', () => {
  it('accepts a good body, with or without the (optional) root and chain', () => {
    expect(v(good)).toEqual({ valid: true, status: 200, findings: [] });
    expect(v({ ...good, certificate_chain: P(int1!.der) + P(int2!.der) }).valid).toBe(true);
    expect(v({ ...good, certificate_chain: undefined }).valid).toBe(true);
  });

  it('accepts leaf + chain carried in the certificate field (certificate_chain absent)', () => {
    expect(v({ name: good.name, certificate: P(c.leaf.der) + good.certificate_chain, private_key: good.private_key }).valid).toBe(true);
  });

  it('accepts CRLF and \\r\\n-escaped PEM as CCM bodies carry it', () => {
    expect(v(JSON.parse(JSON.stringify({ ...good, certificate: good.certificate.replace(/\n/g, '\r\n') }))).valid).toBe(true);
  });

  it.each(CASES)('$name -> $code', ({ body, code, status, opts }) => {
    const r = v(body, opts as object);
    expect(r.valid).toBe(false);
    expect(r.error_code, JSON.stringify(r.findings)).toBe(code);
    expect(r.status).toBe(status ?? 400);
    expect(r.error_msg).toBeTruthy();
    expect(r.findings.find((f) => f.code === code)?.message).toBeTruthy();
  });

  it('duplicate_check true lets a duplicate through', () => {
    expect(v({ ...good, duplicate_check: true }, { existingFingerprints: [sha256Fingerprint(parseCertificate(c.leaf.der))] }).valid).toBe(true);
  });

  it('never echoes a password or key material in findings', () => {
    const r = v({ ...good, private_key: encryptedKey });
    expect(JSON.stringify(r)).not.toContain('BEGIN ENCRYPTED');
    expect(JSON.stringify(r)).not.toMatch(/MII[A-Za-z0-9+/]{20}/);
  });

  it('reports every problem, not only the first', () => {
    const r = v({ name: 'x', certificate: good.certificate, certificate_chain: P(c.root.der) + P(int1!.der), private_key: encryptedKey });
    expect(r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['SCM.0032', 'SCM.0013', 'SCM.0012']));
    expect(r.error_code).toBe('SCM.0032');
  });

  it('--fix splits, orders, drops strangers, normalises escapes and decrypts', () => {
    const stranger = P(issue({ cn: 'Stranger', ca: true }).der);
    const messy = { name: good.name, certificate: (P(c.leaf.der) + stranger + P(c.root.der) + P(int1!.der) + P(int2!.der)).replace(/\n/g, '\\n'), private_key: encryptedKey };
    expect(v(messy).valid).toBe(false);
    const fixed = fixScmImport(messy, { at, password: 'pw' })!;
    expect(fixed.changes.join(' ')).toMatch(/normalised.*split.*ordered.*dropping 1.*decrypted/s);
    expect(fixed.body.certificate).toBe(P(c.leaf.der));
    expect(fixed.body.certificate_chain).toBe(P(int1!.der) + P(int2!.der) + P(c.root.der));
    expect(String(fixed.body.private_key)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(v(fixed.body)).toEqual({ valid: true, status: 200, findings: [] });
    expect(fixScmImport({ name: 'abc', certificate: '', private_key: '' }, { at })).toBeUndefined();
  });

  it('fuzz: any JSON body gives a result, never an exception', () => {
    const field = fc.oneof(fc.string(), fc.constant(good.certificate), fc.constant(good.private_key), fc.jsonValue(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.record({ name: field, certificate: field, certificate_chain: field, private_key: field, duplicate_check: fc.oneof(fc.boolean(), fc.jsonValue()) }), fc.jsonValue(), (body, other) => {
        for (const b of [body, other]) {
          const r = v(b);
          expect(typeof r.valid).toBe('boolean');
          if (!r.valid) expect(r.error_code).toMatch(/^(SCM|CCMKIT)\.\d{4}$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
