// Bundles the CLI for start-up speed (issue 16): one CommonJS file for the
// dispatcher (dist/bundle/main.js), one per command (dist/bundle/commands/),
// one per worker thread. A short call loads two files instead of ~25 ES
// modules, and never starts Node's ES module loader: `ccmkit csr parse
// ONE.csr` costs about half the instructions over `node -e 0` it did
// (benchmarks/startup.ts). The tsc output in dist/ stays the library build.
//
// Rules for code the CLI runs:
// - each command file is loaded only when its command runs: main.ts imports
//   them with import(), kept external here and turned into require();
// - a file loaded by path at runtime (a worker) must be an entry point below;
//   import.meta.url is the bundle file's own URL, at the same depth under
//   dist/bundle as the tsc output under dist/cli, so relative URLs agree;
// - each command bundle has its own copy of shared modules: state that main.ts
//   and a command must share cannot live in a module variable (CcmError is
//   recognised across copies by a brand, see engine/errors.ts).
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'src/cli');
const out = join(root, 'dist/bundle');

const entryPoints = [
  join(cli, 'main.ts'),
  ...readdirSync(cli).filter((f) => f.endsWith('-worker.ts')).map((f) => join(cli, f)),
  ...readdirSync(join(cli, 'commands')).filter((f) => f.endsWith('.ts')).map((f) => join(cli, 'commands', f)),
];

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints,
  outbase: cli,
  outdir: out,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // npm packages (better-sqlite3 and its native addon) are required from node_modules as usual.
  packages: 'external',
  external: ['./commands/*'],
  // import() of a command becomes require(): importing CommonJS through the ES module loader would cost more than bundling saves.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__ccmkit_url', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: "var __ccmkit_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
