// PCA v1 over real HTTP: every operation of the offline CA at PCA's paths,
// served by the same service functions as `ccmkit ca`/`cert` (the CLI run on
// the same workspace sees exactly what the emulator answered).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/server/emulator.js';
import { Client, makeCredentials, makeWorkspace, PASSPHRASE, startInProcess } from '../helpers/emulator.js';
import { applyBody, csrPem, DN, issueBody, rootBody, subBody } from '../helpers/pca.js';
import { ccmkitAsync, openssl, run, tempDir } from '../helpers/run.js';

let zips = 0;
/** The entry names of a zip, as Info-ZIP's unzip (the judge) lists them. */
function zipNames(data: Buffer): string[] {
  const f = join(t.dir, `answer-${++zips}.zip`);
  writeFileSync(f, data);
  const r = run('unzip', ['-Z1', f]);
  if (r.code !== 0) throw new Error(`unzip: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).sort();
}

let t: ReturnType<typeof tempDir>;
let emu: RunningEmulator;
let c: Client;
let wsDir: string;

beforeAll(async () => {
  t = tempDir('ccmkit-emu-pca-');
  wsDir = makeWorkspace(join(t.dir, 'ws'));
  const creds = makeCredentials();
  emu = await startInProcess(wsDir, creds);
  c = new Client(emu.url, creds);
});

afterAll(async () => {
  await emu?.stop();
  t?.cleanup();
});

const CAS = '/v1/private-certificate-authorities';
const CERTS = '/v1/private-certificates';

describe('CAs', () => {
  let root: string;
  let sub: string;

  it('creates a root and a subordinate; show, list with filters and PCA envelope', async () => {
    const r = await c.call('POST', CAS, { body: rootBody() });
    expect(r.status).toBe(200);
    root = r.json.ca_id;
    expect(root).toMatch(/^[0-9a-f-]{36}$/);
    const s = await c.call('POST', CAS, { body: subBody(root, { path_length: 0 }) });
    expect(s.status).toBe(200);
    sub = s.json.ca_id;

    const show = await c.call('GET', `${CAS}/${root}`);
    expect(show.status).toBe(200);
    expect(show.json).toMatchObject({ ca_id: root, type: 'ROOT', status: 'ACTIVED', path_length: 7 });
    expect(typeof show.json.create_time).toBe('number');

    const list = await c.call('GET', CAS, { query: [['type', 'SUBORDINATE'], ['limit', '10']] });
    expect(list.status).toBe(200);
    expect(Object.keys(list.json).sort()).toEqual(['certificate_authorities', 'total']);
    expect(list.json.certificate_authorities.map((x: any) => x.ca_id)).toEqual([sub]);

    // The CLI on the same workspace answers exactly what the emulator answered.
    const cli = await ccmkitAsync(['ca', 'show', root, '--workspace', wsDir, '--json'], { env: { ...process.env, CCMKIT_PASSPHRASE: PASSPHRASE } });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(show.json);
  });

  it('quotas, and literal /quotas wins over a CA ID only for GET', async () => {
    const q = await c.call('GET', `${CAS}/quotas`);
    expect(q.status).toBe(200);
    expect(q.json.quotas.resources[0]).toMatchObject({ type: 'CERTIFICATE_AUTHORITY', used: expect.any(Number), quota: 100 });
    const cq = await c.call('GET', `${CERTS}/quotas`);
    expect(cq.json.quotas.resources[0]).toMatchObject({ type: 'CERTIFICATE', quota: 100000 });
    const del = await c.call('DELETE', `${CAS}/quotas`, { query: [['pending_days', '7']] });
    expect(del.status).toBe(400);
    expect(del.json.error_code).toBe('PCA.00020201');
  });

  it('a PENDING CA: export its CSR, sign it with openssl, import it (the seed page flow)', async () => {
    const p = await c.call('POST', CAS, { body: { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Imported Sub CA' } } });
    expect(p.status).toBe(200);
    const id = p.json.ca_id;
    expect((await c.call('GET', `${CAS}/${id}`)).json.status).toBe('PENDING');
    const csr = await c.call('GET', `${CAS}/${id}/csr`);
    expect(csr.status).toBe(200);
    // An outside root made by openssl signs it.
    const d = t.dir;
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'ext.key'), '-out', join(d, 'ext.pem'), '-subj', '/CN=Outside Root', '-days', '3650']);
    writeFileSync(join(d, 'sub.csr'), csr.json.csr);
    writeFileSync(join(d, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
    openssl(['x509', '-req', '-in', join(d, 'sub.csr'), '-CA', join(d, 'ext.pem'), '-CAkey', join(d, 'ext.key'), '-CAcreateserial', '-days', '1000', '-extfile', join(d, 'ext.cnf'), '-out', join(d, 'sub.pem')]);
    const imp = await c.call('POST', `${CAS}/${id}/import`, { body: { certificate: openssl(['x509', '-in', join(d, 'sub.pem')]), certificate_chain: openssl(['x509', '-in', join(d, 'ext.pem')]) } });
    expect(imp.status).toBe(204);
    expect((await c.call('GET', `${CAS}/${id}`)).json.status).toBe('ACTIVED');
    const exp = await c.call('POST', `${CAS}/${id}/export`);
    expect(exp.status).toBe(200);
    expect(Object.keys(exp.json).sort()).toEqual(['certificate', 'certificate_chain']);
  });

  it('activate a PENDING CA under a local root', async () => {
    const p = await c.call('POST', CAS, { body: { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Activated Sub CA' } } });
    const a = await c.call('POST', `${CAS}/${p.json.ca_id}/activate`, { body: { issuer_id: root, path_length: 0, signature_algorithm: 'SHA256', validity: { type: 'YEAR', value: 2 } } });
    expect(a.status).toBe(204);
    expect((await c.call('GET', `${CAS}/${p.json.ca_id}`)).json.status).toBe('ACTIVED');
  });

  it('the state machine: disable, enable, delete with pending_days, restore; refusals are 403 PCA.00030201', async () => {
    const x = (await c.call('POST', CAS, { body: subBody(root, { distinguished_name: { ...DN, common_name: 'State CA' } }) })).json.ca_id;
    expect((await c.call('POST', `${CAS}/${x}/enable`)).json).toMatchObject({ error_code: 'PCA.00030201' });
    expect((await c.call('POST', `${CAS}/${x}/disable`)).status).toBe(204);
    const noDays = await c.call('DELETE', `${CAS}/${x}`);
    expect(noDays.status).toBe(400);
    expect((await c.call('DELETE', `${CAS}/${x}`, { query: [['pending_days', '3']] })).status).toBe(400);
    expect((await c.call('DELETE', `${CAS}/${x}`, { query: [['pending_days', '7']] })).status).toBe(204);
    expect((await c.call('GET', `${CAS}/${x}`)).json.status).toBe('DELETED');
    expect((await c.call('POST', `${CAS}/${x}/restore`)).status).toBe(204);
    expect((await c.call('GET', `${CAS}/${x}`)).json.status).toBe('DISABLED');
    const csrOfActive = await c.call('GET', `${CAS}/${root}/csr`);
    expect(csrOfActive.status).toBe(403);
    expect(csrOfActive.json.error_code).toBe('PCA.00030201');
  });

  it('revokes a subordinate; unknown and malformed IDs', async () => {
    const x = (await c.call('POST', CAS, { body: subBody(root, { distinguished_name: { ...DN, common_name: 'Revoked CA' } }) })).json.ca_id;
    expect((await c.call('POST', `${CAS}/${x}/revoke`, { body: { reason: 'KEY_COMPROMISE' } })).status).toBe(204);
    const unknown = await c.call('GET', `${CAS}/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('PCA.00030102');
    for (const bad of ['nope', '..%2F..%2Fworkspace.db', '%FF%FE']) {
      const r = await c.call('GET', `${CAS}/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.error_code).toBe('PCA.00020201');
    }
    const missingIssuer = await c.call('POST', CAS, { body: subBody('00000000-0000-4000-8000-000000000000') });
    expect(missingIssuer.status).toBe(404);
    expect(missingIssuer.json.error_code).toBe('PCA.00030103');
  });

  describe('certificates', () => {
    let applied: string;
    let fromCsr: string;

    it('apply (key made here) and issue from a CSR; show and list', async () => {
      const a = await c.call('POST', CERTS, { body: applyBody(sub) });
      expect(a.status).toBe(200);
      applied = a.json.certificate_id;
      const i = await c.call('POST', `${CERTS}/csr`, { body: issueBody(sub, 'csr.example.test') });
      expect(i.status).toBe(200);
      fromCsr = i.json.certificate_id;
      const show = await c.call('GET', `${CERTS}/${applied}`);
      expect(show.json).toMatchObject({ certificate_id: applied, status: 'ISSUED', issuer_id: sub });
      const list = await c.call('GET', CERTS, { query: [['limit', '50']] });
      expect(Object.keys(list.json).sort()).toEqual(['certificates', 'total']);
      expect(list.json.total).toBeGreaterThanOrEqual(2);
    });

    it('export: JSON, and zips as application/zip with is_compressed a string or a boolean and type in any case', async () => {
      const json = await c.call('POST', `${CERTS}/${applied}/export`, { body: { is_compressed: 'false', type: 'other' } });
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.json.certificate).toContain('\r\n');
      for (const is_compressed of ['true', true]) {
        const z = await c.call('POST', `${CERTS}/${applied}/export`, { body: { is_compressed, type: 'nginx' } });
        expect(z.status).toBe(200);
        expect(z.headers['content-type']).toBe('application/zip');
        expect(z.headers['content-disposition']).toMatch(/attachment; filename=".*_nginx\.zip"/);
        expect(zipNames(z.raw)).toEqual(['server.crt', 'server.key']);
      }
      const keyless = await c.call('POST', `${CERTS}/${fromCsr}/export`, { body: { is_compressed: true, type: 'APACHE' } });
      expect(zipNames(keyless.raw)).toEqual(['chain.crt', 'server.crt']);
      const bad = await c.call('POST', `${CERTS}/${applied}/export`, { body: { is_compressed: 'yes', type: 'NGINX' } });
      expect(bad.status).toBe(400);
      expect(bad.json.error_code).toMatch(/^PCA\./);
    });

    it('revoke with a reason, then export is refused; delete', async () => {
      expect((await c.call('POST', `${CERTS}/${fromCsr}/revoke`, { body: { reason: 'SUPERSEDED' } })).status).toBe(204);
      const e = await c.call('POST', `${CERTS}/${fromCsr}/export`, { body: { is_compressed: 'false', type: 'OTHER' } });
      expect(e.status).toBe(403);
      expect(e.json.error_code).toBe('PCA.00030201');
      expect((await c.call('DELETE', `${CERTS}/${applied}`)).status).toBe(204);
      expect((await c.call('GET', `${CERTS}/${applied}`)).status).toBe(404);
    });

    it('a CSR body over the 64 KiB cap is cut off with 413 before it is read', async () => {
      const r = await c.call('POST', `${CERTS}/csr`, { body: { ...issueBody(sub, 'big.example.test'), csr: csrPem('big.example.test') + ' '.repeat(70_000) } });
      expect(r.status).toBe(413);
      expect(r.json.error_code).toBe('APIGW.0201');
    });
  });
});
