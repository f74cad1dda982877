// The real binary: `ccmkit emulator` and `emulator init-credentials` —
// start-up refusals, graceful SIGTERM, HTTPS judged by openssl, and kill -9
// during a stream of imports (every import answered 200 survives).

import { existsSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, credentialsFile, importMaterial, makeWorkspace, spawnEmulator, type ImportMaterial } from '../helpers/emulator.js';
import { ccmkit, ccmkitAsync, run, tempDir } from '../helpers/run.js';

let t: ReturnType<typeof tempDir>;
beforeAll(() => {
  t = tempDir('ccmkit-emu-cli-');
});
afterAll(() => t?.cleanup());

describe('emulator init-credentials', () => {
  it('writes a 0600 account file, prints no secret, never overwrites without --force', () => {
    const f = join(t.dir, 'c1.json');
    const r = ccmkit(['emulator', 'init-credentials', '-o', f, '--json']);
    expect(r.code).toBe(0);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const c = JSON.parse(readFileSync(f, 'utf8'));
    const summary = JSON.parse(r.stdout);
    expect(summary).toEqual({ file: f, domain_id: c.domain_id, domain_name: c.domain_name, user: c.user.name, access_keys: c.access_keys.map((k: any) => k.access) });
    for (const s of [c.user.password, c.access_keys[0].secret, c.access_keys[1].secret, c.access_keys[1].security_token]) expect(r.stdout + r.stderr).not.toContain(s);
    expect(c.access_keys[0].access).toMatch(/^[A-Z0-9]{20}$/);
    expect(c.access_keys[0].secret).toMatch(/^[A-Za-z0-9]{40}$/);
    const again = ccmkit(['emulator', 'init-credentials', '-o', f]);
    expect(again.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe(JSON.stringify(c, null, 2) + '\n');
    expect(ccmkit(['emulator', 'init-credentials', '-o', f, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(f, 'utf8')).access_keys[0].secret).not.toBe(c.access_keys[0].secret);
    expect(ccmkit(['emulator', 'init-credentials', '-o', join(t.dir, 'c2.json'), '--domain-id', 'XYZ']).code).toBe(2);
  });

  it('is listed in ccmkit --help; --help shows the fault grammar and exit codes', () => {
    expect(ccmkit(['--help']).stdout).toMatch(/emulator init-credentials/);
    const h = ccmkit(['emulator', '--help']).stdout;
    for (const s of ['drop-after', '#N-M', 'Retry-After', 'Exit codes:', 'Examples:', '--credentials']) expect(h).toContain(s);
  });
});

describe('start-up refusals', () => {
  let ws: string;
  let creds: string;
  beforeAll(() => {
    ws = makeWorkspace(join(t.dir, 'ws-refuse'));
    creds = credentialsFile(t.dir).file;
  });

  it('usage errors exit 2: no --credentials, a bad --faults SPEC, a bad port', () => {
    expect(ccmkit(['emulator', '--workspace', ws]).code).toBe(2);
    const f = ccmkit(['emulator', '--workspace', ws, '--credentials', creds, '--faults', 'explode@#1', '--json']);
    expect(f.code).toBe(2);
    expect(JSON.parse(f.stdout)).toMatchObject({ error_code: 'CCMKIT.0001' });
    expect(ccmkit(['emulator', '--workspace', ws, '--credentials', creds, '--port', '70000']).code).toBe(2);
  });

  it('exit 1 with a clear message: loose credentials mode, no workspace, wrong passphrase, port in use', async () => {
    const loose = join(t.dir, 'loose.json');
    writeFileSync(loose, readFileSync(creds));
    chmodSync(loose, 0o644);
    const r1 = ccmkit(['emulator', '--workspace', ws, '--credentials', loose]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/readable by others.*chmod 600/);
    const r2 = ccmkit(['emulator', '--workspace', join(t.dir, 'nowhere'), '--credentials', creds]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/workspace init/);
    expect(existsSync(join(t.dir, 'nowhere'))).toBe(false);
    const r3 = ccmkit(['emulator', '--workspace', ws, '--credentials', creds, '--port', '0'], { env: { ...process.env, CCMKIT_PASSPHRASE: 'wrong' } });
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/wrong workspace passphrase/);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const r4 = await ccmkitAsync(['emulator', '--workspace', ws, '--credentials', creds, '--port', String(port)], { env: { ...process.env, CCMKIT_PASSPHRASE: 'emulator test passphrase' } });
    busy.close();
    expect(r4.code).toBe(1);
    expect(r4.stderr).toMatch(/in use/);
  });
});

describe('running', () => {
  it('SIGTERM: the request in flight finishes, the process exits 0, the database is closed cleanly', async () => {
    const ws = makeWorkspace(join(t.dir, 'ws-term'));
    const { file, credentials } = credentialsFile(join(t.dir));
    const e = await spawnEmulator(['--workspace', ws, '--credentials', file, '--port', '0', '--faults', 'delay=1500@#1~POST']);
    const c = new Client(e.url, credentials);
    const pending = c.call('POST', '/v3/scm/certificates/import', { body: importMaterial('term.example.com').body });
    // The delayed import has reached the server when its log line is not there yet but the socket is: wait a moment.
    await new Promise((r) => setTimeout(r, 400));
    e.child.kill('SIGTERM');
    const r = await pending;
    expect(r.status).toBe(200);
    expect(await e.exited).toBe(0);
    // Cleanly closed: the WAL was checkpointed and removed, and the database is whole.
    expect(existsSync(join(ws, 'workspace.db-wal'))).toBe(false);
    const db = new Database(join(ws, 'workspace.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT count(*) AS n FROM scm_cert').get() as { n: number }).n).toBe(1);
    db.close();
    // Every request logged one JSON line on stderr.
    const lines = e.stderr().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ method: 'POST', status: 200, path: '/v3/scm/certificates/import' }));
  });

  it('--tls: openssl s_client verifies the server against the printed CA file', async () => {
    const ws = makeWorkspace(join(t.dir, 'ws-tls'));
    const { file, credentials } = credentialsFile(join(t.dir));
    const e = await spawnEmulator(['--workspace', ws, '--credentials', file, '--port', '0', '--tls']);
    try {
      expect(e.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const caFile = e.report.ca_file as string;
      expect(caFile).toBe(join(ws, 'emulator-tls-ca.pem'));
      const s = run('openssl', ['s_client', '-connect', `127.0.0.1:${e.port}`, '-CAfile', caFile, '-verify_return_error', '-verify_ip', '127.0.0.1', '-brief'], { input: '' });
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toMatch(/Verification: OK/);
      const noCa = run('openssl', ['s_client', '-connect', `127.0.0.1:${e.port}`, '-verify_return_error', '-brief'], { input: '' });
      expect(noCa.code).not.toBe(0);
      const c = new Client(e.url, credentials, readFileSync(caFile));
      expect((await c.call('GET', '/v3/scm/certificates')).status).toBe(200);
    } finally {
      e.child.kill('SIGTERM');
      await e.exited;
    }
    // A restart reuses the same root.
    const pem1 = readFileSync(join(ws, 'emulator-tls-ca.pem'), 'utf8');
    const e2 = await spawnEmulator(['--workspace', ws, '--credentials', file, '--port', '0', '--tls']);
    e2.child.kill('SIGTERM');
    await e2.exited;
    expect(readFileSync(join(ws, 'emulator-tls-ca.pem'), 'utf8')).toBe(pem1);
  });

  it('kill -9 during a stream of imports: after a restart, every import that answered 200 is there', async () => {
    const ws = makeWorkspace(join(t.dir, 'ws-kill'));
    const { file, credentials } = credentialsFile(join(t.dir));
    const bodies: ImportMaterial['body'][] = Array.from({ length: 240 }, (_, i) => importMaterial(`k${i}.kill.example.com`).body);
    let next = 0;
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const e = await spawnEmulator(['--workspace', ws, '--credentials', file, '--port', '0']);
      const c = new Client(e.url, credentials);
      let killed = false;
      const worker = async (): Promise<void> => {
        while (!killed && next < bodies.length) {
          const body = bodies[next++]!;
          try {
            const r = await c.call('POST', '/v3/scm/certificates/import', { body });
            if (r.status === 200) acknowledged.push(r.json.certificate_id);
            else throw new Error(`import answered ${r.status}: ${r.raw.toString()}`);
          } catch (err) {
            if (!killed) throw err;
          }
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      // Kill when this round has had some imports acknowledged, in the middle of the stream.
      const target = acknowledged.length + 15 + round * 7;
      while (acknowledged.length < target && next < bodies.length) await new Promise((r) => setTimeout(r, 5));
      killed = true;
      e.child.kill('SIGKILL');
      await e.exited;
      await Promise.all(workers);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(45);
    const e = await spawnEmulator(['--workspace', ws, '--credentials', file, '--port', '0']);
    try {
      const c = new Client(e.url, credentials);
      for (const id of acknowledged) {
        const r = await c.call('GET', `/v3/scm/certificates/${id}`);
        expect(r.status, id).toBe(200);
      }
      const total = (await c.call('GET', '/v3/scm/certificates', { query: [['limit', '10']] })).json.total_count;
      // At most one unacknowledged import per worker per kill can have landed.
      expect(total).toBeGreaterThanOrEqual(acknowledged.length);
      expect(total).toBeLessThanOrEqual(acknowledged.length + 3 * 6);
    } finally {
      e.child.kill('SIGTERM');
      await e.exited;
    }
    const db = new Database(join(ws, 'workspace.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
