// The flags every command shares, spelled once (docs/conventions.md is the
// table; test/cli/conventions.test.ts checks each command's --help against it).

import { CcmError, usageError } from '../api/errors.js';
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
 * `refuse` builds the error for a value outside `allowed` when CCM has its own
 * code for it (an unknown key algorithm is PCA.00020102, not a usage error).
 */
export function parseEnum<T extends string>(flag: string, value: string, allowed: readonly T[], refuse?: (value: string) => CcmError): T {
  const hit = allowed.find((a) => enumKey(a) === enumKey(value));
  if (hit === undefined) throw refuse ? refuse(value) : usageError(`--${flag} "${value.slice(0, 40)}" is not one of ${allowed.join(', ')} (any case)`);
  return hit;
}

/** The comparison key of an enum value: case, "-", "_" and spaces do not count. */
export function enumKey(s: string): string {
  return s.toUpperCase().replace(/[-_\s]/g, '');
}
