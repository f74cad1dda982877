// "Outputs are plain JSON-able objects with CCM's field names": every report
// the public API returns survives JSON.stringify/JSON.parse unchanged (no
// Date, Buffer, bigint, Map or undefined hiding in it), through the public
// entry point, on a PKI pinned to the fixtures' reference time.
import { describe, expect, it } from 'vitest';
import {
  buildChainReport,
  buildCrlFromRequest,
  CcmError,
  certBag,
  checkCrl,
  crlEntries,
  crlEntryView,
  crlView,
  csrCreate,
  csrReport,
  generateKey,
  inspectObject,
  loadCertificate,
  loadCrl,
  matchKeyPairs,
  parseCsrOrFail,
  readInput,
  readPrivateKey,
  validatePcaCreateCa,
  validateScmImport,
  validateScmUploadCsr,
  verifyChainReport,
} from '../../src/index.js';
import { chain, keyPem, pem, REF } from '../helpers/pki.js';

const plain = (v: unknown): void => expect(JSON.parse(JSON.stringify(v))).toEqual(v);

describe('public reports are plain JSON', () => {
  const { root, intermediates, leaf } = chain(2);
  const int = intermediates[0]!;
  const bundle = pem('CERTIFICATE', leaf.der) + pem('CERTIFICATE', int.der) + pem('CERTIFICATE', root.der);

  it('pre-flights', () => {
    const body = { name: 'www_example', certificate: pem('CERTIFICATE', leaf.der), certificate_chain: pem('CERTIFICATE', int.der), private_key: keyPem(leaf.key) };
    const ok = validateScmImport(body, { at: REF });
    expect(ok.valid).toBe(true);
    plain(ok);
    const bad = validateScmImport({ ...body, private_key: keyPem(int.key) }, { at: REF });
    expect(bad.error_code).toBe('SCM.0014');
    plain(bad);
    plain(validatePcaCreateCa({ type: 'ROOT' }, { at: REF }));
  });

  it('CSR reports and created CSRs with their bodies', () => {
    const made = csrCreate({ key: readPrivateKey(generateKey('EC256').pem, 'k'), request: { subject: { common_name: 'www.example.com' }, sans: [{ type: 'DNS', value: 'www.example.com' }] }, body: { kind: 'scm-upload', name: 'www' }, at: REF });
    const report = csrReport(parseCsrOrFail(made.der, 'made'));
    expect(report.signature_valid).toBe(true);
    plain(report);
    plain(made.body);
    plain(made.bodyValidation);
    plain(validateScmUploadCsr(made.body));
  });

  it('chain reports', () => {
    const { report } = buildChainReport(certBag(readInput(bundle, 'bundle.pem').objects), { at: REF });
    expect(report.complete).toBe(true);
    plain(report);
    const v = verifyChainReport(certBag(readInput(pem('CERTIFICATE', leaf.der), 'leaf').objects).certs[0]!, certBag(readInput(pem('CERTIFICATE', root.der), 'root').objects), certBag(readInput(pem('CERTIFICATE', int.der), 'int').objects), { at: REF, hostname: 'www.example.com' });
    expect(v.valid).toBe(true);
    plain(v);
  });

  it('inspect, key match (its errors are CCM error bodies in JSON)', () => {
    const objects = readInput(bundle + keyPem(leaf.key) + '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'mixed.pem').objects;
    for (const o of objects.slice(0, 4)) plain(inspectObject(o, undefined, REF));
    const m = matchKeyPairs(objects);
    expect(m.pairs).toEqual([{ key: 'mixed.pem#4', certificate: 'mixed.pem#1' }]);
    expect(m.errors.length).toBe(1);
    expect(m.errors[0]).toBeInstanceOf(CcmError);
    expect(JSON.parse(JSON.stringify(m.errors))).toEqual([{ status: 400, error_code: 'SCM.0031', error_msg: expect.any(String), source: 'mixed.pem#5' }]);
    const { errors: _e, ...rest } = m;
    plain(rest);
  });

  it('CRL build summary, views and checks', () => {
    const at = REF;
    const res = buildCrlFromRequest({
      caCert: { bytes: pem('CERTIFICATE', int.der), source: 'int.pem' },
      caKey: { bytes: keyPem(int.key), source: 'int.key' },
      revoked: { bytes: `${loadCertificate({ bytes: leaf.der, source: 'leaf' }, 'leaf').serial},2025-05-01T00:00:00Z,KEY_COMPROMISE\n`, source: 'revoked.csv' },
      crlNumber: 7,
      validDays: 7,
      at,
    });
    expect(res.crl).toBeDefined();
    plain(res.summary);
    plain(res.findings);
    const crl = loadCrl({ bytes: Buffer.concat(res.crl!.chunks), source: 'int.crl' });
    const ca = loadCertificate({ bytes: int.der, source: 'int' }, 'CA');
    plain(crlView(crl, 'int.crl', ca));
    plain([...crlEntries(crl)].map(crlEntryView));
    const r = checkCrl(crl, 'int.crl', loadCertificate({ bytes: leaf.der, source: 'leaf' }, 'certificate'), at, ca);
    expect(r).toMatchObject({ status: 'revoked', reason: 'KEY_COMPROMISE', crl_number: '7' });
    plain(r);
  });
});
