// Replays test/fuzz/corpus (every input that crashed a command, issue 10)
// through the real bin/ccmkit: each must now pass the fuzzer's verdict.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/run.js';
import { listAll, makeSeeds, SCENARIOS, verdict, writeSeeds, type Outcome } from './cli-harness.js';

interface Entry {
  file: string;
  issue: string;
  found: string;
  scenarios: string[];
  expect_exit?: number;
}

const CORPUS = join(import.meta.dirname, 'corpus');
const entries = JSON.parse(readFileSync(join(CORPUS, 'corpus.json'), 'utf8')) as Entry[];
const root = mkdtempSync(join(tmpdir(), 'ccmkit-corpus-'));
const seedDir = join(root, 'seeds');
/** bin/ccmkit in `cwd`, without blocking the worker (a blocked worker misses vitest's RPC deadline on a loaded machine). */
function ccmkitIn(argv: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, argv, { cwd, timeout: 120_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
const binary = { run: (argv: string[]) => ccmkitIn(argv, root) };

beforeAll(async () => {
  await writeSeeds(seedDir, makeSeeds(), binary);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fuzz corpus replayed through bin/ccmkit', () => {
  it('every scenario named in corpus.json exists, every file is listed', () => {
    for (const e of entries) for (const s of e.scenarios) expect(SCENARIOS.map((x) => x.name), `${e.file}: ${s}`).toContain(s);
    const listed = new Set(entries.map((e) => e.file));
    for (const f of listAll(CORPUS)) if (!['corpus.json', 'README.md'].includes(f)) expect(listed, f).toContain(f);
  });

  let n = 0;
  it.each(entries.flatMap((e) => e.scenarios.map((s) => [`${e.file} -> ${s}`, e, s] as const)))('%s', async (_name, e, name) => {
    const s = SCENARIOS.find((x) => x.name === name)!;
    const dir = join(root, `run${n++}`);
    mkdirSync(join(dir, 'out'), { recursive: true });
    const input = join(dir, `input${extname(e.file)}`);
    copyFileSync(join(CORPUS, e.file), input);
    const before = listAll(dir);
    const o = await ccmkitIn(s.argv((f) => join(seedDir, f), input, s.outDir ? join(dir, 'out') : join(dir, 'out', 'result')), dir);
    expect(verdict(o, dir, before, s.outputOnFailure && o.code === 1 ? ['out/result'] : [])).toBe('');
    if (e.expect_exit !== undefined) expect(o.code).toBe(e.expect_exit);
  });
});
