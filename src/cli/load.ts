// Reads every file named on the command line through the engine's input layer,
// and (openFiles) through the container opener, with the command's secrets.

import { CcmError } from '../engine/errors.js';
import { readInput, type InputObject, type InputProblem } from '../engine/input.js';
import { openInputs, type NamedBytes, type Opened, type OpenOptions, type SecretSource } from '../service/open.js';
import type { Parsed } from './args.js';
import { readInputFile } from './io.js';
import { secretOrPrompt } from './secrets.js';

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
    let bytes: Buffer;
    try {
      bytes = readInputFile(path);
    } catch (e) {
      if (e instanceof CcmError) {
        res.missing.push({ source: path, error: e });
        continue;
      }
      throw e;
    }
    const r = readInput(bytes, path === '-' ? 'stdin' : path);
    res.objects.push(...r.objects);
    res.problems.push(...r.problems);
    res.skipped.push(...r.skipped);
  }
  return res;
}

/**
 * The input secrets of a command as the opener asks for them: the file flag,
 * command-line value or environment variable (src/cli/secrets.ts), and a
 * no-echo prompt on a terminal only when a container or key really needs one.
 * `legacy` names an older flag that still carries the input password in this
 * command (e.g. --password), read first.
 */
export function secretsFrom(p: Parsed, legacy?: { input?: string; key?: string }): SecretSource {
  return {
    input: (prompt) => (legacy?.input ? p.str.get(legacy.input) : undefined) ?? secretOrPrompt(p, 'input', prompt),
    key: (prompt) => (legacy?.key ? p.str.get(legacy.key) : undefined) ?? secretOrPrompt(p, 'key', prompt),
  };
}

export interface OpenedFiles extends Opened {
  /** Files that could not be read at all (missing, unreadable, too large). */
  missing: InputProblem[];
}

/**
 * Reads the files named on the command line and opens every container in
 * them (PFX, JKS, JCEKS, PKCS#7, zips) through service/open.ts.
 */
export async function openFiles(paths: string[], o: OpenOptions): Promise<OpenedFiles> {
  const missing: InputProblem[] = [];
  const inputs: NamedBytes[] = [];
  for (const path of paths) {
    try {
      inputs.push({ name: path === '-' ? 'stdin' : path, bytes: readInputFile(path) });
    } catch (e) {
      if (e instanceof CcmError) {
        missing.push({ source: path, error: e });
        continue;
      }
      throw e;
    }
  }
  return { ...(await openInputs(inputs, o)), missing };
}
