// Every secret the CLI reads, through one scheme (docs/conventions.md):
//
//   kind    opens / protects                      file flag              environment              command line (warned)
//   input   encrypted keys, PFX, JKS, JCEKS,      --passphrase-file F    CCMKIT_PASSPHRASE        --passphrase P
//           zips holding them, the workspace
//   key     a key entry whose password differs    --key-passphrase-file  CCMKIT_KEY_PASSPHRASE    --key-passphrase P
//           from its keystore's (JKS/JCEKS/PFX)
//   output  what the command writes (export's     --out-password-file F  CCMKIT_OUT_PASSWORD      --out-password P
//           keystore/key, key generate --encrypt)
//
// Precedence: file flag, then command-line value, then environment, then a
// no-echo prompt on a terminal (only when the secret is actually needed).
// Giving both the file flag and the command-line value is a usage error.
// A command-line value works but warns once on stderr: argv is visible to
// every local user (ps, /proc) and is kept in shell history.

import { openSync, readSync, closeSync } from 'node:fs';
import { CcmError, LocalCode, usageError } from '../api/errors.js';
import type { FlagSpec, Parsed } from './args.js';
import { readInputFile } from './io.js';

export type SecretKind = 'input' | 'key' | 'output';

interface SecretNames {
  direct: string;
  file: string;
  env: string;
  /** What a prompt and a warning call it. */
  noun: string;
}

export const SECRET_NAMES: Record<SecretKind, SecretNames> = {
  input: { direct: 'passphrase', file: 'passphrase-file', env: 'CCMKIT_PASSPHRASE', noun: 'passphrase' },
  key: { direct: 'key-passphrase', file: 'key-passphrase-file', env: 'CCMKIT_KEY_PASSPHRASE', noun: 'key-entry passphrase' },
  output: { direct: 'out-password', file: 'out-password-file', env: 'CCMKIT_OUT_PASSWORD', noun: 'output password' },
};

/** The flag spec entries for the given secret kinds, to spread into a command's spec. */
export function secretFlags(...kinds: SecretKind[]): FlagSpec {
  const spec: FlagSpec = {};
  for (const k of kinds) {
    spec[SECRET_NAMES[k].direct] = { type: 'string' };
    spec[SECRET_NAMES[k].file] = { type: 'string' };
  }
  return spec;
}

const warned = new Set<string>();
const prompted = new Map<SecretKind, string | undefined>();

/**
 * The secret of `kind` from its file flag, command-line value or environment
 * variable, or undefined when none is given. Never prompts (see promptSecret).
 */
export function readSecret(p: Parsed, kind: SecretKind): string | undefined {
  const n = SECRET_NAMES[kind];
  const direct = p.str.get(n.direct);
  const file = p.str.get(n.file);
  if (direct !== undefined && file !== undefined) throw usageError(`give --${n.direct} or --${n.file}, not both`);
  if (file !== undefined) return firstLine(readInputFile(file));
  if (direct !== undefined) {
    if (!warned.has(n.direct)) {
      warned.add(n.direct);
      process.stderr.write(
        `ccmkit: warning: --${n.direct} on the command line is visible to other users (ps, /proc) and kept in shell history; prefer --${n.file} F or ${n.env}\n`,
      );
    }
    return direct;
  }
  // An empty variable counts as unset: a stray `export CCMKIT_PASSPHRASE=` must
  // not become the empty password and shadow a prompt or a zip's keystorePass.txt.
  // An empty password is given with an empty file.
  return process.env[n.env] || undefined;
}

/** A secret file's first line, without its line break (as openssl's file: source reads it). */
function firstLine(bytes: Buffer): string {
  const s = bytes.toString('utf8');
  const nl = s.search(/\r?\n/);
  return nl < 0 ? s : s.slice(0, nl);
}

/** True when a no-echo prompt can be shown: a terminal on stdin and stderr. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/**
 * Asks for a secret on the terminal without echoing it. Returns undefined when
 * there is no terminal (pipes, CI), so callers fall back to their "password
 * required" error. Reads synchronously from the TTY in raw mode: the CLI has
 * nothing else to do while it waits.
 */
export function promptSecret(label: string): string | undefined {
  if (!canPrompt()) return undefined;
  const stdin = process.stdin;
  // Echo off before the prompt appears: what is typed ahead must not show either.
  stdin.setRawMode(true);
  process.stderr.write(`${label}: `);
  let fd = 0;
  let opened = false;
  try {
    // Reading fd 0 synchronously fails with EAGAIN on a non-blocking TTY; /dev/tty blocks.
    try {
      fd = openSync('/dev/tty', 'r');
      opened = true;
    } catch {
      fd = 0;
    }
    const chars: string[] = [];
    const buf = Buffer.alloc(1);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, 1, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) break;
      const c = buf[0]!;
      if (c === 0x0d || c === 0x0a) break;
      if (c === 0x03) {
        // Ctrl-C: leave as the shell expects, without a stack trace.
        process.stderr.write('\n');
        stdin.setRawMode(false);
        process.exit(130);
      }
      if (c === 0x04) break;
      if (c === 0x7f || c === 0x08) {
        chars.pop();
        continue;
      }
      chars.push(String.fromCharCode(c));
    }
    // Reassemble UTF-8 typed byte by byte.
    return Buffer.from(chars.map((ch) => ch.charCodeAt(0))).toString('utf8');
  } finally {
    stdin.setRawMode(false);
    if (opened) closeSync(fd);
    process.stderr.write('\n');
  }
}

/**
 * The secret of `kind`, prompting on a terminal when none was given and
 * `needed` says the input really is encrypted. The prompt is shown once per
 * kind per process.
 */
export function secretOrPrompt(p: Parsed, kind: SecretKind, needed: boolean, label?: string): string | undefined {
  const given = readSecret(p, kind);
  if (given !== undefined || !needed) return given;
  if (prompted.has(kind)) return prompted.get(kind);
  const v = promptSecret(label ?? `Enter ${SECRET_NAMES[kind].noun}`);
  prompted.set(kind, v);
  return v;
}

/**
 * A secret that will protect something new (`--encrypt`, export's keystore):
 * given, or typed twice on a terminal (a typo would lock the user out of what
 * ccmkit writes). Undefined when not given and there is no terminal.
 */
export function newSecretOrPrompt(p: Parsed, kind: SecretKind, label?: string): string | undefined {
  const given = readSecret(p, kind);
  if (given !== undefined) return given;
  if (prompted.has(kind)) return prompted.get(kind);
  const what = label ?? `Enter ${SECRET_NAMES[kind].noun}`;
  const first = promptSecret(what);
  if (first === undefined) return undefined;
  const again = promptSecret(`Verify ${SECRET_NAMES[kind].noun}`);
  if (again !== first) throw usageError(`the two ${SECRET_NAMES[kind].noun}s typed differ; nothing was written`);
  prompted.set(kind, first);
  return first;
}

/** How to give a secret of `kind`, for "needs a password" errors. */
export function howToGive(kind: SecretKind): string {
  const n = SECRET_NAMES[kind];
  return `--${n.file} F, $${n.env}, --${n.direct} P (visible in ps), or type it at the prompt on a terminal`;
}

export interface InputSecrets {
  /** Opens keystores and encrypted keys. */
  input?: string;
  /** A key entry's own password (JKS/JCEKS/PFX), when it differs. */
  key?: string;
}

/**
 * Runs `open` with the input secrets given, and when it turns out a secret is
 * needed that was not given, asks for it on a terminal and runs it again.
 * Whether a keystore is protected is known only once it is read; this is how
 * "a no-echo prompt when the input really is encrypted" works for them.
 */
export function withInputSecrets<T>(p: Parsed, open: (s: InputSecrets) => T): T {
  const s: InputSecrets = { input: readSecret(p, 'input'), key: readSecret(p, 'key') };
  for (let attempt = 0; ; attempt++) {
    try {
      return open(s);
    } catch (e) {
      if (!(e instanceof CcmError) || attempt >= 2 || !canPrompt()) throw e;
      const keyEntry = e.code === LocalCode.WRONG_PASSWORD && /key entry/.test(e.message);
      if (s.input === undefined && e.code === LocalCode.PASSWORD_REQUIRED) s.input = secretOrPrompt(p, 'input', true, `Enter passphrase for ${e.source ?? 'the input'}`);
      else if (s.key === undefined && keyEntry) s.key = secretOrPrompt(p, 'key', true);
      else throw e;
      if (s.input === undefined && s.key === undefined) throw e;
    }
  }
}
