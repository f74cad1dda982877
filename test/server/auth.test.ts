// Authentication as the real gateway does it: AK/SK signatures (with
// X-Domain-Id, X-Security-Token for temporary keys, 15 minutes of clock skew)
// and IAM tokens. Every refusal is 401 with an IAM-style body.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/server/credentials.js';
import type { RunningEmulator } from '../../src/server/emulator.js';
import { formatSdkDate, signRequest } from '../../src/sync/signing.js';
import { Client, makeCredentials, makeWorkspace, send, startInProcess } from '../helpers/emulator.js';
import { tempDir } from '../helpers/run.js';

let t: ReturnType<typeof tempDir>;
let emu: RunningEmulator;
let c: Client;
let creds: Credentials;
const LIST = '/v3/scm/certificates';

beforeAll(async () => {
  t = tempDir('ccmkit-emu-auth-');
  makeWorkspace(join(t.dir, 'ws'));
  creds = makeCredentials();
  // Tokens live 2 seconds here, so expiry can be seen.
  emu = await startInProcess(join(t.dir, 'ws'), creds, { tokenTtlMs: 2000 });
  c = new Client(emu.url, creds);
});

afterAll(async () => {
  await emu?.stop();
  t?.cleanup();
});

function expect401(r: { status: number; json: any; headers: Record<string, unknown> }, why: RegExp): void {
  expect(r.status).toBe(401);
  expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  expect(r.json).toEqual({ error: { code: 'APIGW.0301', message: expect.stringMatching(why), title: 'Unauthorized' } });
  expect(r.json.error.message).toMatch(/^Incorrect IAM authentication information: /);
}

describe('AK/SK', () => {
  it('accepts a permanent key, and a temporary key with its signed security token', async () => {
    expect((await c.call('GET', LIST)).status).toBe(200);
    expect((await c.call('GET', LIST, { auth: 'temporary' })).status).toBe(200);
    // X-Project-Id (project-scoped credentials) is accepted.
    expect((await c.call('GET', LIST, { headers: { 'X-Project-Id': '0123456789abcdef0123456789abcdef' } })).status).toBe(200);
  });

  it('refuses a request without credentials, with a malformed header, an unknown key, or a bad signature', async () => {
    expect401(await c.call('GET', LIST, { auth: 'none' }), /no Authorization/);
    expect401(await c.call('GET', LIST, { tamper: (r) => void (r.headers.Authorization = 'Basic dXNlcjpwYXNz') }), /Authorization header is not/);
    expect401(
      await c.call('GET', LIST, { tamper: (r) => void (r.headers.Authorization = r.headers.Authorization!.replace(/Access=\w+/, 'Access=AKNOTKNOWN000000000')) }),
      /access key does not exist/,
    );
    expect401(await c.call('GET', LIST, { tamper: (r) => void (r.headers.Authorization = r.headers.Authorization!.replace(/Signature=(.)/, (_m, ch) => `Signature=${ch === 'a' ? 'b' : 'a'}`)) }), /verify aksk signature fail/);
    expect401(await c.call('GET', LIST, { query: [['limit', '10']], tamper: (r) => void (r.query = 'limit=20') }), /verify aksk signature fail/);
    expect401(await c.call('POST', '/v3/scm/csr', { body: { name: 'a' }, tamper: (r) => void (r.body = Buffer.from('{"name":"b"}')) }), /verify aksk signature fail/);
    expect401(await c.call('GET', `${LIST}/scs0000000000001`, { tamper: (r) => void (r.method = 'DELETE') }), /verify aksk signature fail/);
  });

  it('the clock: 14 minutes of skew pass, 16 are refused', async () => {
    expect((await c.call('GET', LIST, { at: new Date(Date.now() - 14 * 60_000) })).status).toBe(200);
    expect((await c.call('GET', LIST, { at: new Date(Date.now() + 14 * 60_000) })).status).toBe(200);
    expect401(await c.call('GET', LIST, { at: new Date(Date.now() - 16 * 60_000) }), /minutes away from the server's time/);
    expect401(await c.call('GET', LIST, { at: new Date(Date.now() + 16 * 60_000) }), /minutes away/);
    expect401(await c.call('GET', LIST, { tamper: (r) => void (r.headers['X-Sdk-Date'] = '2026-01-01T00:00:00Z') }), /X-Sdk-Date is not/);
  });

  it('X-Domain-Id is required and must be the key\'s domain', async () => {
    const k = creds.access_keys[0]!;
    const host = new URL(emu.url).host;
    const headers: Record<string, string> = { 'content-type': 'application/json', host, 'X-Sdk-Date': formatSdkDate(new Date()) };
    Object.assign(headers, signRequest({ method: 'GET', path: LIST, headers }, { ak: k.access, sk: k.secret, at: new Date() }));
    expect401(await send(emu.url, 'GET', LIST, headers, Buffer.alloc(0)), /X-Domain-Id is required/);
    expect401(await c.call('GET', LIST, { headers: { 'X-Domain-Id': 'f'.repeat(32) } }), /not the domain of this access key/);
  });

  it('temporary keys: the token must be present, equal, and signed; permanent keys must not send one', async () => {
    expect401(await c.call('GET', LIST, { auth: 'temporary', tamper: (r) => void delete r.headers['X-Security-Token'] }), /security token|SignedHeaders/i);
    // Sent but not signed: re-sign without it, then add it.
    const k = creds.access_keys[1]!;
    const host = new URL(emu.url).host;
    const headers: Record<string, string> = { 'content-type': 'application/json', host, 'X-Domain-Id': creds.domain_id, 'X-Sdk-Date': formatSdkDate(new Date()) };
    Object.assign(headers, signRequest({ method: 'GET', path: LIST, headers }, { ak: k.access, sk: k.secret, at: new Date() }));
    expect401(await send(emu.url, 'GET', LIST, { ...headers, 'X-Security-Token': k.security_token! }, Buffer.alloc(0)), /must be one of the SignedHeaders/);
    // Signed, but another token.
    const h: Record<string, string> = { 'content-type': 'application/json', host, 'X-Domain-Id': creds.domain_id, 'X-Sdk-Date': formatSdkDate(new Date()), 'X-Security-Token': 'x'.repeat(344) };
    Object.assign(h, signRequest({ method: 'GET', path: LIST, headers: h }, { ak: k.access, sk: k.secret, at: new Date() }));
    expect401(await send(emu.url, 'GET', LIST, h, Buffer.alloc(0)), /not the one of this access key/);
    expect401(await c.call('GET', LIST, { headers: { 'X-Security-Token': 'abc' } }), /permanent access key/);
  });

  it('refuses UNSIGNED-PAYLOAD and a declared body hash that is not the body\'s', async () => {
    expect401(await c.call('POST', '/v3/scm/csr', { body: { name: 'x' }, headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } }), /UNSIGNED-PAYLOAD/);
    expect401(await c.call('POST', '/v3/scm/csr', { body: { name: 'x' }, headers: { 'X-Sdk-Content-Sha256': '0'.repeat(64) } }), /not the SHA-256 of the body/);
  });

  it('GET /v3/auth/domains needs a signature but no X-Domain-Id (the SDK asks it for the domain id)', async () => {
    const k = creds.access_keys[0]!;
    const host = new URL(emu.url).host;
    const headers: Record<string, string> = { 'content-type': 'application/json', host, 'X-Sdk-Date': formatSdkDate(new Date()) };
    Object.assign(headers, signRequest({ method: 'GET', path: '/v3/auth/domains', headers }, { ak: k.access, sk: k.secret, at: new Date() }));
    const r = await send(emu.url, 'GET', '/v3/auth/domains', headers, Buffer.alloc(0));
    expect(r.status).toBe(200);
    expect(r.json.domains[0]).toMatchObject({ id: creds.domain_id, name: creds.domain_name });
    expect401(await c.call('GET', '/v3/auth/domains', { auth: 'none' }), /no Authorization/);
  });
});

describe('IAM tokens', () => {
  const passwordBody = (o: { name?: string; password?: string; domain?: Record<string, string> } = {}): unknown => ({
    auth: {
      identity: { methods: ['password'], password: { user: { name: o.name ?? creds.user.name, password: o.password ?? creds.user.password, domain: o.domain ?? { name: creds.domain_name } } } },
      scope: { project: { name: 'cn-north-4' } },
    },
  });

  it('password login: 201, X-Subject-Token, a token body; the token then authenticates as X-Auth-Token', async () => {
    const r = await c.call('POST', '/v3/auth/tokens', { auth: 'none', body: passwordBody() });
    expect(r.status).toBe(201);
    const token = r.headers['x-subject-token'] as string;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(r.json.token).toMatchObject({ methods: ['password'], user: { name: creds.user.name, domain: { id: creds.domain_id } }, project: { name: 'cn-north-4' } });
    expect(r.json.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(JSON.stringify(r.json)).not.toContain(creds.user.password);
    expect((await c.call('GET', LIST, { auth: { token } })).status).toBe(200);
    // By domain id too.
    expect((await c.call('POST', '/v3/auth/tokens', { auth: 'none', body: passwordBody({ domain: { id: creds.domain_id } }) })).status).toBe(201);
  });

  it('AK/SK login (hw_ak_sk)', async () => {
    const k = creds.access_keys[0]!;
    const r = await c.call('POST', '/v3/auth/tokens', { auth: 'none', body: { auth: { identity: { methods: ['hw_ak_sk'], hw_ak_sk: { access: { key: k.access }, secret: { key: k.secret } } } } } });
    expect(r.status).toBe(201);
    expect(r.json.token.methods).toEqual(['hw_ak_sk']);
    const bad = await c.call('POST', '/v3/auth/tokens', { auth: 'none', body: { auth: { identity: { methods: ['hw_ak_sk'], hw_ak_sk: { access: { key: k.access }, secret: { key: 'wrong' } } } } } });
    expect(bad.status).toBe(401);
  });

  it('wrong user, password or domain: 401 Keystone-style; malformed bodies: 400', async () => {
    for (const body of [passwordBody({ password: 'nope' }), passwordBody({ name: 'someone' }), passwordBody({ domain: { name: 'other' } })]) {
      const r = await c.call('POST', '/v3/auth/tokens', { auth: 'none', body });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
    }
    for (const body of [{}, { auth: {} }, { auth: { identity: { methods: ['totp'] } } }, { auth: { identity: { methods: ['password'], password: {} } } }, 'x']) {
      const r = await c.call('POST', '/v3/auth/tokens', { auth: 'none', body: Buffer.from(JSON.stringify(body)) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe(400);
    }
    expect((await c.call('GET', '/v3/auth/tokens', { auth: 'none' })).status).toBe(405);
  });

  it('a changed, forged or expired token is refused', async () => {
    const token = await c.token();
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect401(await c.call('GET', LIST, { auth: { token: flipped } }), /decrypt token fail/);
    expect401(await c.call('GET', LIST, { auth: { token: 'MIIccmkit.e30.' + 'A'.repeat(43) } }), /decrypt token fail/);
    expect401(await c.call('GET', LIST, { auth: { token: 'garbage' } }), /decrypt token fail/);
    await new Promise((r) => setTimeout(r, 2200));
    expect401(await c.call('GET', LIST, { auth: { token } }), /token has expired/);
    // One re-login, and it works again.
    expect((await c.call('GET', LIST, { auth: { token: await c.token() } })).status).toBe(200);
  });
});
