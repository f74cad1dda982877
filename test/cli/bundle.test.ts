// The CLI runs from dist/bundle (scripts/bundle-cli.mjs), where each module's
// import.meta.url is its place in a tree mirroring src/. Every file a module
// loads by URL at runtime (a worker thread) must exist there, or the command
// would silently fall back to one thread, or fail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run.js';

const SRC = join(ROOT, 'src');
const BUNDLE = join(ROOT, 'dist/bundle');

describe('CLI bundle', () => {
  it('has every runtime-loaded file where import.meta.url points, and every command and worker', () => {
    const files = readdirSync(SRC, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    const refs: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(SRC, f), 'utf8');
      for (const m of text.matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)) refs.push(join(dirname(f), m[1]!));
      if (f.endsWith('-worker.ts') || f.startsWith(join('cli', 'commands'))) refs.push(f.replace(/\.ts$/, '.js'));
    }
    expect(refs.some((r) => r.endsWith('csr-parse-worker.js'))).toBe(true);
    for (const r of refs) expect(existsSync(join(BUNDLE, r)), relative(ROOT, join(BUNDLE, r))).toBe(true);
    expect(existsSync(join(BUNDLE, 'cli/main.js'))).toBe(true);
  });
});
