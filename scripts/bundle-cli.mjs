// Bundles the CLI for start-up speed (issue 16): one CommonJS file for the
// dispatcher (dist/bundle/cli/main.js), one per command
// (dist/bundle/cli/commands/), one per worker thread (every src/**/*-worker.ts,
// at its own path). A short call loads two files instead of ~25 ES modules
// and never starts Node's ES module loader: `ccmkit csr parse ONE.csr` costs
// about half the instructions over `node -e 0` it did (benchmarks/startup.ts).
// The tsc output in dist/ stays the library build.
//
// Rules for code the CLI runs:
// - each command file is loaded only when its command runs: main.ts imports
//   them with import(), kept external here and turned into require();
// - import.meta.url is the URL the module would have in a tree mirroring src/
//   under dist/bundle, so `new URL('./x-worker.js', import.meta.url)` finds the
//   bundled worker exactly as it finds the tsc one under dist/;
// - each command bundle has its own copy of shared modules: state that main.ts
//   and a command must share cannot live in a module variable (CcmError is
//   recognised across copies by a brand, see engine/errors.ts).
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const out = join(root, 'dist/bundle');

const workers = readdirSync(src, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('-worker.ts'))
  .map((f) => join(src, f));
const entryPoints = [
  join(src, 'cli/main.ts'),
  ...workers,
  ...readdirSync(join(src, 'cli/commands')).filter((f) => f.endsWith('.ts')).map((f) => join(src, 'cli/commands', f)),
];

/** Each module's import.meta.* as its mirror path under dist/bundle (see above). */
const importMeta = {
  name: 'import-meta-mirror',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const mirror = JSON.stringify(relative(src, args.path).replace(/\\/g, '/').replace(/\.ts$/, '.js'));
      return {
        contents: text
          .replaceAll('import.meta.url', `__ccmkitMirror(${mirror}).url`)
          .replaceAll('import.meta.dirname', `__ccmkitMirror(${mirror}).dirname`)
          .replaceAll('import.meta.filename', `__ccmkitMirror(${mirror}).filename`),
        loader: 'ts',
      };
    });
  },
};

// Every output file sits under dist/bundle; the mirror root is found from the file's own place.
const banner = `var __ccmkitMirror = (function () {
  var path = require('node:path'), url = require('node:url');
  var at = __dirname.lastIndexOf(path.sep + 'bundle'), base = __dirname.slice(0, at + 7);
  return function (rel) { var f = path.join(base, rel); return { url: url.pathToFileURL(f).href, dirname: path.dirname(f), filename: f }; };
})();`;

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints,
  outbase: src,
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
  plugins: [importMeta],
  banner: { js: banner },
  logLevel: 'warning',
});
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
