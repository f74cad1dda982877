// The workspace store: file modes, SQLite settings, versioned migrations per
// module, clear errors for missing/corrupt/newer workspaces, and the key vault
// (a sealed key is a standard encrypted PKCS#8 that OpenSSL opens).
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { openSync, readFileSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CcmError } from '../../src/engine/errors.js';
import { toPem } from '../../src/engine/pem.js';
import { StoreCode } from '../../src/store/errors.js';
import type { Migration } from '../../src/store/migrations.js';
import { PCA_MIGRATIONS } from '../../src/store/pca-schema.js';
import { KeyVault, newKdfRecord } from '../../src/store/vault.js';
import { initWorkspace, openWorkspace } from '../../src/store/workspace.js';
import { run, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-store-');
afterAll(tmp.cleanup);
const AT = new Date('2025-06-01T00:00:00Z');
let n = 0;
const fresh = (): string => join(tmp.dir, `ws${++n}`);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CcmError) return e.code;
    throw e;
  }
  return undefined;
}

describe('workspace files and SQLite settings', () => {
  it('creates the folder 0700 and the database 0600 in WAL mode with foreign keys and synchronous=FULL', () => {
    const dir = fresh();
    const ws = initWorkspace(dir, { k: 'v' }, { at: AT, migrations: PCA_MIGRATIONS });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'workspace.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'workspace.db-wal')).mode & 0o777).toBe(0o600);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(ws.setting('k')).toBe('v');
    // Foreign keys are enforced: a certificate cannot name a CA that does not exist.
    expect(() =>
      ws.db
        .prepare(
          "INSERT INTO pca_cert (certificate_id, issuer_id, issuer_name, status, common_name, distinguished_name, key_algorithm, signature_algorithm, gen_mode, serial_number, create_time, not_before, not_after) VALUES ('x', 'nope', 'n', 'ISSUED', 'c', '{}', 'EC256', 'SHA256', 'CSR', '1', 0, 0, 0)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    ws.close();
  });

  it('never creates a workspace silently, and init refuses an existing one', () => {
    expect(codeOf(() => openWorkspace(join(tmp.dir, 'missing')))).toBe(StoreCode.NO_WORKSPACE);
    const dir = fresh();
    initWorkspace(dir, {}, { at: AT }).close();
    expect(codeOf(() => initWorkspace(dir, {}, { at: AT }))).toBe(StoreCode.EXISTS);
  });

  it('reports a damaged database clearly', () => {
    const dir = fresh();
    initWorkspace(dir, {}, { at: AT, migrations: PCA_MIGRATIONS }).close();
    const fd = openSync(join(dir, 'workspace.db'), 'r+');
    writeSync(fd, randomBytes(4096), 0, 4096, 0);
    closeSync(fd);
    expect(codeOf(() => openWorkspace(dir, { migrations: PCA_MIGRATIONS }))).toBe(StoreCode.CORRUPT);
    writeFileSync(join(dir, 'workspace.db'), 'not a database at all, just text '.repeat(200));
    expect(codeOf(() => openWorkspace(dir))).toBe(StoreCode.CORRUPT);
  });
});

describe('versioned migrations', () => {
  const extra: Migration[] = [
    { module: 'scm', version: 1, description: 'scm table', up: 'CREATE TABLE scm_cert (id TEXT PRIMARY KEY)' },
    { module: 'scm', version: 2, description: 'scm column', up: 'ALTER TABLE scm_cert ADD COLUMN name TEXT' },
  ];

  it('another module adds its own migrations to an existing workspace, each applied once', () => {
    const dir = fresh();
    initWorkspace(dir, {}, { at: AT, migrations: PCA_MIGRATIONS }).close();
    const ws = openWorkspace(dir, { migrations: [...PCA_MIGRATIONS, ...extra], at: AT });
    const rows = ws.db.prepare('SELECT module, version FROM schema_migrations ORDER BY module, version').all();
    expect(rows).toEqual([
      { module: 'pca', version: 1 },
      { module: 'scm', version: 1 },
      { module: 'scm', version: 2 },
      { module: 'workspace', version: 1 },
    ]);
    ws.db.prepare("INSERT INTO scm_cert (id, name) VALUES ('a', 'b')").run();
    ws.close();
    // Opening again applies nothing twice; a caller that knows only PCA still opens it.
    const again = openWorkspace(dir, { migrations: [...PCA_MIGRATIONS, ...extra] });
    expect(again.db.prepare('SELECT count(*) AS c FROM schema_migrations').get()).toEqual({ c: 4 });
    again.close();
    openWorkspace(dir, { migrations: PCA_MIGRATIONS }).close();
  });

  it('refuses a workspace written by a newer ccmkit', () => {
    const dir = fresh();
    const ws = initWorkspace(dir, {}, { at: AT, migrations: PCA_MIGRATIONS });
    ws.db.prepare("INSERT INTO schema_migrations (module, version, description, applied_at) VALUES ('pca', 2, 'future', 0)").run();
    ws.close();
    expect(codeOf(() => openWorkspace(dir, { migrations: PCA_MIGRATIONS }))).toBe(StoreCode.SCHEMA);
  });

  it('refuses badly numbered migration lists (a programming error)', () => {
    const dir = fresh();
    expect(() => initWorkspace(dir, {}, { at: AT, migrations: [{ module: 'x', version: 2, description: '', up: '' }] })).toThrow(/numbered/);
  });
});

describe('key vault', () => {
  const rec = newKdfRecord('correct horse', randomBytes, 10_000);

  it('seals keys as encrypted PKCS#8 that openssl opens with the passphrase, and opens them again', () => {
    const vault = new KeyVault(rec, () => 'correct horse', randomBytes);
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const sealed = vault.seal(k);
    const file = join(tmp.dir, 'sealed.pem');
    writeFileSync(file, toPem('ENCRYPTED PRIVATE KEY', sealed));
    writeFileSync(join(tmp.dir, 'pass'), 'correct horse\n');
    const r = run('openssl', ['pkey', '-in', file, '-passin', `file:${join(tmp.dir, 'pass')}`, '-pubout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(createPublicKey(k).export({ type: 'spki', format: 'pem' }).toString());
    const info = run('openssl', ['asn1parse', '-in', file]).stdout;
    expect(info).toMatch(/PBES2/);
    expect(info).toMatch(/hmacWithSHA256/);
    expect(info).toMatch(/aes-256-cbc/);
    const opened = vault.open(sealed, 'test key');
    expect(opened.export({ type: 'pkcs8', format: 'der' }).equals(k.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
    // A key sealed elsewhere (other salt) opens through the general path.
    const other = new KeyVault(newKdfRecord('correct horse', randomBytes, 10_000), () => 'correct horse', randomBytes).seal(k);
    expect(vault.open(other, 'moved key').asymmetricKeyType).toBe('ec');
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  });

  it('refuses a wrong or missing passphrase before any key is sealed', () => {
    let asked = 0;
    const wrong = new KeyVault(rec, () => (asked++, 'Correct horse'), randomBytes);
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(codeOf(() => wrong.seal(k))).toBe('CCMKIT.0006');
    expect(asked).toBe(1);
    expect(codeOf(() => new KeyVault(rec, () => undefined, randomBytes).seal(k))).toBe('CCMKIT.0005');
  });
});
