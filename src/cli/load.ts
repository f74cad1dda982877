// Reads every file named on the command line through the engine's input layer,
// and (openFiles) through the container opener, with the command's secrets.

import { CcmError } from '../api/errors.js';
import { classifyDer, readInput, type InputObject, type InputProblem, type InputResult, openInputs, type NamedBytes, type Opened, type OpenOptions, type SecretSource, toPem } from '../api/inputs.js';
import type { Parsed } from './args.js';
import { readInputFile } from './io.js';
import { readInputLarge, readLargePem } from './read-large.js';
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
    append(res.objects, r.objects);
    append(res.problems, r.problems);
    append(res.skipped, r.skipped);
  }
  return res;
}

/** push(...from) overflows the stack past about 150,000 items (a 16 MiB file of small PEM blocks). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

/**
 * The input secrets of a command as the opener asks for them: the file flag,
 * command-line value or environment variable (src/cli/secrets.ts), and a
 * no-echo prompt on a terminal only when a container or key really needs one.
 * `legacy` names an older flag that still carries the input password in this
 * command (e.g. --password), read first.
 */
export function secretsFrom(p: Parsed, legacy?: { input?: string; key?: string }): SecretSource {
  // Each secret is read once: a file flag may be a pipe (`--passphrase-file <(pass show x)`), readable only once.
  const memo = new Map<string, string | undefined>();
  const get = (kind: 'input' | 'key', prompt: boolean): string | undefined => {
    const id = `${kind}:${prompt}`;
    if (!memo.has(id)) {
      const flag = legacy?.[kind];
      const given = memo.has(`${kind}:false`) ? memo.get(`${kind}:false`) : ((flag ? p.str.get(flag) : undefined) ?? secretOrPrompt(p, kind, false));
      memo.set(`${kind}:false`, given);
      memo.set(id, given ?? (prompt ? secretOrPrompt(p, kind, true) : undefined));
    }
    return memo.get(id);
  };
  return { input: (prompt) => get('input', prompt), key: (prompt) => get('key', prompt) };
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
  const all: Opened = { items: [], objects: [], containers: [], problems: [], skipped: [], notes: [] };
  let inputs: NamedBytes[] = [];
  const flush = async (): Promise<void> => {
    if (!inputs.length) return;
    const opened = await openInputs(inputs, o);
    inputs = [];
    for (const k of Object.keys(all) as (keyof Opened)[]) append(all[k] as unknown[], opened[k]);
  };
  for (const path of paths) {
    const name = path === '-' ? 'stdin' : path;
    try {
      // A large PEM file (a CA's CRL of millions of entries) is decoded as it is read, never held as
      // text; it holds no container, so its objects join the result as they are (issue 10, item 13).
      const large = readLargePem(path, name);
      if (large && !large.objects.some((x) => CONTAINERS.has(x.kind))) {
        await flush();
        append(all.problems, large.problems);
        append(all.skipped, large.skipped);
        for (const object of large.objects) {
          all.items.push({ kind: 'object', object });
          all.objects.push(object);
        }
        continue;
      }
      inputs.push({ name, bytes: readInputFile(path) });
    } catch (e) {
      if (e instanceof CcmError) {
        missing.push({ source: path, error: e });
        continue;
      }
      throw e;
    }
  }
  await flush();
  return { ...all, missing };
}

const CONTAINERS = new Set(['pkcs12', 'pkcs7', 'jks', 'jceks', 'zip']);
const CONTAINER_LABELS = ['PKCS7-----', 'CMS-----', 'PKCS12-----', 'PKCS #7 SIGNED DATA-----'];

/**
 * A cheap look for a container (magic numbers, a container PEM label, a DER
 * PKCS#12/#7 outline) before anything is decoded: a 250 MB PEM CRL must not
 * be decoded twice just to learn that it is a CRL.
 */
function mayHoldContainer(b: Buffer): boolean {
  if (b.length < 4) return false;
  const magic = b.readUInt32BE(0);
  if (magic === 0xfeedfeed || magic === 0xcececece || magic === 0x504b0304) return true;
  if (b[0] === 0x30) {
    const k = classifyDer(b);
    return k === 'pkcs12' || k === 'pkcs7';
  }
  for (let i = b.indexOf('-----BEGIN '); i >= 0; i = b.indexOf('-----BEGIN ', i + 11)) {
    const label = b.toString('latin1', i + 11, i + 11 + 32);
    if (CONTAINER_LABELS.some((l) => label.startsWith(l))) return true;
  }
  // Bare base64 or JSON bodies: let the input layer decide.
  return !b.includes('-----BEGIN ');
}

const PEM_LABEL: Record<string, string> = { certificate: 'CERTIFICATE', crl: 'X509 CRL', csr: 'CERTIFICATE REQUEST', 'private-key': 'PRIVATE KEY', 'public-key': 'PUBLIC KEY' };

/**
 * A file's bytes for commands that read one file as PEM/DER: unchanged when
 * it holds no container; otherwise the objects its keystores, bags and zips
 * hold, as PEM in reading order (keystore keys as unencrypted PKCS#8).
 */
export async function readFlattened(path: string, o: OpenOptions, kinds?: string[]): Promise<Buffer> {
  const bytes = readInputFile(path);
  const name = path === '-' ? 'stdin' : path;
  if (!mayHoldContainer(bytes) || !readInput(bytes, name).objects.some((x) => CONTAINERS.has(x.kind))) return bytes;
  const opened = await openInputs([{ name, bytes }], o);
  if (opened.problems.length) throw opened.problems[0]!.error;
  return Buffer.from(
    opened.objects
      .filter((x) => !kinds || kinds.includes(x.kind))
      .map((x) => (x.legacyPem ? x.legacyPem : PEM_LABEL[x.kind] ? toPem(x.keyFormat === 'encrypted-pkcs8' ? 'ENCRYPTED PRIVATE KEY' : PEM_LABEL[x.kind]!, x.der) : ''))
      .join(''),
  );
}
