// The flags every command shares, spelled once (docs/conventions.md is the
// table; a test checks each command's --help against it).

import { usageError } from '../engine/errors.js';
import type { FlagSpec } from './args.js';

/** `-o/--out PATH`: where the command writes (a file or a folder, as its help says). */
export const OUT: FlagSpec = { out: { type: 'string', short: 'o' } };
/** `--force`: replace an existing output, atomically. Never an input of the same run. */
export const FORCE: FlagSpec = { force: { type: 'bool' } };
/** `--json`: the report as JSON on stdout. Never changes what the command does. */
export const JSON_FLAG: FlagSpec = { json: { type: 'bool' } };
/** `--at TIME`: the instant checks are made at (ISO 8601), default now. */
export const AT: FlagSpec = { at: { type: 'string' } };

/**
 * An enum flag value, case-insensitive everywhere (`--type nginx`,
 * `--algorithm ec256`). Returns the canonical spelling from `allowed`.
 */
export function parseEnum<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const norm = (s: string): string => s.toUpperCase().replace(/[-_\s]/g, '');
  const hit = allowed.find((a) => norm(a) === norm(value));
  if (hit === undefined) throw usageError(`--${flag} "${value}" is not one of ${allowed.join(', ')} (any case)`);
  return hit;
}
