// ccmkit scm ... against the emulator, over real HTTP: the real binary on
// both sides. Happy paths, CCM's refusals (shown as they came, with status
// and X-Request-Id), the local pre-flight (refused bodies are never sent),
// every way of giving credentials, and no secret in any output.

import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../src/service/zip.js';
import { importMaterial } from '../helpers/emulator.js';
import { csrPem } from '../helpers/pca.js';
import { key } from '../helpers/pki.js';
import { tempDir, type RunResult } from '../helpers/run.js';
import { cc, conn, jsonOf, startEmu, type Emu } from '../helpers/sync.js';

let emu: Emu;
const t = tempDir('ccmkit-scm-cli-');
const outputs: RunResult[] = [];
const m = importMaterial('shop.example.com', { name: 'shop_example' });
const f = (n: string): string => join(t.dir, n);

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const r = await cc(args, env);
  outputs.push(r);
  return r;
}

beforeAll(async () => {
  emu = await startEmu();
  writeFileSync(f('leaf.pem'), m.body.certificate);
  writeFileSync(f('chain.pem'), m.body.certificate_chain);
  writeFileSync(f('leaf.key'), m.body.private_key, { mode: 0o600 });
  writeFileSync(f('body.json'), JSON.stringify(m.body));
});

afterAll(async () => {
  await emu.stop();
  t.cleanup();
});

describe('scm import, list, show, export, delete', () => {
  let id = '';

  it('imports from PEM files and answers {"certificate_id"}', async () => {
    const r = await run(['scm', 'import', ...conn(emu), '--name', 'shop_example', '--certificate', f('leaf.pem'), '--certificate-chain', f('chain.pem'), '--private-key', f('leaf.key'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    id = jsonOf(r).certificate_id;
    expect(id).toMatch(/^scs\d{13}$/);
    expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(1);
  });

  it('lists it (one page, --all, filters) and shows it with its SHA-256 fingerprint', async () => {
    const l = jsonOf(await run(['scm', 'list', ...conn(emu), '--json']));
    expect(l.total_count).toBe(1);
    expect(l.certificates[0]).toMatchObject({ id, name: 'shop_example', domain: 'shop.example.com', status: 'UPLOAD' });
    const all = jsonOf(await run(['scm', 'list', ...conn(emu), '--all', '--content', 'shop', '--status', 'upload', '--json']));
    expect(all.certificates.map((c: any) => c.id)).toEqual([id]);
    expect(jsonOf(await run(['scm', 'list', ...conn(emu), '--content', 'nothing-like-it', '--json'])).total_count).toBe(0);
    const human = await run(['scm', 'list', ...conn(emu)]);
    expect(human.stdout).toContain(`${id}  UPLOAD`);
    const s = jsonOf(await run(['scm', 'show', ...conn(emu), id, '--json']));
    expect(s.fingerprint).toBe(createHash('sha256').update(m.leaf.der).digest('hex'));
  });

  it('exports PEM files (the key 0600), refuses to overwrite, writes a bundle with --type', async () => {
    const dir = f('exp');
    const r = await run(['scm', 'export', ...conn(emu), id, '-o', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r).files.map((p: string) => p.split('/').pop())).toEqual(['server.crt', 'chain.crt', 'server.key']);
    expect(readFileSync(join(dir, 'server.crt'), 'utf8')).toBe(m.body.certificate);
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
    const again = await run(['scm', 'export', ...conn(emu), id, '-o', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const noKey = f('nokey');
    expect((await run(['scm', 'export', ...conn(emu), id, '-o', noKey, '--no-key'])).code).toBe(0);
    expect(existsSync(join(noKey, 'server.key'))).toBe(false);
    const b = await run(['scm', 'export', ...conn(emu), id, '--type', 'nginx', '-o', f('bundle'), '--json']);
    expect(b.code, b.stderr).toBe(0);
    const zip = jsonOf(b).files[0];
    expect(zip.endsWith('shop_example_nginx.zip')).toBe(true);
    expect(statSync(zip).mode & 0o777).toBe(0o600);
    expect((await readZip(readFileSync(zip))).map((e) => e.name).sort()).toEqual(['server.crt', 'server.key']);
  });

  it('a second import of the same certificate: CCM refuses it; --skip-existing finds it and sends nothing', async () => {
    const dup = await run(['scm', 'import', ...conn(emu), f('body.json'), '--json']);
    expect(dup.code).toBe(1);
    const e = jsonOf(dup);
    expect(e.http_status).toBe(400);
    expect(e.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(e.response).error_code).toBe(e.error_code);
    const posts = await emu.count('POST', '/v3/scm/certificates/import');
    const skip = await run(['scm', 'import', ...conn(emu), f('body.json'), '--skip-existing', '--json']);
    expect(skip.code, skip.stderr).toBe(0);
    expect(jsonOf(skip)).toEqual({ certificate_id: id, existed: true });
    expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(posts);
  });

  it('deletes it; a second delete and a show are CCM refusals (404 SCM.0094, X-Request-Id)', async () => {
    expect((await run(['scm', 'delete', ...conn(emu), id])).code).toBe(0);
    const again = await run(['scm', 'delete', ...conn(emu), id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/SCM\.0094: CCM refused DELETE \/v3\/scm\/certificates\/scs\d+: HTTP 404, X-Request-Id [0-9a-f]{32}: \{"error_code":"SCM\.0094"/);
    const show = jsonOf(await run(['scm', 'show', ...conn(emu), id, '--json']));
    expect(show).toMatchObject({ status: 404, error_code: 'SCM.0094', http_status: 404 });
  });
});

describe('the pre-flight', () => {
  it('a body SCM would refuse is not sent; --no-preflight sends it and CCM answers the same code', async () => {
    const wrongKey = f('wrong.key');
    writeFileSync(wrongKey, key('EC256', 77).export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    const posts = await emu.count('POST', '/v3/scm/certificates/import');
    const r = await run(['scm', 'import', ...conn(emu), '--name', 'shop_example', '--certificate', f('leaf.pem'), '--private-key', wrongKey, '--json']);
    expect(r.code).toBe(1);
    expect(jsonOf(r)).toMatchObject({ status: 400, error_code: 'SCM.0014', preflight: true });
    expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(posts);
    const human = await run(['scm', 'import', ...conn(emu), '--name', 'shop_example', '--certificate', f('leaf.pem'), '--private-key', wrongKey]);
    expect(human.stderr).toContain('not sent: SCM would answer HTTP 400 SCM.0014');
    const sent = await run(['scm', 'import', ...conn(emu), '--name', 'shop_example', '--certificate', f('leaf.pem'), '--private-key', wrongKey, '--no-preflight', '--json']);
    expect(sent.code).toBe(1);
    expect(jsonOf(sent)).toMatchObject({ error_code: 'SCM.0014', http_status: 400 });
    expect(await emu.count('POST', '/v3/scm/certificates/import')).toBe(posts + 1);
  });

  it('a body that is not JSON is a pre-flight refusal, not a crash', async () => {
    writeFileSync(f('garbage.json'), '{"name": "x", ');
    const r = await run(['scm', 'import', ...conn(emu), f('garbage.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not sent');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('scm upload-csr', () => {
  it('uploads a CSR; refuses a broken one before sending', async () => {
    writeFileSync(f('www.csr'), csrPem('www.example.com', { key: key('EC256', 31) }));
    const r = await run(['scm', 'upload-csr', ...conn(emu), '--name', 'www_csr', '--csr', f('www.csr'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r)).toMatchObject({ name: 'www_csr' });
    expect(jsonOf(r).id).toMatch(/^[0-9a-f]{32}$/);
    writeFileSync(f('bad.json'), JSON.stringify({ name: 'x', csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' }));
    const posts = await emu.count('POST', '/v3/scm/csr/upload');
    const bad = await run(['scm', 'upload-csr', ...conn(emu), f('bad.json'), '--json']);
    expect(bad.code).toBe(1);
    expect(jsonOf(bad)).toMatchObject({ preflight: true, status: 400 });
    expect(await emu.count('POST', '/v3/scm/csr/upload')).toBe(posts);
  });
});

describe('credentials and auth, every way', () => {
  it('the SDK environment variables (with a domain id, and without one: IAM is asked)', async () => {
    const k = emu.credentials.access_keys[0]!;
    const base = { HUAWEICLOUD_SDK_AK: k.access, HUAWEICLOUD_SDK_SK: k.secret };
    const a = await run(['scm', 'list', '--endpoint', emu.url, '--json'], { ...base, HUAWEICLOUD_SDK_DOMAIN_ID: emu.credentials.domain_id });
    expect(a.code, a.stderr).toBe(0);
    const lookups = await emu.count('GET', '/v3/auth/domains');
    const b = await run(['scm', 'list', '--endpoint', emu.url, '--json'], base);
    expect(b.code, b.stderr).toBe(0);
    expect(await emu.count('GET', '/v3/auth/domains')).toBe(lookups + 1);
  });

  it('temporary credentials (X-Security-Token), and IAM token login', async () => {
    const tmp = await run(['scm', 'list', ...conn(emu), '--profile', 'temporary', '--json']);
    expect(tmp.code, tmp.stderr).toBe(0);
    expect((await emu.log()).at(-1)!.auth).toBe(`aksk:${emu.credentials.access_keys[1]!.access}`);
    const logins = await emu.count('POST', '/v3/auth/tokens');
    const tok = await run(['scm', 'list', ...conn(emu), '--auth', 'token', '--verbose', '--json']);
    expect(tok.code, tok.stderr).toBe(0);
    expect(await emu.count('POST', '/v3/auth/tokens')).toBe(logins + 1);
    expect((await emu.log()).at(-1)!.auth).toBe(`token:${emu.credentials.user.name}`);
    expect(tok.stderr).toContain('IAM token for user');
  });

  it('a profile file with a loose mode is refused; no credentials at all is a clear error', async () => {
    const loose = f('loose.json');
    writeFileSync(loose, readFileSync(emu.credsFile), { mode: 0o644 });
    const r = await run(['scm', 'list', '--endpoint', emu.url, '--credentials', loose]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CCMKIT.0203');
    expect(r.stderr).toContain('chmod 600');
    const none = await run(['scm', 'list', '--endpoint', emu.url]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no credentials');
  });

  it('usage errors exit 2', async () => {
    expect((await run(['scm', 'show', ...conn(emu)])).code).toBe(2);
    expect((await run(['scm', 'list', ...conn(emu), '--limit', '15'])).code).toBe(2);
    expect((await run(['scm', 'list', ...conn(emu), '--auth', 'kerberos'])).code).toBe(2);
    expect((await run(['scm', 'list', ...conn(emu), '--read-timeout', '0'])).code).toBe(2);
    expect((await run(['scm', 'export', ...conn(emu), 'scs0000000000001', '--type', 'nginx', '--no-key'])).code).toBe(2);
  });
});

describe('secrets', () => {
  it('no SK, password or security token in any output of this file, even with --verbose', () => {
    const secrets = [...emu.credentials.access_keys.flatMap((k) => [k.secret, k.security_token].filter((s): s is string => Boolean(s))), emu.credentials.user.password];
    expect(outputs.length).toBeGreaterThan(20);
    for (const r of outputs) for (const s of secrets) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
    // nor in the emulator's access log
    for (const s of secrets) expect(emu.spawned.stderr()).not.toContain(s);
  });

  it('the exported key is the key of the imported certificate', () => {
    const exported = createPublicKey(createPrivateKey(readFileSync(join(f('exp'), 'server.key'), 'utf8'))).export({ type: 'spki', format: 'der' });
    const leaf = new X509Certificate(m.leaf.der).publicKey.export({ type: 'spki', format: 'der' });
    expect(exported.equals(leaf)).toBe(true);
  });
});
