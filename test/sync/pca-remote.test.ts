// ccmkit ca ... --remote / cert ... --remote against the emulator: every
// subcommand, with the same bodies the workspace commands take, PCA's
// refusals (state machine 403, not found 404) shown with status and
// X-Request-Id, zip exports written as files, and an outside CA's
// certificate imported into a PENDING CA (openssl signs the CSR).

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../src/service/zip.js';
import { makeWorkspace } from '../helpers/emulator.js';
import { applyBody, rootBody, subBody, DN } from '../helpers/pca.js';
import { openssl, tempDir } from '../helpers/run.js';
import { cc, conn, jsonOf, startEmu, type Emu } from '../helpers/sync.js';

let emu: Emu;
const t = tempDir('ccmkit-pca-remote-');
const f = (n: string): string => join(t.dir, n);
const body = (name: string, v: unknown): string => {
  writeFileSync(f(name), JSON.stringify(v));
  return f(name);
};
const remote = (args: string[]): Promise<import('../helpers/run.js').RunResult> => cc([...args, '--remote', ...conn(emu)]);

beforeAll(async () => {
  emu = await startEmu();
});
afterAll(async () => {
  await emu.stop();
  t.cleanup();
});

describe('CAs', () => {
  let root = '';
  let sub = '';
  let pending = '';

  it('ca create: a root, a subordinate under it, a PENDING CA (the same bodies as the workspace)', async () => {
    const r = await remote(['ca', 'create', body('root.json', rootBody()), '--json']);
    expect(r.code, r.stderr).toBe(0);
    root = jsonOf(r).ca_id;
    sub = jsonOf(await remote(['ca', 'create', body('sub.json', subBody(root)), '--json'])).ca_id;
    pending = jsonOf(await remote(['ca', 'create', body('pending.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Pending CA' } }), '--json'])).ca_id;
    for (const id of [root, sub, pending]) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The same body works in a local workspace: one body, two front doors.
    const ws = makeWorkspace(f('local-ws'));
    const local = await cc(['ca', 'create', f('root.json'), '--workspace', ws, '--json']);
    expect(local.code, local.stderr).toBe(0);
  });

  it('ca list (filters), ca show, ca quota', async () => {
    const l = jsonOf(await remote(['ca', 'list', '--json']));
    expect(l.total).toBe(3);
    const pend = jsonOf(await remote(['ca', 'list', '--status', 'pending', '--json']));
    expect(pend.certificate_authorities.map((c: any) => c.ca_id)).toEqual([pending]);
    expect(jsonOf(await remote(['ca', 'list', '--type', 'root', '--json'])).total).toBe(1);
    const s = jsonOf(await remote(['ca', 'show', sub, '--json']));
    expect(s).toMatchObject({ ca_id: sub, type: 'SUBORDINATE', status: 'ACTIVED', issuer_id: root });
    expect((await remote(['ca', 'show', sub])).stdout).toContain('SUBORDINATE CA, ACTIVED');
    expect(jsonOf(await remote(['ca', 'quota', '--json'])).quotas.resources[0]).toMatchObject({ type: 'CERTIFICATE_AUTHORITY', used: 3, quota: 100 });
  });

  it('ca csr, then an outside CA (openssl) signs it and ca import makes it ACTIVED', async () => {
    expect((await remote(['ca', 'csr', pending, '-o', f('pending.csr')])).code).toBe(0);
    expect(readFileSync(f('pending.csr'), 'utf8')).toContain('BEGIN CERTIFICATE REQUEST');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ext-root.key'), '-out', f('ext-root.pem'), '-subj', '/CN=Outside Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(['x509', '-req', '-in', f('pending.csr'), '-CA', f('ext-root.pem'), '-CAkey', f('ext-root.key'), '-CAcreateserial', '-days', '1000', '-extfile', f('ca.ext'), '-out', f('pending.pem')]);
    const r = await remote(['ca', 'import', pending, '--certificate', f('pending.pem'), '--certificate-chain', f('ext-root.pem')]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(await remote(['ca', 'show', pending, '--json']))).toMatchObject({ status: 'ACTIVED', gen_mode: 'IMPORT' });
    expect((await remote(['ca', 'export', pending, '-o', f('pending-chain.pem')])).code).toBe(0);
    expect(openssl(['verify', '-CAfile', f('ext-root.pem'), f('pending-chain.pem')])).toContain('OK');
  });

  it('the state machine answers 403 PCA.00030201 through --remote; an unknown CA 404', async () => {
    const r = await remote(['ca', 'csr', sub, '--json']);
    expect(r.code).toBe(1);
    expect(jsonOf(r)).toMatchObject({ status: 403, error_code: 'PCA.00030201', http_status: 403 });
    expect(jsonOf(r).request_id).toMatch(/^[0-9a-f]{32}$/);
    const nf = await remote(['ca', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(nf.code).toBe(1);
    expect(nf.stderr).toMatch(/PCA\.00030102: CCM refused GET \/v1\/private-certificate-authorities\/0{8}-0{4}-4000-8000-0{12}: HTTP 404/);
  });

  it('ca export, disable, enable, revoke; delete a PENDING CA; delete a disabled one and restore it', async () => {
    const e = await remote(['ca', 'export', root, '--json']);
    expect(jsonOf(e).certificate).toContain('BEGIN CERTIFICATE');
    expect((await remote(['ca', 'disable', sub])).code).toBe(0);
    expect(jsonOf(await remote(['ca', 'show', sub, '--json'])).status).toBe('DISABLED');
    expect((await remote(['ca', 'enable', sub])).code).toBe(0);
    const p2 = jsonOf(await remote(['ca', 'create', body('p2.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Pending 2' } }), '--json'])).ca_id;
    expect((await remote(['ca', 'delete', p2, '--pending-days', '7'])).code).toBe(0);
    expect((await remote(['ca', 'show', p2])).code).toBe(1);
    const sub2 = jsonOf(await remote(['ca', 'create', body('sub2.json', subBody(root, { distinguished_name: { ...DN, common_name: 'Sub 2' } })), '--json'])).ca_id;
    expect((await remote(['ca', 'disable', sub2])).code).toBe(0);
    expect((await remote(['ca', 'delete', sub2, '--pending-days', '7'])).code).toBe(0);
    expect(jsonOf(await remote(['ca', 'show', sub2, '--json'])).status).toBe('DELETED');
    expect((await remote(['ca', 'restore', sub2])).code).toBe(0);
    expect(jsonOf(await remote(['ca', 'show', sub2, '--json'])).status).toBe('DISABLED');
    expect((await remote(['ca', 'revoke', sub2, '--reason', 'superseded'])).code).toBe(0);
    expect((await remote(['ca', 'delete', sub2])).code).toBe(2);
  });

  it('ca activate: a PENDING CA signed by a CA in PCA', async () => {
    const p3 = jsonOf(await remote(['ca', 'create', body('p3.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Pending 3' } }), '--json'])).ca_id;
    const r = await remote(['ca', 'activate', p3, body('act.json', { issuer_id: root, path_length: 0, signature_algorithm: 'SHA256', validity: { type: 'YEAR', value: 2 } })]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(await remote(['ca', 'show', p3, '--json']))).toMatchObject({ status: 'ACTIVED', issuer_id: root });
  });

  describe('certificates', () => {
    let cert = '';
    it('cert apply, list, show, quota', async () => {
      const r = await remote(['cert', 'apply', body('apply.json', applyBody(sub)), '--json']);
      expect(r.code, r.stderr).toBe(0);
      cert = jsonOf(r).certificate_id;
      expect(jsonOf(await remote(['cert', 'list', '--json'])).certificates.map((c: any) => c.certificate_id)).toEqual([cert]);
      expect(jsonOf(await remote(['cert', 'show', cert, '--json']))).toMatchObject({ certificate_id: cert, status: 'ISSUED', issuer_id: sub });
      expect(jsonOf(await remote(['cert', 'quota', '--json'])).quotas.resources[0].used).toBe(1);
    });

    it('cert export: JSON printed; a zip written as a file (0600), named as PCA names it', async () => {
      const j = await remote(['cert', 'export', cert, '--type', 'OTHER']);
      expect(JSON.parse(j.stdout).private_key).toContain('PRIVATE KEY');
      const z = await remote(['cert', 'export', cert, '--type', 'apache', '--compressed', '-o', t.dir + '/', '--json']);
      expect(z.code, z.stderr).toBe(0);
      const file = jsonOf(z).file as string;
      expect(file.endsWith('_apache.zip')).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((await readZip(readFileSync(file))).map((e) => e.name).sort()).toEqual(['chain.crt', 'server.crt', 'server.key']);
      const again = await remote(['cert', 'export', cert, '--type', 'apache', '--compressed', '-o', t.dir + '/']);
      expect(again.code).toBe(1);
    });

    it('cert issue-csr, revoke (with a reason, any case), delete', async () => {
      const csrKey = f('leaf.key');
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', csrKey, '-out', f('leaf.csr'), '-subj', '/CN=api.example.test']);
      const r = await remote(['cert', 'issue-csr', body('issue.json', { issuer_id: sub, csr: readFileSync(f('leaf.csr'), 'utf8'), validity: { type: 'DAY', value: 30 } }), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const id = jsonOf(r).certificate_id;
      expect((await remote(['cert', 'revoke', id, '--reason', 'keyCompromise'])).code).toBe(0);
      expect(jsonOf(await remote(['cert', 'show', id, '--json'])).status).toBe('REVOKED');
      expect(jsonOf(await remote(['cert', 'list', '--status', 'revoked', '--json'])).total).toBe(1);
      expect((await remote(['cert', 'delete', id])).code).toBe(0);
      expect((await remote(['cert', 'show', id])).code).toBe(1);
    });
  });
});

describe('help and usage', () => {
  it('each --remote form has its help; the workspace help points to it; --batch stays local', async () => {
    const h = await cc(['ca', 'import', '--remote', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('pca-import-ca-certificate.txt');
    expect(h.stdout).toContain('--ca-bundle F');
    expect((await cc(['ca', 'list', '--help'])).stdout).toContain('ccmkit ca list --remote --help');
    expect((await remote(['cert', 'issue-csr', '--batch', 'x.ndjson'])).code).toBe(2);
    expect((await cc(['workspace', 'init', '--remote'])).code).toBe(2);
  });
});
