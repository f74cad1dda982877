// What the workspace, ca, cert and crl generate commands share: where the
// workspace is, opening it with the real clock, CSPRNG and passphrase, reading
// a PCA request body, and printing PCA's answer (its JSON body with --json, a
// readable report otherwise).

import { randomBytes } from 'node:crypto';
import { CcmError, usageError } from '../api/errors.js';
import { createContext, PCA_MIGRATIONS, type PcaContext, type PcaResponse, mapStoreError, openWorkspace, type Workspace } from '../api/pca.js';
import { parseArgs, type FlagSpec, type Parsed } from './args.js';
import { JSON_FLAG } from './flags.js';
import { printJson, readInputFile } from './io.js';
import { secretFlags, secretOrPrompt } from './secrets.js';

/** `--workspace DIR`: the offline CA/SCM workspace. */
export const WORKSPACE: FlagSpec = { workspace: { type: 'string' } };

/** The flags every workspace command takes. */
export const PCA_COMMON: FlagSpec = { ...WORKSPACE, ...JSON_FLAG, ...secretFlags('input') };

export const DEFAULT_WORKSPACE = './ccmkit-workspace';

/** --workspace DIR, else $CCMKIT_WORKSPACE (empty counts as unset: never the current folder), else ./ccmkit-workspace. */
export function workspaceDir(p: Parsed): string {
  return p.str.get('workspace') ?? (process.env.CCMKIT_WORKSPACE || DEFAULT_WORKSPACE);
}

export const WORKSPACE_HELP = `  --workspace DIR        the workspace (default $CCMKIT_WORKSPACE, else ./ccmkit-workspace);
                         never created here: ccmkit workspace init makes one
  --passphrase-file F    the workspace passphrase: first line of F (or $CCMKIT_PASSPHRASE,
                         or a no-echo prompt on a terminal); asked only when a key is needed
  --passphrase P         the same on the command line (works, warns: visible in ps)
  --json                 print PCA's response body (errors: {"status","error_code","error_msg"})
  -h, --help             this help`;

export type PcaCmd = { help: string; run: (argv: string[]) => Promise<number> };

/**
 * The maker of one group's subcommands (`ca ...`, `cert ...`): every one has
 * its help laid out alike (usage, text, options ending with the workspace
 * flags, examples, exit codes) and takes PCA's common flags.
 */
export function pcaCommand(group: string, exit: (ok: string) => string) {
  return (name: string, usage: string, text: string, examples: string, ok: string, extra: FlagSpec, go: (p: Parsed) => Promise<number>, extraHelp = ''): PcaCmd => ({
    help: `Usage: ccmkit ${group} ${name} ${usage}

${text}

Options:
${extraHelp}${WORKSPACE_HELP}

Examples:
${examples}

${exit(ok)}`,
    run: (argv) => go(parseArgs(argv, { ...PCA_COMMON, ...extra })),
  });
}

export interface Opened {
  ws: Workspace;
  ctx: PcaContext;
}

/** Opens the workspace for one command: real clock, CSPRNG, passphrase asked lazily. */
export function openPca(p: Parsed, o: { readonly?: boolean } = {}): Opened {
  const ws = openWorkspace(workspaceDir(p), { migrations: PCA_MIGRATIONS, readonly: o.readonly });
  const ctx = createContext(ws, {
    now: () => new Date(),
    random: pooledRandom(),
    passphrase: () => secretOrPrompt(p, 'input', true, 'Workspace passphrase'),
  });
  return { ws, ctx };
}

/**
 * The CSPRNG (crypto.randomBytes), drawn 4 KiB at a time: a batch takes 36
 * bytes per certificate, and one call per certificate costs more than the bytes.
 */
export function pooledRandom(): (n: number) => Buffer {
  let pool = Buffer.alloc(0);
  let at = 0;
  return (n) => {
    if (n > 1024) return randomBytes(n);
    if (at + n > pool.length) {
      pool = randomBytes(4096);
      at = 0;
    }
    // A copy: callers may keep or modify the bytes, and pool bytes are never handed out twice.
    const out = Buffer.from(pool.subarray(at, at + n));
    at += n;
    return out;
  };
}

/** Runs `fn` with an opened workspace and closes it however `fn` ends. */
export async function withPca<T>(p: Parsed, fn: (o: Opened) => T | Promise<T>, o: { readonly?: boolean } = {}): Promise<T> {
  const opened = openPca(p, o);
  try {
    return await fn(opened);
  } catch (e) {
    // A workspace failure met by any statement (locked, damaged, disk full) is reported as such, not as a bug.
    throw mapStoreError(e, opened.ws.dir);
  } finally {
    opened.ws.close();
  }
}

/** A PCA request body from a file ('-' = stdin): JSON, or PCA's 400 PCA.00020001. */
export function readBodyFile(path: string): unknown {
  const text = readInputFile(path).toString('utf8');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CcmError(400, 'PCA.00020001', `${path} is not valid JSON (${(e as Error).message.slice(0, 80)}). Incorrect parameter.`, path);
  }
}

export function onePositional(p: Parsed, what: string, cmd: string): string {
  if (p.positionals.length !== 1) throw usageError(`${cmd} needs exactly one ${what}${p.positionals.length ? ` (got ${p.positionals.length})` : ''}`);
  return p.positionals[0]!;
}

export function noPositionals(p: Parsed, cmd: string): void {
  if (p.positionals.length) throw usageError(`${cmd} takes no arguments (got "${esc(p.positionals[0]!).slice(0, 40)}")`);
}

/** Control characters shown as \xNN: names come from request bodies and must not drive the terminal. */
export function esc(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function isoOrDash(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Prints PCA's response: its JSON body (`{}` for a 204) with --json, else `human`. */
export function printResponse(p: Parsed, r: PcaResponse, human: (body: Record<string, unknown>) => void): number {
  if (p.bool.has('json')) printJson(r.body ?? {});
  else human((r.body ?? {}) as Record<string, unknown>);
  return 0;
}

/** An integer flag, or a usage error. */
export function intFlag(p: Parsed, name: string, min: number, max: number): string | undefined {
  const v = p.str.get(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) throw usageError(`--${name} "${esc(v).slice(0, 20)}" is not an integer from ${min} to ${max}`);
  return v;
}
