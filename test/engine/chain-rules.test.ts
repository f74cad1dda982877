// Engine-level behaviour of issue #17 that the judge cases do not isolate:
// ranking by the same rules (a name-constrained path loses to a clean one),
// the purpose default, chaining without AKI, and CRLs of same-name CAs.
import { describe, expect, it } from 'vitest';
import { buildChains, chainForLeaf, verifyChain } from '../../src/engine/chain.js';
import { authorityKeyIdExt, basicConstraintsExt, buildCertificate, extKeyUsageExt, keyIdentifier, keyUsageExt, spkiOf, subjectAltNameExt } from '../../src/engine/builder.js';
import { parseCertificate } from '../../src/engine/certificate.js';
import { buildCrl, revokedList } from '../../src/engine/crl.js';
import { ctx, ctxPrim, seq, tlv } from '../../src/engine/der.js';
import { OID } from '../../src/engine/oids.js';
import { REF, issue, key } from '../helpers/pki.js';

const ncExt = (excludedDns: string) => ({ oid: OID.nameConstraints, critical: true, value: seq(tlv(ctx(1), seq(tlv(ctxPrim(2), Buffer.from(excludedDns))))) });

describe('chain build ranks with the validation rules', () => {
  it('of two paths to trusted roots, the one whose CA excludes the leaf name loses', () => {
    const rootA = issue({ cn: 'Rank Root A', ca: true });
    const rootB = issue({ cn: 'Rank Root B', ca: true });
    const caKey = key('EC256');
    // One CA (same name, same key), cross-certified by both roots; A's copy excludes example.com.
    const viaA = issue({ cn: 'Rank CA', ca: true, key: caKey, issuer: rootA, extensions: [ncExt('example.com')] });
    const viaB = issue({ cn: 'Rank CA', ca: true, key: caKey, issuer: rootB });
    const leaf = issue({ cn: 'www.example.com', issuer: viaB });
    const r = buildChains([leaf.der, viaA.der, viaB.der], { at: REF, roots: [rootA.der, rootB.der] });
    const chains = r.leaves[0]!.chains;
    expect(chains.length).toBe(2);
    expect(chains[0]!.valid).toBe(true);
    expect(chains[0]!.certificates[2]!.cert.subject.rdns[1]![0]!.value).toBe('Rank Root B');
    expect(chains[1]!.problems.map((p) => p.kind)).toEqual(['name-constraints']);
    // The pre-flight orders the same way.
    const pre = chainForLeaf(parseCertificate(leaf.der), [viaA, viaB, rootA, rootB].map((x) => parseCertificate(x.der)), REF);
    expect(pre.chain[0]!.der.equals(parseCertificate(viaB.der).der)).toBe(true);
  });
});

describe('purpose', () => {
  it('defaults to serverAuth with a host name, any without', () => {
    const root = issue({ cn: 'Purpose Root', ca: true });
    const k = key('EC256');
    const leaf = buildCertificate({
      serial: 4242n,
      subject: [['CN', 'c.example.com']],
      issuer: root.name,
      notBefore: new Date(REF.getTime() - 86400e3),
      notAfter: new Date(REF.getTime() + 86400e3 * 30),
      publicKey: spkiOf(k),
      extensions: [
        authorityKeyIdExt(keyIdentifier(spkiOf(root.key))),
        basicConstraintsExt(false),
        keyUsageExt(['digitalSignature']),
        extKeyUsageExt(['clientAuth']),
        subjectAltNameExt([{ type: 'DNS', value: 'c.example.com' }]),
      ],
      signingKey: root.key,
      hash: 'SHA256',
    });
    expect(verifyChain(leaf, { roots: [root.der], at: REF }).valid).toBe(true);
    const r = verifyChain(leaf, { roots: [root.der], at: REF, hostname: 'c.example.com' });
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(['extended-key-usage']);
    expect(verifyChain(leaf, { roots: [root.der], at: REF, hostname: 'c.example.com', purpose: 'clientAuth' }).valid).toBe(true);
  });
});

describe('chaining without authorityKeyIdentifier', () => {
  it('a cross-certified CA without AKI still chains by name and signature; the rfc5280 profile names the missing AKI', () => {
    const root = issue({ cn: 'NoAKI Root', ca: true });
    const ca = issue({ cn: 'NoAKI CA', ca: true, issuer: root, noKeyIds: true });
    const leaf = issue({ cn: 'www.example.com', issuer: ca, noKeyIds: true });
    const loose = verifyChain(leaf.der, { roots: [root.der], untrusted: [ca.der], at: REF, profile: false });
    expect(loose.valid).toBe(true);
    expect(loose.chain!.certificates.length).toBe(3);
    const strict = verifyChain(leaf.der, { roots: [root.der], untrusted: [ca.der], at: REF });
    expect(strict.chain!.complete).toBe(true);
    expect(strict.problems.filter((p) => p.kind === 'profile').map((p) => p.rule)).toContain('RFC 5280 4.2.1.1');
  });
});

describe('CRLs of same-name CAs', () => {
  it("a CRL with the issuer's name signed by another same-name CA of the input is that CA's, not an error", () => {
    const rootA = issue({ cn: 'Twin Root', ca: true });
    const rootB = issue({ cn: 'Twin Root', ca: true });
    const leaf = issue({ cn: 'www.example.com', issuer: rootA });
    const crl = (name: Buffer, signer: ReturnType<typeof issue>): Buffer =>
      Buffer.concat(buildCrl({ issuer: name, authorityKeyId: keyIdentifier(spkiOf(signer.key)), signingKey: signer.key, hash: 'SHA256', thisUpdate: new Date(REF.getTime() - 86400e3), nextUpdate: new Date(REF.getTime() + 86400e3 * 7), crlNumber: 3n, revoked: revokedList([]) }).chunks);
    const nameA = parseCertificate(rootA.der).subject.der;
    const crlByB = crl(nameA, rootB);
    const ok = verifyChain(leaf.der, { roots: [rootA.der, rootB.der], at: REF, crls: [crlByB] });
    expect(ok.valid).toBe(true);
    const stranger = issue({ cn: 'Stranger', ca: true });
    const forged = crl(nameA, stranger);
    const bad = verifyChain(leaf.der, { roots: [rootA.der, rootB.der], at: REF, crls: [forged] });
    expect(bad.valid).toBe(false);
    expect(bad.problems.map((p) => p.kind)).toEqual(['crl']);
    expect(bad.reason).toMatch(/signature does not verify with the issuer's key/);
  });
});

describe('path search tries clean candidates first', () => {
  it('one clean cross-sign among 40 whose EKU excludes serverAuth is found within a budget of 4 chains', () => {
    const root = issue({ cn: 'Search Root', ca: true });
    const caKey = key('EC256');
    const emailOnly = Array.from({ length: 40 }, () => issue({ cn: 'Search CA', ca: true, key: caKey, issuer: root, extensions: [extKeyUsageExt(['emailProtection'])] }));
    const clean = issue({ cn: 'Search CA', ca: true, key: caKey, issuer: root });
    const leaf = issue({ cn: 'www.example.com', issuer: clean });
    const r = verifyChain(leaf.der, { roots: [root.der], untrusted: [...emailOnly, clean].map((x) => x.der), at: REF, hostname: 'www.example.com', maxChains: 4 });
    expect(r.valid).toBe(true);
    expect(r.chain!.certificates[1]!.cert.der.equals(clean.der)).toBe(true);
  });
});
