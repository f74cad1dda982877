// SCM v3 over real HTTP: every endpoint, happy paths and CCM's refusals.
// Import answers exactly what `ccmkit validate scm-import` answers.

import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Fingerprint, parseCertificate } from '../../src/engine/certificate.js';
import type { RunningEmulator } from '../../src/server/emulator.js';
import { Client, importMaterial, makeCredentials, makeWorkspace, startInProcess } from '../helpers/emulator.js';
import { key, pem } from '../helpers/pki.js';
import { ccmkitAsync, openssl, tempDir } from '../helpers/run.js';

let t: ReturnType<typeof tempDir>;
let emu: RunningEmulator;
let c: Client;

beforeAll(async () => {
  t = tempDir('ccmkit-emu-scm-');
  makeWorkspace(join(t.dir, 'ws'));
  const creds = makeCredentials();
  emu = await startInProcess(join(t.dir, 'ws'), creds);
  c = new Client(emu.url, creds);
});

afterAll(async () => {
  await emu?.stop();
  t?.cleanup();
});

describe('import, show, list, export, delete', () => {
  it('imports, and every other endpoint sees the certificate as SCM describes it', async () => {
    const m = importMaterial('shop.example.com', { sans: ['shop.example.com', 'www.shop.example.com', '*.cdn.example.com'], keyFormat: 'sec1' });
    const r = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
    expect(r.status).toBe(200);
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(r.json)).toEqual(['certificate_id']);
    const id = r.json.certificate_id as string;
    expect(id).toMatch(/^scs\d{13}$/);

    const show = await c.call('GET', `/v3/scm/certificates/${id}`);
    expect(show.status).toBe(200);
    const leaf = parseCertificate(m.leaf.der);
    expect(show.json).toMatchObject({
      id,
      name: 'shop.example.com',
      status: 'UPLOAD',
      domain: 'shop.example.com',
      sans: 'www.shop.example.com;*.cdn.example.com',
      domain_type: 'MULTI_DOMAIN',
      domain_count: 3,
      wildcard_count: 1,
      signature_algorithm: 'SHA256WITHECDSA',
      deploy_support: true,
      fingerprint: sha256Fingerprint(leaf),
    });
    // Time fields are strings like "2021-05-27 16:46:25.0" (4.1.1), in UTC.
    const iso = leaf.notAfter.toISOString();
    expect(show.json.not_after).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 19)}.0`);
    expect(show.json.expire_time).toBe(show.json.not_after);
    expect(show.json.not_before).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+$/);

    const list = await c.call('GET', '/v3/scm/certificates', { query: [['limit', '10']] });
    expect(list.status).toBe(200);
    expect(Object.keys(list.json).sort()).toEqual(['certificates', 'total_count']);
    expect(list.json.certificates.map((x: any) => x.id)).toContain(id);

    const exp = await c.call('POST', `/v3/scm/certificates/${id}/export`);
    expect(exp.status).toBe(200);
    expect(exp.json.certificate).toBe(pem('CERTIFICATE', m.leaf.der));
    expect(exp.json.certificate_chain).toBe(pem('CERTIFICATE', m.intermediate.der));
    expect(exp.json.entire_certificate).toBe(exp.json.certificate + exp.json.certificate_chain);
    // The key comes back in the form it was given in (SEC1 here), and it is the certificate's key.
    expect(exp.json.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const back = createPrivateKey(exp.json.private_key);
    expect(createPublicKey(back).export({ type: 'spki', format: 'der' }).equals(leaf.publicKey.spki)).toBe(true);
    // Terraform sends {} as the export body: the same answer.
    const exp2 = await c.call('POST', `/v3/scm/certificates/${id}/export`, { body: {} });
    expect(exp2.json).toEqual(exp.json);

    // The key is stored encrypted: the PEM text is nowhere in the database file.
    const dbBytes = (await import('node:fs')).readFileSync(join(t.dir, 'ws', 'workspace.db'));
    const keyDer = back.export({ type: 'pkcs8', format: 'der' });
    expect(dbBytes.includes(keyDer.subarray(keyDer.length - 32))).toBe(false);

    const del = await c.call('DELETE', `/v3/scm/certificates/${id}`);
    expect(del.status).toBe(204);
    expect(del.raw.length).toBe(0);
    const again = await c.call('GET', `/v3/scm/certificates/${id}`);
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ error_code: 'SCM.0094' });
    expect((await c.call('DELETE', `/v3/scm/certificates/${id}`)).status).toBe(404);
    expect((await c.call('POST', `/v3/scm/certificates/${id}/export`)).status).toBe(404);
  });

  it('keeps PKCS#1 and PKCS#8 keys in their form; the signature algorithm is the issuer\'s', async () => {
    for (const keyFormat of ['pkcs1', 'pkcs8'] as const) {
      const m = importMaterial(`rsa-${keyFormat}.example.com`, { alg: 'RSA2048', keyFormat });
      const r = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
      expect(r.status).toBe(200);
      const exp = await c.call('POST', `/v3/scm/certificates/${r.json.certificate_id}/export`);
      expect(exp.json.private_key).toBe(m.body.private_key);
      const show = await c.call('GET', `/v3/scm/certificates/${r.json.certificate_id}`);
      expect(show.json.signature_algorithm).toBe('SHA256WITHECDSA'); // signed by the EC intermediate
      expect(show.json.domain_type).toBe('SINGLE_DOMAIN');
    }
  });

  it('rejects malformed and unknown IDs with SCM codes', async () => {
    for (const bad of ['scs123', 'SCS1234567890123', 'scs12345678901234', '..%2F..%2Fetc%2Fpasswd', '%00', "scs1234567890'12"]) {
      const r = await c.call('GET', `/v3/scm/certificates/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.error_code).toBe('SCM.0008');
    }
    const r = await c.call('GET', '/v3/scm/certificates/scs0000000000001');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error_code: 'SCM.0094', error_msg: expect.stringContaining('Resource not found') });
  });
});

describe('list: envelope, paging, sorting, filters', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 12; i++) {
      const m = importMaterial(`page${String(i).padStart(2, '0')}.list.example.com`);
      const r = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
      expect(r.status).toBe(200);
      ids.push(r.json.certificate_id);
    }
  });

  it('pages with limit/offset without overlap; default order is newest update first', async () => {
    const seen: string[] = [];
    let total = -1;
    for (let offset = 0; ; offset += 10) {
      const r = await c.call('GET', '/v3/scm/certificates', { query: [['limit', '10'], ['offset', String(offset)], ['content', 'list.example.com']] });
      expect(r.status).toBe(200);
      total = r.json.total_count;
      seen.push(...r.json.certificates.map((x: any) => x.id));
      if (r.json.certificates.length < 10) break;
    }
    expect(total).toBe(12);
    expect(seen).toEqual([...ids].reverse());
    const asc = await c.call('GET', '/v3/scm/certificates', { query: [['limit', '50'], ['sort_dir', 'asc'], ['content', 'LIST.example']] });
    expect(asc.json.certificates.map((x: any) => x.id)).toEqual(ids);
    const byExpiry = await c.call('GET', '/v3/scm/certificates', { query: [['limit', '50'], ['sort_key', 'certExpiredTime'], ['content', 'list.example']] });
    const expiries = byExpiry.json.certificates.map((x: any) => x.expire_time);
    expect([...expiries].sort().reverse()).toEqual(expiries);
  });

  it('filters by status (UPLOAD, EXPIRED derived from the clock) and content', async () => {
    const up = await c.call('GET', '/v3/scm/certificates', { query: [['status', 'UPLOAD'], ['limit', '50'], ['content', 'page03']] });
    expect(up.json.total_count).toBe(1);
    const expired = await c.call('GET', '/v3/scm/certificates', { query: [['status', 'EXPIRED']] });
    expect(expired.json).toEqual({ certificates: [], total_count: 0 });
    const none = await c.call('GET', '/v3/scm/certificates', { query: [['deploy_support', 'false']] });
    expect(none.json.total_count).toBe(0);
  });

  it('refuses bad list parameters with SCM.0005', async () => {
    for (const q of [
      [['limit', '5']],
      [['limit', '51']],
      [['limit', 'ten']],
      [['offset', '-1']],
      [['sort_dir', 'UP']],
      [['sort_key', 'name']],
      [['status', 'NOPE']],
      [['deploy_support', 'maybe']],
    ] as [string, string][][]) {
      const r = await c.call('GET', '/v3/scm/certificates', { query: q });
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.json.error_code).toBe('SCM.0005');
    }
  });
});

describe('import refusals match ccmkit validate scm-import exactly', () => {
  const bodies = (): unknown[] => {
    const m = importMaterial('refuse.example.com');
    const other = importMaterial('other.example.com');
    const encrypted = key('EC256').export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const longName = 'x'.repeat(64);
    return [
      {},
      { ...m.body, name: 'a b' },
      { ...m.body, name: longName },
      { ...m.body, name: 7 },
      { ...m.body, certificate: 'not a certificate' },
      { ...m.body, certificate: '' },
      { ...m.body, certificate: m.body.certificate + 'x'.repeat(5000) },
      { ...m.body, private_key: other.body.private_key },
      { ...m.body, private_key: encrypted },
      { ...m.body, certificate_chain: other.body.certificate_chain.replace('A', 'B') },
      { ...m.body, certificate_chain: pem('CERTIFICATE', other.root.der) },
      { ...m.body, duplicate_check: 'yes' },
      [m.body],
      'just a string',
    ];
  };

  it('same status, error_code and error_msg for each body', async () => {
    for (const [i, body] of bodies().entries()) {
      const file = join(t.dir, `body-${i}.json`);
      writeFileSync(file, JSON.stringify(body));
      const [cli, http] = await Promise.all([ccmkitAsync(['validate', 'scm-import', file, '--json']), c.call('POST', '/v3/scm/certificates/import', { body: Buffer.from(JSON.stringify(body)) })]);
      const v = JSON.parse(cli.stdout);
      expect(v.valid, `body ${i}`).toBe(false);
      expect(http.status, `body ${i}`).toBe(v.status);
      expect(http.json, `body ${i}`).toEqual({ error_code: v.error_code, error_msg: v.error_msg });
    }
  });

  it('an expired certificate: SCM.0042, as the validator says', async () => {
    const m = importMaterial('expired.example.com');
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const { issue } = await import('../helpers/pki.js');
    const old = issue({ cn: 'expired.example.com', issuer: m.intermediate, key: k, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const body = { ...m.body, certificate: pem('CERTIFICATE', old.der), private_key: k.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const r = await c.call('POST', '/v3/scm/certificates/import', { body });
    expect(r.status).toBe(400);
    expect(r.json.error_code).toBe('SCM.0042');
  });

  it('duplicates: refused unless duplicate_check is true (the seed: true = "the same certificate can be uploaded")', async () => {
    const m = importMaterial('dup.example.com');
    const first = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
    expect(first.status).toBe(200);
    const second = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
    expect(second.status).toBe(400);
    expect(second.json.error_code).toBe('SCM.0005');
    // The validator says the same, given the fingerprint on record.
    const file = join(t.dir, 'dup.json');
    writeFileSync(file, JSON.stringify(m.body));
    const v = JSON.parse((await ccmkitAsync(['validate', 'scm-import', file, '--json', '--existing', sha256Fingerprint(parseCertificate(m.leaf.der))])).stdout);
    expect(second.json).toEqual({ error_code: v.error_code, error_msg: v.error_msg });
    const third = await c.call('POST', '/v3/scm/certificates/import', { body: { ...m.body, duplicate_check: true } });
    expect(third.status).toBe(200);
    expect(third.json.certificate_id).not.toBe(first.json.certificate_id);
  });

  it('concurrent imports share commits: the same certificate 10 times at once is stored once, 20 others all', async () => {
    const same = importMaterial('race.example.com').body;
    const others = Array.from({ length: 20 }, (_, i) => importMaterial(`race${i}.example.com`).body);
    const rs = await Promise.all([...Array.from({ length: 10 }, () => c.call('POST', '/v3/scm/certificates/import', { body: same })), ...others.map((body) => c.call('POST', '/v3/scm/certificates/import', { body }))]);
    const dupes = rs.slice(0, 10);
    expect(dupes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(dupes.filter((r) => r.status === 400).map((r) => r.json.error_code)).toEqual(Array(9).fill('SCM.0005'));
    const ok = rs.slice(10);
    expect(ok.every((r) => r.status === 200)).toBe(true);
    expect(new Set(ok.map((r) => r.json.certificate_id)).size).toBe(20);
    const list = await c.call('GET', '/v3/scm/certificates', { query: [['content', 'race'], ['limit', '50']] });
    expect(list.json.total_count).toBe(21);
  });

  it('SM2 dual-certificate fields are refused clearly', async () => {
    const m = importMaterial('sm2.example.com');
    const r = await c.call('POST', '/v3/scm/certificates/import', { body: { ...m.body, enc_certificate: m.body.certificate, enc_private_key: m.body.private_key } });
    expect(r.status).toBe(400);
    expect(r.json.error_code).toBe('SCM.0403');
  });
});

describe('CSRs', () => {
  it('creates one with a server-side key; show, list, private-key, delete', async () => {
    const body = { name: 'web-csr', domain_name: 'csr.example.com', sans: 'a.csr.example.com;b.csr.example.com', private_key_algo: 'EC_P256', usage: 'ENTERPRISE', company_country: 'CN', company_province: 'GD', company_city: 'SZ', company_name: 'Example' };
    const r = await c.call('POST', '/v3/scm/csr', { body });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ...body, id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(typeof r.json.create_time).toBe('number');
    expect(typeof r.json.update_time).toBe('number');
    const id = r.json.id;

    const show = await c.call('GET', `/v3/scm/csr/${id}`);
    expect(show.status).toBe(200);
    expect(show.json.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    const csrFile = join(t.dir, 'created.csr');
    writeFileSync(csrFile, show.json.csr);
    // openssl is the judge: the self-signature verifies and the subject/SANs are what was asked.
    const text = openssl(['req', '-in', csrFile, '-noout', '-verify', '-text']);
    expect(text).toMatch(/CN\s*=\s*csr\.example\.com/);
    expect(text).toContain('DNS:a.csr.example.com');

    const pk = await c.call('GET', `/v3/scm/csr/${id}/private-key`);
    expect(pk.status).toBe(200);
    const keyFile = join(t.dir, 'created.key');
    writeFileSync(keyFile, pk.json.private_key, { mode: 0o600 });
    expect(openssl(['req', '-in', csrFile, '-noout', '-pubkey'])).toBe(openssl(['pkey', '-in', keyFile, '-pubout']));

    const list = await c.call('GET', '/v3/scm/csr', { query: [['limit', '10'], ['offset', '0']] });
    expect(list.status).toBe(200);
    expect(Object.keys(list.json).sort()).toEqual(['csr_list', 'total']);
    expect(list.json.csr_list.find((x: any) => x.id === id)).not.toHaveProperty('csr');

    expect((await c.call('DELETE', `/v3/scm/csr/${id}`)).status).toBe(204);
    expect((await c.call('GET', `/v3/scm/csr/${id}`)).status).toBe(404);
  });

  it('uploads one (with and without its key), refusals as validate scm-upload-csr', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const keyFile = join(t.dir, 'up.key');
    writeFileSync(keyFile, k.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const csr = openssl(['req', '-new', '-key', keyFile, '-subj', '/CN=upload.example.com']);
    const up = await c.call('POST', '/v3/scm/csr/upload', { body: { name: 'uploaded', csr, private_key: k.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    expect(up.status).toBe(200);
    expect(Object.keys(up.json).sort()).toEqual(['create_time', 'id', 'name']);
    const pk = await c.call('GET', `/v3/scm/csr/${up.json.id}/private-key`);
    expect(pk.json.private_key).toBe(k.export({ type: 'pkcs8', format: 'pem' }).toString());

    const noKey = await c.call('POST', '/v3/scm/csr/upload', { body: { name: 'no-key', csr } });
    expect(noKey.status).toBe(200);
    const none = await c.call('GET', `/v3/scm/csr/${noKey.json.id}/private-key`);
    expect(none.status).toBe(400);
    expect(none.json.error_code).toBe('SCM.0059');

    for (const [i, body] of [{ name: 'x', csr: 'garbage' }, { name: 'x'.repeat(64), csr }, { csr }, { name: 'x', csr, private_key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }].entries()) {
      const file = join(t.dir, `csr-body-${i}.json`);
      writeFileSync(file, JSON.stringify(body));
      const [cli, http] = await Promise.all([ccmkitAsync(['validate', 'scm-upload-csr', file, '--json']), c.call('POST', '/v3/scm/csr/upload', { body })]);
      const v = JSON.parse(cli.stdout);
      expect(v.valid, `csr body ${i}`).toBe(false);
      expect(http.status, `csr body ${i}`).toBe(v.status);
      expect(http.json).toEqual({ error_code: v.error_code, error_msg: v.error_msg });
    }
  });

  it('refuses bad create bodies and IDs with SCM.0005', async () => {
    for (const body of [{}, { name: 'n', domain_name: 'd.example.com', private_key_algo: 'DSA_1024' }, { name: 'n', domain_name: 'd.example.com', private_key_algo: 'RSA_2048', sans: 42 }, { name: 5 }]) {
      const r = await c.call('POST', '/v3/scm/csr', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error_code).toBe('SCM.0005');
    }
    const r = await c.call('GET', '/v3/scm/csr/not-an-id');
    expect(r.status).toBe(400);
    expect(r.json.error_code).toBe('SCM.0005');
    expect((await c.call('GET', `/v3/scm/csr/${'0'.repeat(32)}`)).status).toBe(404);
  });
});
