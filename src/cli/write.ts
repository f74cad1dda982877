// Every file ccmkit writes goes through here (docs/conventions.md, "Files").
//
// - An existing target is refused without --force (409), and a file this run
//   has read (by device/inode and by real path) is never a target, even with
//   --force: `crl build --ca-key k --out k` must not turn the key into a CRL.
// - Content goes to a temporary file beside the target (O_EXCL, O_NOFOLLOW,
//   the final mode set with fchmod so no umask widens a key file), is fsynced,
//   and only then appears under its name:
//     new file   link(2) temp -> target: fails with EEXIST if anything appeared
//                there meanwhile, so of two racing runs exactly one wins;
//     --force    rename(2) temp -> target: the old file is replaced whole, or
//                kept whole when the write fails (full disk, ulimit -f).
// - Several files are all-or-none: every temp is written first, then all are
//   committed; a failure while committing puts back what was there before.
// - SIGINT, SIGTERM and SIGHUP while temps exist remove them (and any folder
//   this run created) and exit 128+signal. Long writes yield to the event loop
//   so that the handler runs promptly.
// - Folders created for outputs that hold keys are 0700 whatever the umask;
//   a failed write removes the folders it created.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  chmodSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CcmError, LocalCode } from '../api/errors.js';
import { MAX_FILE_BYTES, inputsRead, noteInput } from './io.js';

export type FileData = Buffer | string | Iterable<Uint8Array | string>;

export interface OutFile {
  /** The target path (for writeFiles with a folder: the name inside it). */
  name: string;
  data: FileData;
  /** Holds a key or password: 0600. */
  secret: boolean;
}

export interface WriteOptions {
  /** Replace existing targets (atomically, all or none). */
  force?: boolean;
}

/** "already exists" is a conflict (409); anything else that stops a write is the service's fault (500). */
function exists(path: string): CcmError {
  return new CcmError(409, LocalCode.OUTPUT, `${path} already exists; give --force to replace it.`, path);
}

function cannot(path: string, what: string, e: unknown): CcmError {
  if (e instanceof CcmError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : code === 'EFBIG'
              ? 'file size limit exceeded'
              : code === 'EDQUOT'
                ? 'disk quota exceeded'
                : (code ?? (e as Error).message);
  return new CcmError(500, LocalCode.OUTPUT, `${path}: ${what}: ${why}; nothing was written.`, path);
}

/** The error when `path` names a file this run reads (or read). */
function isOwnInput(path: string): CcmError | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined; // nothing there: cannot be an input
  }
  let real: string | undefined;
  try {
    real = realpathSync(path);
  } catch {
    real = undefined;
  }
  const hit = inputsRead().some((i) => (i.dev === st.dev && i.ino === st.ino) || (real !== undefined && i.real === real));
  return hit ? new CcmError(409, LocalCode.OUTPUT, `${path} is one of this command's inputs; ccmkit never writes over its own input, even with --force.`, path) : undefined;
}

/**
 * Fails early, before any work, when a target cannot be written: it exists
 * (without --force), it is a folder, or it is an input of this run. The same
 * checks run again at commit time; this only spares the user a long run.
 */
export function checkTargets(paths: readonly string[], opts: WriteOptions & { inputs?: readonly string[] } = {}): void {
  for (const i of opts.inputs ?? []) noteInput(i);
  for (const p of paths) {
    const own = isOwnInput(p);
    if (own) throw own;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (!opts.force) throw exists(p);
    if (st.isDirectory()) throw new CcmError(500, LocalCode.OUTPUT, `${p}: cannot be replaced: is a directory.`, p);
  }
}

// ---- temp files, created folders and signals ------------------------------

const liveTemps = new Set<string>();
const liveFolders: string[] = [];
let handlersOn = false;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(sig: NodeJS.Signals): void {
  cleanupAll();
  process.exit(128 + (osConstants.signals[sig] ?? 0));
}

function cleanupAll(): void {
  for (const t of liveTemps) {
    try {
      unlinkSync(t);
    } catch {
      /* already gone */
    }
  }
  liveTemps.clear();
  removeFolders(liveFolders.splice(0));
}

function track(tmp: string): void {
  liveTemps.add(tmp);
  if (!handlersOn) {
    handlersOn = true;
    for (const s of SIGNALS) process.on(s, onSignal);
  }
}

function untrack(tmp: string): void {
  liveTemps.delete(tmp);
  if (liveTemps.size === 0 && handlersOn) {
    handlersOn = false;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

/** Removes folders this run created (deepest first), only while they are empty. */
function removeFolders(created: string[]): void {
  for (const d of created.reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty, or gone: leave it */
    }
  }
}

/**
 * Makes `dir` (and missing parents). Folders for key files are 0700 whatever
 * the umask. Returns the folders actually created, to remove on failure.
 */
function makeFolder(dir: string, secret: boolean): string[] {
  const created: string[] = [];
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    try {
      const st = statSync(d);
      if (!st.isDirectory()) throw new CcmError(500, LocalCode.OUTPUT, `${dir}: cannot be used as the output folder: ${d} is not a folder.`, dir);
      break;
    } catch (e) {
      if (e instanceof CcmError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(dir, 'cannot be used as the output folder', e);
      missing.unshift(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  try {
    for (const m of missing) {
      mkdirSync(m, { mode: secret ? 0o700 : 0o777 });
      created.push(m);
      liveFolders.push(m);
      if (secret) chmodSync(m, 0o700);
    }
  } catch (e) {
    removeFolders(created);
    throw cannot(dir, 'cannot create the output folder', e);
  }
  return created;
}

// ---- staging and committing ------------------------------------------------

const YIELD_EVERY = 4 << 20;

/** Lets the event loop turn (signal handlers run here). */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function* piecesOf(data: FileData): Generator<Uint8Array> {
  if (typeof data === 'string') yield Buffer.from(data, 'utf8');
  else if (Buffer.isBuffer(data)) yield data;
  else for (const p of data) yield typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
}

interface Staged {
  target: string;
  tmp: string;
  ino: number;
  dev: number;
}

/**
 * Writes `data` to a new temp file beside `target`. A generator: it yields
 * every few MiB, where the async driver lets the event loop turn (so that a
 * signal handler can run) and the sync driver just goes on.
 */
function* stage(target: string, data: FileData, secret: boolean): Generator<void, Staged> {
  const mode = secret ? 0o600 : 0o644;
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // Tracked (and the signal handlers on) before the file exists: a signal between its creation and
  // a later track() would take the default action and leave the temp behind.
  track(tmp);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    untrack(tmp);
    throw cannot(target, 'cannot be created', e);
  }
  try {
    fchmodSync(fd, mode); // the umask must not loosen a key file's mode
    let sinceTurn = 0;
    for (const piece of piecesOf(data)) {
      // Large buffers are written in slices, so the event loop turns between them.
      for (let off = 0; off < piece.length; ) {
        const n = writeSync(fd, piece, off, Math.min(piece.length - off, YIELD_EVERY));
        off += n;
        sinceTurn += n;
        if (sinceTurn >= YIELD_EVERY) {
          sinceTurn = 0;
          yield;
        }
      }
    }
    fsyncSync(fd);
    const st = fstatSync(fd);
    closeSync(fd);
    return { target, tmp, ino: st.ino, dev: st.dev };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* closed */
    }
    discard(tmp);
    throw cannot(target, 'write failed', e);
  }
}

function discard(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch {
    /* gone */
  }
  untrack(tmp);
}

function fsyncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort: not every file system allows it */
  }
}

interface Committed {
  target: string;
  ino: number;
  dev: number;
  /** The previous file, kept under this name until every target is in place. */
  backup?: string;
}

/** Creates `s.target` only if nothing is there: link(2), or an O_EXCL copy where hard links are not supported. */
function linkNew(s: Staged): void {
  try {
    linkSync(s.tmp, s.target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(s.target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw cannot(s.target, 'cannot be created', e);
    try {
      copyFileSync(s.tmp, s.target, constants.COPYFILE_EXCL);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') throw exists(s.target);
      throw cannot(s.target, 'cannot be created', e2);
    }
  }
}

function commit(staged: Staged[], force: boolean): void {
  const done: Committed[] = [];
  try {
    for (const s of staged) {
      const own = isOwnInput(s.target);
      if (own) throw own;
      let present = true;
      try {
        lstatSync(s.target);
      } catch {
        present = false;
      }
      if (!present || !force) {
        linkNew(s);
        done.push({ target: s.target, ino: s.ino, dev: s.dev });
        continue;
      }
      if (lstatSync(s.target).isDirectory()) {
        throw new CcmError(500, LocalCode.OUTPUT, `${s.target}: cannot be replaced: is a directory.`, s.target);
      }
      let backup: string | undefined;
      if (staged.length > 1) {
        // Kept until every file is in place, so that a failure can put it back.
        backup = join(dirname(s.target), `.${basename(s.target)}.${randomBytes(6).toString('hex')}.old`);
        track(backup); // before it exists, as stage() does for temps
        try {
          linkSync(s.target, backup);
        } catch (e) {
          untrack(backup);
          throw cannot(s.target, 'cannot be replaced', e);
        }
      }
      try {
        renameSync(s.tmp, s.target);
      } catch (e) {
        if (backup) discard(backup);
        throw cannot(s.target, 'cannot be replaced', e);
      }
      done.push({ target: s.target, ino: s.ino, dev: s.dev, ...(backup ? { backup } : {}) });
    }
  } catch (e) {
    rollback(done);
    throw e;
  }
  for (const d of done) if (d.backup) discard(d.backup);
  for (const s of staged) discard(s.tmp);
  for (const dir of new Set(staged.map((s) => dirname(s.target)))) fsyncFolder(dir);
}

/** Puts back what was there before `done` were committed. */
function rollback(done: Committed[]): void {
  for (const d of done.reverse()) {
    try {
      if (d.backup) {
        renameSync(d.backup, d.target);
        untrack(d.backup);
      } else {
        const st = statSync(d.target);
        // Only our own file: a racer's file under the same name stays.
        if (st.ino === d.ino && st.dev === d.dev) unlinkSync(d.target);
      }
    } catch {
      /* nothing more can be done; the temp cleanup below still runs */
    }
  }
}

/**
 * Writes every file, all or none. Targets are paths; with `folder`, the
 * folder is created when missing (0700 when a file is secret) and removed
 * again if the write fails.
 */
export async function writeFiles(files: readonly OutFile[], opts: WriteOptions & { folder?: string } = {}): Promise<string[]> {
  const steps = writeSteps(files, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await turn();
  }
}

/** writeFiles without yielding to the event loop (signals are handled only once it returns). */
export function writeFilesSync(files: readonly OutFile[], opts: WriteOptions & { folder?: string } = {}): string[] {
  const steps = writeSteps(files, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function* writeSteps(files: readonly OutFile[], opts: WriteOptions & { folder?: string }): Generator<void, string[]> {
  const force = opts.force === true;
  const targets = files.map((f) => (opts.folder !== undefined ? join(opts.folder, f.name) : f.name));
  checkTargets(targets, { force });
  const created = opts.folder !== undefined ? makeFolder(opts.folder, files.some((f) => f.secret)) : [];
  const staged: Staged[] = [];
  try {
    for (let i = 0; i < files.length; i++) staged.push(yield* stage(targets[i]!, files[i]!.data, files[i]!.secret));
    commit(staged, force);
  } catch (e) {
    for (const s of staged) discard(s.tmp);
    removeFolders(created);
    for (const c of created) liveFolders.splice(liveFolders.indexOf(c), 1);
    throw e;
  }
  for (const c of created) liveFolders.splice(liveFolders.indexOf(c), 1);
  return targets;
}

/** Writes one file (see writeFiles). */
export async function writeFile(path: string, data: FileData, opts: WriteOptions & { secret?: boolean } = {}): Promise<void> {
  await writeFiles([{ name: path, data, secret: opts.secret === true }], opts);
}

// ---- the names used before this module, kept so code written against them still builds ----

/**
 * @deprecated Use writeFile. Same rules (no replace without `force`, never an
 * input); like before, a missing folder is created (0700 for a secret file).
 */
export function writeFileAtomic(path: string, data: Buffer, secret: boolean, force = false): void {
  writeFilesSync([{ name: basename(path), data, secret }], { force, folder: dirname(path) });
}

/** Writes pieces to standard output, synchronously (large outputs, pipes). */
export function writeStdout(pieces: Iterable<Uint8Array | string>): void {
  for (const p of pieces) {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    let off = 0;
    while (off < b.length) {
      try {
        off += writeSync(1, b, off, b.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        // A reader that went away (`| head`) is not an error: main() exits 0 quietly.
        throw e;
      }
    }
  }
}

/**
 * A file as 1 MiB chunks, read on demand (a million-line revoked list is never
 * held whole). Same limits and errors as readInputFile. `size` is known up front.
 */
export function fileChunks(path: string): { size: number; chunks: Iterable<Buffer> } {
  let fd: number;
  let size: number;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
    noteInput(path, fd);
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path} is a directory.`, path);
    size = st.isFile() ? st.size : 0;
    if (size > MAX_FILE_BYTES) throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} is ${size} bytes; the limit is ${MAX_FILE_BYTES}.`, path);
  } catch (e) {
    if (e instanceof CcmError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'unreadable';
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: ${why}.`, path);
  }
  function* chunks(): Generator<Buffer> {
    let total = 0;
    try {
      for (;;) {
        const b = Buffer.allocUnsafe(1 << 20);
        let n: number;
        try {
          n = readSync(fd, b, 0, b.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${path}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}.`, path);
        }
        if (n === 0) return;
        total += n;
        if (total > MAX_FILE_BYTES) throw new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${path} exceeds the ${MAX_FILE_BYTES}-byte limit.`, path);
        yield b.subarray(0, n);
      }
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  }
  return { size, chunks: chunks() };
}
