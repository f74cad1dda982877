// CLI tests run ./bin/ccmkit, which loads the bundle in dist/bundle (and the
// tsc build in dist/ without it): build both once, so tests never exercise a
// stale build.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { stdio: 'inherit' });
}
