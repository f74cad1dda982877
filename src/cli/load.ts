// Reads every file named on the command line through the engine's input layer.

import { CcmError } from '../engine/errors.js';
import type { InputObject, InputProblem, InputResult } from '../engine/input.js';
import { readInputLarge } from './read-large.js';

export interface Loaded {
  objects: InputObject[];
  problems: InputProblem[];
  /** Files that could not be read at all (missing, unreadable, too large). */
  missing: InputProblem[];
  skipped: { source: string; label: string }[];
}

export function loadFiles(paths: string[]): Loaded {
  const res = emptyLoaded();
  for (const path of paths) loadFileInto(res, path);
  return res;
}

export function emptyLoaded(): Loaded {
  return { objects: [], problems: [], missing: [], skipped: [] };
}

/** One file into `res`, in order: for callers that start work before every file is read (csr parse). */
export function loadFileInto(res: Loaded, path: string): void {
  let r: InputResult;
  try {
    // Large PEM files (a CA's CRL) are decoded as they are read, never held as text.
    r = readInputLarge(path, path === '-' ? 'stdin' : path);
  } catch (e) {
    if (e instanceof CcmError) {
      res.missing.push({ source: path, error: e });
      return;
    }
    throw e;
  }
  append(res.objects, r.objects);
  append(res.problems, r.problems);
  append(res.skipped, r.skipped);
}

/** push(...from) overflows the stack past a few hundred thousand items (a 256 MiB file of small CSRs). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}
