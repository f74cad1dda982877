// Retries under the emulator's fault injection (the real binary, real
// HTTP): reads and deletes are retried after 429 (honouring Retry-After),
// 503, dropped connections and truncated answers; a POST that may have
// created something is never re-sent blindly; an SCM import or a PCA CA
// import whose answer was lost is re-sent only after a lookup shows it
// absent, and none of them ends in a duplicate. Token expiry gets one
// re-login; a wrong AK/SK one request and a clear message.
//
// Each emulator gets only the faults its test needs; fault rules are
// counted per matching request (#N), so each scenario is deterministic.

import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importMaterial } from '../helpers/emulator.js';
import { DN, rootBody } from '../helpers/pca.js';
import { openssl, tempDir } from '../helpers/run.js';
import { cc, conn, jsonOf, startEmu, type Emu } from '../helpers/sync.js';

const t = tempDir('ccmkit-sync-retries-');
const f = (n: string): string => join(t.dir, n);
afterAll(() => t.cleanup());

const IMPORT = '/v3/scm/certificates/import';

async function withEmu<T>(faults: string | undefined, fn: (e: Emu) => Promise<T>, o: { tokenTtl?: number } = {}): Promise<T> {
  const e = await startEmu({ faults, tokenTtl: o.tokenTtl });
  try {
    return await fn(e);
  } finally {
    await e.stop();
  }
}

async function statuses(e: Emu, method: string, prefix: string): Promise<(number | string)[]> {
  return (await e.log()).filter((l) => l.method === method && l.path.startsWith(prefix)).map((l) => l.status);
}

function importBody(cn: string): string {
  const m = importMaterial(cn);
  const file = f(`${cn}.json`);
  writeFileSync(file, JSON.stringify(m.body));
  return file;
}

async function scmTotal(e: Emu): Promise<number> {
  return jsonOf(await cc(['scm', 'list', ...conn(e), '--json'])).total_count;
}

describe('reads and deletes are retried', () => {
  it('429 with Retry-After, 503 twice, a dropped connection, a truncated answer: each GET ends 200', async () => {
    const spec = ['429=1@#1~GET:/v3/scm/certificates', '503@#2-3~GET:/v3/scm/certificates', 'drop@#4~GET:/v3/scm/certificates', 'truncate@#5~GET:/v3/scm/certificates'].join(',');
    await withEmu(spec, async (e) => {
      const r = await cc(['scm', 'list', ...conn(e), '--json', '--verbose', '--retries', '5']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOf(r).total_count).toBe(0);
      // 429 then 503, 503, then the drop (no status), the truncated 200, and the whole answer.
      expect(await statuses(e, 'GET', '/v3/scm/certificates')).toEqual([429, 503, 503, 0, 200, 200]);
      expect(r.stderr).toMatch(/-> 429 .*\n.*-> 503 .*attempt 2/);
      expect(r.stderr).toMatch(/-> reset .*attempt 4/);
      expect(r.stderr).toMatch(/-> truncated .*attempt 5/);
    });
  });

  it('--retries bounds them; the last refusal is shown as CCM sent it', async () => {
    await withEmu('503@#1+~GET:/v1/private-certificate-authorities', async (e) => {
      const r = await cc(['ca', 'list', '--remote', ...conn(e), '--retries', '1', '--json']);
      expect(r.code).toBe(1);
      expect(jsonOf(r)).toMatchObject({ http_status: 503, error_code: 'PCA.00000001' });
      expect(await statuses(e, 'GET', '/v1/private-certificate-authorities')).toEqual([503, 503]);
    });
  });

  it('a DELETE whose answer was lost is sent again; the 404 that follows means it was done', async () => {
    await withEmu('drop-after@#1~DELETE:/v3/scm/certificates/', async (e) => {
      const id = jsonOf(await cc(['scm', 'import', ...conn(e), importBody('del.example.com'), '--json'])).certificate_id;
      const r = await cc(['scm', 'delete', ...conn(e), id]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('the first answer was lost');
      expect(await statuses(e, 'DELETE', '/v3/scm/certificates/')).toEqual([0, 404]);
      expect(await scmTotal(e)).toBe(0);
    });
  });
});

describe('SCM import: never a duplicate', () => {
  it('the connection drops after SCM stored it: the lookup finds it, nothing is re-sent', async () => {
    await withEmu(`drop-after@#1~POST:${IMPORT}`, async (e) => {
      const r = await cc(['scm', 'import', ...conn(e), importBody('a.example.com'), '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOf(r).certificate_id).toMatch(/^scs/);
      expect(await statuses(e, 'POST', IMPORT)).toEqual([0]);
      expect(await scmTotal(e)).toBe(1);
    });
  });

  it('a truncated answer after SCM stored it: found, not re-sent', async () => {
    await withEmu(`truncate@#1~POST:${IMPORT}`, async (e) => {
      const r = await cc(['scm', 'import', ...conn(e), importBody('b.example.com')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('the first answer was lost; SCM had stored it');
      expect(await statuses(e, 'POST', IMPORT)).toEqual([200]);
      expect(await scmTotal(e)).toBe(1);
    });
  });

  it('503 and 429 (nothing stored): the lookup shows it absent, then it is sent again, once', async () => {
    await withEmu(`503@#1~POST:${IMPORT},429=1@#2~POST:${IMPORT},drop@#3~POST:${IMPORT}`, async (e) => {
      const r = await cc(['scm', 'import', ...conn(e), importBody('c.example.com'), '--verbose']);
      expect(r.code, r.stderr).toBe(0);
      expect(await statuses(e, 'POST', IMPORT)).toEqual([503, 429, 0, 200]);
      // a lookup (list by name, then by domain) before every re-send
      expect(r.stderr.match(/GET \/v3\/scm\/certificates\?content=/g)!.length).toBeGreaterThanOrEqual(3);
      expect(await scmTotal(e)).toBe(1);
    });
  });

  it('many imports while 30% of imports lose their answer after storing: every certificate exactly once', async () => {
    await withEmu(`drop-after@30%~POST:${IMPORT},truncate@10%~POST:${IMPORT},503@10%~POST:${IMPORT}`, async (e) => {
      const names = Array.from({ length: 8 }, (_, i) => `bulk${i}.example.com`);
      for (const n of names) {
        const r = await cc(['scm', 'import', ...conn(e), importBody(n)]);
        expect(r.code, r.stderr).toBe(0);
      }
      const all = jsonOf(await cc(['scm', 'list', ...conn(e), '--all', '--json']));
      expect(all.total_count).toBe(names.length);
      expect(new Set(all.certificates.map((c: any) => c.domain)).size).toBe(names.length);
      expect((await e.log()).some((l) => l.fault)).toBe(true);
    });
  });
});

describe('other POSTs are never re-sent blindly', () => {
  it('create CA, answer lost: exit 1, "may or may not have been carried out", one POST only', async () => {
    await withEmu('drop-after@#1~POST:/v1/private-certificate-authorities', async (e) => {
      writeFileSync(f('root.json'), JSON.stringify(rootBody()));
      const r = await cc(['ca', 'create', '--remote', ...conn(e), f('root.json')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('CCMKIT.0207');
      expect(r.stderr).toContain('may or may not have been carried out');
      expect(await statuses(e, 'POST', '/v1/private-certificate-authorities')).toEqual([0]);
      // it was made, once
      expect(jsonOf(await cc(['ca', 'list', '--remote', ...conn(e), '--json'])).total).toBe(1);
    });
  });

  it('create CA throttled (429): refused with the throttle shown, not re-sent', async () => {
    await withEmu('429=3@#1~POST:/v1/private-certificate-authorities', async (e) => {
      writeFileSync(f('root2.json'), JSON.stringify(rootBody()));
      const r = await cc(['ca', 'create', '--remote', ...conn(e), f('root2.json'), '--json']);
      expect(r.code).toBe(1);
      expect(jsonOf(r)).toMatchObject({ http_status: 429, error_code: 'APIGW.0308' });
      expect(await statuses(e, 'POST', '/v1/private-certificate-authorities')).toEqual([429]);
    });
  });

  it('PCA CA import, answer lost: the CA is looked at (ACTIVED with this certificate), not re-sent', async () => {
    const e = await startEmu();
    let id = '';
    try {
      writeFileSync(f('pending.json'), JSON.stringify({ type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Pending' } }));
      id = jsonOf(await cc(['ca', 'create', '--remote', ...conn(e), f('pending.json'), '--json'])).ca_id;
      expect((await cc(['ca', 'csr', '--remote', ...conn(e), id, '-o', f('p.csr')])).code).toBe(0);
    } finally {
      await e.stop(true);
    }
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('r.key'), '-out', f('r.pem'), '-subj', '/CN=R', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
    openssl(['x509', '-req', '-in', f('p.csr'), '-CA', f('r.pem'), '-CAkey', f('r.key'), '-CAcreateserial', '-days', '365', '-extfile', f('ca.ext'), '-out', f('p.pem')]);
    // The same workspace again, now losing the answer of the first import.
    const e2 = await startEmu({ workspace: e.dir, credsFile: e.credsFile, faults: `drop-after@#1~POST:/v1/private-certificate-authorities/${id}/import` });
    try {
      const r = await cc(['ca', 'import', '--remote', ...conn(e2), id, '--certificate', f('p.pem'), '--certificate-chain', f('r.pem')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('the first answer was lost');
      expect(await statuses(e2, 'POST', `/v1/private-certificate-authorities/${id}/import`)).toEqual([0]);
      expect(jsonOf(await cc(['ca', 'show', '--remote', ...conn(e2), id, '--json'])).status).toBe('ACTIVED');
    } finally {
      await e2.stop();
      rmSync(dirname(e.dir), { recursive: true, force: true });
    }
  });
});

describe('authentication failures', () => {
  it('a wrong SK: one request, exit 1, a message that says what to check (no retry storm)', async () => {
    await withEmu(undefined, async (e) => {
      const bad = JSON.parse(JSON.stringify(e.credentials));
      bad.access_keys[0].secret = 'W'.repeat(40);
      writeFileSync(f('bad-creds.json'), JSON.stringify(bad), { mode: 0o600 });
      const r = await cc(['scm', 'list', '--endpoint', e.url, '--credentials', f('bad-creds.json')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('HTTP 401');
      expect(r.stderr).toContain('verify aksk signature fail');
      expect(r.stderr).toContain('Check the AK/SK');
      expect(r.stderr).not.toContain('W'.repeat(40));
      expect((await e.log())).toHaveLength(1);
      // an unknown AK, the same
      bad.access_keys[0].access = 'NOSUCHKEY0000000000';
      writeFileSync(f('bad-creds.json'), JSON.stringify(bad), { mode: 0o600 });
      const r2 = await cc(['ca', 'list', '--remote', '--endpoint', e.url, '--credentials', f('bad-creds.json'), '--json']);
      expect(jsonOf(r2)).toMatchObject({ http_status: 401, error_code: 'APIGW.0301' });
      expect((await e.log())).toHaveLength(2);
    });
  });

  it('a wrong password for token login: IAM refuses, one login, no retry', async () => {
    await withEmu(undefined, async (e) => {
      const bad = JSON.parse(JSON.stringify(e.credentials));
      bad.user.password = 'not-the-password';
      writeFileSync(f('bad-user.json'), JSON.stringify(bad), { mode: 0o600 });
      const r = await cc(['scm', 'list', '--endpoint', e.url, '--credentials', f('bad-user.json'), '--auth', 'token']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IAM login failed');
      expect(r.stderr).not.toContain('not-the-password');
      expect((await e.log())).toHaveLength(1);
    });
  });

  it('token expiry: the refused request gets one fresh login and is sent once more', async () => {
    // Tokens live 1 s; the first list is held 1.5 s before it is checked, so its token has expired by then.
    await withEmu(
      'delay=1500@#1~GET:/v1/private-certificate-authorities',
      async (e) => {
        const r = await cc(['ca', 'list', '--remote', ...conn(e), '--auth', 'token', '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(await statuses(e, 'POST', '/v3/auth/tokens')).toEqual([201, 201]);
        expect(await statuses(e, 'GET', '/v1/private-certificate-authorities')).toEqual([401, 200]);
      },
      { tokenTtl: 1 },
    );
  });
});
