// `npm run api:check` as part of `npm test` (what CI runs): the public surface
// may change only together with api/ccmkit.api.md and api/entry-points.md, so
// every change to it shows in review; and every export keeps a TSDoc example.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers/run.js';

describe('public API report', () => {
  it('matches the committed report (npm run api:update updates it)', () => {
    // dist/ is fresh: the global setup built it.
    const r = run(process.execPath, [join(ROOT, 'scripts/api-report.mjs'), '--no-build'], { cwd: ROOT });
    expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/api: |Error|Warning/);
    expect(r.stdout).toMatch(/^api: unchanged: \d+ names in \d+ entry points, each documented with an example/m);
    expect(r.code).toBe(0);
  });
});
