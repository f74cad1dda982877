// The README's first quick-start command is `npm ci && npm run demo`: this keeps
// it true. The demo runs every part (scripts/demo/*.sh) on data it generates,
// against the built CLI, and must finish with exit 0; each part's key answers
// are checked so a part that silently stops showing its capability fails too.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run.js';

function demo(): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts/demo.sh')], { cwd: ROOT, env: { ...process.env, CCMKIT_WORKSPACE: '', CCMKIT_PASSPHRASE: '' } });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out: Buffer.concat(out).toString() }));
  });
}

describe('npm run demo', () => {
  it('runs every part on generated data and exits 0', async () => {
    const r = await demo();
    expect(r.code, r.out.slice(-3000)).toBe(0);
    expect(r.out).toContain('demo finished: every step above ran on data generated in');
    // One answer per part that only the real capability gives.
    expect(r.out).toMatch(/SCM\.\d{4}/); // a pre-flight names CCM's error code
    expect(r.out).toContain('PCA.00030201'); // the offline CA keeps PCA's state machine
    expect(r.out).toMatch(/workspace: OK/);
    expect(r.out).toMatch(/already in SCM as scs\d+: nothing imported/); // the sync client never imports twice
    expect(r.out).toMatch(/SCM certificates: 1 listed, 0 new or changed; 0 downloaded/); // incremental pull
    expect(r.out).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace anywhere
  }, 600_000);
});
