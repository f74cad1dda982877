// Endpoints, credentials and proxy settings: the client's configuration,
// without a network. Every secret is checked never to appear in a message.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CcmError } from '../../src/engine/errors.js';
import { chooseAuth, credentialsFromEnv, credentialsFromProfile, describeCredentials as describeCreds, loadClientCredentials, secretsOf, type ClientCredentials } from '../../src/sync/credentials.js';
import { endpointOf, joinUrl, normaliseEndpoint, resolveEndpoints } from '../../src/sync/endpoints.js';
import { CcmClient, retryAfterMs, pathOf } from '../../src/sync/client.js';
import { bypassProxy, proxyFor, shownProxy } from '../../src/sync/proxy.js';
import { tempDir } from '../helpers/run.js';

const t = tempDir('ccmkit-sync-config-');
afterAll(() => t.cleanup());

function thrown(f: () => unknown): CcmError {
  try {
    f();
  } catch (e) {
    if (e instanceof CcmError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('endpoints', () => {
  it('a region maps to scm.R and ccm.R; sa-brazil-1 has the global PCA host; IAM is global', () => {
    const e = resolveEndpoints({ region: 'cn-north-4' }, {});
    expect(endpointOf(e, 'scm').href).toBe('https://scm.cn-north-4.myhuaweicloud.com/');
    expect(endpointOf(e, 'pca').href).toBe('https://ccm.cn-north-4.myhuaweicloud.com/');
    expect(endpointOf(e, 'iam').href).toBe('https://iam.myhuaweicloud.com/');
    expect(endpointOf(resolveEndpoints({ region: 'sa-brazil-1' }, {}), 'pca').href).toBe('https://ccm.myhuaweicloud.com/');
    expect(endpointOf(resolveEndpoints({ region: 'ap-southeast-1' }, {}), 'scm').href).toBe('https://scm.ap-southeast-1.myhuaweicloud.com/');
  });

  it('a region without the service names the regions that have it', () => {
    const e = thrown(() => endpointOf(resolveEndpoints({ region: 'ap-southeast-3' }, {}), 'scm'));
    expect(e.code).toBe('CCMKIT.0204');
    expect(e.message).toContain('cn-north-4, ap-southeast-1, my-kualalumpur-1');
    expect(endpointOf(resolveEndpoints({ region: 'ap-southeast-3' }, {}), 'pca').host).toBe('ccm.ap-southeast-3.myhuaweicloud.com');
    expect(thrown(() => endpointOf(resolveEndpoints({}, {}), 'pca')).message).toContain('--region');
    expect(thrown(() => resolveEndpoints({ region: 'not a region' }, {})).code).toBe('CCMKIT.0204');
  });

  it('overrides win per service; trailing slashes are dropped, a path prefix is kept', () => {
    const e = resolveEndpoints({ region: 'cn-north-4', pca: 'http://127.0.0.1:9000/pca///', iam: 'https://iam.example.test/' }, { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://ignored.example' });
    expect(endpointOf(e, 'pca').href).toBe('http://127.0.0.1:9000/pca');
    expect(joinUrl(endpointOf(e, 'pca'), '/v1/private-certificate-authorities').href).toBe('http://127.0.0.1:9000/pca/v1/private-certificate-authorities');
    expect(endpointOf(e, 'scm').host).toBe('scm.cn-north-4.myhuaweicloud.com');
    expect(endpointOf(e, 'iam').href).toBe('https://iam.example.test/');
    expect(endpointOf(resolveEndpoints({}, { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.x.test' }), 'iam').host).toBe('iam.x.test');
    // --endpoint serves every service (the emulator)
    const one = resolveEndpoints({ endpoint: 'http://127.0.0.1:8443/' }, {});
    expect([endpointOf(one, 'scm').href, endpointOf(one, 'pca').href, endpointOf(one, 'iam').href]).toEqual(['http://127.0.0.1:8443/', 'http://127.0.0.1:8443/', 'http://127.0.0.1:8443/']);
  });

  it('refuses URLs that are not http(s), carry credentials, a query or a fragment', () => {
    for (const bad of ['ftp://x', 'https://user:pw@host', 'https://h/?a=1', 'https://h/#x', 'not a url']) {
      const e = thrown(() => normaliseEndpoint(bad, '--endpoint'));
      expect(e.code).toBe('CCMKIT.0204');
      expect(e.message).not.toContain('pw@');
    }
  });

  it('path parameters are percent-encoded; Retry-After in seconds or as a date', () => {
    expect(pathOf('/v1/x/{id}/y', { id: 'a/b c' })).toBe('/v1/x/a%2Fb%20c/y');
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('credentials', () => {
  const SK = 'sk-SECRET-0123456789abcdefghijklmnopqrstuv';
  const PW = 'pw-SECRET-9876543210';
  const TOKEN = 'st-SECRET-' + 'x'.repeat(100);

  function profileFile(name: string, v: unknown, mode = 0o600): string {
    const f = join(t.dir, name);
    writeFileSync(f, JSON.stringify(v), { mode });
    chmodSync(f, mode);
    return f;
  }

  it('the SDK environment variables, with domain id and security token', () => {
    const c = loadClientCredentials({ env: { HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_DOMAIN_ID: 'd'.repeat(32), HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN, XDG_CONFIG_HOME: '/nonexistent' } });
    expect(c.aksk).toEqual({ ak: 'AK1', sk: SK, securityToken: TOKEN });
    expect(c.domainId).toBe('d'.repeat(32));
    expect(chooseAuth(c)).toBe('aksk');
    expect(describeCreds(c, 'aksk')).toBe('AK AK1 (temporary) from environment (HUAWEICLOUD_SDK_AK/SK)');
    expect(secretsOf(c)).toEqual([SK, TOKEN]);
  });

  it('library credentials are plain objects: a profile object or an env object given, read as such; checked when a client is built, never quoted', () => {
    const c = credentialsFromProfile({ ak: 'AK2', sk: SK, domain_id: 'e'.repeat(32), region: 'cn-north-4' }, 'vault entry');
    expect(c).toMatchObject({ aksk: { ak: 'AK2', sk: SK }, domainId: 'e'.repeat(32), region: 'cn-north-4', source: 'vault entry' });
    expect(thrown(() => credentialsFromProfile({ ak: 'AK2' }))).toMatchObject({ code: 'CCMKIT.0203', message: 'the profile given: "ak" and "sk" go together.' });
    expect(credentialsFromEnv({ HUAWEICLOUD_SDK_AK: 'AK3', HUAWEICLOUD_SDK_SK: SK })).toMatchObject({ aksk: { ak: 'AK3', sk: SK } });
    // Only the object given: an empty one has none, whatever this process's environment holds.
    expect(credentialsFromEnv({})).toBeUndefined();
    const endpoints = resolveEndpoints({ region: 'cn-north-4' });
    // A control character would land in a signed header; a login with no secret could not sign at all.
    for (const [credentials, field] of [
      [{ aksk: { ak: 'AK', sk: `${SK}\r\nX-Injected: 1` } }, 'aksk.sk'],
      [{ aksk: { ak: '', sk: SK } }, 'aksk.ak'],
      [{ password: { user: 'ops', password: PW }, domainId: 'd\x00' }, 'domainId'],
      [{ domainId: 'd'.repeat(32) }, 'neither'],
    ] as const) {
      const e = thrown(() => new CcmClient({ credentials: credentials as ClientCredentials, endpoints, env: {} }));
      expect(e.code).toBe('CCMKIT.0203');
      expect(e.message).toContain(field);
      expect(e.message).not.toContain(SK);
      expect(e.message).not.toContain(PW);
    }
    // Without a source, messages say where in general terms.
    expect(thrown(() => chooseAuth({ password: { user: 'u', password: PW, domainName: 'a' } }, 'aksk')).message).toBe('the credentials given has no AK/SK; use --auth token (IAM login with the user and password).');
  });

  it('an AK without its SK (or the reverse) is refused without quoting it', () => {
    const e = thrown(() => loadClientCredentials({ env: { HUAWEICLOUD_SDK_SK: SK, XDG_CONFIG_HOME: '/nonexistent' } }));
    expect(e.code).toBe('CCMKIT.0203');
    expect(e.message).not.toContain(SK);
  });

  it('no credentials anywhere: a clear error naming the three ways', () => {
    const e = thrown(() => loadClientCredentials({ env: { XDG_CONFIG_HOME: join(t.dir, 'none') } }));
    expect(e.code).toBe('CCMKIT.0203');
    expect(e.message).toMatch(/HUAWEICLOUD_SDK_AK.*--credentials.*credentials\.json/s);
  });

  it('a profile file: profiles by name, settings besides secrets, token auth for a user', () => {
    const f = profileFile('profiles.json', {
      profiles: {
        default: { ak: 'AKD', sk: SK, domain_id: 'e'.repeat(32), region: 'cn-north-4', pca_endpoint: 'http://127.0.0.1:1/' },
        ops: { user: 'alice', password: PW, domain_name: 'acme', auth: 'token', project: 'cn-north-4' },
      },
    });
    const d = loadClientCredentials({ file: f, env: {} });
    expect(d.aksk?.ak).toBe('AKD');
    expect(d.region).toBe('cn-north-4');
    expect(d.endpoints?.pca).toBe('http://127.0.0.1:1/');
    const ops = loadClientCredentials({ file: f, profile: 'ops', env: {} });
    expect(ops.password).toEqual({ user: 'alice', password: PW, domainName: 'acme' });
    expect(chooseAuth(ops)).toBe('token');
    expect(thrown(() => chooseAuth(ops, 'aksk')).code).toBe('CCMKIT.0203');
    expect(describeCreds(ops, 'token')).toContain('user alice');
    const missing = thrown(() => loadClientCredentials({ file: f, profile: 'nope', env: {} }));
    expect(missing.message).toContain('it has: default, ops');
  });

  it('the default profile file is used when the environment has no AK/SK; the environment wins over it', () => {
    const home = join(t.dir, 'xdg');
    const f = join(home, 'ccmkit', 'credentials.json');
    mkdirSync(join(home, 'ccmkit'), { recursive: true });
    writeFileSync(f, JSON.stringify({ profiles: { default: { ak: 'AKFILE', sk: SK, domain_id: 'f'.repeat(32) } } }), { mode: 0o600 });
    expect(loadClientCredentials({ env: { XDG_CONFIG_HOME: home } }).aksk?.ak).toBe('AKFILE');
    expect(loadClientCredentials({ env: { XDG_CONFIG_HOME: home, HUAWEICLOUD_SDK_AK: 'AKENV', HUAWEICLOUD_SDK_SK: SK } }).aksk?.ak).toBe('AKENV');
    // --credentials beats the environment
    const g = profileFile('explicit.json', { profiles: { default: { ak: 'AKFLAG', sk: SK, domain_id: 'f'.repeat(32) } } });
    expect(loadClientCredentials({ file: g, env: { HUAWEICLOUD_SDK_AK: 'AKENV', HUAWEICLOUD_SDK_SK: SK } }).aksk?.ak).toBe('AKFLAG');
  });

  it('a profile file readable by others is refused, as ssh refuses a loose key', () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      const f = profileFile(`loose-${mode.toString(8)}.json`, { profiles: { default: { ak: 'AK', sk: SK } } }, mode);
      const e = thrown(() => loadClientCredentials({ file: f, env: {} }));
      expect(e.code).toBe('CCMKIT.0203');
      expect(e.message).toContain(`chmod 600 ${f}`);
      expect(e.message).not.toContain(SK);
    }
  });

  it('broken files never echo their content', () => {
    const f = join(t.dir, 'broken.json');
    writeFileSync(f, `{"profiles": {"default": {"sk": "${SK}"`, { mode: 0o600 });
    const e = thrown(() => loadClientCredentials({ file: f, env: {} }));
    expect(e.message).toBe(`${f} is not valid JSON.`);
    const half = profileFile('half.json', { profiles: { default: { ak: 'AK' } } });
    expect(thrown(() => loadClientCredentials({ file: half, env: {} })).message).toContain('"ak" and "sk" go together');
    const user = profileFile('user.json', { profiles: { default: { user: 'u', password: PW } } });
    const ue = thrown(() => loadClientCredentials({ file: user, env: {} }));
    expect(ue.message).toContain('domain_name');
    expect(ue.message).not.toContain(PW);
  });

  it("the emulator's account file: the permanent key by default, the temporary one as profile temporary", () => {
    const f = profileFile('account.json', {
      version: 1,
      domain_id: 'a'.repeat(32),
      domain_name: 'emu',
      user: { id: 'u1', name: 'admin', password: PW },
      access_keys: [
        { access: 'AKPERM', secret: SK },
        { access: 'AKTEMP', secret: SK + 't', security_token: TOKEN },
      ],
    });
    const c = loadClientCredentials({ file: f, env: {} });
    expect(c.aksk).toEqual({ ak: 'AKPERM', sk: SK, securityToken: undefined });
    expect(c.password?.user).toBe('admin');
    expect(c.domainId).toBe('a'.repeat(32));
    expect(loadClientCredentials({ file: f, profile: 'temporary', env: {} }).aksk?.securityToken).toBe(TOKEN);
  });
});

describe('proxy settings', () => {
  const https = new URL('https://scm.cn-north-4.myhuaweicloud.com/v3');
  const http = new URL('http://127.0.0.1:8443/');

  it('HTTPS_PROXY for https, HTTP_PROXY for http; lower case wins', () => {
    expect(proxyFor(https, { HTTPS_PROXY: 'http://proxy:3128' })?.url.host).toBe('proxy:3128');
    expect(proxyFor(https, { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })?.url.host).toBe('low:1');
    expect(proxyFor(http, { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined();
    expect(proxyFor(http, { HTTP_PROXY: 'proxy:8080' })?.url.href).toBe('http://proxy:8080/');
    expect(proxyFor(https, {})).toBeUndefined();
  });

  it('NO_PROXY: *, hosts, domains with or without a dot, IPs, ports', () => {
    const env = (v: string): NodeJS.ProcessEnv => ({ NO_PROXY: v });
    expect(bypassProxy(https, env('*'))).toBe(true);
    expect(bypassProxy(https, env('myhuaweicloud.com'))).toBe(true);
    expect(bypassProxy(https, env('.myhuaweicloud.com'))).toBe(true);
    expect(bypassProxy(https, env('huaweicloud.com'))).toBe(false);
    expect(bypassProxy(https, env('other.com, scm.cn-north-4.myhuaweicloud.com'))).toBe(true);
    expect(bypassProxy(https, env('myhuaweicloud.com:8443'))).toBe(false);
    expect(bypassProxy(https, env('myhuaweicloud.com:443'))).toBe(true);
    expect(bypassProxy(http, env('127.0.0.1'))).toBe(true);
    expect(bypassProxy(http, env('127.0.0.2'))).toBe(false);
    expect(bypassProxy(http, env('localhost'))).toBe(false);
  });

  it('a proxy is shown without its password', () => {
    const p = proxyFor(https, { HTTPS_PROXY: 'http://user:hunter2@proxy:3128' })!.url;
    expect(shownProxy(p)).toBe('http://proxy:3128');
  });
});
