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
  const res: Loaded = { objects: [], problems: [], missing: [], skipped: [] };
  for (const path of paths) {
    let r: InputResult;
    try {
      // Large PEM files (a CA's CRL) are decoded as they are read, never held as text.
      r = readInputLarge(path, path === '-' ? 'stdin' : path);
    } catch (e) {
      if (e instanceof CcmError) {
        res.missing.push({ source: path, error: e });
        continue;
      }
      throw e;
    }
    res.objects.push(...r.objects);
    res.problems.push(...r.problems);
    res.skipped.push(...r.skipped);
  }
  return res;
}
