// Fault injection: each action, by Nth request and by probability, and what
// it does (or does not do) to the workspace.

import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/server/credentials.js';
import type { RunningEmulator } from '../../src/server/emulator.js';
import { FaultInjector, parseFaults } from '../../src/server/faults.js';
import { Client, importMaterial, makeCredentials, makeWorkspace, startInProcess } from '../helpers/emulator.js';
import { tempDir } from '../helpers/run.js';

let t: ReturnType<typeof tempDir>;
let creds: Credentials;
let emu: RunningEmulator | undefined;
let n = 0;

beforeAll(() => {
  t = tempDir('ccmkit-emu-faults-');
  creds = makeCredentials();
  return () => t.cleanup();
});

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function withFaults(spec: string, seed = 1): Promise<Client> {
  const dir = makeWorkspace(join(t.dir, `ws${++n}`));
  emu = await startInProcess(dir, creds, { faults: new FaultInjector(parseFaults(spec), seed) });
  return new Client(emu.url, creds);
}

async function count(c: Client): Promise<number> {
  return (await c.call('GET', '/v3/scm/certificates', { query: [['limit', '50']] })).json.total_count;
}

describe('the SPEC grammar', () => {
  it('parses every form', () => {
    const r = parseFaults('delay=150@#1-3, 429=2@#4, 500@10%, 503@0.5, drop@*3~POST, drop-after@#2+~POST:/v3/scm/certificates/import, truncate@#7~:/v1');
    expect(r.map((x) => [x.action, x.arg, x.when, x.method, x.pathPrefix])).toEqual([
      ['delay', 150, { kind: 'range', from: 1, to: 3 }, undefined, undefined],
      ['429', 2, { kind: 'range', from: 4, to: 4 }, undefined, undefined],
      ['500', undefined, { kind: 'p', p: 0.1 }, undefined, undefined],
      ['503', undefined, { kind: 'p', p: 0.5 }, undefined, undefined],
      ['drop', undefined, { kind: 'every', n: 3 }, 'POST', undefined],
      ['drop-after', undefined, { kind: 'range', from: 2, to: Infinity }, 'POST', '/v3/scm/certificates/import'],
      ['truncate', undefined, { kind: 'range', from: 7, to: 7 }, undefined, '/v1'],
    ]);
  });

  it('refuses what it cannot read, as usage errors', () => {
    for (const bad of ['', 'explode@#1', 'delay@#1', '500=3@#1', '429@never', '429@150%', '429@#5-2', '429@*0', '429@#1~', '429@#1~GET:v3', 'drop-after']) {
      expect(() => parseFaults(bad), bad).toThrow(expect.objectContaining({ code: 'CCMKIT.0001' }));
    }
  });

  it('a seed replays the same probabilistic run', () => {
    const run = (seed: number): boolean[] => {
      const f = new FaultInjector(parseFaults('503@30%'), seed);
      return Array.from({ length: 200 }, () => f.decide('GET', '/x').action === '503');
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const hits = run(7).filter(Boolean).length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
  });
});

describe('each action, over HTTP', () => {
  it('429 with Retry-After on the Nth request only; nothing is done', async () => {
    const c = await withFaults('429=3@#2~POST');
    const m = importMaterial('f429.example.com');
    expect((await c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('first.example.com').body })).status).toBe(200);
    const r = await c.call('POST', '/v3/scm/certificates/import', { body: m.body });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    expect(r.json.error_code).toBe('APIGW.0308');
    expect(await count(c)).toBe(1);
    expect((await c.call('POST', '/v3/scm/certificates/import', { body: m.body })).status).toBe(200);
  });

  it('500 and 503 with the service\'s codes; nothing is done', async () => {
    const c = await withFaults('500@#1~POST:/v3/scm,503=5@#1~POST:/v1');
    const r500 = await c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('f500.example.com').body });
    expect(r500.status).toBe(500);
    expect(r500.json.error_code).toBe('SCM.0100');
    const r503 = await c.call('POST', '/v1/private-certificate-authorities', { body: {} });
    expect(r503.status).toBe(503);
    expect(r503.json.error_code).toBe('PCA.00000001');
    expect(r503.headers['retry-after']).toBe('5');
    expect(await count(c)).toBe(0);
  });

  it('drop: the connection closes before the request is handled', async () => {
    const c = await withFaults('drop@#1~POST');
    await expect(c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('drop.example.com').body })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await count(c)).toBe(0);
  });

  it('drop-after: the import IS stored, then the connection closes without an answer', async () => {
    const c = await withFaults('drop-after@#1~POST:/v3/scm/certificates/import');
    await expect(c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('dropafter.example.com').body })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await count(c)).toBe(1);
  });

  it('truncate: the answer stops half-way after the request was handled', async () => {
    const c = await withFaults('truncate@#1~GET:/v3/scm/certificates/scs');
    const id = (await c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('trunc.example.com').body })).json.certificate_id;
    const err = await c.call('GET', `/v3/scm/certificates/${id}`).then(
      (r) => `completed with ${r.raw.length} bytes`,
      (e: Error) => e.message,
    );
    expect(err).toMatch(/aborted|ECONNRESET|socket hang up/);
    expect((await c.call('GET', `/v3/scm/certificates/${id}`)).status).toBe(200);
  });

  it('delay: the answer comes normally, the access log names the fault', async () => {
    const lines: { fault?: string; status: number }[] = [];
    const dir = makeWorkspace(join(t.dir, `ws${++n}`));
    emu = await startInProcess(dir, creds, { faults: new FaultInjector(parseFaults('delay=300@#1'), 1), log: (l) => lines.push(l) });
    const c = new Client(emu.url, creds);
    expect((await c.call('GET', '/v3/scm/certificates')).status).toBe(200);
    expect((await c.call('GET', '/v3/scm/certificates')).status).toBe(200);
    expect(lines.map((l) => l.fault)).toEqual(['delay=300@#1', undefined]);
  });

  it('*N: every Nth matching request', async () => {
    const c = await withFaults('503@*2~GET');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.call('GET', '/v3/scm/certificates')).status);
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
  });
});
