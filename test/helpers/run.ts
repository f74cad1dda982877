// Subprocess helpers: the real ccmkit binary, openssl, keytool.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(ROOT, '../shared');
export const CORPORA = join(SHARED, 'corpora');
/**
 * The third-party corpora live beside the repository (../shared/corpora),
 * never in it. A clone without them still runs every other test: the tests
 * that read them skip, and the global setup says so once. .ci/run requires them.
 */
export const HAVE_CORPORA = existsSync(CORPORA);

/** A corpus file, or undefined when ../shared/corpora is missing (its tests are skipped). */
export function corpusFile(rel: string): Buffer | undefined {
  return HAVE_CORPORA ? readFileSync(join(CORPORA, rel)) : undefined;
}
export const BIN = join(ROOT, 'bin/ccmkit');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(cmd, args, { input: opts.input, cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

export function ccmkit(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  return run(BIN, args, opts);
}

/**
 * Like run(), without blocking the test worker, so that many subprocesses
 * (a matrix of CSRs and their judges) can run side by side.
 */
export function runAsync(cmd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, timeout: 120_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    // A child that exits without reading its input closes the pipe: not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

export function ccmkitAsync(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runAsync(BIN, args, opts);
}

/** Runs openssl and throws with its stderr when it fails (inputs must be made correctly). */
export function openssl(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): string {
  const r = run('openssl', args, opts);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * openssl without blocking the test worker: for slow invocations (millions of
 * KDF rounds), since a worker blocked for a minute misses vitest's RPC deadline.
 */
export async function opensslAsync(args: string[]): Promise<string> {
  const r = await runAsync('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export function tempDir(prefix = 'ccmkit-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The tests' scratch-file maker: `f(name)` is the path of `name` in `dir`;
 * `f(name, data)` writes `data` there first.
 */
export function scratchFile(dir: string): (name: string, data?: string | Buffer) => string {
  return (name, data) => {
    const p = join(dir, name);
    if (data !== undefined) writeFileSync(p, data);
    return p;
  };
}

/** Every JSON line of an NDJSON output. */
export function jsonLines(s: string): Record<string, unknown>[] {
  return s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file of a zip, read by Python's zipfile (an independent reader, and synchronous). */
export function unzipWithPython(path: string): Record<string, Buffer> {
  const r = run('python3', ['-c', 'import zipfile,sys,json,base64\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist() if not n.endswith("/")}))', path]);
  if (r.code !== 0) throw new Error(`python zipfile could not read ${path}: ${r.stderr}`);
  return Object.fromEntries(Object.entries(JSON.parse(r.stdout) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}
