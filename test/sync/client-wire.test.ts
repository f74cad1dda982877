// What the client puts on the wire, caught by a recording server:
// - the published signature vectors, reproduced by the client itself
//   (reached through HTTP_PROXY, so the Host header is the vector's);
// - random requests (paths, queries, bodies, temporary credentials), each
//   signed exactly as Huawei's own Node.js signer (AKSKSigner) signs the same
//   request, and accepted by our verifier;
// - the headers the official SDK sends (notes "What the official SDK clients
//   send"), secrets absent from every log line.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { CcmClient, type RequestLogLine } from '../../src/sync/client.js';
import { resolveEndpoints } from '../../src/sync/endpoints.js';
import { parseQuery, verifySignature } from '../../src/sync/signing.js';

interface Caught {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

let server: Server;
let port = 0;
const caught: Caught[] = [];
let reply: (req: IncomingMessage) => { status: number; body: string; headers?: Record<string, string> } = () => ({ status: 200, body: '{}' });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : String(v);
      caught.push({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks) });
      const r = reply(req);
      res.writeHead(r.status, { 'content-type': 'application/json', 'x-request-id': 'rid-' + caught.length, ...(r.headers ?? {}) });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function last(): Caught {
  return caught[caught.length - 1]!;
}

describe('the published vectors, sent by the client', () => {
  it('V1: PCA list CAs (GET, query in model order on the SDK side, canonical here)', async () => {
    const c = new CcmClient({
      credentials: { aksk: { ak: 'HCAKEXAMPLE0000000001', sk: 'hcSkExample/0000000000000000000000000001' }, domainId: '0123456789abcdef0123456789abcdef', source: 'test' },
      endpoints: resolveEndpoints({ pca: 'http://ccm.cn-north-4.myhuaweicloud.com' }, {}),
      now: () => new Date('2024-01-15T08:30:00Z'),
      env: { HTTP_PROXY: `http://127.0.0.1:${port}` },
    });
    await c.call({ service: 'pca', method: 'GET', path: '/v1/private-certificate-authorities', query: [['limit', '10'], ['offset', '0'], ['type', 'ROOT'], ['status', 'ACTIVED']], kind: 'read' });
    c.close();
    const r = last();
    // Through the proxy: the request line carries the absolute URL, Host stays the target's.
    expect(r.url).toBe('http://ccm.cn-north-4.myhuaweicloud.com/v1/private-certificate-authorities?limit=10&offset=0&status=ACTIVED&type=ROOT');
    expect(r.headers.host).toBe('ccm.cn-north-4.myhuaweicloud.com');
    expect(r.headers.authorization).toBe(
      'SDK-HMAC-SHA256 Access=HCAKEXAMPLE0000000001, SignedHeaders=content-type;host;x-domain-id;x-sdk-date, Signature=0ec8821075500c3a95274d5ccfe45c2f43b3de147601cb9a1e08685419ce5099',
    );
  });

  it('V2: PCA create CA (POST, exact body bytes)', async () => {
    const c = new CcmClient({
      credentials: { aksk: { ak: 'HARNESSAK', sk: 'HARNESSSK' }, domainId: 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0', source: 'test' },
      endpoints: resolveEndpoints({ pca: 'http://127.0.0.1:18082' }, {}),
      now: () => new Date('2024-02-29T23:59:59Z'),
      env: { HTTP_PROXY: `http://127.0.0.1:${port}` },
    });
    const body = { type: 'ROOT', distinguished_name: { common_name: 'Vector Root CA', country: 'CN', state: 'GD', locality: 'SZ', organization: 'Org', organizational_unit: 'OU' }, key_algorithm: 'RSA2048', validity: { type: 'YEAR', value: 5 }, signature_algorithm: 'SHA256' };
    await c.call({ service: 'pca', method: 'POST', path: '/v1/private-certificate-authorities', body, kind: 'create' });
    c.close();
    const r = last();
    expect(r.body.toString()).toBe(JSON.stringify(body));
    expect(r.headers.authorization).toContain('Signature=da5b7b269643a3fe16b0fe7ae6892555c3c8df5d4beb0abac240b7665e1640c5');
  });
});

// Path parameters and query values from the whole BMP, with the characters URLs make awkward.
const text = fc.string({ unit: fc.oneof(fc.constantFrom(...'aZ09-_.~ !*\'()/?#&=+%;:@,$[]"<>^`{|}\\'.split('')), fc.integer({ min: 0xa0, max: 0xd7ff }).map((n) => String.fromCharCode(n))), minLength: 1, maxLength: 12 });

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE') as fc.Arbitrary<'GET' | 'POST' | 'DELETE'>,
  // Half the paths are plain (IDs as CCM makes them), half need escapes.
  segments: fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,36}$/), text), { minLength: 1, maxLength: 3 }),
  query: fc.array(fc.tuple(fc.constantFrom('limit', 'offset', 'name', 'status', 'content', 'multi'), text), { maxLength: 5 }),
  body: fc.option(fc.dictionary(fc.constantFrom('name', 'certificate', 'type', 'x'), fc.oneof(text, fc.integer(), fc.boolean())), { nil: undefined }),
  temporary: fc.boolean(),
});

describe('random requests: signed as AKSKSigner signs them, verified by the emulator verifier', () => {
  it('300 requests over HTTP', async () => {
    const AK = 'PROPAK0000000000000000';
    const SK = 'prop/SK+0000000000000000000000000000000000';
    const TOKEN = 'temporary-token-' + 'q'.repeat(64);
    const lines: RequestLogLine[] = [];
    const samples = fc.sample(requestArb, { numRuns: 300, seed: 20260501 });
    let compared = 0;
    for (const r of samples) {
      const c = new CcmClient({
        credentials: { aksk: { ak: AK, sk: SK, securityToken: r.temporary ? TOKEN : undefined }, domainId: 'c'.repeat(32), source: 'test' },
        endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}/prefix` }, {}),
        env: {},
        log: (l) => lines.push(l),
      });
      const path = '/v1/' + r.segments.map((s) => encodeURIComponent(s)).join('/');
      await c.call({ service: 'pca', method: r.method, path, query: r.query, body: r.body, kind: r.method === 'GET' ? 'read' : r.method === 'DELETE' ? 'delete' : 'create' });
      c.close();
      const got = last();
      const q = got.url.indexOf('?');
      const wirePath = q < 0 ? got.url : got.url.slice(0, q);
      const rawQuery = q < 0 ? '' : got.url.slice(q + 1);
      expect(wirePath.startsWith('/prefix/v1/')).toBe(true);
      // Our verifier accepts it.
      const v = verifySignature({ method: got.method, path: wirePath, rawQuery, headers: got.headers, body: got.body }, SK);
      if (!v.ok) throw new Error(`${v.why} for ${got.method} ${got.url}`);
      // Huawei's signer, given the same request (the signed headers, the decoded query, the same body), signs the same.
      const signedNames = v.auth.signedHeaders;
      expect(signedNames).toEqual(r.temporary ? ['content-type', 'host', 'x-domain-id', 'x-sdk-date', 'x-security-token'] : ['content-type', 'host', 'x-domain-id', 'x-sdk-date']);
      const sdkHeaders: Record<string, string> = {};
      for (const n of signedNames) if (n !== 'host') sdkHeaders[n === 'x-sdk-date' ? 'X-Sdk-Date' : n] = got.headers[n]!;
      const queryParams: Record<string, string | string[]> = {};
      for (const [k, val] of parseQuery(rawQuery)!) {
        const prev = queryParams[k];
        queryParams[k] = prev === undefined ? val : [...[prev].flat(), val];
      }
      const sdk = AKSKSigner.sign({ endpoint: `http://127.0.0.1:${port}${wirePath}`, method: got.method, headers: sdkHeaders, queryParams, data: r.body } as never, { getAk: () => AK, getSk: () => SK } as never) as Record<string, string>;
      const sdkSig = /Signature=([0-9a-f]{64})/.exec(sdk.Authorization ?? sdk.authorization ?? '')![1];
      // The Node SDK signs an escaped path escaped twice (its legacy url.parse); the gateway and the Go and
      // Python SDKs sign the decoded segments, as we do. Paths without escapes must agree byte for byte.
      if (!wirePath.includes('%')) {
        compared++;
        expect(got.headers.authorization).toContain(`Signature=${sdkSig}`);
      }
      // What the SDK sends besides: Accept, User-Agent (unsigned); never X-Project-Id or X-Auth-Token.
      expect(got.headers.accept).toBe('application/json');
      expect(got.headers['user-agent']).toMatch(/^ccmkit/);
      expect(got.headers['x-project-id']).toBeUndefined();
      expect(got.headers['x-auth-token']).toBeUndefined();
      if (r.method !== 'GET' && r.body === undefined) expect(got.headers['content-length']).toBe(r.method === 'POST' ? '0' : undefined);
    }
    // The log never carries secrets.
    const logText = JSON.stringify(lines);
    expect(logText).not.toContain(SK);
    expect(logText).not.toContain(TOKEN);
    expect(lines).toHaveLength(300);
    expect(compared).toBeGreaterThan(50);
  });
});

describe('token login', () => {
  it('POST /v3/auth/tokens once (password), X-Auth-Token on every call, one re-login after a 401', async () => {
    const PW = 'token-test-password-SECRET';
    let tokens = 0;
    let refuseNext = false;
    reply = (req) => {
      if (req.url === '/v3/auth/tokens') return { status: 201, body: '{"token":{}}', headers: { 'X-Subject-Token': `MIItoken${++tokens}` } };
      if (refuseNext) {
        refuseNext = false;
        return { status: 401, body: '{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information: the token has expired."}}' };
      }
      return { status: 200, body: '{"ok":true}' };
    };
    const c = new CcmClient({
      credentials: { password: { user: 'alice', password: PW, domainName: 'acme' }, source: 'test' },
      endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}` }, {}),
      env: {},
    });
    const from = caught.length;
    await Promise.all([1, 2, 3].map(() => c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })));
    expect(tokens).toBe(1);
    const login = caught[from]!;
    expect(login.url).toBe('/v3/auth/tokens');
    expect(JSON.parse(login.body.toString())).toEqual({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: PW, domain: { name: 'acme' } } } }, scope: { domain: { name: 'acme' } } } });
    expect(login.headers.authorization).toBeUndefined();
    for (const r of caught.slice(from + 1)) expect(r.headers['x-auth-token']).toBe('MIItoken1');
    refuseNext = true;
    await c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' });
    expect(tokens).toBe(2);
    expect(last().headers['x-auth-token']).toBe('MIItoken2');
    expect(c.stats.logins).toBe(2);
    c.close();
    reply = () => ({ status: 200, body: '{}' });
  });
});

describe('waiting between attempts', () => {
  it('Retry-After is honoured (seconds), else exponential backoff with jitter; too long a Retry-After ends the call', async () => {
    const answers = [
      { status: 429, body: '{"error_code":"APIGW.0308","error_msg":"throttled"}', headers: { 'Retry-After': '2' } },
      { status: 503, body: '{"error_code":"SCM.0100","error_msg":"busy"}' },
      { status: 503, body: '{"error_code":"SCM.0100","error_msg":"busy"}' },
      { status: 200, body: '{"certificates":[],"total_count":0}' },
    ];
    let n = 0;
    reply = () => answers[Math.min(n++, answers.length - 1)]!;
    const waits: number[] = [];
    const c = new CcmClient({
      credentials: { aksk: { ak: 'AK', sk: 'SK' }, domainId: 'c'.repeat(32), source: 'test' },
      endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}` }, {}),
      env: {},
      sleep: async (ms) => void waits.push(ms),
    });
    const r = await c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' });
    expect(r.status).toBe(200);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(2000); // Retry-After: 2
    expect(waits[0]).toBeLessThanOrEqual(2201);
    expect(waits[1]).toBeGreaterThanOrEqual(500); // attempt 2: 1,000 ms, half of it jittered
    expect(waits[1]).toBeLessThanOrEqual(1000);
    expect(waits[2]).toBeGreaterThanOrEqual(1000); // attempt 3: 2,000 ms
    expect(waits[2]).toBeLessThanOrEqual(2000);
    expect(c.stats.retries).toBe(3);

    n = 0;
    reply = () => ({ status: 429, body: '{"error_code":"APIGW.0308","error_msg":"throttled"}', headers: { 'Retry-After': '3600' } });
    waits.length = 0;
    await expect(c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })).rejects.toMatchObject({ httpStatus: 429, code: 'APIGW.0308' });
    expect(waits).toEqual([]);
    c.close();
    reply = () => ({ status: 200, body: '{}' });
  });
});

describe('a hostile or broken server', () => {
  function client(o: { maxResponseBytes?: number } = {}): CcmClient {
    return new CcmClient({ credentials: { aksk: { ak: 'AK', sk: 'SK' }, domainId: 'c'.repeat(32), source: 'test' }, endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}` }, {}), env: {}, maxAttempts: 1, ...o });
  }

  it("a client given no env uses no proxy, whatever this process's HTTPS_PROXY/HTTP_PROXY say (the library reads no environment)", async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    // A proxy that refuses every connection: used, it would fail the call.
    Object.assign(process.env, { HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' });
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const c = new CcmClient({ credentials: { aksk: { ak: 'AK', sk: 'SK' }, domainId: 'c'.repeat(32) }, endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}` }), maxAttempts: 1 });
      reply = () => ({ status: 200, body: '{"ok":true}' });
      expect((await c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })).json).toEqual({ ok: true });
      c.close();
      // Given the environment, it does use the proxy (and fails on the refusing one).
      const viaEnv = new CcmClient({ credentials: { aksk: { ak: 'AK', sk: 'SK' }, domainId: 'c'.repeat(32) }, endpoints: resolveEndpoints({ endpoint: `http://127.0.0.1:${port}` }), env: process.env, maxAttempts: 1 });
      await expect(viaEnv.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })).rejects.toMatchObject({ code: expect.stringMatching(/^CCMKIT\.020[16]$/) });
      viaEnv.close();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('a 200 that is not JSON, an answer over the size cap, an error body with control characters: clear errors, never a crash', async () => {
    const c = client({ maxResponseBytes: 1024 });
    reply = () => ({ status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } });
    await expect(c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })).rejects.toMatchObject({ code: 'CCMKIT.0205' });
    reply = () => ({ status: 200, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    await expect(c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' })).rejects.toMatchObject({ code: 'CCMKIT.0205', kind: 'too-large' });
    reply = () => ({ status: 500, body: 'boom\x1b[31m red \x07 bell\r\nSet-Cookie: x', headers: { 'content-type': 'text/plain' } });
    const e = (await c.call({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', kind: 'read' }).catch((x: unknown) => x)) as Error;
    expect(e).toMatchObject({ httpStatus: 500, code: 'HTTP.500' });
    expect(e.message).toContain('boom\\x1b[31m red \\x07 bell Set-Cookie: x');
    expect(e.message).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    c.close();
    reply = () => ({ status: 200, body: '{}' });
  });
});
