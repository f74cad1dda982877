// A strict little flag parser: unknown flags and missing values are usage
// errors (exit 2), never silently ignored.

import { usageError } from '../api/errors.js';

export type FlagSpec = Record<string, { type: 'bool' | 'string' | 'multi'; short?: string }>;

export interface Parsed {
  positionals: string[];
  bool: Set<string>;
  str: Map<string, string>;
  multi: Map<string, string[]>;
}

export function parseArgs(argv: string[], spec: FlagSpec): Parsed {
  const out: Parsed = { positionals: [], bool: new Set(), str: new Map(), multi: new Map() };
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2 && a !== '-')) {
      let name: string;
      let inline: string | undefined;
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        name = eq > 0 ? a.slice(2, eq) : a.slice(2);
        if (eq > 0) inline = a.slice(eq + 1);
      } else {
        const long = byShort.get(a.slice(1));
        if (!long) throw usageError(`unknown option ${a}${suggest(a.slice(1), [...byShort.keys()], '-')}`);
        name = long;
      }
      const s = spec[name];
      if (!s) throw usageError(`unknown option --${name}${retired(name, spec) ?? suggest(name, Object.keys(spec), '--')}`);
      if (s.type === 'bool') {
        if (inline !== undefined) throw usageError(`--${name} takes no value`);
        out.bool.add(name);
        continue;
      }
      const v = inline ?? argv[++i];
      if (v === undefined) throw usageError(`--${name} needs a value`);
      if (s.type === 'string') {
        if (out.str.has(name)) throw usageError(`--${name} given twice`);
        out.str.set(name, v);
      } else {
        const list = out.multi.get(name) ?? [];
        list.push(v);
        out.multi.set(name, list);
      }
      continue;
    }
    out.positionals.push(a);
  }
  return out;
}

/** Parses an ISO 8601 instant for --at; whole seconds, as every CCM time check uses. */
export function parseAt(s: string | undefined, now: () => Date): Date {
  if (s === undefined) return new Date(Math.floor(now().getTime() / 1000) * 1000);
  if (!/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(s)) {
    throw usageError(`--at "${s}" is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)`);
  }
  const d = new Date(/T.*(Z|[+-]\d\d:?\d\d)$/.test(s) || !s.includes('T') ? s : s + 'Z');
  if (Number.isNaN(d.getTime())) throw usageError(`--at "${s}" is not a valid date`);
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/**
 * Spellings ccmkit used before its flag convention (docs/conventions.md), and
 * what they became: one meaning per flag, so --password had to split into the
 * secret that opens inputs and the one that protects outputs.
 */
const RETIRED: Record<string, [string, string][]> = {
  password: [
    ['passphrase-file', 'opens encrypted inputs; or --passphrase P, or $CCMKIT_PASSPHRASE'],
    ['out-password-file', 'protects what is written; or --out-password P, or $CCMKIT_OUT_PASSWORD'],
  ],
  'key-password': [['key-passphrase-file', "a key entry's own password; or --key-passphrase P, or $CCMKIT_KEY_PASSPHRASE"]],
  output: [['out', '-o/--out PATH']],
  // A secret of another kind than the command takes: say which one it takes.
  passphrase: [['out-password-file', 'this command protects what it writes; or --out-password P, or $CCMKIT_OUT_PASSWORD']],
  'passphrase-file': [['out-password-file', 'this command protects what it writes; or $CCMKIT_OUT_PASSWORD']],
  'out-password': [['passphrase-file', 'this command opens inputs; or --passphrase P, or $CCMKIT_PASSPHRASE']],
  'out-password-file': [['passphrase-file', 'this command opens inputs; or $CCMKIT_PASSPHRASE']],
  der: [['format', '--format der']],
};

function retired(name: string, spec: FlagSpec): string | undefined {
  const options = RETIRED[name]?.filter(([flag]) => spec[flag]);
  if (!options?.length) return undefined;
  return ` here. Use ${options.map(([flag, why]) => `--${flag} (${why})`).join(', or ')}.`;
}

/** " Did you mean --x?" for the closest known flag, or "" when nothing is close. */
export function suggest(given: string, known: string[], dash: string): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    // An abbreviation (--passphrase-fil) is the likeliest meaning; extra letters (--jsonn) count as edits.
    const d = k.startsWith(given) ? (k.length - given.length) / 10 : given.startsWith(k) ? given.length - k.length : editDistance(given, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  const limit = Math.max(2, Math.floor(given.length / 3));
  return best !== undefined && bestD <= limit ? ` Did you mean ${dash}${best}?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
