// Huawei's official Node.js SDK core (@huaweicloud/huaweicloud-sdk-core,
// HcClient) against the emulator, the way its generated SCM and PCA service
// clients call it: endpoint override, GlobalCredentials (X-Domain-Id),
// temporary credentials, HTTP and HTTPS. No SCM/PCA service package is
// published on npm, so the calls are the options those clients build
// (method, url template, path/query params, JSON body).

import { Agent } from 'node:https';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import { GlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials.js';
import type { Credentials } from '../../src/server/credentials.js';
import type { RunningEmulator } from '../../src/server/emulator.js';
import { importMaterial, makeCredentials, makeWorkspace, startInProcess } from '../helpers/emulator.js';
import { rootBody } from '../helpers/pca.js';
import { tempDir } from '../helpers/run.js';
import { readFileSync } from 'node:fs';

let t: ReturnType<typeof tempDir>;
let emu: RunningEmulator;
let tls: RunningEmulator;
let creds: Credentials;

beforeAll(async () => {
  t = tempDir('ccmkit-emu-sdk-');
  // The SDK writes ~/.huaweicloud/application_id for its User-Agent: keep it in the test's folder.
  process.env.HOME = t.dir;
  makeWorkspace(join(t.dir, 'ws'));
  makeWorkspace(join(t.dir, 'ws-tls'));
  creds = makeCredentials();
  emu = await startInProcess(join(t.dir, 'ws'), creds);
  tls = await startInProcess(join(t.dir, 'ws-tls'), creds, { tls: true });
});

afterAll(async () => {
  await emu?.stop();
  await tls?.stop();
  t?.cleanup();
});

interface SdkOptions {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  pathParams?: Record<string, string>;
  queryParams?: Record<string, unknown>;
  data?: unknown;
  headers?: Record<string, string>;
}

// The SDK logs every non-2xx answer at ERROR with the whole request config
// (signed headers, security token included). These tests expect such answers;
// a silent logger keeps test-only credentials and 150 dumps out of the CI log.
const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
function quiet<T>(hc: T): T {
  (hc as { httpClient: { _logger: unknown } }).httpClient._logger = SILENT;
  return hc;
}

function sdkClient(endpoint: string, o: { temporary?: boolean; ca?: string } = {}): { send: (opt: SdkOptions) => Promise<any> } {
  const k = creds.access_keys[o.temporary ? 1 : 0]!;
  const cred = new GlobalCredentials().withAk(k.access).withSk(k.secret).withDomainId(creds.domain_id);
  if (o.temporary) cred.withSecurityToken(k.security_token!);
  const builder = new ClientBuilder((hc: any) => hc).withCredential(cred).withEndpoint(endpoint);
  if (o.ca) builder.withOptions({ axiosRequestConfig: { httpsAgent: new Agent({ ca: o.ca }) } } as never);
  const hc: any = quiet(builder.build());
  return {
    // What the generated clients pass to HcClient.sendRequest.
    send: (opt) => hc.sendRequest({ contentType: 'application/json', pathParams: {}, queryParams: {}, headers: {}, ...opt }),
  };
}

async function sdkError(p: Promise<unknown>): Promise<{ status: number; code: string; message: string; requestId?: string }> {
  try {
    await p;
  } catch (e: any) {
    return { status: e.httpStatusCode ?? e.status, code: e.errorCode, message: e.errorMsg, requestId: e.requestId };
  }
  throw new Error('expected the SDK call to fail');
}

describe('official SDK client calls', () => {
  it('SCM: import, list, show, export, delete', async () => {
    const sdk = sdkClient(emu.url);
    const m = importMaterial('sdk.example.com');
    const imp = await sdk.send({ method: 'POST', url: '/v3/scm/certificates/import', data: m.body });
    expect(imp.httpStatusCode).toBe(200);
    const id = imp.certificate_id as string;
    const list = await sdk.send({ method: 'GET', url: '/v3/scm/certificates', queryParams: { limit: 10, offset: 0, sort_dir: 'DESC', sort_key: 'certUpdateTime', status: 'ALL' } });
    expect(list.total_count).toBe(1);
    expect(list.certificates[0].id).toBe(id);
    const show = await sdk.send({ method: 'GET', url: '/v3/scm/certificates/{certificate_id}', pathParams: { certificate_id: id } });
    expect(show.domain).toBe('sdk.example.com');
    const exp = await sdk.send({ method: 'POST', url: '/v3/scm/certificates/{certificate_id}/export', pathParams: { certificate_id: id } });
    expect(exp.private_key).toBe(m.body.private_key);
    const del = await sdk.send({ method: 'DELETE', url: '/v3/scm/certificates/{certificate_id}', pathParams: { certificate_id: id } });
    expect(del.httpStatusCode).toBe(204);
    const gone = await sdkError(sdk.send({ method: 'GET', url: '/v3/scm/certificates/{certificate_id}', pathParams: { certificate_id: id } }));
    expect(gone).toMatchObject({ status: 404, code: 'SCM.0094' });
  });

  it('PCA: create a CA and list it, with temporary credentials (X-Security-Token)', async () => {
    const sdk = sdkClient(emu.url, { temporary: true });
    const ca = await sdk.send({ method: 'POST', url: '/v1/private-certificate-authorities', data: rootBody() });
    expect(ca.ca_id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await sdk.send({ method: 'GET', url: '/v1/private-certificate-authorities', queryParams: { limit: 10, offset: 0, type: 'ROOT', status: 'ACTIVED' } });
    expect(list.total).toBe(1);
    const quota = await sdk.send({ method: 'GET', url: '/v1/private-certificate-authorities/quotas' });
    expect(quota.quotas.resources[0].used).toBe(1);
    const bad = await sdkError(sdk.send({ method: 'GET', url: '/v1/private-certificate-authorities/{ca_id}', pathParams: { ca_id: 'x' } }));
    expect(bad).toMatchObject({ status: 400, code: 'PCA.00020201' });
  });

  it('the SDK reads the IAM-style 401 body: wrong secret key', async () => {
    const k = creds.access_keys[0]!;
    const cred = new GlobalCredentials().withAk(k.access).withSk('not-the-secret').withDomainId(creds.domain_id);
    const hc: any = quiet(new ClientBuilder((h: any) => h).withCredential(cred).withEndpoint(emu.url).build());
    const e = await sdkError(hc.sendRequest({ method: 'GET', url: '/v3/scm/certificates', contentType: 'application/json', pathParams: {}, queryParams: {}, headers: {} }));
    expect(e).toMatchObject({ status: 401, code: 'APIGW.0301' });
    expect(e.message).toContain('verify aksk signature fail');
  });

  it('HTTPS with the workspace TLS root as the only trust anchor', async () => {
    expect(tls.url).toMatch(/^https:/);
    const ca = readFileSync(tls.caFile!, 'utf8');
    const sdk = sdkClient(tls.url, { ca });
    const list = await sdk.send({ method: 'GET', url: '/v3/scm/certificates' });
    expect(list.total_count).toBe(0);
    // Without the root, Node's TLS refuses the emulator's certificate.
    const untrusted = sdkClient(tls.url);
    await expect(untrusted.send({ method: 'GET', url: '/v3/scm/certificates' })).rejects.toBeTruthy();
  });

  it('random queries, headers and bodies signed by the SDK are authenticated (never 401), over real HTTP', async () => {
    const sdk = sdkClient(emu.url);
    const text = fc.string({ unit: fc.constantFrom(...'abcXYZ09-_.~ %/?#&=+!()*\'é一'.split(/(?:)/u)), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE'),
        text,
        fc.dictionary(text.filter((k) => k.length > 0), text, { maxKeys: 4 }),
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^x-[a-z][a-z0-9-]{0,10}$/), fc.stringMatching(/^[!-~]([ -~]{0,15}[!-~])?$/)), { maxLength: 3, selector: ([n]) => n }),
        fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
        async (method, id, query, headers, data) => {
          // A real route with a path parameter: the answer may be 400/404/405, never 401.
          const opt: SdkOptions = { method: method as SdkOptions['method'], url: '/v3/scm/csr/{csr_id}', pathParams: { csr_id: encodeURIComponent(id || 'x') }, queryParams: query, headers: Object.fromEntries(headers) };
          if (data !== undefined && method === 'POST') opt.data = data;
          let status: number;
          try {
            status = (await sdk.send(opt)).httpStatusCode;
          } catch (e: any) {
            status = e.httpStatusCode ?? e.status;
            if (status === 401) throw new Error(`401 for ${method} ${id} ${JSON.stringify(query)}: ${e.errorMsg}`);
          }
          expect(status).not.toBe(401);
        },
      ),
      { numRuns: 150, seed: 99 },
    );
  });
});
