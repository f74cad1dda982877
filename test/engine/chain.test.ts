// Chain building over the in-memory PKI (pinned to REF): ordering, trust,
// preference, cross-signs, distractors, cycles, caps, constraints, names.
import { describe, expect, it } from 'vitest';
import { buildChains, dnsMatches, nameMismatch, orderForCcm, verifyChain, type Chain } from '../../src/engine/chain.js';
import { parseCertificate } from '../../src/engine/certificate.js';
import { CcmError } from '../../src/engine/errors.js';
import { chain, issue, key, REF, type Issued } from '../helpers/pki.js';

const DAY = 24 * 3600 * 1000;
const cns = (c: Chain | undefined): string[] => (c ? c.certificates.map((x) => x.cert.subject.rdns.at(-1)![0]!.value) : []);
const shuffle = <T>(a: T[], seed: number): T[] => {
  const out = a.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

describe('buildChains: ordering an unordered bag', () => {
  for (const depth of [1, 2, 3, 4]) {
    it(`depth ${depth}: shuffled bag with duplicates gives leaf > intermediates > root`, () => {
      const p = chain(depth);
      const bag = shuffle([p.leaf.der, p.root.der, ...p.intermediates.map((i) => i.der), p.root.der, p.leaf.der], depth);
      const r = buildChains(bag, { at: REF });
      expect(r.leaves).toHaveLength(1);
      const best = r.leaves[0]!.chains[0]!;
      expect(cns(best)).toEqual(['www.example.com', ...p.intermediates.map((_, i) => `Test Intermediate ${depth - 1 - i}`), 'Test Root']);
      expect(best.anchor).toBe('self-signed-in-input');
      expect(best.complete).toBe(true);
      expect(best.valid).toBe(true);
      expect(r.missingIssuers).toEqual([]);
      expect(r.unused).toEqual([]);
    });
  }

  it('result does not depend on input order', () => {
    const p = chain(3);
    const d = issue({ cn: 'Test Intermediate 1', ca: true, issuer: p.root }); // same subject, other key
    const all = [p.leaf.der, p.root.der, ...p.intermediates.map((i) => i.der), d.der];
    const first = cns(buildChains(all, { at: REF }).leaves[0]!.chains[0]);
    for (let seed = 1; seed < 8; seed++) expect(cns(buildChains(shuffle(all, seed), { at: REF }).leaves[0]!.chains[0])).toEqual(first);
  });

  it('names the missing issuer (DN and AKI) and reports the bag incomplete', () => {
    const p = chain(3);
    const r = buildChains([p.leaf.der, p.root.der, p.intermediates[1]!.der], { at: REF });
    const best = r.leaves[0]!.chains[0]!;
    expect(best.complete).toBe(false);
    expect(best.anchor).toBe('none');
    expect(best.problems[0]!.kind).toBe('missing-issuer');
    expect(r.missingIssuers).toHaveLength(1);
    const leaf = parseCertificate(p.leaf.der);
    expect(r.missingIssuers[0]).toEqual({
      for: best.certificates[0]!.sha256,
      issuer: 'O=ccmkit test, CN=Test Intermediate 2',
      authority_key_id: leaf.extensions.authorityKeyId,
    });
    // The root and the orphaned intermediate chain to nothing the leaf uses.
    expect(r.unused.map((u) => u.cert.subject.rdns.at(-1)![0]!.value).sort()).toEqual(['Test Intermediate 1', 'Test Root']);
  });

  it('a certificate with the issuer key id but another name is named as a near miss', () => {
    const p = chain(2);
    const renamed = issue({ cn: 'Renamed Intermediate', ca: true, issuer: p.root, key: p.intermediates[0]!.key });
    const r = buildChains([p.leaf.der, renamed.der, p.root.der], { at: REF });
    const hint = r.leaves[0]!.chains[0]!.problems[0]!.hint;
    expect(hint).toMatch(/^issuer "O=ccmkit test, CN=Test Intermediate 1" \(authority key id [0-9a-f]{40}\) is not in the input; O=ccmkit test, CN=Renamed Intermediate \(sha256 [0-9a-f]{16}\.\.\.\) has that key id but its subject is not the issuer name$/);
  });

  it('with roots given, only they anchor; a bag root that is not among them is reported', () => {
    const p = chain(2);
    const other = issue({ cn: 'Other Root', ca: true });
    const trusted = buildChains([p.leaf.der, p.intermediates[0]!.der], { at: REF, roots: [p.root.der] });
    expect(trusted.leaves[0]!.chains[0]!.anchor).toBe('trusted');
    expect(cns(trusted.leaves[0]!.chains[0])).toEqual(['www.example.com', 'Test Intermediate 1', 'Test Root']);
    const untrusted = buildChains([p.leaf.der, p.intermediates[0]!.der, p.root.der], { at: REF, roots: [other.der] });
    const best = untrusted.leaves[0]!.chains[0]!;
    expect(best.complete).toBe(false);
    expect(best.problems.map((x) => x.kind)).toContain('untrusted-root');
    expect(untrusted.missingIssuers).toEqual([]);
  });

  it('a self-signed end-entity certificate anchors itself (and only itself) when no roots are given', () => {
    const self = issue({ cn: 'self.example' });
    const r = buildChains([self.der], { at: REF });
    expect(r.leaves[0]!.chains[0]).toMatchObject({ anchor: 'self-signed-in-input', complete: true });
    const child = issue({ cn: 'child.example', issuer: self });
    const c = buildChains([child.der, self.der], { at: REF });
    const mine = c.leaves.find((l) => l.leaf.cert.subject.rdns.at(-1)![0]!.value === 'child.example')!;
    expect(mine.chains[0]!.complete).toBe(false);
    expect(mine.chains[0]!.problems.map((x) => x.kind)).toContain('untrusted-root');
    expect(buildChains([self.der], { at: REF, roots: [chain(1).root.der] }).leaves[0]!.chains[0]!.complete).toBe(false);
  });

  it('a distractor with the issuer name but another key is not used, and the hint says why', () => {
    const p = chain(2);
    const distractor = issue({ cn: 'Test Intermediate 1', ca: true, issuer: p.root });
    const ok = buildChains([p.leaf.der, distractor.der, p.intermediates[0]!.der, p.root.der], { at: REF });
    expect(ok.leaves[0]!.chains).toHaveLength(1);
    expect(ok.unused.map((u) => u.sha256)).toEqual([ok.unused[0]!.sha256]);
    const only = buildChains([p.leaf.der, distractor.der, p.root.der], { at: REF });
    const best = only.leaves[0]!.chains[0]!;
    expect(best.problems.map((x) => x.kind)).toEqual(['missing-issuer', 'bad-signature']);
  });
});

describe('preference between several chains', () => {
  // I (one key) is cross-signed by two roots: two chains for one leaf.
  function crossSigned(o: { aNotAfter?: Date; bNotAfter?: Date } = {}): { leaf: Issued; ia: Issued; ib: Issued; ra: Issued; rb: Issued } {
    const ra = issue({ cn: 'Root A', ca: true });
    const rb = issue({ cn: 'Root B', ca: true });
    const k = key('EC256');
    const ia = issue({ cn: 'Cross CA', ca: true, issuer: ra, key: k, notAfter: o.aNotAfter });
    const ib = issue({ cn: 'Cross CA', ca: true, issuer: rb, key: k, notAfter: o.bNotAfter });
    const leaf = issue({ cn: 'leaf.example', issuer: ia });
    return { leaf, ia, ib, ra, rb };
  }

  it('returns every chain, the valid one first', () => {
    const x = crossSigned({ aNotAfter: new Date(REF.getTime() - DAY) });
    const r = buildChains([x.leaf.der, x.ia.der, x.ib.der, x.ra.der, x.rb.der], { at: REF });
    const chains = r.leaves[0]!.chains;
    expect(chains.map(cns)).toEqual([
      ['leaf.example', 'Cross CA', 'Root B'],
      ['leaf.example', 'Cross CA', 'Root A'],
    ]);
    expect(chains[1]!.problems.map((p) => p.kind)).toEqual(['expired']);
  });

  it('prefers a trusted anchor over a self-signed one of the input', () => {
    const x = crossSigned();
    const r = buildChains([x.leaf.der, x.ia.der, x.ib.der, x.ra.der], { at: REF, roots: [x.rb.der] });
    expect(r.leaves[0]!.chains.map((c) => c.anchor)).toEqual(['trusted', 'none']);
  });

  it('prefers intermediates that outlive the leaf, then later expiry', () => {
    const soon = new Date(REF.getTime() + 30 * DAY);
    const x = crossSigned({ aNotAfter: soon });
    const r = buildChains([x.leaf.der, x.ia.der, x.ib.der, x.ra.der, x.rb.der], { at: REF });
    expect(cns(r.leaves[0]!.chains[0])).toEqual(['leaf.example', 'Cross CA', 'Root B']);
  });

  it('prefers the shorter chain', () => {
    const root = issue({ cn: 'Short Root', ca: true });
    const k = key('EC256');
    const direct = issue({ cn: 'Issuing CA', ca: true, issuer: root, key: k });
    const mid = issue({ cn: 'Middle CA', ca: true, issuer: root });
    const viaMid = issue({ cn: 'Issuing CA', ca: true, issuer: mid, key: k });
    const leaf = issue({ cn: 'leaf.example', issuer: direct });
    const r = buildChains(shuffle([leaf.der, viaMid.der, mid.der, direct.der, root.der], 3), { at: REF });
    expect(r.leaves[0]!.chains.map(cns)).toEqual([
      ['leaf.example', 'Issuing CA', 'Short Root'],
      ['leaf.example', 'Issuing CA', 'Middle CA', 'Short Root'],
    ]);
  });
});

describe('hostile bags are bounded', () => {
  it('a cycle of two CAs certifying each other terminates, incomplete', () => {
    const ka = key('EC256'), kb = key('EC256');
    const a0 = { der: Buffer.alloc(0), key: ka, name: [['O', 'ccmkit test'], ['CN', 'Loop A']] as [string, string][] };
    const b = issue({ cn: 'Loop B', ca: true, issuer: a0, key: kb });
    const a = issue({ cn: 'Loop A', ca: true, issuer: b, key: ka });
    const leaf = issue({ cn: 'leaf.example', issuer: b });
    const r = buildChains([leaf.der, a.der, b.der], { at: REF });
    const l = r.leaves[0]!;
    expect(l.chains.every((c) => !c.complete)).toBe(true);
    expect(cns(l.chains[0])).toEqual(['leaf.example', 'Loop B', 'Loop A']);
  });

  it('a mesh of 40 CAs with one name, all cross-signing each other, costs at most maxSignatureChecks per leaf', () => {
    const keys = Array.from({ length: 40 }, (_, i) => key('EC256', 900 + i));
    const name: [string, string][] = [['O', 'ccmkit test'], ['CN', 'Mesh CA']];
    const certs: Buffer[] = [];
    for (let i = 0; i < 40; i++) for (const j of [(i + 1) % 40, (i + 7) % 40, (i + 13) % 40]) {
      certs.push(issue({ cn: 'Mesh CA', ca: true, key: keys[i]!, issuer: { der: Buffer.alloc(0), key: keys[j]!, name } }).der);
    }
    const leaf = issue({ cn: 'leaf.example', issuer: { der: Buffer.alloc(0), key: keys[0]!, name } });
    const t0 = performance.now();
    const r = buildChains([leaf.der, ...certs], { at: REF });
    const ms = performance.now() - t0;
    const l = r.leaves[0]!;
    expect(l.signatureChecks).toBeLessThanOrEqual(100);
    expect(l.chains.length).toBeGreaterThan(0);
    expect(l.chains.length).toBeLessThanOrEqual(16);
    expect(l.chains.every((c) => !c.complete)).toBe(true);
    console.log(`mesh of ${certs.length} cross-signs: ${l.signatureChecks} signature checks, ${l.chains.length} chains, ${ms.toFixed(0)} ms`);
  });

  it('a 10,000-deep chain stops at maxDepth with a too-deep problem', () => {
    const k = key('EC256', 1);
    const name = (i: number): [string, string][] => [['CN', `Deep ${i}`]];
    let parent: Issued = { der: Buffer.alloc(0), key: k, name: name(0) };
    const certs: Buffer[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const c = issue({ cn: `Deep ${i}`, ca: true, issuer: parent, key: k, noKeyIds: true });
      parent = { ...c, name: [['O', 'ccmkit test'], ['CN', `Deep ${i}`]] };
      certs.push(c.der);
    }
    const leaf = issue({ cn: 'leaf.example', issuer: parent, key: k, noKeyIds: true });
    const t0 = performance.now();
    const r = buildChains([...certs.reverse(), leaf.der], { at: REF });
    console.log(`10,000-deep chain: built in ${(performance.now() - t0).toFixed(0)} ms`);
    const l = r.leaves.find((x) => x.leaf.cert.subject.rdns.at(-1)![0]!.value === 'leaf.example')!;
    expect(l.chains[0]!.problems.map((p) => p.kind)).toContain('too-deep');
    // leaf + 8 intermediates + the one that would have needed to be an anchor
    expect(l.chains[0]!.certificates).toHaveLength(10);
    expect(l.signatureChecks).toBeLessThanOrEqual(10);
  });

  it('a leaf of nearly 1 MiB (40,000 SANs) builds and is checked in bounded time', () => {
    const p = chain(2);
    const sans = Array.from({ length: 40_000 }, (_, i) => ({ type: 'DNS' as const, value: `host${i}.example.com` }));
    const big = issue({ cn: 'big.example', issuer: p.intermediates[0]!, sans });
    expect(big.der.length).toBeGreaterThan(800_000);
    const r = verifyChain(big.der, { roots: [p.root.der], untrusted: [p.intermediates[0]!.der], at: REF, hostname: 'host39999.example.com' });
    expect(r.valid).toBe(true);
    expect(verifyChain(big.der, { roots: [p.root.der], untrusted: [p.intermediates[0]!.der], at: REF, hostname: 'nope.example.com' }).reason).toMatch(/no DNS SAN matches nope\.example\.com \(the certificate names host0\.example\.com, .*, \.\.\.\)/);
  });

  it('a broken leaf signature is reported as bad-signature with a missing issuer', () => {
    const p = chain(2);
    const broken = Buffer.from(p.leaf.der);
    broken[broken.length - 5] = broken[broken.length - 5]! ^ 0x55;
    const r = buildChains([broken, p.intermediates[0]!.der, p.root.der], { at: REF });
    expect(r.leaves[0]!.chains[0]!.problems.map((x) => x.kind)).toEqual(['missing-issuer', 'bad-signature']);
  });

  it('unparseable certificates are rejected, not thrown', () => {
    const p = chain(1);
    const r = buildChains([Buffer.from('garbage'), p.leaf.der.subarray(0, 40), { der: p.root.der, source: 'r#1' }, { der: p.leaf.der, source: 'l#1' }], { at: REF });
    expect(r.rejected).toHaveLength(2);
    expect(r.leaves[0]!.chains[0]!.complete).toBe(true);
    expect(r.leaves[0]!.leaf.source).toBe('l#1');
  });
});

describe('validation', () => {
  it('checks validity at `at` in whole seconds', () => {
    const nb = new Date('2025-01-01T00:00:00Z');
    const root = issue({ cn: 'R', ca: true });
    const leaf = issue({ cn: 'leaf.example', issuer: root, notBefore: nb, notAfter: new Date('2025-12-31T23:59:59Z') });
    const v = (at: string) => verifyChain(leaf.der, { roots: [root.der], at: new Date(at) });
    expect(v('2025-01-01T00:00:00.000Z').valid).toBe(true);
    expect(v('2024-12-31T23:59:59.999Z').problems.map((p) => p.kind)).toEqual(['not-yet-valid']);
    expect(v('2025-12-31T23:59:59.999Z').valid).toBe(true);
    expect(v('2026-01-01T00:00:00Z').problems.map((p) => p.kind)).toEqual(['expired']);
  });

  it('enforces cA, keyCertSign and pathLenConstraint', () => {
    const root = issue({ cn: 'R', ca: true, pathLength: 0 });
    const i1 = issue({ cn: 'I1', ca: true, issuer: root });
    const leaf = issue({ cn: 'leaf.example', issuer: i1 });
    const r = verifyChain(leaf.der, { roots: [root.der], untrusted: [i1.der], at: REF });
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(['path-length']);
    const notCa = issue({ cn: 'Not CA', issuer: root, sans: [] });
    const leaf2 = issue({ cn: 'leaf.example', issuer: notCa });
    const r2 = verifyChain(leaf2.der, { roots: [root.der], untrusted: [notCa.der], at: REF });
    expect(r2.problems.map((p) => p.kind)).toContain('not-ca');
  });

  it('checks the host name and IP against the SANs', () => {
    const root = issue({ cn: 'R', ca: true });
    const leaf = issue({ cn: 'x', issuer: root, sans: [{ type: 'DNS', value: '*.example.com' }, { type: 'DNS', value: 'Exact.Example.ORG' }, { type: 'IP', value: '2001:db8::1' }] });
    const v = (o: { hostname?: string; ip?: string }) => verifyChain(leaf.der, { roots: [root.der], at: REF, ...o }).valid;
    expect(v({ hostname: 'www.example.com' })).toBe(true);
    expect(v({ hostname: 'exact.example.org.' })).toBe(true);
    expect(v({ hostname: 'a.b.example.com' })).toBe(false);
    expect(v({ hostname: 'example.com' })).toBe(false);
    expect(v({ ip: '2001:0db8:0:0::1' })).toBe(true);
    expect(v({ ip: '10.0.0.1' })).toBe(false);
    expect(nameMismatch(parseCertificate(leaf.der), 'nope.test')).toMatch(/no DNS SAN matches nope.test/);
  });

  it('wildcards match the leftmost label only', () => {
    const table: [string, string, boolean][] = [
      ['*.example.com', 'a.example.com', true],
      ['*.example.com', 'A.EXAMPLE.COM'.toLowerCase(), true],
      ['*.example.com', 'example.com', false],
      ['*.example.com', 'a.b.example.com', false],
      ['a.*.example.com', 'a.b.example.com', false],
      ['f*.example.com', 'foo.example.com', false],
      ['*.com', 'example.com', false],
      ['*', 'localhost', false],
    ];
    for (const [pattern, host, want] of table) expect(dnsMatches(pattern, host), `${pattern} ~ ${host}`).toBe(want);
  });

  it('rejects a bad --ip as a usage error', () => {
    const p = chain(1);
    expect(() => verifyChain(p.leaf.der, { roots: [p.root.der], at: REF, ip: '10.0.0.x' })).toThrow(CcmError);
  });
});

describe('orderForCcm', () => {
  it('gives the leaf and intermediates..root, whatever the input order', () => {
    const p = chain(3);
    const r = orderForCcm(shuffle([p.root.der, p.leaf.der, ...p.intermediates.map((i) => i.der)], 5), REF);
    expect(r.leaf.der.equals(p.leaf.der)).toBe(true);
    expect(r.chain.map((c) => c.der)).toEqual([...p.intermediates.map((i) => i.der), p.root.der]);
    expect(r.complete).toBe(true);
  });

  it('refuses input with no leaf or two leaves with PCA.00020403', () => {
    const p = chain(1);
    const q = issue({ cn: 'other.example', issuer: p.root });
    expect(() => orderForCcm([p.leaf.der, q.der, p.root.der], REF)).toThrow(/2 leaf certificates/);
    expect(() => orderForCcm([], REF)).toThrow(/No leaf/);
  });
});
