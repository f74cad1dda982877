// Pre-flight of the two CSR-carrying request bodies: SCM "Upload CSR" and PCA
// "issue a certificate via CSR". Tables of bodies in, CCM's answer out.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { csrBodyString } from '../../src/ccm/csr-bodies.js';
import { createCsr, sanFindings } from '../../src/ccm/csr-request.js';
import { RULES } from '../../src/ccm/rules.js';
import { validatePcaIssueCsr as validatePca } from '../../src/ccm/validate-pca-issue-csr.js';
import { validateScmUploadCsr } from '../../src/ccm/validate-scm-upload-csr.js';
import { buildCsr, subjectAltNameExt } from '../../src/engine/builder.js';
import { parsePrivateKey } from '../../src/engine/privatekey.js';
import { ccmkit, tempDir } from '../helpers/run.js';
import { key, keyPem } from '../helpers/pki.js';

const tmp = tempDir('ccmkit-validate-');
afterAll(tmp.cleanup);

const ec = key('EC256', 1);
const ecInfo = parsePrivateKey(ec.export({ type: 'pkcs8', format: 'der' }));
const csrPem = csrBodyString(createCsr({ subject: { common_name: 'www.example.com' }, sans: [{ type: 'DNS', value: 'www.example.com' }] }, ec, ecInfo.publicKey).der);
const otherKeyPem = keyPem(key('EC256', 2));
const ID = '2cb2878b-6cd1-460d-bd25-afe655159bdc';
/** The time of the PCA checks: just before the seed's start_from example (1645146939688 = 2022-02-18 09:15:39 GMT+8). */
const AT = { at: new Date('2022-02-18T01:00:00Z') };
const validatePcaIssueCsr = (body: unknown): ReturnType<typeof validatePca> => validatePca(body, AT);

/** An RSA4096 CSR with 20 long SANs: over SCM's 2555 characters. */
function bigRsaCsr(): string {
  const sans = Array.from({ length: 20 }, (_, i) => ({ type: 'DNS' as const, value: `service-${i}.a-long-department.example.com` }));
  return csrBodyString(buildCsr({ subject: [['CN', 'many.example.com']], key: key('RSA4096', 1), extensions: [subjectAltNameExt(sans)] }));
}

type Row = [name: string, body: unknown, valid: boolean, code: string | null, field?: string, text?: string];

describe('validate scm-upload-csr', () => {
  const big = bigRsaCsr();
  const rows: Row[] = [
    ['minimal valid body', { name: 'www', csr: csrPem }, true, null],
    ['CRLF line breaks', { name: 'www', csr: csrPem.replace(/\n/g, '\r\n') }, true, null],
    ['literal \\n escapes (double-escaped JSON)', { name: 'www', csr: csrPem.replace(/\n/g, '\\n') }, true, null],
    ['NEW CERTIFICATE REQUEST label', { name: 'www', csr: csrPem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST') }, true, null],
    ['name of exactly 63', { name: 'n'.repeat(63), csr: csrPem }, true, null],
    ['name of 64', { name: 'n'.repeat(64), csr: csrPem }, false, 'SCM.0005', 'name', 'name is 64 characters; SCM allows at most 63'],
    ['name of 63 CJK characters (counted as characters, not bytes)', { name: '证'.repeat(63), csr: csrPem }, true, null],
    ['name missing', { csr: csrPem }, false, 'SCM.0005', 'name', 'name is missing'],
    ['name null', { name: null, csr: csrPem }, false, 'SCM.0005', 'name', 'name is missing'],
    ['name a number', { name: 42, csr: csrPem }, false, 'SCM.0005', 'name', 'name is number, not a string'],
    ['name an array', { name: ['a'], csr: csrPem }, false, 'SCM.0005', 'name', 'name is array, not a string'],
    ['empty name is a warning only', { name: '', csr: csrPem }, true, null, 'name', 'name is empty'],
    ['csr missing', { name: 'www' }, false, 'SCM.0005', 'csr', 'csr is missing'],
    ['csr null', { name: 'www', csr: null }, false, 'SCM.0005', 'csr', 'csr is missing'],
    ['csr an object', { name: 'www', csr: { pem: csrPem } }, false, 'SCM.0005', 'csr', 'csr is object, not a string'],
    ['csr garbage', { name: 'www', csr: 'hello' }, false, 'SCM.0034', 'csr', 'holds no PEM block'],
    ['csr empty', { name: 'www', csr: '' }, false, 'SCM.0034', 'csr', 'csr is empty'],
    ['csr is a certificate', { name: 'www', csr: csrPem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE') }, false, 'SCM.0034', 'csr', 'not a CERTIFICATE REQUEST'],
    ['csr with a broken signature', { name: 'www', csr: tamper(csrPem) }, false, 'SCM.0034', 'csr', 'invalid self-signature'],
    ['csr truncated', { name: 'www', csr: csrPem.slice(0, 200) + '\n-----END CERTIFICATE REQUEST-----' }, false, 'SCM.0034', 'csr'],
    ['csr two blocks', { name: 'www', csr: csrPem + '\n' + csrPem }, false, 'SCM.0034', 'csr', 'exactly one CSR'],
    ['RSA4096 + 20 SANs over 2555', { name: 'big', csr: big }, false, 'SCM.0005', 'csr', 'Use an EC384 key instead of RSA4096'],
    ['huge csr (1 MB)', { name: 'x', csr: 'A'.repeat(1_000_000) }, false, 'SCM.0005', 'csr', 'csr is 1000000 characters'],
    ['private_key of the CSR: warning only', { name: 'www', csr: csrPem, private_key: keyPem(ec) }, true, null, 'private_key', 'documents at most 63'],
    ['private_key of another key', { name: 'www', csr: csrPem, private_key: otherKeyPem }, false, 'SCM.0014', 'private_key', 'not the key of the CSR'],
    ['private_key garbage', { name: 'www', csr: csrPem, private_key: 'x'.repeat(100) }, false, 'SCM.0012', 'private_key', 'not one PEM private key'],
    ['private_key short garbage', { name: 'www', csr: csrPem, private_key: 'abc' }, false, 'SCM.0012', 'private_key'],
    ['private_key empty string: absent', { name: 'www', csr: csrPem, private_key: '' }, true, null],
    ['private_key null: absent', { name: 'www', csr: csrPem, private_key: null }, true, null],
    ['private_key a boolean', { name: 'www', csr: csrPem, private_key: true }, false, 'SCM.0005', 'private_key', 'private_key is boolean, not a string'],
    ['private_key over 4096', { name: 'www', csr: csrPem, private_key: 'k'.repeat(5000) }, false, 'SCM.0005', 'private_key', 'at most 4096'],
    ['unknown field: warning', { name: 'www', csr: csrPem, tags: [] }, true, null, 'tags', 'Unknown field "tags"'],
    ['body is an array', [], false, 'SCM.0005', 'body', 'array, not a JSON object'],
    ['body is null', null, false, 'SCM.0005', 'body', 'null, not a JSON object'],
    ['body is a string', 'x', false, 'SCM.0005', 'body'],
  ];

  it.each(rows)('%s', (_n, body, valid, code, field, text) => {
    const r = validateScmUploadCsr(body);
    expect(r.valid).toBe(valid);
    expect(r.error_code).toBe(code ?? undefined);
    expect(r.status).toBe(valid ? 200 : 400);
    if (code) expect(r.error_msg).toBe(RULES.find((x) => x.error_code === code)!.error_msg);
    else expect(r.error_msg).toBeUndefined();
    if (field) {
      const f = r.findings.find((x) => x.field === field);
      expect(f, JSON.stringify(r.findings)).toBeDefined();
      if (text) expect(r.findings.map((x) => `${x.message} ${x.fix ?? ''}`).join('\n')).toContain(text);
    }
  });

  it('reports the first error as CCM would, and lists all of them', () => {
    const r = validateScmUploadCsr({ name: 'n'.repeat(70), csr: 'junk', private_key: 7 });
    expect(r.error_code).toBe('SCM.0005');
    expect(r.findings.map((f) => `${f.code} ${f.field}`)).toEqual(['SCM.0005 name', 'SCM.0034 csr', 'SCM.0005 private_key']);
  });

  it.each([
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'not UTF-8'],
    ['not JSON', Buffer.from('{name: x}'), 'not valid JSON'],
    ['empty', Buffer.alloc(0), 'not valid JSON'],
    ['a JSON number', Buffer.from('12'), 'number, not a JSON object'],
  ])('CLI: a raw body that is %s -> SCM.0005, exit 1', (_n, bytes, text) => {
    const file = join(tmp.dir, `raw-${String(_n).replace(/\W/g, '')}.json`);
    writeFileSync(file, bytes);
    const r = ccmkit(['validate', 'scm-upload-csr', '--json', file]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ valid: false, status: 400, error_code: 'SCM.0005', error_msg: 'Incorrect request parameter.' });
    expect(j.findings[0].message).toContain(text);
  });

  it('CLI: exit 0 valid, 1 invalid, 2 usage; JSON output has the generic shape', () => {
    const good = join(tmp.dir, 'good.json');
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ name: 'www', csr: csrPem }));
    writeFileSync(bad, JSON.stringify({ name: 'www', csr: big }));
    const g = ccmkit(['validate', 'scm-upload-csr', good, '--json']);
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)).toEqual({ valid: true, status: 200, findings: [] });
    const b = ccmkit(['validate', 'scm-upload-csr', bad, '--json']);
    expect(b.code).toBe(1);
    expect(JSON.parse(b.stdout)).toMatchObject({ valid: false, status: 400, error_code: 'SCM.0005', error_msg: 'Incorrect request parameter.' });
    const human = ccmkit(['validate', 'scm-upload-csr', bad]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('CCM would answer HTTP 400 SCM.0005');
    expect(human.stdout).toContain('fix: Use an EC384 key');
    expect(ccmkit(['validate', 'scm-upload-csr']).code).toBe(2);
    // A missing file is exit 1 in every command (docs/conventions.md).
    expect(ccmkit(['validate', 'scm-upload-csr', join(tmp.dir, 'missing.json')]).code).toBe(1);
    const stdin = ccmkit(['validate', 'scm-upload-csr', '-'], { input: JSON.stringify({ name: 'www', csr: csrPem }) });
    expect(stdin.code).toBe(0);
    const group = ccmkit(['validate', 'nothing']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('validate scm-upload-csr');
    const groupHelp = ccmkit(['validate', '--help']);
    expect(groupHelp.code).toBe(0);
    // The group help lists every validate subcommand, one per line.
    for (const sub of ['scm-import', 'scm-upload-csr', 'pca-create-ca', 'pca-apply-cert', 'pca-issue-csr', 'pca-import-ca']) {
      expect(groupHelp.stdout).toMatch(new RegExp(`^  validate ${sub} `, 'm'));
    }
  });

  it('fuzz: any JSON value gives a well-formed result, never a throw', () => {
    const check = (r: ReturnType<typeof validateScmUploadCsr>): void => {
      expect(typeof r.valid).toBe('boolean');
      expect(r.valid).toBe(r.error_code === undefined);
      expect(r.status).toBe(r.valid ? 200 : 400);
      for (const f of r.findings) expect(f.code).toMatch(/^SCM\.\d{4}$/);
    };
    const field = fc.oneof(fc.string({ maxLength: 80 }), fc.constant(csrPem), fc.constant(csrPem.slice(0, 300)), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }));
    fc.assert(
      fc.property(fc.record({ name: field, csr: field, private_key: field }, { requiredKeys: [] }), (body) => check(validateScmUploadCsr(body))),
      { numRuns: 300, seed: 7 },
    );
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => check(validateScmUploadCsr(v))), { numRuns: 300, seed: 8 });
    // Mutations of a valid CSR string: any single character change is either still valid or a clean SCM.0034/SCM.0005.
    fc.assert(
      fc.property(fc.nat(csrPem.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const r = validateScmUploadCsr({ name: 'x', csr: csrPem.slice(0, i) + c + csrPem.slice(i + 1) });
        check(r);
        if (!r.valid) expect(['SCM.0034', 'SCM.0005']).toContain(r.error_code);
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});

describe('validate pca-issue-csr', () => {
  const ok = { csr: csrPem, issuer_id: ID, validity: { type: 'YEAR', value: 1 } };
  const rows: Row[] = [
    ['minimal valid body', ok, true, null],
    ['INTERMEDIATE_CA with path_length 6', { ...ok, type: 'INTERMEDIATE_CA', path_length: 6 }, true, null],
    ['HOUR:175320 (20 calendar years)', { ...ok, validity: { type: 'HOUR', value: 175320 } }, true, null],
    ['DAY:7305 (20 calendar years)', { ...ok, validity: { type: 'DAY', value: 7305 } }, true, null],
    ['DAY:7306', { ...ok, validity: { type: 'DAY', value: 7306 } }, false, 'PCA.00020109', 'validity.value', 'exceeds 20 years'],
    ['start_from more than 5 minutes before the check', { ...ok, validity: { type: 'DAY', value: 30, start_from: Date.parse('2022-02-18T00:54:00Z') } }, false, 'PCA.00020109', 'validity.start_from', 'more than 5 minutes before now'],
    ['start_from integer', { ...ok, validity: { type: 'DAY', value: 30, start_from: 1645146939688 } }, true, null],
    ['upper-case issuer id', { ...ok, issuer_id: ID.toUpperCase() }, true, null],
    ['issuer_id missing', { csr: csrPem, validity: ok.validity }, false, 'PCA.00020201', 'issuer_id', 'issuer_id is missing'],
    ['issuer_id with 11 hex digits at the end', { ...ok, issuer_id: ID.slice(0, 35) }, false, 'PCA.00020201', 'issuer_id', 'is not a CA ID'],
    ['issuer_id number', { ...ok, issuer_id: 5 }, false, 'PCA.00020201', 'issuer_id', 'issuer_id number is not a CA ID'],
    ['csr missing', { issuer_id: ID, validity: ok.validity }, false, 'PCA.00020401', 'csr', 'csr is missing'],
    ['csr unparseable', { ...ok, csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----' }, false, 'PCA.00020401', 'csr', 'is not a PKCS#10 request'],
    ['csr over 5120', { ...ok, csr: 'x'.repeat(5121) }, false, 'PCA.00020401', 'csr', 'csr is 5121 characters'],
    ['validity missing', { csr: csrPem, issuer_id: ID }, false, 'PCA.00020109', 'validity', 'validity is missing'],
    ['validity type WEEK', { ...ok, validity: { type: 'WEEK', value: 1 } }, false, 'PCA.00020109', 'validity.type'],
    ['validity lower-case year', { ...ok, validity: { type: 'year', value: 1 } }, false, 'PCA.00020109', 'validity.type'],
    ['validity value 0', { ...ok, validity: { type: 'YEAR', value: 0 } }, false, 'PCA.00020109', 'validity.value', 'is not a positive integer'],
    ['validity value string', { ...ok, validity: { type: 'YEAR', value: '1' } }, false, 'PCA.00020109', 'validity.value', 'is not a positive integer'],
    ['validity value 1.5', { ...ok, validity: { type: 'YEAR', value: 1.5 } }, false, 'PCA.00020109', 'validity.value'],
    ['validity YEAR:21', { ...ok, validity: { type: 'YEAR', value: 21 } }, false, 'PCA.00020109', 'validity.value', 'exceeds 20 years'],
    ['validity MONTH:241', { ...ok, validity: { type: 'MONTH', value: 241 } }, false, 'PCA.00020109', 'validity.value'],
    ['start_from a string', { ...ok, validity: { type: 'YEAR', value: 1, start_from: 'now' } }, false, 'PCA.00020109', 'validity.start_from'],
    ['type ROOT_CA', { ...ok, type: 'ROOT_CA' }, false, 'PCA.00020001', 'type'],
    ['path_length 7', { ...ok, type: 'INTERMEDIATE_CA', path_length: 7 }, false, 'PCA.00020203', 'path_length', 'path_length 7 is outside 0-6'],
    ['path_length -1', { ...ok, type: 'INTERMEDIATE_CA', path_length: -1 }, false, 'PCA.00020203', 'path_length'],
    ['path_length "1"', { ...ok, type: 'INTERMEDIATE_CA', path_length: '1' }, false, 'PCA.00020203', 'path_length', 'path_length "1" is outside 0-6'],
    ['path_length with ENTITY_CERT: warning', { ...ok, path_length: 1 }, true, null, 'path_length', 'ignored unless type is INTERMEDIATE_CA'],
    ['subject_alternative_names: reserved, warning', { ...ok, subject_alternative_names: [{ type: 'DNS', value: 'a.com' }] }, true, null, 'subject_alternative_names', 'reserved and ignored'],
    ['body is an array', [ok], false, 'PCA.00020001', 'body'],
  ];

  it.each(rows)('%s', (_n, body, valid, code, field, text) => {
    const r = validatePcaIssueCsr(body);
    expect(r.valid, JSON.stringify(r.findings)).toBe(valid);
    expect(r.error_code).toBe(code ?? undefined);
    if (field) {
      expect(r.findings.map((x) => x.field), JSON.stringify(r.findings)).toContain(field);
      if (text) expect(r.findings.map((x) => x.message).join('\n')).toContain(text);
    }
  });

  it('checks CCM policy inside the CSR: an RSA1024 key is PCA.00020102', () => {
    const weak = csrBodyString(buildCsr({ subject: [['CN', 'weak']], key: key('RSA1024', 1) }));
    const r = validatePcaIssueCsr({ ...ok, csr: weak });
    expect(r.error_code).toBe('PCA.00020102');
    expect(r.findings[0]!.field).toBe('csr.key_algorithm');
  });

  it('fuzz: any JSON never throws, codes are PCA codes', () => {
    const check = (r: ReturnType<typeof validatePcaIssueCsr>): void => {
      expect(r.valid).toBe(r.error_code === undefined);
      for (const f of r.findings) expect(f.code).toMatch(/^PCA\.\d{8}$/);
    };
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => check(validatePcaIssueCsr(v))), { numRuns: 300, seed: 11 });
    fc.assert(
      fc.property(fc.record({ issuer_id: fc.oneof(fc.uuid(), fc.string()), validity: fc.record({ type: fc.constantFrom('YEAR', 'MONTH', 'DAY', 'HOUR', 'X'), value: fc.integer({ min: -5, max: 200000 }) }), type: fc.constantFrom('ENTITY_CERT', 'INTERMEDIATE_CA', 'OTHER'), path_length: fc.integer({ min: -2, max: 9 }) }, { requiredKeys: [] }), (b) =>
        check(validatePcaIssueCsr({ csr: csrPem, ...b })),
      ),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('SAN rules for csr create (shared with apply-for-certificate)', () => {
  it.each([
    ['DNS', 'www.example.com', undefined],
    ['DNS', '*.example.com', undefined],
    ['DNS', 'xn--bcher-kva.example', undefined],
    ['DNS', '-a.example.com', 'PCA.00020110'],
    ['DNS', 'a_b.example.com', 'PCA.00020110'],
    ['DNS', 'a..example.com', 'PCA.00020110'],
    ['DNS', `${'a'.repeat(64)}.com`, 'PCA.00020110'],
    ['DNS', Array.from({ length: 64 }, () => 'abc').join('.'), 'PCA.00020110'],
    ['DNS', '*.*.example.com', 'PCA.00020110'],
    ['DNS', 'www example.com', 'PCA.00020110'],
    ['DNS', 'bücher.example', 'PCA.00020110'],
    ['IP', '192.0.2.1', undefined],
    ['IP', '2001:db8::1', 'PCA.00020111'],
    ['IP', '192.0.2.256', 'PCA.00020111'],
    ['EMAIL', 'ops@example.com', undefined],
    ['EMAIL', 'ops example.com', 'PCA.00020112'],
    ['URI', 'spiffe://example.org/svc', undefined],
    ['URI', 'no scheme', 'PCA.00020112'],
    ['OTHERNAME', 'x', 'PCA.00020112'],
  ])('%s:%s', (type, value, code) => {
    const errors = sanFindings([{ type, value }]).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(code ? [code] : []);
  });

  it('more than 20 is PCA.00020112; a repeated name is a warning', () => {
    expect(sanFindings(Array.from({ length: 21 }, (_, i) => ({ type: 'DNS', value: `h${i}.example.com` }))).map((f) => f.code)).toEqual(['PCA.00020112']);
    expect(sanFindings([{ type: 'DNS', value: 'a.example.com' }, { type: 'DNS', value: 'A.EXAMPLE.com' }]).map((f) => `${f.severity} ${f.field}`)).toEqual(['warning subject_alternative_names[1]']);
  });
});

function tamper(pem: string): string {
  // Flip one base64 character inside the signature (the last line before END).
  const lines = pem.split('\n');
  const i = lines.length - 2;
  const l = lines[i]!;
  const j = Math.max(0, l.length - 6);
  lines[i] = l.slice(0, j) + (l[j] === 'A' ? 'B' : 'A') + l.slice(j + 1);
  return lines.join('\n');
}

describe('csr request: SAN rules and the builder agree', () => {
  it('fuzz: any SAN either gets an error finding or round-trips through build + parse unchanged', () => {
    const info = ecInfo;
    const label = fc.stringMatching(/^[a-z0-9*_ -]{0,8}$/);
    const san = fc.oneof(
      fc.record({ type: fc.constant('DNS'), value: fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')) }),
      fc.record({ type: fc.constant('IP'), value: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 })) }),
      fc.record({ type: fc.constant('EMAIL'), value: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 12 })) }),
      fc.record({ type: fc.constant('URI'), value: fc.oneof(fc.webUrl(), fc.string({ maxLength: 12 })) }),
      fc.record({ type: fc.constantFrom('RID', 'X400', ''), value: fc.string({ maxLength: 5 }) }),
    );
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(san, { minLength: 1, maxLength: 3 }), (sans) => {
        let made;
        try {
          made = createCsr({ subject: { common_name: 'fuzz' }, sans }, ec, info.publicKey);
        } catch (e) {
          // Refused: with a CCM code from the SAN rules, never a crash.
          expect((e as { code?: string }).code).toMatch(/^PCA\.000201(10|11|12)$|^PCA\.00020001$/);
          refused++;
          return;
        }
        accepted++;
        expect(made.report.signature_valid).toBe(true);
        expect(made.report.subject_alternative_names.map((s) => s.type)).toEqual(sans.map((s) => s.type));
      }),
      { numRuns: 400, seed: 21 },
    );
    // Both outcomes are exercised, so the property says something.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
