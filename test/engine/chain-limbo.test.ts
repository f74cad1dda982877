// x509-limbo over ../shared/corpora/limbo-open.json, with the harness
// convention of its README: build and validate the chain of peer_certificate
// over trusted_certs and untrusted_intermediates at validation_time, compare
// SUCCESS/FAILURE with expected_result. Cases needing a feature ccmkit does not
// claim are SKIPPED with the reason, counted and printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REF } from '../helpers/pki.js';
import { runCase, skipReason, type LimboCase } from '../helpers/limbo.js';
import { CORPORA, HAVE_CORPORA } from '../helpers/run.js';

const limbo = (HAVE_CORPORA ? JSON.parse(readFileSync(join(CORPORA, 'limbo-open.json'), 'utf8')) : { testcases: [] }) as { testcases: LimboCase[] };

describe.skipIf(!HAVE_CORPORA)('x509-limbo (limbo-open.json)', () => {
  const results: { id: string; outcome: 'match' | 'mismatch' | 'skipped'; note?: string; ms: number }[] = [];

  for (const c of limbo.testcases) {
    it(c.id, () => {
      const reason = skipReason(c);
      if (reason) {
        results.push({ id: c.id, outcome: 'skipped', note: reason, ms: 0 });
        return;
      }
      const t0 = performance.now();
      const res = runCase(c, REF);
      const ms = performance.now() - t0;
      const got = res.valid ? 'SUCCESS' : 'FAILURE';
      results.push({ id: c.id, outcome: got === c.expected_result ? 'match' : 'mismatch', note: res.reason, ms });
      expect(got, `${c.id}: ${res.reason ?? ''}`).toBe(c.expected_result);
      // Bounded by construction (timings are printed in the summary, not asserted).
      expect(res.signatureChecks).toBeLessThanOrEqual(100);
    });
  }

  it('summary: 0 mismatches, at most 10% skipped', () => {
    const skipped = results.filter((r) => r.outcome === 'skipped');
    const mismatched = results.filter((r) => r.outcome === 'mismatch');
    const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(
      `x509-limbo: slowest case ${slowest.id} took ${slowest.ms.toFixed(1)} ms\n` +
      `x509-limbo: ${results.length} cases, ${results.filter((r) => r.outcome === 'match').length} match, ${mismatched.length} mismatch, ${skipped.length} skipped` +
        skipped.map((s) => `\n  SKIPPED ${s.id}: ${s.note}`).join(''),
    );
    expect(results.length).toBe(limbo.testcases.length);
    expect(mismatched.map((m) => m.id)).toEqual([]);
    expect(skipped.length).toBeLessThanOrEqual(Math.floor(limbo.testcases.length * 0.1));
  });
});
