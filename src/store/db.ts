// The workspace's SQLite database (better-sqlite3, synchronous).
//
// Settings, and why:
//   journal_mode=WAL    readers never block the writer; two processes issuing
//                       from one CA wait for each other instead of failing
//   synchronous=FULL    a commit is on disk (WAL fsynced) before it is reported:
//                       a certificate printed as issued survives a power cut
//   foreign_keys=ON     a certificate cannot point at a CA that is not there
//   busy_timeout        a second writer waits for the lock (default 15 s,
//                       CCMKIT_BUSY_TIMEOUT_MS) and then fails clearly
// The file is created 0600 before SQLite opens it; SQLite gives its -wal and
// -shm files the database file's mode.

import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, fchmodSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CcmError } from '../engine/errors.js';
import { StoreCode, mapStoreError, storeError } from './errors.js';

export type Db = Database.Database;

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

export interface OpenOptions {
  /** Create the file (it must not exist). */
  create?: boolean;
  readonly?: boolean;
  busyTimeoutMs?: number;
}

export function busyTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.CCMKIT_BUSY_TIMEOUT_MS;
  if (v === undefined || !/^\d{1,7}$/.test(v)) return DEFAULT_BUSY_TIMEOUT_MS;
  return Number(v);
}

export function openDatabase(file: string, o: OpenOptions = {}): Db {
  if (o.create) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw storeError(409, StoreCode.EXISTS, `${file} already exists.`, file);
      throw mapStoreError(e, file);
    }
    fchmodSync(fd, 0o600); // whatever the umask
    closeSync(fd);
  } else if (!existsSync(file)) {
    throw storeError(404, StoreCode.NO_WORKSPACE, `no workspace database at ${file}.`, file);
  }
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true, readonly: Boolean(o.readonly), timeout: o.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (e) {
    throw readOnlyFolder(file) ?? mapStoreError(e, file);
  }
  try {
    if (!o.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') throw storeError(500, StoreCode.IO, `${file}: SQLite refused WAL mode (${String(mode)}).`, file);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // A quick read proves the file is a database at all (SQLITE_NOTADB otherwise).
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    throw readOnlyFolder(file) ?? mapStoreError(e, file);
  }
  return db;
}

/** SQLite says CANTOPEN or READONLY; say why when the reason is a read-only file system. */
function readOnlyFolder(file: string): CcmError | undefined {
  try {
    accessSync(dirname(file), constants.W_OK);
    accessSync(file, constants.W_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') return undefined;
    return storeError(
      500,
      StoreCode.READ_ONLY,
      `the workspace ${dirname(file)} is ${code === 'EROFS' ? 'on a read-only file system' : 'not writable by this user'} (${code}). A workspace needs its folder writable, even to read (SQLite's WAL index lives beside the database): copy it to writable storage, or run as its owner.`,
      dirname(file),
    );
  }
}
