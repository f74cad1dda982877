// CLI tests run ./bin/ccmkit, which loads dist/: build it once, so tests never
// exercise a stale build.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
