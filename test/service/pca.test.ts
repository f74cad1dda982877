// The PCA service in-process, with a pinned clock: response shapes, the
// PCA.00030201 state machine, IDs, quotas, derived EXPIRED, scheduled
// deletion, certificate contents, CRLs, the batch, and workspace check.
import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/engine/certificate.js';
import { crlEntries, parseCrl, verifyCrl } from '../../src/engine/crl.js';
import { parseCsr } from '../../src/engine/csr.js';
import { parsePem } from '../../src/engine/pem.js';
import { OID } from '../../src/engine/oids.js';
import {
  activateCa,
  applyCert,
  caQuota,
  certQuota,
  checkWorkspace,
  createCa,
  deleteCa,
  deleteCert,
  disableCa,
  enableCa,
  exportCa,
  exportCaCsr,
  exportCert,
  generateCaCrl,
  issueCertByCsr,
  issueCsrBatch,
  listCas,
  listCerts,
  matchRoute,
  PCA_ROUTES,
  restoreCa,
  revokeCa,
  revokeCert,
  showCa,
  showCert,
  type PcaContext,
  type PcaRequest,
  type PcaResponse,
} from '../../src/service/pca/index.js';
import { readZip } from '../../src/service/zip.js';
import { applyBody, DN, idOf, issueBody, refusal, rootBody, subBody, testWorkspace, type TestWs } from '../helpers/pca.js';
import { tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-pca-');
afterAll(tmp.cleanup);
const DAY = 86_400_000;

const CA_FIELDS = [
  'ca_id', 'type', 'status', 'path_length', 'issuer_id', 'issuer_name', 'key_algorithm', 'signature_algorithm', 'freeze_flag', 'gen_mode', 'serial_number',
  'create_time', 'delete_time', 'not_before', 'not_after', 'distinguished_name', 'crl_configuration',
].sort();
const CERT_FIELDS = [
  'certificate_id', 'status', 'issuer_id', 'issuer_name', 'key_algorithm', 'signature_algorithm', 'freeze_flag', 'gen_mode', 'serial_number', 'create_time',
  'delete_time', 'not_before', 'not_after', 'distinguished_name',
].sort();

function ca(ctx: PcaContext, id: string): Record<string, any> {
  return showCa(ctx, { params: { ca_id: id } }).body as Record<string, any>;
}

describe('CAs: the three cases of 4.2.1.2 and their response bodies', () => {
  let t: TestWs;
  let root: string;
  beforeAll(() => {
    t = testWorkspace(tmp.dir);
    root = idOf(createCa(t.ctx, { body: rootBody() }));
  });

  it('a root: 200 {ca_id}, ACTIVED, path_length 7, self-signed with no pathLenConstraint', () => {
    const r = createCa(t.ctx, { body: rootBody({ distinguished_name: { ...DN, common_name: 'Second Root' } }) });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body as object)).toEqual(['ca_id']);
    expect(idOf(r)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const b = ca(t.ctx, root);
    expect(Object.keys(b).sort()).toEqual(CA_FIELDS);
    expect(b).toMatchObject({ type: 'ROOT', status: 'ACTIVED', path_length: 7, issuer_id: null, issuer_name: null, gen_mode: 'GENERATE', key_algorithm: 'EC256', signature_algorithm: 'SHA256', freeze_flag: 0, delete_time: null });
    expect(b.distinguished_name).toEqual({ country: 'CN', state: 'Guangdong', locality: 'Shenzhen', organization: 'ccmkit test', organizational_unit: 'PKI', common_name: 'Test Root CA' });
    expect(b.create_time).toBe(t.clock.t);
    expect(b.not_before).toBe(t.clock.t);
    expect(b.not_after).toBe(Date.parse('2035-06-01T00:00:00Z'));
    const cert = parseCertificate(t.ctx.store.getCa(root)!.certificate!);
    expect(cert.extensions.basicConstraints).toEqual({ ca: true });
    expect(cert.extensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(cert.subject.der.equals(cert.issuer.der)).toBe(true);
    expect(cert.extensions.subjectKeyId).toBe(cert.extensions.authorityKeyId);
    expect(BigInt('0x' + cert.serial).toString(10)).toBe(b.serial_number);
  });

  it('a root ignores key_usages (fixed, 4.2.1.2 NOTE); a subordinate takes them', () => {
    const r = idOf(createCa(t.ctx, { body: rootBody({ distinguished_name: { ...DN, common_name: 'KU Root' }, key_usages: ['keyCertSign'] }) }));
    expect(parseCertificate(t.ctx.store.getCa(r)!.certificate!).extensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    const s = idOf(createCa(t.ctx, { body: subBody(root, { key_usages: ['keyCertSign', 'cRLSign'] }) }));
    expect(parseCertificate(t.ctx.store.getCa(s)!.certificate!).extensions.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
  });

  it('a subordinate under a local CA: issuer fields, path length default 0, AKI = issuer SKI, issuer name bytes', () => {
    const s = idOf(createCa(t.ctx, { body: subBody(root) }));
    const b = ca(t.ctx, s);
    expect(b).toMatchObject({ type: 'SUBORDINATE', status: 'ACTIVED', path_length: 0, issuer_id: root, issuer_name: 'Test Root CA', gen_mode: 'GENERATE' });
    const sub = parseCertificate(t.ctx.store.getCa(s)!.certificate!);
    const rc = parseCertificate(t.ctx.store.getCa(root)!.certificate!);
    expect(sub.extensions.basicConstraints).toEqual({ ca: true, path_length: 0 });
    expect(sub.extensions.authorityKeyId).toBe(rc.extensions.subjectKeyId);
    expect(sub.issuer.der.equals(rc.subject.der)).toBe(true);
  });

  it('a subordinate without issuer_id, signature_algorithm and validity is PENDING, with a CSR of its key', () => {
    const p = idOf(createCa(t.ctx, { body: { type: 'SUBORDINATE', key_algorithm: 'EC384', distinguished_name: { ...DN, common_name: 'Pending CA' } } }));
    const b = ca(t.ctx, p);
    expect(b).toMatchObject({ status: 'PENDING', issuer_id: null, serial_number: null, not_before: null, not_after: null, signature_algorithm: null });
    const csrText = (exportCaCsr(t.ctx, { params: { ca_id: p } }).body as { csr: string }).csr;
    expect(csrText).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\r\n/);
    expect(csrText).not.toMatch(/\r\n$/);
    const csr = parseCsr(parsePem(csrText)[0]!.der);
    expect(csr.publicKey.curve).toBe('P-384');
    expect(csr.subject.rdns.flat().find((a) => a.type === 'CN')!.value).toBe('Pending CA');
  });

  it('a subordinate that names only some of issuer_id/signature_algorithm/validity is refused by the pre-flight', () => {
    const r = refusal(() => createCa(t.ctx, { body: { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: DN, issuer_id: root } }));
    expect(r).toMatchObject({ status: 400, code: 'PCA.00020103' });
  });

  it('refuses with the pre-flight codes: bad type, DN, key algorithm, unknown issuer, disabled issuer', () => {
    expect(refusal(() => createCa(t.ctx, { body: rootBody({ type: 'LEAF' }) }))).toMatchObject({ status: 400, code: 'PCA.00020202' });
    expect(refusal(() => createCa(t.ctx, { body: rootBody({ key_algorithm: 'RSA1024' }) }))).toMatchObject({ status: 400, code: 'PCA.00020102' });
    expect(refusal(() => createCa(t.ctx, { body: rootBody({ distinguished_name: { common_name: 'x' } }) }))).toMatchObject({ status: 400, code: 'PCA.00020101' });
    expect(refusal(() => createCa(t.ctx, { body: subBody('00000000-0000-4000-8000-000000000000') }))).toMatchObject({ status: 404, code: 'PCA.00030103' });
    expect(refusal(() => createCa(t.ctx, { body: 'not an object' }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
  });

  it('path length must fit under the issuer, validity inside the issuer', () => {
    const s0 = idOf(createCa(t.ctx, { body: subBody(root, { path_length: 0, distinguished_name: { ...DN, common_name: 'PL0' } }) }));
    expect(refusal(() => createCa(t.ctx, { body: subBody(s0) }))).toMatchObject({ status: 400, code: 'PCA.00020203' });
    const s2 = idOf(createCa(t.ctx, { body: subBody(root, { path_length: 2, distinguished_name: { ...DN, common_name: 'PL2' } }) }));
    expect(refusal(() => createCa(t.ctx, { body: subBody(s2, { path_length: 2 }) }))).toMatchObject({ status: 400, code: 'PCA.00020203' });
    expect(ca(t.ctx, idOf(createCa(t.ctx, { body: subBody(s2, { path_length: 1 }) }))).path_length).toBe(1);
    expect(refusal(() => createCa(t.ctx, { body: subBody(root, { validity: { type: 'YEAR', value: 11 } }) }))).toMatchObject({ status: 400, code: 'PCA.00020109' });
    expect(refusal(() => applyCert(t.ctx, { body: applyBody(s2, { validity: { type: 'YEAR', value: 6 } }) }))).toMatchObject({ status: 400, code: 'PCA.00020109' });
  });

  it('CRL publication needs the workspace crl_base_url', () => {
    const bare = testWorkspace(tmp.dir, { crl_base_url: undefined });
    expect(refusal(() => createCa(bare.ctx, { body: rootBody({ crl_configuration: { enabled: true, obs_bucket_name: 'b', valid_days: 7 } }) }))).toMatchObject({ status: 400, code: 'PCA.00020204' });
    expect(idOf(createCa(bare.ctx, { body: rootBody({ crl_configuration: { enabled: false } }) }))).toBeTruthy();
  });
});

describe('the state machine (A.2.2 PCA.00030201), IDs and not-found', () => {
  const t = testWorkspace(tmp.dir);
  const root = idOf(createCa(t.ctx, { body: rootBody() }));
  type Op = (ctx: PcaContext, req: PcaRequest) => PcaResponse;
  const call = (op: Op, id: string, extra: PcaRequest = {}): number | string => {
    try {
      return op(t.ctx, { params: { ca_id: id }, ...extra }).status;
    } catch (e) {
      return `${(e as { status: number }).status} ${(e as { code: string }).code}`;
    }
  };
  /** A fresh CA in the given status. */
  function caIn(status: string): string {
    if (status === 'PENDING') return idOf(createCa(t.ctx, { body: { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: DN } }));
    const id = idOf(createCa(t.ctx, { body: subBody(root, { validity: { type: 'DAY', value: 30 } }) }));
    if (status === 'ACTIVED') return id;
    if (status === 'EXPIRED') {
      // Expired by its dates, not stored: made with a start 40 days back is refused, so the row's dates move instead.
      t.ctx.store.updateCa(id, { not_after: t.clock.t - 1000 });
      return id;
    }
    disableCa(t.ctx, { params: { ca_id: id } });
    if (status === 'DISABLED') return id;
    deleteCa(t.ctx, { params: { ca_id: id }, query: { pending_days: '7' } });
    return id; // DELETED
  }
  const statuses = ['PENDING', 'ACTIVED', 'DISABLED', 'DELETED', 'EXPIRED'];
  const rules: [string, Op, string[], PcaRequest?][] = [
    ['disable', disableCa, ['ACTIVED', 'EXPIRED']],
    ['enable', enableCa, ['DISABLED']],
    ['delete', deleteCa, ['PENDING', 'DISABLED'], { query: { pending_days: '7' } }],
    ['restore', restoreCa, ['DELETED']],
    ['csr export', exportCaCsr, ['PENDING']],
    ['CA export', exportCa, ['ACTIVED', 'EXPIRED']],
  ];
  for (const [name, op, allowed, extra] of rules) {
    for (const s of statuses) {
      const ok = allowed.includes(s);
      it(`${name} on ${s}: ${ok ? 'allowed' : '403 PCA.00030201'}`, () => {
        const got = call(op, caIn(s), extra);
        if (ok) expect(typeof got).toBe('number');
        else expect(got).toBe('403 PCA.00030201');
      });
    }
  }

  it('activate needs PENDING; issuing needs an ACTIVED issuer', () => {
    const body = { issuer_id: root, path_length: 0, signature_algorithm: 'SHA256', validity: { type: 'YEAR', value: 1 } };
    for (const s of statuses) {
      const got = call(activateCa, caIn(s), { body });
      if (s === 'PENDING') expect(got).toBe(204);
      else expect(got).toBe('403 PCA.00030201');
    }
    const short = { validity: { type: 'DAY', value: 1 } };
    for (const s of ['DISABLED', 'DELETED', 'EXPIRED']) {
      expect(refusal(() => applyCert(t.ctx, { body: applyBody(caIn(s), short) }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
      expect(refusal(() => issueCertByCsr(t.ctx, { body: issueBody(caIn(s), 'x.example.test', short) }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    }
    expect(refusal(() => applyCert(t.ctx, { body: applyBody(caIn('PENDING'), short) }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
  });

  it('certificate export needs ISSUED: REVOKED and EXPIRED are refused', () => {
    const sub = caIn('ACTIVED');
    const c1 = idOf(applyCert(t.ctx, { body: applyBody(sub, { validity: { type: 'DAY', value: 10 } }) }));
    const exp = { is_compressed: 'false', type: 'NGINX' };
    expect(exportCert(t.ctx, { params: { certificate_id: c1 }, body: exp }).status).toBe(200);
    revokeCert(t.ctx, { params: { certificate_id: c1 }, body: {} });
    expect(refusal(() => exportCert(t.ctx, { params: { certificate_id: c1 }, body: exp }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    const c2 = idOf(applyCert(t.ctx, { body: applyBody(sub, { validity: { type: 'HOUR', value: 1 } }) }));
    t.clock.t += 2 * 3_600_000;
    try {
      expect((showCert(t.ctx, { params: { certificate_id: c2 } }).body as any).status).toBe('EXPIRED');
      expect(refusal(() => exportCert(t.ctx, { params: { certificate_id: c2 }, body: exp }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    } finally {
      t.clock.t -= 2 * 3_600_000;
    }
    expect((showCert(t.ctx, { params: { certificate_id: c2 } }).body as any).status).toBe('ISSUED');
  });

  it('bad IDs are 400 with the ID codes; unknown ones 404 PCA.00030102', () => {
    expect(refusal(() => showCa(t.ctx, { params: { ca_id: 'nope' } }))).toMatchObject({ status: 400, code: 'PCA.00020201' });
    expect(refusal(() => showCert(t.ctx, { params: { certificate_id: '../../etc/passwd' } }))).toMatchObject({ status: 400, code: 'PCA.00020301' });
    expect(refusal(() => showCa(t.ctx, { params: { ca_id: '00000000-0000-4000-8000-000000000000' } }))).toMatchObject({ status: 404, code: 'PCA.00030102' });
    expect(refusal(() => showCert(t.ctx, { params: { certificate_id: '00000000-0000-4000-8000-000000000000' } }))).toMatchObject({ status: 404, code: 'PCA.00030102' });
    expect(refusal(() => revokeCert(t.ctx, { params: { certificate_id: '00000000-0000-4000-8000-000000000000' }, body: {} }))).toMatchObject({ status: 404, code: 'PCA.00030102' });
  });

  it('pending_days is required and 7..30', () => {
    const id = caIn('DISABLED');
    for (const v of [undefined, '6', '31', 'x', '7.5']) expect(refusal(() => deleteCa(t.ctx, { params: { ca_id: id }, query: { pending_days: v } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
  });

  it('deletion: PENDING goes at once; DISABLED is DELETED until pending_days pass, restorable before', () => {
    const p = caIn('PENDING');
    expect(deleteCa(t.ctx, { params: { ca_id: p }, query: { pending_days: '30' } }).status).toBe(204);
    expect(refusal(() => showCa(t.ctx, { params: { ca_id: p } }))).toMatchObject({ status: 404 });
    const d = caIn('DISABLED');
    deleteCa(t.ctx, { params: { ca_id: d }, query: { pending_days: '7' } });
    expect(ca(t.ctx, d)).toMatchObject({ status: 'DELETED', delete_time: t.clock.t + 7 * DAY });
    restoreCa(t.ctx, { params: { ca_id: d } });
    expect(ca(t.ctx, d)).toMatchObject({ status: 'DISABLED', delete_time: null });
    deleteCa(t.ctx, { params: { ca_id: d }, query: { pending_days: '7' } });
    t.clock.t += 7 * DAY;
    try {
      expect(refusal(() => showCa(t.ctx, { params: { ca_id: d } }))).toMatchObject({ status: 404, code: 'PCA.00030102' });
      expect(refusal(() => restoreCa(t.ctx, { params: { ca_id: d } }))).toMatchObject({ status: 404 });
      expect((listCas(t.ctx, { query: { limit: '1000' } }).body as any).certificate_authorities.some((c: any) => c.ca_id === d)).toBe(false);
    } finally {
      t.clock.t -= 7 * DAY;
    }
  });

  it('EXPIRED is derived from the clock, never stored', () => {
    const id = idOf(createCa(t.ctx, { body: subBody(root, { validity: { type: 'DAY', value: 2 } }) }));
    expect(ca(t.ctx, id).status).toBe('ACTIVED');
    t.clock.t += 3 * DAY;
    try {
      expect(ca(t.ctx, id).status).toBe('EXPIRED');
      expect(t.ctx.store.getCa(id)!.status).toBe('ACTIVED');
      expect((listCas(t.ctx, { query: { status: 'EXPIRED', limit: '1000' } }).body as any).certificate_authorities.map((c: any) => c.ca_id)).toContain(id);
      expect((listCas(t.ctx, { query: { status: 'ACTIVED', limit: '1000' } }).body as any).certificate_authorities.map((c: any) => c.ca_id)).not.toContain(id);
      // EXPIRED may be disabled (the list), and then reads DISABLED.
      expect(disableCa(t.ctx, { params: { ca_id: id } }).status).toBe(204);
      expect(ca(t.ctx, id).status).toBe('DISABLED');
    } finally {
      t.clock.t -= 3 * DAY;
    }
  });

  it('revoking a subordinate CA: DISABLED, on its issuer CRL, cannot be enabled; a root cannot be revoked', () => {
    const id = caIn('ACTIVED');
    expect(revokeCa(t.ctx, { params: { ca_id: id }, body: { reason: 'CERTIFICATE_AUTHORITY_COMPROMISE' } }).status).toBe(204);
    expect(ca(t.ctx, id).status).toBe('DISABLED');
    expect(refusal(() => enableCa(t.ctx, { params: { ca_id: id } }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    expect(refusal(() => revokeCa(t.ctx, { params: { ca_id: id }, body: {} }))).toMatchObject({ status: 403 });
    expect(refusal(() => revokeCa(t.ctx, { params: { ca_id: root }, body: {} }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    expect(refusal(() => revokeCa(t.ctx, { params: { ca_id: caIn('ACTIVED') }, body: { reason: 'LOST' } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    const crl = parseCrl(t.ctx.store.latestCrl(root)!.crl);
    const serial = BigInt(ca(t.ctx, id).serial_number).toString(16).toUpperCase();
    const e = [...crlEntries(crl)].find((x) => x.serial === serial.padStart(serial.length + (serial.length % 2), '0'));
    expect(e?.reason).toBe(2);
  });
});

describe('quotas (PCA.00030001)', () => {
  it('CA and certificate quotas are per workspace; INTERMEDIATE_CA counts against neither', () => {
    const t = testWorkspace(tmp.dir, { ca_quota: '2', certificate_quota: '2' });
    const root = idOf(createCa(t.ctx, { body: rootBody() }));
    idOf(createCa(t.ctx, { body: { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: DN } }));
    expect(refusal(() => createCa(t.ctx, { body: rootBody() }))).toMatchObject({ status: 403, code: 'PCA.00030001' });
    expect(caQuota(t.ctx).body).toEqual({ quotas: { resources: [{ type: 'CERTIFICATE_AUTHORITY', used: 2, quota: 2 }] } });
    applyCert(t.ctx, { body: applyBody(root) });
    issueCertByCsr(t.ctx, { body: issueBody(root, 'a.example.test') });
    expect(refusal(() => applyCert(t.ctx, { body: applyBody(root) }))).toMatchObject({ status: 403, code: 'PCA.00030001' });
    expect(refusal(() => issueCertByCsr(t.ctx, { body: issueBody(root, 'b.example.test') }))).toMatchObject({ status: 403, code: 'PCA.00030001' });
    const inter = idOf(issueCertByCsr(t.ctx, { body: issueBody(root, 'Intermediate via CSR', { type: 'INTERMEDIATE_CA', path_length: 0 }, { sans: [] }) }));
    expect(certQuota(t.ctx).body).toEqual({ quotas: { resources: [{ type: 'CERTIFICATE', used: 2, quota: 2 }] } });
    expect((caQuota(t.ctx).body as any).quotas.resources[0].used).toBe(2);
    // Not listed; found by ID; exportable; cannot issue (its key is on the user's side).
    expect((listCas(t.ctx, {}).body as any).certificate_authorities.map((c: any) => c.ca_id)).not.toContain(inter);
    expect(ca(t.ctx, inter)).toMatchObject({ type: 'SUBORDINATE', gen_mode: 'CSR', status: 'ACTIVED', path_length: 0, issuer_id: root });
    expect(exportCa(t.ctx, { params: { ca_id: inter } }).status).toBe(200);
    const c = parseCertificate(t.ctx.store.getCa(inter)!.certificate!);
    expect(c.extensions.basicConstraints).toEqual({ ca: true, path_length: 0 });
    expect(c.extensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    // Deleting a certificate frees its quota.
    const first = (listCerts(t.ctx, {}).body as any).certificates[0].certificate_id;
    deleteCert(t.ctx, { params: { certificate_id: first } });
    expect(applyCert(t.ctx, { body: applyBody(root) }).status).toBe(200);
  });
});

describe('certificate contents', () => {
  const t = testWorkspace(tmp.dir);
  const root = idOf(createCa(t.ctx, { body: rootBody({ crl_configuration: { enabled: true, obs_bucket_name: 'bucket', valid_days: 10, crl_name: 'root-crl' } }) }));
  const sub = idOf(
    createCa(t.ctx, { body: subBody(root, { signature_algorithm: 'SHA384', key_algorithm: 'RSA2048', crl_configuration: { enabled: true, obs_bucket_name: 'bucket', valid_days: 7 } }) }),
  );

  it('apply: DN inherited from the issuer, SANs, key usage and EKU as asked, SKI/AKI, CRL distribution point, custom extension', () => {
    const id = idOf(
      applyCert(t.ctx, {
        body: applyBody(sub, {
          signature_algorithm: 'SHA512',
          distinguished_name: { common_name: 'api.example.test', organizational_unit: 'API' },
          subject_alternative_names: [
            { type: 'DNS', value: 'api.example.test' },
            { type: 'IP', value: '10.0.0.1' },
            { type: 'EMAIL', value: 'ops@example.test' },
            { type: 'URI', value: 'https://api.example.test/' },
          ],
          key_usages: ['digitalSignature', 'keyEncipherment'],
          extended_key_usage: { server_auth: true, client_auth: true, code_signing: false },
          customized_extension: { object_identifier: '1.3.6.1.4.1.2011.4.99', value: 'hello' },
        }),
      }),
    );
    const row = t.ctx.store.getCert(id)!;
    const c = parseCertificate(row.certificate);
    expect(c.subject.rdns.flat().map((a) => `${a.type}=${a.value}`)).toEqual(['C=CN', 'ST=Guangdong', 'L=Shenzhen', 'O=ccmkit test', 'OU=API', 'CN=api.example.test']);
    expect(c.extensions.subjectAltNames).toEqual([
      { type: 'DNS', value: 'api.example.test' },
      { type: 'IP', value: '10.0.0.1' },
      { type: 'EMAIL', value: 'ops@example.test' },
      { type: 'URI', value: 'https://api.example.test/' },
    ]);
    expect(c.extensions.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.extensions.extendedKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(c.extensions.basicConstraints).toEqual({ ca: false });
    const issuer = parseCertificate(t.ctx.store.getCa(sub)!.certificate!);
    expect(c.extensions.authorityKeyId).toBe(issuer.extensions.subjectKeyId);
    expect(c.extensions.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(c.signatureAlgorithm.hash).toBe('SHA512');
    const custom = c.extensions.list.find((e) => e.oid === '1.3.6.1.4.1.2011.4.99')!;
    expect(custom.critical).toBe(false);
    expect(custom.value.toString('utf8')).toContain('hello');
    const cdp = c.extensions.list.find((e) => e.oid === OID.crlDistributionPoints)!;
    expect(cdp.value.toString('latin1')).toContain(`http://crl.example.test/pca/${sub}.crl`);
    // The subordinate itself points at the root's CRL, named by crl_name.
    expect(issuer.extensions.list.find((e) => e.oid === OID.crlDistributionPoints)!.value.toString('latin1')).toContain('http://crl.example.test/pca/root-crl.crl');
    expect(ca(t.ctx, root).crl_configuration).toEqual({ enabled: true, crl_name: 'root-crl', obs_bucket_name: 'bucket', valid_days: 10, crl_dis_point: 'http://crl.example.test/pca/root-crl.crl' });
    // The key is kept sealed, and it is the certificate's.
    const key = t.ctx.vault.open(row.private_key!, 'test');
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(c.publicKey.spki)).toBe(true);
  });

  it('apply: PCA defaults when the body says nothing (digitalSignature + keyAgreement, no EKU)', () => {
    const c = parseCertificate(t.ctx.store.getCert(idOf(applyCert(t.ctx, { body: applyBody(sub) })))!.certificate);
    expect(c.extensions.keyUsage).toEqual(['digitalSignature', 'keyAgreement']);
    expect(c.extensions.extendedKeyUsage).toBeUndefined();
  });

  it('a customized extension may not replace one the CA writes', () => {
    expect(refusal(() => applyCert(t.ctx, { body: applyBody(sub, { customized_extension: { object_identifier: '2.5.29.17', value: 'x' } }) }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
  });

  it('issue via CSR: subject and SANs from the CSR, its key usage and EKU preferred, SHA-384, no key kept', () => {
    const id = idOf(issueCertByCsr(t.ctx, { body: issueBody(sub, 'csr.example.test', {}, { keyUsage: ['digitalSignature'], eku: ['clientAuth'] }) }));
    const row = t.ctx.store.getCert(id)!;
    expect(row).toMatchObject({ gen_mode: 'CSR', signature_algorithm: 'SHA384', key_algorithm: 'EC256', private_key: null });
    const c = parseCertificate(row.certificate);
    expect(c.signatureAlgorithm.hash).toBe('SHA384');
    expect(c.extensions.keyUsage).toEqual(['digitalSignature']);
    expect(c.extensions.extendedKeyUsage).toEqual(['clientAuth']);
    expect(c.extensions.subjectAltNames).toEqual([{ type: 'DNS', value: 'csr.example.test' }]);
    expect(c.subject.rdns.flat().map((a) => a.value)).toEqual(['CN', 'ccmkit test', 'csr.example.test']);
    const plain = parseCertificate(t.ctx.store.getCert(idOf(issueCertByCsr(t.ctx, { body: issueBody(sub, 'plain.example.test') })))!.certificate);
    expect(plain.extensions.keyUsage).toEqual(['digitalSignature', 'keyAgreement']);
  });

  it('serials are positive, at most 20 octets, unique per CA', () => {
    const serials = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const c = parseCertificate(t.ctx.store.getCert(idOf(issueCertByCsr(t.ctx, { body: issueBody(sub, `s${i}.example.test`) })))!.certificate);
      expect(c.problems).toEqual([]);
      expect(Buffer.from(c.serial.length % 2 ? '0' + c.serial : c.serial, 'hex').length).toBeLessThanOrEqual(20);
      expect(BigInt('0x' + c.serial) > 0n).toBe(true);
      serials.add(c.serial);
    }
    expect(serials.size).toBe(40);
  });

  it('validity types: YEAR and MONTH are calendar units, DAY and HOUR fixed; start_from is honoured', () => {
    const start = t.clock.t + DAY;
    const mk = (v: Record<string, unknown>): { nb: number; na: number } => {
      const b = showCert(t.ctx, { params: { certificate_id: idOf(applyCert(t.ctx, { body: applyBody(sub, { validity: v }) })) } }).body as any;
      return { nb: b.not_before, na: b.not_after };
    };
    expect(mk({ type: 'YEAR', value: 1, start_from: start })).toEqual({ nb: start, na: Date.parse('2026-06-02T00:00:00Z') });
    expect(mk({ type: 'MONTH', value: 3, start_from: start })).toEqual({ nb: start, na: Date.parse('2025-09-02T00:00:00Z') });
    expect(mk({ type: 'HOUR', value: 5 })).toEqual({ nb: t.clock.t, na: t.clock.t + 5 * 3_600_000 });
  });

  it('exports: JSON with \\r\\n and the chain up to the root; zips named as PCA names them; key-less sets for CSR certificates', async () => {
    const id = idOf(applyCert(t.ctx, { body: applyBody(sub) }));
    const j = exportCert(t.ctx, { params: { certificate_id: id }, body: { is_compressed: false, type: 'other' } }).body as any;
    expect(Object.keys(j).sort()).toEqual(['certificate', 'certificate_chain', 'private_key']);
    expect(j.certificate).toContain('\r\n');
    expect(parsePem(j.certificate_chain.replace(/\r\n/g, '\n')).map((b) => parseCertificate(b.der).subject.rdns.flat().find((a) => a.type === 'CN')!.value)).toEqual(['Test Issuing CA', 'Test Root CA']);
    const z = exportCert(t.ctx, { params: { certificate_id: id }, body: { is_compressed: 'true', type: 'tomcat', password: 'S3cret' } });
    expect(z).toMatchObject({ status: 200, contentType: 'application/zip', filename: 'www.example.test_tomcat.zip' });
    expect((await readZip(z.body as Buffer, 'z')).map((e) => e.name)).toEqual(['server.jks']);
    const fromCsr = idOf(issueCertByCsr(t.ctx, { body: issueBody(sub, 'nokey.example.test') }));
    const k = exportCert(t.ctx, { params: { certificate_id: fromCsr }, body: { is_compressed: 'true', type: 'APACHE' } });
    expect((await readZip(k.body as Buffer, 'z')).map((e) => e.name)).toEqual(['chain.crt', 'server.crt']);
    for (const bad of [{ type: 'NGINX' }, { is_compressed: 'yes', type: 'NGINX' }, { is_compressed: 'true', type: 'HAPROXY' }, { is_compressed: 'false', type: 'IIS' }, { is_compressed: 'true', type: 'IIS', password: 'x'.repeat(33) }]) {
      expect(refusal(() => exportCert(t.ctx, { params: { certificate_id: id }, body: bad }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    }
  });

  it('CA export: certificate and chain with \\r\\n; a root exports itself as its chain', () => {
    const s = exportCa(t.ctx, { params: { ca_id: sub } }).body as any;
    const r = exportCa(t.ctx, { params: { ca_id: root } }).body as any;
    expect(s.certificate_chain).toBe(r.certificate);
    expect(r.certificate_chain).toBe(r.certificate);
    expect(s.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\r\n/);
  });
});

describe('revocation and CRLs', () => {
  const t = testWorkspace(tmp.dir);
  const root = idOf(createCa(t.ctx, { body: rootBody({ crl_configuration: { enabled: true, obs_bucket_name: 'b', valid_days: 7 } }) }));

  it('a CA that publishes CRLs starts with an empty CRL #1; each revocation rebuilds it with the reason, in the same transaction', () => {
    const first = t.ctx.store.latestCrl(root)!;
    expect(first.crl_number).toBe(1);
    expect(parseCrl(first.crl).revokedCount).toBe(0);
    const ids = [0, 1, 2].map((i) => idOf(applyCert(t.ctx, { body: applyBody(root, { distinguished_name: { common_name: `r${i}.example.test` } }) })));
    revokeCert(t.ctx, { params: { certificate_id: ids[0]! }, body: { reason: 'KEY_COMPROMISE' } });
    revokeCert(t.ctx, { params: { certificate_id: ids[1]! }, body: {} });
    expect(refusal(() => revokeCert(t.ctx, { params: { certificate_id: ids[1]! }, body: {} }))).toMatchObject({ status: 403, code: 'PCA.00030201' });
    expect(refusal(() => revokeCert(t.ctx, { params: { certificate_id: ids[2]! }, body: { reason: 'keyCompromise' } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    expect(refusal(() => revokeCert(t.ctx, { params: { certificate_id: ids[2]! }, body: [] }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    const latest = t.ctx.store.latestCrl(root)!;
    expect(latest.crl_number).toBe(3);
    const crl = parseCrl(latest.crl);
    expect(verifyCrl(crl, parseCertificate(t.ctx.store.getCa(root)!.certificate!)).valid).toBe(true);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(7 * DAY);
    const entries = [...crlEntries(crl)];
    expect(entries.map((e) => e.reason)).toEqual([1, undefined]);
    expect((showCert(t.ctx, { params: { certificate_id: ids[0]! } }).body as any).status).toBe('REVOKED');
    // A deleted revoked certificate stays on the CRL.
    deleteCert(t.ctx, { params: { certificate_id: ids[0]! } });
    expect(refusal(() => showCert(t.ctx, { params: { certificate_id: ids[0]! } }))).toMatchObject({ status: 404 });
    const g = generateCaCrl(t.ctx, { params: { ca_id: root }, validDays: 30 });
    expect(g.body).toMatchObject({ crl_number: 4, revoked_count: 2 });
    expect(checkWorkspace(t.ctx).ok).toBe(true);
  });
});

describe('lists: filters, sorting, paging, envelopes', () => {
  const t = testWorkspace(tmp.dir);
  const root = idOf(createCa(t.ctx, { body: rootBody() }));
  const names = ['delta.example.test', 'alpha.example.test', 'charlie.other.test', 'bravo.example.test'];
  beforeAll(() => {
    names.forEach((cn, i) => {
      t.clock.t += 1000;
      applyCert(t.ctx, { body: applyBody(root, { distinguished_name: { common_name: cn }, validity: { type: 'DAY', value: 10 + i } }) });
    });
  });
  const list = (q: Record<string, string>): any => listCerts(t.ctx, { query: q }).body;

  it('newest first by default, total counts all matches, limit/offset page', () => {
    const all = list({});
    expect(all.total).toBe(4);
    expect(Object.keys(all).sort()).toEqual(['certificates', 'total']);
    expect(all.certificates.map((c: any) => c.distinguished_name.common_name)).toEqual([...names].reverse());
    expect(Object.keys(all.certificates[0]).sort()).toEqual(CERT_FIELDS);
    const page = list({ limit: '2', offset: '1' });
    expect(page.total).toBe(4);
    expect(page.certificates.map((c: any) => c.distinguished_name.common_name)).toEqual(['charlie.other.test', 'alpha.example.test']);
    expect(list({ limit: '0' }).certificates).toEqual([]);
  });

  it('name contains, sort by common_name / not_after, status filters', () => {
    expect(list({ name: 'example', sort_key: 'common_name', sort_dir: 'ASC' }).certificates.map((c: any) => c.distinguished_name.common_name)).toEqual([
      'alpha.example.test',
      'bravo.example.test',
      'delta.example.test',
    ]);
    expect(list({ sort_key: 'not_after', sort_dir: 'asc', limit: '1' }).certificates[0].distinguished_name.common_name).toBe('delta.example.test');
    expect(list({ status: 'REVOKED' }).total).toBe(0);
    expect(list({ status: 'issued' }).total).toBe(4);
  });

  it('bad queries get PCA codes', () => {
    expect(refusal(() => listCerts(t.ctx, { query: { limit: '1001' } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    expect(refusal(() => listCerts(t.ctx, { query: { offset: '-1' } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    expect(refusal(() => listCerts(t.ctx, { query: { status: 'ACTIVED' } }))).toMatchObject({ status: 400, code: 'PCA.00020404' });
    expect(refusal(() => listCerts(t.ctx, { query: { sort_key: 'serial_number' } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
    expect(refusal(() => listCas(t.ctx, { query: { type: 'LEAF' } }))).toMatchObject({ status: 400, code: 'PCA.00020202' });
    expect(refusal(() => listCas(t.ctx, { query: { name: 'x'.repeat(65) } }))).toMatchObject({ status: 400, code: 'PCA.00020001' });
  });

  it('CA list envelope and sort by type', () => {
    const b = listCas(t.ctx, { query: { sort_key: 'ca_type' } }).body as any;
    expect(Object.keys(b).sort()).toEqual(['certificate_authorities', 'total']);
    expect(b.total).toBe(1);
  });
});

describe('batch issuance', () => {
  it('answers each body in order: issued, or the error PCA would give for that body alone', () => {
    const t = testWorkspace(tmp.dir);
    const root = idOf(createCa(t.ctx, { body: rootBody() }));
    const bodies = [issueBody(root, 'a.example.test'), { issuer_id: root }, 'garbage', issueBody(root, 'b.example.test', { validity: { type: 'YEAR', value: 30 } }), issueBody(root, 'c.example.test')];
    const out: (string | number)[] = [];
    const totals = issueCsrBatch(t.ctx, bodies, (i, r) => out.push(r instanceof Error ? `${i}:${(r as any).code}` : `${i}:${r.status}`), { group: 2 });
    expect(out).toEqual(['0:200', '1:PCA.00020401', '2:PCA.00020001', '3:PCA.00020109', '4:200']);
    expect(totals).toEqual({ issued: 2, failed: 3 });
    expect(checkWorkspace(t.ctx).ok).toBe(true);
  });
});

describe('workspace check finds damage', () => {
  it('a tampered certificate, a key that is not the certificate\'s, a revoked certificate missing from the CRL', () => {
    const t = testWorkspace(tmp.dir);
    const root = idOf(createCa(t.ctx, { body: rootBody() }));
    const a = idOf(applyCert(t.ctx, { body: applyBody(root) }));
    const b = idOf(applyCert(t.ctx, { body: applyBody(root) }));
    revokeCert(t.ctx, { params: { certificate_id: a }, body: {} });
    expect(checkWorkspace(t.ctx)).toMatchObject({ ok: true, counts: { cas: 1, certificates: 2, keys: 3, crls: 1, revoked: 1 } });
    const der = Buffer.from(t.ctx.store.getCert(b)!.certificate);
    der[der.length - 5] = der[der.length - 5]! ^ 1;
    t.ctx.store.updateCert(b, { certificate: der });
    t.ctx.store.updateCert(a, { private_key: t.ctx.store.getCa(root)!.private_key });
    t.ws.db.prepare('DELETE FROM pca_crl').run();
    const r = checkWorkspace(t.ctx);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => `${p.kind}:${p.id}`).sort()).toEqual([`certificate:${b}`, `crl:${root}`, `key:${a}`].sort());
  });
});

describe('routes at PCA paths', () => {
  it('every route is matched at its own path and method; literal segments beat parameters; other methods are 405', () => {
    for (const r of PCA_ROUTES) {
      const path = r.path.replace('{ca_id}', '4c0e772e-a30c-4029-b929-b7acb04143f7').replace('{certificate_id}', '6434f74f-2d13-4e6a-89eb-93ee313f1a43');
      const m = matchRoute(r.method, path);
      expect(m && 'route' in m ? m.route : undefined).toBe(r);
    }
    expect(matchRoute('GET', '/v1/private-certificate-authorities/quotas')).toMatchObject({ params: {} });
    expect(matchRoute('PUT', '/v1/private-certificates')).toEqual({ methodNotAllowed: ['GET', 'POST'] });
    expect(matchRoute('GET', '/v1/nothing')).toBeUndefined();
  });
});
