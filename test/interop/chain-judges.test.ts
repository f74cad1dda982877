// Chain validation judged by OpenSSL and pyca (issue #17). A Python script
// (chain_cases.py) makes constrained hierarchies and one case per rule with
// pyca/cryptography, and the openssl CLI where pyca refuses (serial 0, negative
// or 22-octet serials, SHA-1 signatures); it also records pyca's verdict from
// its PolicyBuilder verifier. Here each case is validated by ccmkit's engine and
// by `openssl verify -x509_strict -purpose sslserver -auth_level 1` (level 1 is
// OpenSSL's default security level in TLS; `verify` alone checks no level). ccmkit must give the
// verdict the case states, and each judge must give its verdict too: the same
// one, or the documented one where that judge is known to differ (the reason
// is in the case). A judge changing its mind fails the test, so the table of
// differences stays true.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain, type ChainProfile, type Purpose } from '../../src/engine/chain.js';
import { parsePem } from '../../src/engine/pem.js';
import { REF } from '../helpers/pki.js';
import { run, tempDir } from '../helpers/run.js';

interface Case {
  id: string;
  desc: string;
  expect: 'ok' | 'fail';
  kind: string | null;
  profile: ChainProfile | null;
  purpose: Purpose | null;
  host: string | null;
  ip: string | null;
  max_depth: number | null;
  trusted: string[];
  untrusted: string[];
  leaf: string;
  crls: string[];
  openssl: [string, string | null] | null;
  pyca: string;
  pyca_expect: [string, string | null];
}

const tmp = tempDir('ccmkit-judges-');
afterAll(() => tmp.cleanup());
// Generated while the file is collected, so that every case is its own test.
const gen = run('python3', [join(import.meta.dirname, 'chain_cases.py'), tmp.dir]);
if (gen.code !== 0) throw new Error(`chain_cases.py failed: ${gen.stderr}`);
const cases = JSON.parse(readFileSync(join(tmp.dir, 'cases.json'), 'utf8')) as Case[];

const ders = (pems: string[]): Buffer[] => pems.flatMap((p) => parsePem(p).map((b) => b.der));

function ccmkitVerdict(c: Case): { verdict: 'ok' | 'fail'; kinds: string[]; reason?: string } {
  const r = verifyChain(ders([c.leaf])[0]!, {
    roots: ders(c.trusted),
    untrusted: ders(c.untrusted),
    at: REF,
    ...(c.host ? { hostname: c.host } : {}),
    ...(c.ip ? { ip: c.ip } : {}),
    ...(c.purpose ? { purpose: c.purpose } : {}),
    ...(c.max_depth !== null ? { maxDepth: c.max_depth } : {}),
    profile: c.profile ?? false,
    crls: ders(c.crls),
  });
  const out: { verdict: 'ok' | 'fail'; kinds: string[]; reason?: string } = { verdict: r.valid ? 'ok' : 'fail', kinds: r.problems.map((p) => p.kind) };
  if (r.reason) out.reason = r.reason;
  return out;
}

function opensslVerdict(c: Case): { verdict: 'ok' | 'fail'; out: string } {
  const dir = join(tmp.dir, c.id);
  run('mkdir', ['-p', dir]);
  const f = (n: string, text: string): string => {
    writeFileSync(join(dir, n), text);
    return join(dir, n);
  };
  const args = ['verify', '-x509_strict', '-purpose', 'sslserver', '-auth_level', '1', '-attime', String(Math.floor(REF.getTime() / 1000)), '-CAfile', f('roots.pem', c.trusted.join(''))];
  if (c.untrusted.length) args.push('-untrusted', f('untrusted.pem', c.untrusted.join('')));
  if (c.host) args.push('-verify_hostname', c.host);
  if (c.ip) args.push('-verify_ip', c.ip);
  if (c.max_depth !== null) args.push('-verify_depth', String(c.max_depth));
  if (c.crls.length) args.push('-crl_check', '-CRLfile', f('crls.pem', c.crls.join('')));
  args.push(f('leaf.pem', c.leaf));
  const r = run('openssl', args);
  return { verdict: r.code === 0 ? 'ok' : 'fail', out: (r.stdout + r.stderr).replace(/\s+/g, ' ').trim() };
}

describe('chain validation judged by OpenSSL and pyca', () => {
  it('generates the cases', () => {
    expect(cases.length).toBeGreaterThan(60);
  });

  for (const c of cases) {
    const id = c.id;
    it(`${id}: ${c.desc}`, () => {
      const mine = ccmkitVerdict(c);
      expect(mine.verdict, `${id} (${c.desc}): ccmkit says ${mine.reason ?? 'ok'}`).toBe(c.expect);
      if (c.expect === 'fail' && c.kind) expect(mine.kinds, `${id}: ${mine.reason}`).toContain(c.kind);
      const o = opensslVerdict(c);
      const wantO = c.openssl?.[0] ?? c.expect;
      expect(o.verdict, `${id}: openssl ${o.out}${c.openssl?.[1] ? ` (documented: ${c.openssl[1]})` : ''}`).toBe(wantO);
      const wantP = c.pyca_expect[0];
      expect(c.pyca.startsWith(wantP) ? wantP : c.pyca, `${id}: pyca ${c.pyca}${c.pyca_expect[1] ? ` (documented: ${c.pyca_expect[1]})` : ''}`).toBe(wantP);
    });
  }

  it('the judges agree with ccmkit on most cases, and every difference is documented', () => {
    const agreeO = cases.filter((c) => (c.openssl?.[0] ?? c.expect) === c.expect).length;
    const agreeP = cases.filter((c) => c.pyca_expect[0] === c.expect).length;
    console.log(`chain judges: ${cases.length} cases; OpenSSL agrees on ${agreeO}, pyca on ${agreeP} (differences documented per case)`);
    expect(agreeO).toBeGreaterThan(cases.length / 2);
  });
});
