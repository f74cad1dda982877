// A workspace: one folder holding one SQLite database and the CRLs published
// from it.
//
//   DIR/              0700
//     workspace.db    0600  (+ workspace.db-wal, workspace.db-shm while open)
//     crl/            the CAs' current CRLs, DER, named <crl_name>.crl
//
// Only `initWorkspace` creates one; `openWorkspace` refuses a folder without
// a database. Every state change goes through `tx` (one IMMEDIATE
// transaction: all of it or none of it), every read through `read`; both turn
// SQLite failures into clear errors (store/errors.ts).

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { busyTimeoutFromEnv, openDatabase, type Db } from './db.js';
import { StoreCode, mapStoreError, storeError } from './errors.js';
import { migrate, pending, refuseNewer, type Migration } from './migrations.js';

/**
 * The workspace database's file name inside the workspace folder.
 *
 * @example
 * ```ts
 * console.log(join('ca-ws', DB_FILE)); // ca-ws/workspace.db
 * ```
 */
export const DB_FILE = 'workspace.db';
/**
 * The folder, inside the workspace, where CAs' CRLs are published (DER, `<crl_name>.crl`).
 *
 * @example
 * ```ts
 * const published = readdirSync(join('ca-ws', CRL_DIR));
 * ```
 */
export const CRL_DIR = 'crl';

/** The workspace core: key/value settings. Other modules bring their own migrations. */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    module: 'workspace',
    version: 1,
    description: 'settings',
    up: `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
  },
];

/**
 * How a workspace is opened.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS, readonly: true, busyTimeoutMs: 30_000 });
 * ```
 */
export interface OpenWorkspaceOptions {
  /** Migrations of the modules this caller uses (the core is always included). */
  migrations?: readonly Migration[];
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** The time recorded for migrations applied now. */
  at?: Date;
}

/**
 * An open workspace: one folder holding one SQLite database (WAL, 0600, the
 * CA keys encrypted under its passphrase) and the CRLs published from it.
 * Close it when done; `initWorkspace` makes one, `openWorkspace`
 * opens one.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS, readonly: true });
 * try {
 *   console.log(ws.dbPath, ws.settings());
 * } finally {
 *   ws.close();
 * }
 * ```
 */
export class Workspace {
  /** DIR/workspace.db. */
  readonly dbPath: string;
  /** DIR/crl, where CRLs are published. */
  readonly crlDir: string;

  /** @internal */
  constructor(
    /** The workspace folder. */
    readonly dir: string,
    /** @internal */
    readonly db: Db,
    /** Opened read-only: every change is refused. */
    readonly readonly: boolean,
  ) {
    this.dbPath = join(dir, DB_FILE);
    this.crlDir = join(dir, CRL_DIR);
  }

  /** @internal Runs `fn` as one IMMEDIATE transaction (the write lock taken up front, so it never fails half-way on an upgrade). */
  tx<T>(fn: () => T): T {
    if (this.readonly) throw storeError(500, StoreCode.READ_ONLY, `the workspace ${this.dir} was opened read-only.`, this.dir);
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw mapStoreError(e, this.dir);
    }
  }

  /** @internal Runs a read (one implicit snapshot per statement; wrap several in `snapshot`). */
  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw mapStoreError(e, this.dir);
    }
  }

  /** @internal Several reads from one consistent snapshot (a DEFERRED transaction). */
  snapshot<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (e) {
      throw mapStoreError(e, this.dir);
    }
  }

  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();

  /** @internal The statement for `sql`, prepared once per open workspace (the stores' hot paths run the same SQL many times). */
  prepared(sql: string): ReturnType<Db['prepare']> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private settingStmt: ReturnType<Db['prepare']> | undefined;

  /** One setting (ca_quota, certificate_quota, crl_base_url...), or undefined. */
  setting(key: string): string | undefined {
    const r = this.read(() => (this.settingStmt ??= this.db.prepare('SELECT value FROM settings WHERE key = ?')).get(key) as { value: string } | undefined);
    return r?.value;
  }

  /** Every setting. */
  settings(): Record<string, string> {
    const rows = this.read(() => this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** @internal Writes a setting; call inside `tx` to make it part of a larger change. */
  putSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * @internal
   * Writes a file of the workspace (a CRL) atomically: temporary file, fsync,
   * rename. Returns its path. The database stays the record; this is its
   * published copy.
   */
  publish(relPath: string, data: Buffer, mode = 0o644): string {
    const path = join(this.dir, relPath);
    const tmp = join(resolve(path, '..'), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      mkdirSync(resolve(path, '..'), { recursive: true, mode: 0o755 });
      fd = openSync(tmp, 'wx', mode);
      fchmodSync(fd, mode);
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, path);
      return path;
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        /* never created */
      }
      throw mapStoreError(e, path);
    }
  }

  /** SQLite's online backup to `dest`: a consistent copy while other processes keep working. Resolves to the pages copied. */
  async backup(dest: string): Promise<number> {
    try {
      const r = await this.db.backup(dest);
      return r.totalPages;
    } catch (e) {
      throw mapStoreError(e, dest);
    }
  }

  /** Closes the database (idempotent). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * SQLite's quick_check of a database file, opened read-only: `ok`, or what is
 * wrong. For a copy made with {@link Workspace.backup} before it is trusted.
 *
 * @example
 * ```ts
 * await ws.backup('/media/usb/ca.db');
 * if (quickCheck('/media/usb/ca.db') !== 'ok') throw new Error('the backup is damaged');
 * ```
 */
export function quickCheck(file: string): string {
  const db = openDatabase(file, { readonly: true });
  try {
    return String(db.pragma('quick_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** True when `dir` holds a workspace database. */
export function isWorkspace(dir: string): boolean {
  return existsSync(join(dir, DB_FILE));
}

function allMigrations(o: OpenWorkspaceOptions): Migration[] {
  return [...CORE_MIGRATIONS, ...(o.migrations ?? [])];
}

/**
 * Creates a workspace: the folder (0700) if needed, the database (0600) with
 * every migration, the crl/ folder, and `settings`. All or nothing: on any
 * failure the new database file is removed again.
 *
 * @example
 * ```ts
 * const settings = { kdf: JSON.stringify(newKdfRecord(passphrase, randomBytes)), [SETTING.CA_QUOTA]: String(DEFAULT_CA_QUOTA) };
 * const ws = initWorkspace('ca-ws', settings, { at: new Date(), migrations: PCA_MIGRATIONS });
 * ws.close();
 * ```
 */
export function initWorkspace(dir: string, settings: Record<string, string>, o: OpenWorkspaceOptions & { at: Date }): Workspace {
  const abs = resolve(dir);
  const dbPath = join(abs, DB_FILE);
  if (existsSync(dbPath)) throw storeError(409, StoreCode.EXISTS, `${abs} already holds a workspace (${DB_FILE}); nothing was changed.`, abs);
  try {
    if (existsSync(abs) && !statSync(abs).isDirectory()) throw storeError(400, StoreCode.IO, `${abs} exists and is not a folder.`, abs);
    mkdirSync(abs, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw mapStoreError(e, abs);
  }
  const db = openDatabase(dbPath, { create: true, busyTimeoutMs: o.busyTimeoutMs ?? busyTimeoutFromEnv() });
  const ws = new Workspace(abs, db, false);
  try {
    migrate(db, allMigrations(o), o.at);
    ws.tx(() => {
      for (const [k, v] of Object.entries(settings)) ws.putSetting(k, v);
    });
    mkdirSync(ws.crlDir, { recursive: true, mode: 0o755 });
    return ws;
  } catch (e) {
    ws.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    throw mapStoreError(e, abs);
  }
}

/**
 * Opens an existing workspace and applies pending migrations of the given modules (unless read-only).
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS });
 * try {
 *   const ctx = createContext(ws, { now: () => new Date(), random: randomBytes, passphrase: () => process.env.CA_PASSPHRASE });
 *   console.log(listCas(ctx, {}).body);
 * } finally {
 *   ws.close();
 * }
 * ```
 */
export function openWorkspace(dir: string, o: OpenWorkspaceOptions = {}): Workspace {
  const abs = resolve(dir);
  if (!isWorkspace(abs)) {
    throw storeError(
      404,
      StoreCode.NO_WORKSPACE,
      existsSync(abs) ? `${abs} is not a ccmkit workspace (no ${DB_FILE}). Create one with: ccmkit workspace init ${dir}` : `no workspace at ${abs}. Create one with: ccmkit workspace init ${dir}`,
      abs,
    );
  }
  const db = openDatabase(join(abs, DB_FILE), { readonly: o.readonly, busyTimeoutMs: o.busyTimeoutMs ?? busyTimeoutFromEnv() });
  const ws = new Workspace(abs, db, Boolean(o.readonly));
  try {
    const list = allMigrations(o);
    refuseNewer(db, list, abs);
    const todo = pending(db, list);
    if (todo.length) {
      if (o.readonly) throw storeError(500, StoreCode.SCHEMA, `${abs} needs a schema upgrade (${todo.map((m) => `${m.module} v${m.version}`).join(', ')}) and was opened read-only.`, abs);
      migrate(db, list, o.at ?? new Date());
    }
    return ws;
  } catch (e) {
    ws.close();
    throw mapStoreError(e, abs);
  }
}
