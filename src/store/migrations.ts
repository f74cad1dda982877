// Versioned schema migrations, per module.
//
// Each module (the workspace core, PCA, and later SCM for the emulator) owns a
// list of migrations numbered 1, 2, 3...; `schema_migrations` records which
// ones a database has. A module adds its tables by adding its own list:
// nothing here knows the others. Each migration runs in its own IMMEDIATE
// transaction and re-checks inside it, so two processes opening a workspace
// at the same moment apply it exactly once. A database that has a version this
// ccmkit does not know was written by a newer ccmkit: it is refused rather
// than misread.

import type { Db } from './db.js';
import { StoreCode, storeError } from './errors.js';

/**
 * One schema migration of a module (the workspace core, PCA, SCM): the lists
 * a workspace is opened with say which tables it needs.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS satisfies readonly Migration[] });
 * ```
 */
export interface Migration {
  /** The module that owns it. */
  module: string;
  /** Its number in that module: 1, 2, 3... */
  version: number;
  /** What it changes. */
  description: string;
  /** SQL (one or more statements), or a function for data changes. @internal */
  up: string | ((db: Db) => void);
}

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  module TEXT NOT NULL,
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (module, version)
) WITHOUT ROWID`;

export function appliedVersions(db: Db): Map<string, number> {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const out = new Map<string, number>();
  if (!exists) return out;
  for (const r of db.prepare('SELECT module, max(version) AS v FROM schema_migrations GROUP BY module').all() as { module: string; v: number }[]) {
    out.set(r.module, r.v);
  }
  return out;
}

function checkList(list: readonly Migration[]): void {
  const byModule = new Map<string, number[]>();
  for (const m of list) byModule.set(m.module, [...(byModule.get(m.module) ?? []), m.version]);
  for (const [mod, versions] of byModule) {
    versions.forEach((v, i) => {
      if (v !== i + 1) throw new Error(`migrations of ${mod} must be numbered 1, 2, 3... in order (found ${versions.join(', ')})`);
    });
  }
}

/** Refuses a database with versions newer than `known` (written by a newer ccmkit). */
export function refuseNewer(db: Db, known: readonly Migration[], where: string): void {
  const max = new Map<string, number>();
  for (const m of known) max.set(m.module, Math.max(max.get(m.module) ?? 0, m.version));
  for (const [mod, v] of appliedVersions(db)) {
    const k = max.get(mod);
    if (k !== undefined && v > k) {
      throw storeError(500, StoreCode.SCHEMA, `${where} has ${mod} schema version ${v}, newer than this ccmkit knows (${k}): use a newer ccmkit.`, where);
    }
  }
}

/** Migrations of `list` the database does not have yet. */
export function pending(db: Db, list: readonly Migration[]): Migration[] {
  const have = appliedVersions(db);
  return list.filter((m) => m.version > (have.get(m.module) ?? 0));
}

/** Applies every pending migration of `list`; returns "module vN" for each one applied. */
export function migrate(db: Db, list: readonly Migration[], at: Date): string[] {
  checkList(list);
  db.exec(BOOTSTRAP);
  const applied: string[] = [];
  const has = db.prepare('SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (module, version, description, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of list) {
    const step = db.transaction(() => {
      if (has.get(m.module, m.version)) return false;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.module, m.version, m.description, at.getTime());
      return true;
    });
    if (step.immediate()) applied.push(`${m.module} v${m.version}`);
  }
  return applied;
}
