// PCA pre-flight: create CA, apply for a certificate, import a CA certificate.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePcaApplyCert, validatePcaCreateCa } from '../../src/ccm/pca-bodies.js';
import { validatePcaImportCa } from '../../src/ccm/pca-import-ca.js';
import { buildCsr } from '../../src/engine/builder.js';
import { parseCsr } from '../../src/engine/csr.js';
import { chain, issue, key, pem, REF } from '../helpers/pki.js';

const at = REF;
const DN = { country: 'CN', state: 'Sichuan', locality: 'Chengdu', organization: 'Huawei', organizational_unit: 'CloudBU', common_name: 'demoRootRSA' };
// The seed's own example bodies (4.2.1.2 and 4.2.2.2).
const ROOT = { type: 'ROOT', key_algorithm: 'RSA4096', signature_algorithm: 'SHA512', distinguished_name: DN, validity: { type: 'YEAR', value: 5 } };
const CA_ID = '2cb2878b-6cd1-460d-bd25-afe655159bdc';
const SUB = { type: 'SUBORDINATE', key_algorithm: 'EC384', signature_algorithm: 'SHA384', distinguished_name: DN, validity: { type: 'YEAR', value: 3 }, issuer_id: CA_ID, path_length: 0, crl_configuration: { enabled: true, obs_bucket_name: 'crl-bucket', valid_days: 7 } };
const CERT = {
  key_algorithm: 'RSA2048',
  distinguished_name: { common_name: 'TestCert' },
  subject_alternative_names: [{ type: 'IP', value: '156.127.116.38' }, { type: 'DNS', value: '*.example.com' }],
  signature_algorithm: 'SHA256',
  validity: { type: 'YEAR', value: 3 },
  issuer_id: CA_ID,
  key_usages: ['digitalSignature', 'nonRepudiation'],
  extended_key_usage: { server_auth: true },
  customized_extension: { object_identifier: '1.3.6.1.4.1.2011.4.99', value: 'x' },
};

describe('validate pca-create-ca', () => {
  it('accepts the seed examples', () => {
    expect(validatePcaCreateCa(ROOT, { at })).toEqual({ valid: true, status: 200, findings: [] });
    expect(validatePcaCreateCa(SUB, { at }).valid).toBe(true);
    // A subordinate CA left PENDING needs no issuer, hash or validity (4.2.1.2 Function).
    expect(validatePcaCreateCa({ type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: DN }, { at }).valid).toBe(true);
  });

  it.each([
    ['type', { ...ROOT, type: 'INTERMEDIATE' }, 'PCA.00020202'],
    ['DN field missing', { ...ROOT, distinguished_name: { ...DN, organization: undefined } }, 'PCA.00020101'],
    ['country three letters', { ...ROOT, distinguished_name: { ...DN, country: 'CHN' } }, 'PCA.00020101'],
    ['common_name 65 characters', { ...ROOT, distinguished_name: { ...DN, common_name: 'c'.repeat(65) } }, 'PCA.00020101'],
    ['key algorithm', { ...ROOT, key_algorithm: 'RSA3072' }, 'PCA.00020102'],
    ['SM2', { ...ROOT, key_algorithm: 'SM2' }, 'PCA.00020102'],
    ['hash', { ...ROOT, signature_algorithm: 'SHA1' }, 'PCA.00020103'],
    ['root hash missing', { ...ROOT, signature_algorithm: undefined }, 'PCA.00020103'],
    ['root 31 years', { ...ROOT, validity: { type: 'YEAR', value: 31 } }, 'PCA.00020109'],
    ['subordinate 21 years', { ...SUB, validity: { type: 'YEAR', value: 21 } }, 'PCA.00020109'],
    ['subordinate 7306 days', { ...SUB, validity: { type: 'DAY', value: 7306 } }, 'PCA.00020109'],
    ['validity type WEEK', { ...ROOT, validity: { type: 'WEEK', value: 1 } }, 'PCA.00020109'],
    ['validity value 0', { ...ROOT, validity: { type: 'YEAR', value: 0 } }, 'PCA.00020109'],
    ['validity value "5"', { ...ROOT, validity: { type: 'YEAR', value: '5' } }, 'PCA.00020109'],
    ['start_from an hour ago', { ...ROOT, validity: { type: 'YEAR', value: 1, start_from: REF.getTime() - 3600_000 } }, 'PCA.00020109'],
    ['issuer_id malformed', { ...SUB, issuer_id: '2cb2878b6cd1460dbd25afe655159bdc' }, 'PCA.00020201'],
    ['path_length 7', { ...SUB, path_length: 7 }, 'PCA.00020203'],
    ['CRL valid_days 31', { ...SUB, crl_configuration: { enabled: true, obs_bucket_name: 'b', valid_days: 31 } }, 'PCA.00020204'],
    ['CRL without bucket', { ...SUB, crl_configuration: { enabled: true, valid_days: 7 } }, 'PCA.00020204'],
    ['key_usages unknown', { ...ROOT, key_usages: ['keyCertSign', 'sign'] }, 'PCA.00020001'],
    ['body null', null, 'PCA.00020001'],
  ] as const)('%s', (_n, body, code) => {
    const r = validatePcaCreateCa(body, { at });
    expect(r.valid).toBe(false);
    expect(r.error_code, JSON.stringify(r.findings)).toBe(code);
  });

  it('accepts the limits themselves (30 root years, 240 months, start_from 4 minutes ago, HOUR)', () => {
    expect(validatePcaCreateCa({ ...ROOT, validity: { type: 'YEAR', value: 30 } }, { at }).valid).toBe(true);
    expect(validatePcaCreateCa({ ...SUB, validity: { type: 'MONTH', value: 240 } }, { at }).valid).toBe(true);
    expect(validatePcaCreateCa({ ...ROOT, validity: { type: 'HOUR', value: 48, start_from: REF.getTime() - 240_000 } }, { at }).valid).toBe(true);
  });
});

describe('validate pca-apply-cert', () => {
  it('accepts the seed example', () => {
    expect(validatePcaApplyCert(CERT, { at })).toEqual({ valid: true, status: 200, findings: [] });
  });
  it.each([
    ['21 SANs', { ...CERT, subject_alternative_names: Array.from({ length: 21 }, (_, i) => ({ type: 'DNS', value: `h${i}.example.com` })) }, 'PCA.00020112'],
    ['SAN type', { ...CERT, subject_alternative_names: [{ type: 'RID', value: '1.2.3' }] }, 'PCA.00020112'],
    ['IPv6 SAN', { ...CERT, subject_alternative_names: [{ type: 'IP', value: '2001:db8::1' }] }, 'PCA.00020111'],
    ['IP SAN out of range', { ...CERT, subject_alternative_names: [{ type: 'IP', value: '256.1.1.1' }] }, 'PCA.00020111'],
    ['DNS SAN with a space', { ...CERT, subject_alternative_names: [{ type: 'DNS', value: 'bad name.example.com' }] }, 'PCA.00020110'],
    ['DNS SAN inner wildcard', { ...CERT, subject_alternative_names: [{ type: 'DNS', value: 'a.*.example.com' }] }, 'PCA.00020110'],
    ['DN without common_name', { ...CERT, distinguished_name: { country: 'CN' } }, 'PCA.00020101'],
    ['validity missing', { ...CERT, validity: undefined }, 'PCA.00020109'],
    ['issuer_id missing', { ...CERT, issuer_id: undefined }, 'PCA.00020201'],
    ['customized OID', { ...CERT, customized_extension: { object_identifier: '1.3.6.x', value: 'v' } }, 'PCA.00020001'],
    ['EKU not boolean', { ...CERT, extended_key_usage: { server_auth: 'yes' } }, 'PCA.00020001'],
  ] as const)('%s', (_n, body, code) => {
    const r = validatePcaApplyCert(body, { at });
    expect(r.error_code, JSON.stringify(r.findings)).toBe(code);
  });

  it('fuzz: any JSON gives a result, never an exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom(...Object.keys(CERT), 'type', 'path_length', 'crl_configuration'), fc.jsonValue()), (a, b) => {
        for (const body of [a, b, { ...CERT, ...b }, { ...ROOT, ...b }]) {
          const r1 = validatePcaApplyCert(body, { at });
          const r2 = validatePcaCreateCa(body, { at });
          for (const r of [r1, r2]) if (!r.valid) expect(r.error_code).toMatch(/^PCA\.\d{8}$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validate pca-import-ca', () => {
  // A subordinate CA's CSR, signed by an intermediate under a root.
  const c = chain(2, 'EC256');
  const subKey = key('EC256');
  const csr = parseCsr(buildCsr({ subject: [['CN', 'Sub CA']], key: subKey }));
  const subCert = issue({ cn: 'Sub CA', ca: true, issuer: c.intermediates[0], key: subKey });
  const P = (d: Buffer): string => pem('CERTIFICATE', d);
  const body = { certificate: P(subCert.der), certificate_chain: P(c.intermediates[0]!.der) + P(c.root.der) };

  it('accepts a CA certificate for the CSR with a complete ordered chain (204)', () => {
    expect(validatePcaImportCa(body, csr)).toEqual({ valid: true, status: 204, findings: [] });
    expect(validatePcaImportCa({ certificate: body.certificate }, csr).valid).toBe(true);
  });
  it.each([
    ['key not the CSR key', () => ({ certificate: P(issue({ cn: 'Sub CA', ca: true, issuer: c.intermediates[0] }).der) }), 'PCA.00030301', 403],
    ['chain reversed', () => ({ ...body, certificate_chain: P(c.root.der) + P(c.intermediates[0]!.der) }), 'PCA.00020403', 400],
    ['chain without the root', () => ({ ...body, certificate_chain: P(c.intermediates[0]!.der) }), 'PCA.00020403', 400],
    ['chain missing the intermediate', () => ({ ...body, certificate_chain: P(c.root.der) }), 'PCA.00020403', 400],
    ['not a CA certificate', () => ({ certificate: P(issue({ cn: 'leaf.example.com', issuer: c.intermediates[0], key: subKey }).der) }), 'PCA.00020402', 400],
    ['certificate as bare base64 (not PEM)', () => ({ certificate: subCert.der.toString('base64') }), 'PCA.00020402', 400],
    ['certificate empty', () => ({ certificate: '' }), 'PCA.00020001', 400],
    ['certificate too long', () => ({ certificate: body.certificate + ' '.repeat(32768) }), 'PCA.00020001', 400],
    ['certificate a number', () => ({ certificate: 7 }), 'PCA.00020001', 400],
  ] as const)('%s', (_n, make, code, status) => {
    const r = validatePcaImportCa(make(), csr);
    expect(r.error_code, JSON.stringify(r.findings)).toBe(code);
    expect(r.status).toBe(status);
  });
});
