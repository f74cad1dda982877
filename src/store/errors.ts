// What can go wrong with a workspace, as CCM-style errors.
//
// SQLite reports trouble with result codes (SQLITE_BUSY, SQLITE_CORRUPT,
// SQLITE_FULL, ...). Every one of them reaches the user as one clear sentence
// with a ccmkit code and the HTTP status the emulator answers with, never as a
// stack trace. The codes are ccmkit's own (CCMKIT.01xx): CCM has no workspace.

import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { CcmError } from '../engine/errors.js';

export const StoreCode = {
  /** No workspace at the path (and it is never created silently). */
  NO_WORKSPACE: 'CCMKIT.0101',
  /** Another process holds the database lock longer than the busy timeout. */
  LOCKED: 'CCMKIT.0102',
  /** The database file is damaged or is not a ccmkit workspace. */
  CORRUPT: 'CCMKIT.0103',
  /** The disk (or the quota) is full: the transaction was rolled back. */
  FULL: 'CCMKIT.0104',
  /** The workspace cannot be written (read-only file system or file). */
  READ_ONLY: 'CCMKIT.0105',
  /** The workspace was written by a newer ccmkit (unknown schema version). */
  SCHEMA: 'CCMKIT.0106',
  /** `workspace init` on a folder that already holds a workspace. */
  EXISTS: 'CCMKIT.0107',
  /** Any other I/O failure of the database. */
  IO: 'CCMKIT.0108',
} as const;

export function storeError(status: number, code: string, message: string, source?: string): CcmError {
  return new CcmError(status, code, message, source);
}

/** better-sqlite3's SqliteError carries the extended result code as a string. */
function sqliteCode(e: unknown): string | undefined {
  if (e && typeof e === 'object' && (e as { name?: string }).name === 'SqliteError') {
    const c = (e as { code?: unknown }).code;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}

export function isSqliteError(e: unknown): boolean {
  return sqliteCode(e) !== undefined;
}

/**
 * Maps a SQLite (or file system) failure on the workspace at `where` to a
 * CcmError; anything else is returned unchanged (bugs stay bugs).
 *
 * @example
 * ```ts
 * try {
 *   createCa(ctx, { body });
 * } catch (e) {
 *   throw mapStoreError(e, 'ca-ws'); // SQLITE_BUSY, SQLITE_FULL... become CcmErrors naming the workspace
 * }
 * ```
 */
export function mapStoreError(e: unknown, where: string): unknown {
  if (e instanceof CcmError) return e;
  const code = sqliteCode(e);
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) {
    if (errno === 'ENOSPC' || errno === 'EDQUOT') return storeError(507, StoreCode.FULL, `the disk holding ${where} is full; nothing was changed.`, where);
    if (errno === 'EROFS' || errno === 'EACCES' || errno === 'EPERM') return storeError(500, StoreCode.READ_ONLY, `${where} cannot be written (${errno}).`, where);
    return e;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return storeError(503, StoreCode.LOCKED, `the workspace ${where} is locked by another process (${code}); nothing was changed. Try again when it has finished.`, where);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return storeError(500, StoreCode.CORRUPT, `the workspace database ${where} is damaged or is not a ccmkit workspace (${code}). Restore it from a backup (ccmkit workspace backup).`, where);
  }
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && diskFull(where))) {
    // SQLite rolls the transaction back; a full disk can also surface as an I/O error (growing the WAL index: SQLITE_IOERR_SHMSIZE).
    return storeError(507, StoreCode.FULL, `the disk holding the workspace ${where} is full (${code}); the change was rolled back. Free some space and run it again.`, where);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return storeError(500, StoreCode.READ_ONLY, `the workspace ${where} cannot be opened for writing (${code}): is it on a read-only file system, or owned by another user?`, where);
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    // A broken invariant is a bug in ccmkit, not the user's input: keep it a bug (exit 70).
    return e;
  }
  return storeError(500, StoreCode.IO, `the workspace ${where} failed (${code}).`, where);
}

/** True when the file system holding `where` has no blocks left for this user. */
function diskFull(where: string): boolean {
  for (const p of [where, dirname(where)]) {
    try {
      const s = statfsSync(p);
      return s.bavail === 0 || s.bavail * s.bsize < 64 * 1024;
    } catch {
      /* try the folder */
    }
  }
  return false;
}
