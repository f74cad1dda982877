// CLI tests run ./bin/ccmkit, which loads the bundle in dist/bundle (and the
// tsc build in dist/ without it): build both once, so tests never exercise a
// stale build.
import { execFileSync } from 'node:child_process';
import { CORPORA, HAVE_CORPORA } from './run.js';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { stdio: 'inherit' });
  if (!HAVE_CORPORA) {
    process.stderr.write(`ccmkit tests: ${CORPORA} is missing: the tests that read the shared corpora are skipped (put the shared folder beside the repository to run them; .ci/run requires it).\n`);
  }
}
