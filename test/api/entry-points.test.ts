// The entry points, kept consistent: every src/api module is a package.json
// "exports" subpath and is re-exported by `ccmkit` (src/index.ts), and the
// layers that become API when their issues land get their entry point then.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import { ROOT } from '../helpers/run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** Entry points that do I/O (a workspace on disk, the network): not in `ccmkit`, which stays pure and loads no native module. */
const IO_ENTRIES = new Set(['pca', 'sync']);
const apiModules = readdirSync(join(ROOT, 'src/api'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

describe('entry points', () => {
  it('each src/api module is an "exports" subpath (types first), and nothing else is', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
    expect(subpaths.map((s) => s.slice(2)).sort()).toEqual(apiModules);
    for (const m of apiModules) {
      const target = pkg.exports[`./${m}`];
      // "types" must come before "default", or TypeScript never reads it.
      expect(Object.keys(target)).toEqual(['types', 'default']);
      expect(target).toEqual({ types: `./dist/api/${m}.d.ts`, default: `./dist/api/${m}.js` });
    }
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.15');
  });

  it('ccmkit re-exports every pure subpath, the same bindings, and none of the ones that do I/O', async () => {
    const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
    for (const m of apiModules) {
      const path = `../../src/api/${m}.js`;
      const sub = (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
      if (IO_ENTRIES.has(m)) {
        expect(index).not.toContain(`./api/${m}.js`);
        // Its own operations are not in ccmkit (what it shares, like CcmError, is).
        const own = Object.keys(sub).filter((n) => !(n in root));
        expect(own.length).toBeGreaterThan(10);
        continue;
      }
      expect(index).toContain(`export * from './api/${m}.js';`);
      for (const [name, value] of Object.entries(sub)) expect((root as Record<string, unknown>)[name], `${m}.${name}`).toBe(value);
    }
  });

  it('importing ccmkit loads no SQLite: the offline CA is only in ccmkit/pca', () => {
    const closure = new Set<string>();
    const walk = (file: string): void => {
      if (closure.has(file)) return;
      closure.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^(?:import|export)[^'"]*?from '(\.[^']+)'/gm)) walk(join(file, '..', m[1]!.replace(/\.js$/, '.ts')));
    };
    walk(join(ROOT, 'src/index.ts'));
    const reached = [...closure].map((f) => f.slice(ROOT.length + 1));
    expect(reached.filter((f) => /^src\/(store|service\/pca|sync|server)\//.test(f))).toEqual([]);
    expect(reached).toContain('src/service/open.ts');
  });

  it('the library reads no files and exits nothing: no node:fs, process.exit or process.std* behind the entry points', () => {
    // The layers behind src/api: engine (lint keeps it pure), ccm and service.
    const offenders: string[] = [];
    for (const layer of ['engine', 'ccm', 'service']) {
      const walk = (dir: string): void => {
        for (const f of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, f.name);
          if (f.isDirectory()) walk(p);
          else if (f.name.endsWith('.ts')) {
            // Code only: the TSDoc examples show callers reading files, as they should.
            const code = readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
            if (/from 'node:fs'|from 'fs'|process\.exit|process\.std(out|err|in)/.test(code)) offenders.push(p.slice(ROOT.length + 1));
          }
        }
      };
      walk(join(ROOT, 'src', layer));
    }
    // The offline CA's workspace is SQLite on disk: when it lands it gets its own entry point (ccmkit/pca), documented as such.
    expect(offenders.filter((p) => !p.startsWith('src/service/pca/'))).toEqual([]);
  });

  it('ccmkit/sync reads no environment and no file but in the helpers named for it (credentials.ts)', () => {
    const offenders: string[] = [];
    for (const f of readdirSync(join(ROOT, 'src/sync'))) {
      if (!f.endsWith('.ts') || f === 'credentials.ts') continue;
      const code = readFileSync(join(ROOT, 'src/sync', f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      if (/from 'node:fs'|from 'fs'|process\.env|process\.exit|process\.std(out|err|in)/.test(code)) offenders.push(f);
    }
    expect(offenders).toEqual([]);
    // In credentials.ts, process.env is only a default of the functions that say they read it.
    const creds = readFileSync(join(ROOT, 'src/sync/credentials.ts'), 'utf8');
    const uses = [...creds.matchAll(/^.*process\.env.*$/gm)].map((m) => m[0].trim()).filter((l) => !l.startsWith('//') && !l.startsWith('*'));
    expect(uses).toEqual(['export function defaultProfileFile(env: NodeJS.ProcessEnv = process.env): string {', 'const env = o.env ?? process.env;']);
  });

  // Issue 15: "later, the PCA service and the sync client, each added to the API when its issue lands".
  // These fail as soon as the layer is merged without its entry point.
  it.each([
    ['pca', 'src/service/pca/index.ts', 'the PCA service (issue 12)'],
    ['sync', 'src/sync/client.ts', 'the sync client (issue 14)'],
  ])('ccmkit/%s exists once %s is on this branch (%s)', (sub, layerFile) => {
    const landed = existsSync(join(ROOT, layerFile));
    expect(`./${sub}` in pkg.exports).toBe(landed);
    expect(existsSync(join(ROOT, `src/api/${sub}.ts`))).toBe(landed);
  });
});
