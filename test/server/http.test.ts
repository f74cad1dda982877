// The HTTP edge under bad input: slow, oversized, malformed and hostile
// requests each get a CCM-style body and a request id, never a crash, a hang
// or a stack trace; and the access log carries no secrets.

import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/server/credentials.js';
import type { RunningEmulator } from '../../src/server/emulator.js';
import type { AccessLogLine } from '../../src/server/http.js';
import { Client, importMaterial, makeCredentials, makeWorkspace, startInProcess } from '../helpers/emulator.js';
import { rootBody } from '../helpers/pca.js';
import { tempDir } from '../helpers/run.js';

let t: ReturnType<typeof tempDir>;
let emu: RunningEmulator;
let c: Client;
let creds: Credentials;
const log: AccessLogLine[] = [];
const internal: unknown[] = [];

beforeAll(async () => {
  t = tempDir('ccmkit-emu-http-');
  makeWorkspace(join(t.dir, 'ws'));
  creds = makeCredentials();
  emu = await startInProcess(join(t.dir, 'ws'), creds, { headersTimeoutMs: 800, bodyTimeoutMs: 800, log: (l) => log.push(l), onInternalError: (e) => internal.push(e) });
  c = new Client(emu.url, creds);
});

afterAll(async () => {
  await emu?.stop();
  t?.cleanup();
});

/** Writes raw bytes on a fresh connection; resolves with everything the server sent before closing (or after `waitMs`). */
function raw(writes: (s: Socket) => void, waitMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(emu.address.port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(got);
    }, waitMs);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    s.on('connect', () => writes(s));
  });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: any } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const lines = head!.split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0]!)?.[1]);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const bodyText = rest.join('\r\n\r\n');
  return { status, headers, body: bodyText ? JSON.parse(bodyText) : undefined };
}

describe('slow and oversized clients', () => {
  it('headers that never finish: 408 with a gateway body, connection closed', async () => {
    // raw() gives up after 5 s: an answer at all means the server cut the client off by itself.
    const r = parseRaw(await raw((s) => s.write('GET /v3/scm/certificates HTTP/1.1\r\nHost: x\r\n')));
    expect(r.status).toBe(408);
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(r.body).toMatchObject({ error_code: 'APIGW.0201' });
  });

  it('a body that never finishes: 408, connection closed', async () => {
    const r = parseRaw(await raw((s) => s.write('POST /v3/scm/certificates/import HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":')));
    expect(r.status).toBe(408);
    expect(r.body).toMatchObject({ error_code: 'APIGW.0201', error_msg: expect.stringContaining('timeout') });
  });

  it('a declared body over the cap: 413 at once, nothing read', async () => {
    const r = parseRaw(await raw((s) => s.write(`POST /v3/scm/certificates/import HTTP/1.1\r\nHost: x\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n`)));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error_code: 'APIGW.0201', error_msg: expect.stringContaining('65536') });
  });

  it('a chunked body that grows past the cap: 413', async () => {
    const r = parseRaw(
      await raw((s) => {
        s.write('POST /v3/scm/csr HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = Buffer.alloc(16 * 1024, 0x61);
        for (let i = 0; i < 8; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
      }),
    );
    expect(r.status).toBe(413);
  });

  it('headers over 64 KiB: 431 with a gateway body', async () => {
    const r = parseRaw(await raw((s) => s.write(`GET /v3/scm/certificates HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`)));
    expect(r.status).toBe(431);
    expect(r.body).toMatchObject({ error_code: 'APIGW.0201' });
  });

  it('malformed HTTP: 400 with a gateway body', async () => {
    for (const junk of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /v3 HTTP/1.1\r\nBad Header\r\n\r\n', '\x00\x01\x02\r\n\r\n']) {
      const r = parseRaw(await raw((s) => s.write(junk)));
      expect(r.status, JSON.stringify(junk)).toBe(400);
      expect(r.body.error_code).toBe('APIGW.0201');
    }
  });
});

describe('hostile and broken requests get CCM errors', () => {
  it('unknown paths 404, wrong methods 405 with Allow, every answer with X-Request-Id', async () => {
    const r404 = await c.call('GET', '/v3/scm/nothing-here');
    expect(r404.status).toBe(404);
    expect(r404.json).toMatchObject({ error_code: 'APIGW.0101', request_id: r404.headers['x-request-id'] });
    const r405 = await c.call('PUT', '/v3/scm/certificates/scs1234567890123');
    expect(r405.status).toBe(405);
    expect(r405.headers.allow).toBe('GET, DELETE');
    expect(r405.json.error_code).toBe('APIGW.0101');
    const ids = new Set([r404.headers['x-request-id'], r405.headers['x-request-id']]);
    expect(ids.size).toBe(2);
    expect((await c.call('GET', '//v3/scm/certificates')).status).toBe(404);
    expect((await c.call('GET', '/v3/scm/certificates/')).status).toBe(200);
  });

  it('broken JSON, invalid UTF-8, wrong types: 400 with the service\'s code', async () => {
    const cases: [string, string, Buffer, string][] = [
      ['POST', '/v3/scm/certificates/import', Buffer.from('{"name": "x", '), 'SCM.0005'],
      ['POST', '/v3/scm/certificates/import', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'SCM.0005'],
      ['POST', '/v3/scm/certificates/import', Buffer.from('{"name": 1, "certificate": [], "private_key": {}}'), 'SCM.0005'],
      ['POST', '/v3/scm/csr/upload', Buffer.from('null'), 'SCM.0005'],
      ['POST', '/v1/private-certificate-authorities', Buffer.from('{"type": '), 'PCA.00020001'],
      ['POST', '/v1/private-certificate-authorities', Buffer.from('[1,2,3]'), 'PCA.00020001'],
      ['POST', '/v1/private-certificates', Buffer.from('{"issuer_id": 12}'), 'PCA.00020201'],
    ];
    for (const [method, path, body, code] of cases) {
      const r = await c.call(method, path, { body });
      expect(r.status, `${path} ${body.toString('latin1')}`).toBe(400);
      expect(r.json.error_code, `${path} ${body.toString('latin1')}`).toBe(code);
    }
  });

  it('query parameters named like object internals are plain parameters', async () => {
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const r = await c.call('GET', '/v3/scm/certificates', { query: [[k, 'x'], ['limit', '10']] });
      expect(r.status, k).toBe(200);
    }
    const r = await c.call('GET', '/v3/scm/certificates', { query: [['limit', '10'], ['limit', '99']] });
    expect(r.status).toBe(200); // the first value of a repeated parameter counts
  });

  it('path traversal and odd bytes in IDs are just bad IDs', async () => {
    for (const id of ['..', '..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%00', '%C0%AE%C0%AE', 'a%2Fb', encodeURIComponent('"; DROP TABLE scm_cert; --')]) {
      const scm = await c.call('GET', `/v3/scm/certificates/${id}`);
      expect(scm.status, id).toBe(400);
      expect(scm.json.error_code).toBe('SCM.0008');
      const pca = await c.call('GET', `/v1/private-certificates/${id}`);
      expect(pca.status, id).toBe(400);
      expect(pca.json.error_code).toBe('PCA.00020301');
    }
    expect((await c.call('GET', '/v3/scm/certificates/../../etc/passwd')).status).toBe(404);
  });

  it('fuzz: random bodies and IDs on every POST and GET route never give a 5xx, a 401 or a hang', async () => {
    const routes = emu.routes.filter((r) => !r.public);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('scs1234567890123', '00000000-0000-4000-8000-000000000000', '0'.repeat(32))),
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))),
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.constantFrom(Buffer.from(JSON.stringify(rootBody())), Buffer.from(JSON.stringify(importMaterial('fuzz.example.com').body))),
        ),
        async (route, id, body) => {
          const path = route.path.replace(/\{\w+\}/g, encodeURIComponent(id) || 'x');
          const r = await c.call(route.method, path, { body: route.method === 'GET' ? undefined : body });
          if (r.status >= 500 || r.status === 401) throw new Error(`${route.method} ${path} -> ${r.status} ${r.raw.toString().slice(0, 200)}`);
          expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
          if (r.status >= 400) expect(r.json.error_code ?? r.json.error?.code).toBeTruthy();
        },
      ),
      { numRuns: 300, seed: 1313 },
    );
    expect(internal).toEqual([]);
  });
});

describe('the access log', () => {
  it('one JSON line per request, no bodies and no secrets', async () => {
    const m = importMaterial('log.example.com');
    await c.call('POST', '/v3/scm/certificates/import', { body: m.body, query: [['trace', '1']] });
    const token = await c.token();
    await c.call('GET', '/v3/scm/certificates', { auth: { token } });
    await c.call('GET', '/v3/scm/certificates', { auth: 'temporary' });
    const text = log.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [creds.user.password, ...creds.access_keys.map((k) => k.secret), creds.access_keys[1]!.security_token!, token, m.body.private_key.split('\n')[1]!, m.body.certificate.split('\n')[1]!]) {
      expect(text).not.toContain(secret);
    }
    const importLine = log.find((l) => l.path === '/v3/scm/certificates/import?trace=1')!;
    expect(importLine).toMatchObject({ method: 'POST', status: 200, auth: `aksk:${creds.access_keys[0]!.access}`, request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(importLine.bytes_in).toBeGreaterThan(500);
    expect(typeof importLine.ms).toBe('number');
    expect(log.some((l) => l.auth === `token:${creds.user.name}`)).toBe(true);
  });
});
