// Certificate chain building and validation (RFC 5280 6.1, simplified the way
// Go's crypto/x509 and pyca's verifier do it).
//
// Input is an unordered bag: leaves, intermediates, roots, duplicates and
// unrelated certificates in any order. Output is every chain from each leaf to
// an anchor, best first, each with typed problems, and the issuers that are
// missing (DN + authority key id) for chains that stop short.
//
// Bounded by construction: each leaf gets at most `maxSignatureChecks` issuer
// candidates considered (like Go's maxChainSignatureChecks), at most
// `maxDepth` intermediates, and at most `maxChains` chains, so a hostile bag
// (cycles, meshes of cross-signs, 10,000-deep chains) costs a bounded number of
// signature checks per leaf. Signature results are cached on (certificate
// fingerprint, issuer key) and KeyObjects are built once per issuer key, so
// cross-signed intermediates shared by thousands of leaves verify once.
//
// Pure: time comes in as `at`; no I/O.

import { createHash, type KeyObject } from 'node:crypto';
import { isSelfIssued, parseCertificate, verifyCertificateSignature, type Certificate } from './certificate.js';
import { CcmError, LocalCode } from './errors.js';
import { ecdsaSignerXs, pointX } from './ecdsa-recover.js';
import { ipToBytes } from './extensions.js';
import { nameKey, nameToString } from './name.js';
import { OID } from './oids.js';
import { publicKeyObject, publicKeyProblem } from './publickey.js';
import { checkRevocation, parseCrlForChain, type ChainCrl } from './chain-crl.js';
import { certificateFindings, type ChainProfile, type Purpose, type Role } from './chain-policy.js';
import { constrainedNames, parseNameConstraints, violation, type GeneralNameValue, type NameConstraints } from './name-constraints.js';

export { PROFILES, PURPOSES, type ChainProfile, type Purpose } from './chain-policy.js';

/**
 * Why a chain is incomplete or invalid, as a stable keyword.
 *
 * @example
 * ```ts
 * const expired = report.chains.some((c) => c.problems.some((p) => p.kind === 'expired'));
 * ```
 */
export type ChainProblemKind =
  | 'missing-issuer'
  | 'untrusted-root'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'not-ca'
  | 'path-length'
  | 'key-usage'
  | 'name-mismatch'
  | 'too-deep'
  | 'check-limit'
  | 'unhandled-critical-extension'
  | 'profile'
  | 'webpki'
  | 'name-constraints'
  | 'extended-key-usage'
  | 'weak-algorithm'
  | 'revoked'
  | 'crl'
  | 'invalid-public-key';

/**
 * One reason a chain is incomplete or invalid, with the certificate it
 * concerns (SHA-256) and the rule broken.
 *
 * @example
 * ```ts
 * for (const p of chain.problems) console.log(p.kind, p.hint, p.rule);
 * ```
 */
export interface ChainProblem {
  /** What kind of problem. */
  kind: ChainProblemKind;
  /** SHA-256 fingerprint (lower-case hex) of the certificate concerned. */
  certificate: string;
  /** What is wrong and, where it helps, what to do about it. */
  hint: string;
  /** The rule broken and where it comes from (`RFC 5280 4.2.1.10`, `CA/B BR 7.1.2.7.10`...), when one rule says it. */
  rule?: string;
}

/**
 * What a chain ends in: a trusted root that was given, a self-signed CA
 * found in the input (no roots given), or nothing (incomplete).
 *
 * @example
 * ```ts
 * if (chain.anchor === 'self-signed-in-input') console.log('anchored by a root from the input, not a trust store');
 * ```
 */
export type AnchorKind = 'trusted' | 'self-signed-in-input' | 'none';

/**
 * An issuer no certificate of the input provides: where a chain stops short.
 *
 * @example
 * ```ts
 * for (const m of result.missingIssuers) console.log('missing', m.issuer, m.authority_key_id);
 * ```
 */
export interface MissingIssuer {
  /** SHA-256 of the certificate whose issuer is missing. */
  for: string;
  /** The issuer DN that certificate names. */
  issuer: string;
  /** Its authority key identifier (hex), when it has one. */
  authority_key_id?: string;
}

/**
 * A certificate of the bag, parsed, as chains hold it.
 *
 * @example
 * ```ts
 * const leafCert: Certificate = chain.certificates[0]!.cert;
 * ```
 */
export interface ChainCert {
  /** The parsed certificate. */
  cert: Certificate;
  /** SHA-256 of its DER, lower-case hex. */
  sha256: string;
  /** Where it came from (`file#n`), when the caller said. */
  source?: string;
  /** True when it came from the trusted roots. */
  root: boolean;
}

/**
 * One chain from a leaf towards an anchor, every link's signature verified.
 *
 * @example
 * ```ts
 * const best: Chain | undefined = result.leaves[0]?.chains[0];
 * if (best?.valid) console.log(best.certificates.map((c) => c.cert.serial));
 * ```
 */
export interface Chain {
  /** Leaf first, then each issuer; the anchor (when found) last. */
  certificates: ChainCert[];
  /** What it ends in. */
  anchor: AnchorKind;
  /** True when the chain ends in an anchor. */
  complete: boolean;
  /** True when complete and no problem was found. */
  valid: boolean;
  /** Every problem found, the most telling first. */
  problems: ChainProblem[];
  /** For an incomplete chain: the issuer it lacks. */
  missingIssuer?: MissingIssuer;
}

/**
 * One leaf of a bag and every chain found for it.
 *
 * @example
 * ```ts
 * for (const l of result.leaves) console.log(l.leaf.source, l.chains.length, l.chains[0]?.valid);
 * ```
 */
export interface LeafChains {
  /** The leaf certificate. */
  leaf: ChainCert;
  /** Every chain found, best first (see `compareChains`). */
  chains: Chain[];
  /** Issuer candidates whose signature was considered (cached or not); at most maxSignatureChecks. */
  signatureChecks: number;
}

/**
 * How chains are built and judged.
 *
 * @example
 * ```ts
 * const options: ChainOptions = { at: new Date(), hostname: 'www.example.com', purpose: 'serverAuth', profile: 'webpki' };
 * ```
 */
export interface ChainOptions {
  /** The instant to check validity at (compared in whole seconds, as RFC 5280 encodes it). */
  at: Date;
  /**
   * Trusted roots. When given, only these anchor a chain. When absent,
   * self-signed CA certificates in the bag anchor it (private PKIs), and the
   * chain's anchor says "self-signed-in-input".
   */
  roots?: readonly CertInput[];
  /** Check the leaf's SANs against this DNS name (wildcards: leftmost label only). */
  hostname?: string;
  /** Check the leaf's SANs against this IP address. */
  ip?: string;
  /** Most intermediates between leaf and anchor (default 8, as pyca; openssl's -verify_depth counts the same). */
  maxDepth?: number;
  /** Issuer candidates considered per leaf (default 100, as Go's maxChainSignatureChecks). */
  maxSignatureChecks?: number;
  /** Chains kept per leaf (default 16). */
  maxChains?: number;
  /**
   * Profile rules on top of path validation: `rfc5280` (the default; `true`
   * says the same) checks what RFC 5280 requires of certificates (AKI/SKI,
   * criticality, serials, duplicate extensions...); `webpki` adds the CA/Browser
   * Forum Baseline Requirements; `false` checks none (name constraints, EKU and
   * algorithm strength still apply: they are path validation).
   */
  profile?: boolean | ChainProfile;
  /**
   * What the chain must be good for: the leaf's EKU must name it, and a CA's
   * EKU, when present, must allow it. Default serverAuth when `hostname` or
   * `ip` is given, otherwise any.
   */
  purpose?: Purpose;
  /** CRLs (DER) to check revocation against; a certificate is checked when a CRL of its issuer is given. */
  crls?: readonly Uint8Array[];
  /** Called after each leaf of buildChains, for a progress display (leaves done, leaves in all). */
  onLeaf?: (done: number, total: number) => void;
}

/**
 * A certificate for chain building: DER, an already parsed certificate, or
 * DER with the source it came from (reported back in `source`).
 *
 * @example
 * ```ts
 * const bag: CertInput[] = objects.filter((o) => o.kind === 'certificate').map((o) => ({ der: o.der, source: o.source }));
 * ```
 */
export type CertInput = Uint8Array | Certificate | { der: Uint8Array; source?: string };

/**
 * An input of the bag that is not a readable certificate.
 *
 * @example
 * ```ts
 * for (const r of result.rejected) console.log(r.source, r.message);
 * ```
 */
export interface RejectedInput {
  /** Where it came from, when known. */
  source?: string;
  /** Why it was rejected. */
  message: string;
}

/**
 * Every chain of every leaf of a bag.
 *
 * @example
 * ```ts
 * const { result } = buildChainReport(certBag(objects), { at: new Date() });
 * console.log(result.leaves.length, result.missingIssuers.length, result.unused.length);
 * ```
 */
export interface BuildResult {
  /** Each leaf with its chains, best first. */
  leaves: LeafChains[];
  /** Issuers missing for chains that stop short, deduplicated. */
  missingIssuers: MissingIssuer[];
  /** Certificates of the bag that are in no chain. */
  unused: ChainCert[];
  /** Inputs that are not parseable certificates. */
  rejected: RejectedInput[];
}

const DEFAULT_MAX_DEPTH = 8;
const DEFAULT_MAX_CHECKS = 100;
const DEFAULT_MAX_CHAINS = 16;

interface Node extends ChainCert {
  subjectKey: string;
  issuerKey: string;
  keyId: string;
  ski?: string;
  aki?: string;
  isCa: boolean;
  selfIssued: boolean;
  /** Carries a nameConstraints extension (parsed on first use). */
  hasNc: boolean;
}

/** Extensions whose critical flag ccmkit honours (RFC 5280 4.2: unknown critical extensions must fail). */
const HANDLED_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.certificatePolicies,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
  OID.crlDistributionPoints,
  OID.nameConstraints,
]);

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/**
 * A certificate in chain reports (the `certificates[]` shape of `chain build --json`).
 *
 * @example
 * ```ts
 * for (const c of report.chains[0]!.certificates) console.log(c.subject, c.not_after, c.sha256);
 * ```
 */
export interface CertSummary {
  /** Subject DN. */
  subject: string;
  /** Issuer DN. */
  issuer: string;
  /** Serial, upper-case hex. */
  serial: string;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
  /** notBefore, ISO 8601. */
  not_before: string;
  /** notAfter, ISO 8601. */
  not_after: string;
  /** Where it came from (`file#n`), when known. */
  source?: string;
}

export function summarise(c: ChainCert): CertSummary {
  const s: CertSummary = {
    subject: nameToString(c.cert.subject),
    issuer: nameToString(c.cert.issuer),
    serial: c.cert.serial,
    sha256: c.sha256,
    not_before: iso(c.cert.notBefore),
    not_after: iso(c.cert.notAfter),
  };
  if (c.source !== undefined) s.source = c.source;
  return s;
}

/**
 * A reusable index over a bag and its roots, with the signature cache and the
 * KeyObject cache. Build it once to build many leaves' chains.
 */
export class ChainIndex {
  readonly nodes: Node[] = [];
  readonly rejected: RejectedInput[] = [];
  private readonly byFp = new Map<string, Node>();
  private readonly bySubject = new Map<string, Node[]>();
  /** By subject key id: issuers must chain by name (RFC 5280 6.1.3), so this only explains near misses. */
  private readonly bySki = new Map<string, Node>();
  private readonly trusted = new Set<string>();
  private readonly keyObjects = new Map<string, KeyObject | null>();
  private readonly keyIndex = new Map<string, number>();
  private readonly sigCache = new Map<string, string | true>();
  private readonly crls: ChainCrl[] = [];
  readonly hasRoots: boolean;
  readonly opts: Required<Omit<ChainOptions, 'roots' | 'hostname' | 'ip' | 'crls' | 'profile' | 'onLeaf'>> & Pick<ChainOptions, 'hostname' | 'ip'> & { profile: ChainProfile | undefined };
  private readonly atSeconds: number;

  constructor(bag: readonly CertInput[], options: ChainOptions) {
    if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) {
      throw new CcmError(400, LocalCode.USAGE, 'chain building needs a valid `at` time.');
    }
    this.opts = {
      at: options.at,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      maxSignatureChecks: options.maxSignatureChecks ?? DEFAULT_MAX_CHECKS,
      maxChains: options.maxChains ?? DEFAULT_MAX_CHAINS,
      profile: options.profile === false ? undefined : options.profile === true || options.profile === undefined ? 'rfc5280' : options.profile,
      purpose: options.purpose ?? (options.hostname !== undefined || options.ip !== undefined ? 'serverAuth' : 'any'),
      hostname: options.hostname,
      ip: options.ip,
    };
    if (this.opts.ip !== undefined && !ipToBytes(this.opts.ip)) {
      throw new CcmError(400, LocalCode.USAGE, `"${this.opts.ip}" is not an IPv4 or IPv6 address.`);
    }
    // RFC 5280 times have whole seconds: compare floor(at), so that 5 ms past
    // notAfter is still inside the second notAfter names (x509-limbo notafter-fractional).
    this.atSeconds = Math.floor(options.at.getTime() / 1000);
    this.hasRoots = options.roots !== undefined;
    for (const r of options.roots ?? []) {
      const n = this.add(r, true);
      if (n) this.trusted.add(n.sha256);
    }
    for (const c of bag) this.add(c, false);
    for (const der of options.crls ?? []) {
      try {
        this.crls.push(parseCrlForChain(der));
      } catch (e) {
        this.rejected.push({ message: `CRL: ${(e as Error).message}` });
      }
    }
  }

  private add(input: CertInput, root: boolean): Node | undefined {
    let cert: Certificate;
    let source: string | undefined;
    try {
      if (input instanceof Uint8Array) cert = parseCertificate(input);
      else if ('tbs' in input) cert = input;
      else {
        source = input.source;
        cert = parseCertificate(input.der);
      }
    } catch (e) {
      // Hostile input must never escape as an exception: whatever the parser
      // throws (DerError, CcmError, or a RangeError on absurd lengths) rejects it.
      if (e instanceof Error) {
        this.rejected.push({ source, message: `not a parseable certificate: ${e.message}` });
        return undefined;
      }
      throw e;
    }
    // Not sha256Fingerprint / normalisedKey: their WeakMap caches, at 100k
    // certificates, cost more in GC than the hashing they save; the node keeps both.
    const sha256 = createHash('sha256').update(cert.der).digest('hex');
    const seen = this.byFp.get(sha256);
    if (seen) {
      // Duplicates collapse to one node; a root given twice (bag and --roots) stays trusted.
      if (root) seen.root = true;
      return seen;
    }
    const subjectKey = nameKey(cert.subject);
    const issuerKey = isSelfIssued(cert) ? subjectKey : nameKey(cert.issuer);
    const node: Node = {
      cert,
      sha256,
      root,
      subjectKey,
      issuerKey,
      keyId: cert.publicKey.id,
      isCa: cert.extensions.basicConstraints?.ca === true,
      selfIssued: isSelfIssued(cert) || subjectKey === issuerKey,
      hasNc: false,
    };
    for (const e of cert.extensions.list) if (e.oid === OID.nameConstraints) node.hasNc = true;
    if (source !== undefined) node.source = source;
    if (cert.extensions.subjectKeyId) node.ski = cert.extensions.subjectKeyId;
    if (cert.extensions.authorityKeyId) node.aki = cert.extensions.authorityKeyId;
    this.nodes.push(node);
    this.byFp.set(sha256, node);
    if (node.ski !== undefined && !this.bySki.has(node.ski)) this.bySki.set(node.ski, node);
    const list = this.bySubject.get(node.subjectKey);
    if (list) list.push(node);
    else this.bySubject.set(node.subjectKey, [node]);
    return node;
  }

  /** Does `issuer`'s key verify `child`'s signature? Cached on (child, issuer key). */
  private signedBy(child: Node, issuer: Node): string | true {
    let ki = this.keyIndex.get(issuer.keyId);
    if (ki === undefined) {
      ki = this.keyIndex.size;
      this.keyIndex.set(issuer.keyId, ki);
    }
    const ck = `${child.sha256}:${ki}`;
    const hit = this.sigCache.get(ck);
    if (hit !== undefined) return hit;
    let ko = this.keyObjects.get(issuer.keyId);
    if (ko === undefined) {
      try {
        ko = publicKeyObject(issuer.cert.publicKey);
      } catch {
        ko = null;
      }
      this.keyObjects.set(issuer.keyId, ko);
    }
    let res: string | true;
    if (ko === null) res = `the issuer's public key (${issuer.cert.publicKey.type}) cannot be used`;
    else {
      const v = verifyCertificateSignature(child.cert, issuer.cert.publicKey, ko);
      res = v.valid ? true : v.reason;
    }
    this.sigCache.set(ck, res);
    return res;
  }

  /**
   * How `n` anchors a chain, if it does: a trusted root; or, with no roots
   * given, a self-signed CA of the bag. A self-signed end-entity certificate
   * in leaf position anchors itself too (nothing is missing above it; openssl
   * verify accepts it given itself as CAfile), but never anchors others.
   */
  private anchorKind(n: Node, asLeaf = false): AnchorKind | undefined {
    if (this.hasRoots) return this.trusted.has(n.sha256) ? 'trusted' : undefined;
    if (n.selfIssued && (n.isCa || n.cert.version === 1 || asLeaf) && this.signedBy(n, n) === true) return 'self-signed-in-input';
    return undefined;
  }

  /** The leaves of the bag: end-entity certificates; when there are none, CA certificates that issued nothing in the bag. */
  leaves(): Node[] {
    const bag = this.nodes.filter((n) => !n.root || !this.hasRoots);
    const ee = bag.filter((n) => !n.isCa && !(n.selfIssued && n.cert.version === 1 && this.issuesSomething(n)));
    if (ee.length) return ee;
    return bag.filter((n) => !this.issuesSomething(n));
  }

  private issuedBy?: Map<string, Node[]>;

  /** Whether some other certificate of the bag names `n` as its issuer (name, and key id when both sides have one). */
  private issuesSomething(n: Node): boolean {
    if (!this.issuedBy) {
      this.issuedBy = new Map();
      for (const m of this.nodes) {
        const l = this.issuedBy.get(m.issuerKey);
        if (l) l.push(m);
        else this.issuedBy.set(m.issuerKey, [m]);
      }
    }
    for (const m of this.issuedBy.get(n.subjectKey) ?? []) {
      if (m !== n && (m.aki === undefined || n.ski === undefined || m.aki === n.ski)) return true;
    }
    return false;
  }

  /** Issuer candidates of `n` by name, the likeliest first: anchors, then AKI/SKI agreement. */
  private readonly candidateCache = new Map<string, Node[]>();

  private candidates(n: Node): Node[] {
    const ck = `${n.issuerKey}\u0000${n.aki ?? ''}`;
    const hit = this.candidateCache.get(ck);
    if (hit) return hit;
    const list = this.bySubject.get(n.issuerKey);
    if (!list) return [];
    const score = (c: Node): number => {
      let s = 0;
      if (n.aki !== undefined && c.ski !== undefined) s += n.aki === c.ski ? 0 : 4;
      else s += 1;
      if (this.anchorKind(c) === undefined) s += 2;
      // A candidate that breaks a rule on its own (expired, weak signature, an
      // EKU that excludes the purpose...) is tried after clean ones, so a
      // valid path through a sibling cross-sign is found before maxChains.
      if (this.staticProblems(c, this.anchorKind(c) ? 'anchor' : 'ca').length) s += 1;
      return s;
    };
    const sorted = list
      .map((c) => ({ c, s: score(c) }))
      .sort((a, b) => a.s - b.s || (a.c.sha256 < b.c.sha256 ? -1 : 1))
      .map((x) => x.c);
    this.candidateCache.set(ck, sorted);
    return sorted;
  }

  private readonly recovered = new Map<string, Node[]>();

  /**
   * Candidates in the order to try them: `candidates`, except that among many
   * same-named EC issuers with no key identifier to tell them apart, the one
   * whose key ECDSA recovery names (ecdsa-recover.ts) goes first, so one
   * verification finds the issuer instead of up to maxSignatureChecks. Pure
   * ordering: every link is still verified.
   */
  private issuerOrder(n: Node): Node[] {
    const list = this.candidates(n);
    if (list.length <= 4 || n.cert.signatureAlgorithm.keyType !== 'EC') return list;
    if (n.aki !== undefined && list[0]!.ski === n.aki) return list;
    const hit = this.recovered.get(n.sha256);
    if (hit) return hit;
    const curves = new Map<string, number>();
    for (const c of list) if (c.cert.publicKey.curve) curves.set(c.cert.publicKey.curve, (curves.get(c.cert.publicKey.curve) ?? 0) + 1);
    let order = list;
    for (const [curve, count] of curves) {
      // Recovery costs about 3 P-256 verifications and 10 on P-384/P-521 (OpenSSL's generic ECDH there).
      if (count <= (curve === 'P-256' ? 4 : 12)) continue;
      const xs = ecdsaSignerXs(curve, n.cert.signatureAlgorithm.hash, n.cert.tbs, n.cert.signature);
      const named = (c: Node): boolean => {
        const x = c.cert.publicKey.curve === curve ? pointX(c.cert.publicKey.ecPoint, curve) : undefined;
        return x !== undefined && xs.some((r) => r.equals(x));
      };
      if (xs.length) order = [...order.filter(named), ...order.filter((c) => !named(c))];
    }
    this.recovered.set(n.sha256, order);
    return order;
  }

  private validityProblem(n: Node): ChainProblem | undefined {
    const nb = Math.floor(n.cert.notBefore.getTime() / 1000);
    const na = Math.floor(n.cert.notAfter.getTime() / 1000);
    if (this.atSeconds < nb) return { kind: 'not-yet-valid', certificate: n.sha256, hint: `not valid before ${iso(n.cert.notBefore)}`, rule: 'RFC 5280 6.1.3 (a)(2)' };
    if (this.atSeconds > na) return { kind: 'expired', certificate: n.sha256, hint: `expired at ${iso(n.cert.notAfter)}`, rule: 'RFC 5280 6.1.3 (a)(2)' };
    return undefined;
  }

  /** A certificate with the right key id but another subject name: say so, it is the usual cause of a "missing" issuer that is there. */
  private nearMiss(n: Node): string {
    const k = n.aki === undefined ? undefined : this.bySki.get(n.aki);
    if (!k || k === n || k.subjectKey === n.issuerKey) return '';
    return `; ${nameToString(k.cert.subject)} (sha256 ${k.sha256.slice(0, 16)}...) has that key id but its subject is not the issuer name`;
  }

  /** Every chain of one leaf, best first. */
  chainsFor(leaf: Node | ChainCert): LeafChains {
    const start = this.byFp.get(leaf.sha256);
    if (!start) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'the leaf is not in the index');
    const found: Chain[] = [];
    const seen = new Set<string>();
    let checks = 0;
    let limited = false;
    const { maxDepth, maxSignatureChecks, maxChains } = this.opts;

    const record = (path: Node[], anchor: AnchorKind, extra: ChainProblem[], missing?: MissingIssuer): void => {
      const key = path.map((p) => p.sha256).join(',') + '|' + anchor;
      if (seen.has(key)) return;
      seen.add(key);
      const problems = [...extra, ...this.validate(path, anchor)];
      const chain: Chain = { certificates: path.slice(), anchor, complete: anchor !== 'none', valid: false, problems };
      chain.valid = chain.complete && problems.length === 0;
      if (missing) chain.missingIssuer = missing;
      found.push(chain);
    };

    const walk = (path: Node[]): void => {
      if (found.length >= maxChains) return;
      const cur = path[path.length - 1]!;
      const anchor = this.anchorKind(cur, path.length === 1);
      if (anchor) {
        record(path, anchor, []);
        return;
      }
      // path = leaf + intermediates so far (cur included): an anchor above cur
      // would make them the intermediates. Self-issued ones (a CA re-keying
      // under its own name) do not count (RFC 5280 6.1.4 (l)); a hard cap of
      // twice the limit still bounds a bag of nothing but self-issued CAs.
      let counted = 0;
      for (let i = 1; i < path.length; i++) if (!path[i]!.selfIssued) counted++;
      if (counted > maxDepth || path.length - 1 > 2 * maxDepth + 2) {
        record(path, 'none', [{ kind: 'too-deep', certificate: cur.sha256, hint: `more than ${maxDepth} intermediates before an anchor`, rule: 'RFC 5280 6.1.4 (l) / max depth' }]);
        return;
      }
      let extended = false;
      let hint: ChainProblem | undefined;
      const signers = new Set<string>();
      for (const cand of this.issuerOrder(cur)) {
        if (found.length >= maxChains) return;
        // An issuer whose SKI contradicts the child's AKI is only tried when no
        // agreeing one worked (Go tries them last too): distractors cost nothing.
        if (extended && cur.aki !== undefined && cand.ski !== undefined && cur.aki !== cand.ski) continue;
        // A signature verifies under one public key only: once a key has, candidates
        // with another key cannot, so they are not checked (issue 10 item 13).
        if (extended && !signers.has(cand.keyId)) continue;
        // Loops: a certificate, or the same subject and key (a cross-sign of one CA), at most once per chain.
        if (path.some((p) => p === cand || (p.subjectKey === cand.subjectKey && p.keyId === cand.keyId))) continue;
        if (checks >= maxSignatureChecks) {
          limited = true;
          break;
        }
        checks++;
        const ok = this.signedBy(cur, cand);
        if (ok !== true) {
          hint ??= { kind: 'bad-signature', certificate: cur.sha256, hint: `candidate issuer ${nameToString(cand.cert.subject)} (sha256 ${cand.sha256.slice(0, 16)}...) has the right name but its key does not verify this certificate: ${ok}`, rule: 'RFC 5280 6.1.3 (a)(1)' };
          continue;
        }
        extended = true;
        signers.add(cand.keyId);
        path.push(cand);
        walk(path);
        path.pop();
      }
      if (extended) return;
      if (limited) {
        record(path, 'none', [{ kind: 'check-limit', certificate: cur.sha256, hint: `stopped after ${maxSignatureChecks} issuer candidates for this leaf` }]);
        return;
      }
      const selfSigned = cur.selfIssued && this.signedBy(cur, cur) === true;
      if (selfSigned) {
        record(path, 'none', [{ kind: 'untrusted-root', certificate: cur.sha256, hint: this.hasRoots ? 'self-signed root that is not among the trusted roots' : 'self-signed certificate that is not a CA', rule: 'RFC 5280 6.1.1 (d) trust anchor' }]);
        return;
      }
      const missing: MissingIssuer = { for: cur.sha256, issuer: nameToString(cur.cert.issuer) };
      if (cur.aki !== undefined) missing.authority_key_id = cur.aki;
      const problems: ChainProblem[] = [
        {
          kind: 'missing-issuer',
          certificate: cur.sha256,
          hint: `issuer "${missing.issuer}"${cur.aki ? ` (authority key id ${cur.aki})` : ''} is not in the input${this.hasRoots ? ' or the trusted roots' : ''}${this.nearMiss(cur)}`,
          rule: 'RFC 5280 6.1 path to a trust anchor',
        },
      ];
      if (hint) problems.push(hint);
      record(path, 'none', problems, missing);
    };

    walk([start]);
    found.sort(compareChains);
    return { leaf: start, chains: found, signatureChecks: checks };
  }

  private readonly staticCache = new Map<string, ChainProblem[]>();

  /**
   * Problems of one certificate in one role (leaf, intermediate, anchor) that
   * do not depend on the rest of the chain: validity, unknown critical
   * extensions, the profile and purpose rules (chain-policy.ts). Cached:
   * thousands of leaves share intermediates.
   */
  private staticProblems(n: Node, role: Role): ChainProblem[] {
    const ck = `${n.sha256}:${role}`;
    const hit = this.staticCache.get(ck);
    if (hit) return hit;
    const out: ChainProblem[] = [];
    const v = this.validityProblem(n);
    if (v) out.push(v);
    // OpenSSL cannot load such a key ("unable to get certs public key"): no chain through it is valid.
    const keyProblem = publicKeyProblem(n.cert.publicKey);
    if (keyProblem) out.push({ kind: 'invalid-public-key', certificate: n.sha256, hint: `invalid public key: ${keyProblem}`, rule: 'SEC 1 3.2.2.1 / SP 800-56B 6.4.2.2 (public key validation)' });
    for (const e of n.cert.extensions.list) {
      if (e.critical && !HANDLED_CRITICAL.has(e.oid)) {
        out.push({ kind: 'unhandled-critical-extension', certificate: n.sha256, hint: `unknown critical extension ${e.oid}`, rule: 'RFC 5280 4.2' });
      }
    }
    const selfSigned = n.selfIssued && (role === 'anchor' || role === 'leaf-anchor');
    for (const f of certificateFindings(n.cert, role, { profile: this.opts.profile, purpose: this.opts.purpose, selfSigned, selfIssued: n.selfIssued, isCa: n.isCa })) {
      out.push({ kind: f.kind, certificate: n.sha256, hint: f.hint, rule: f.rule });
    }
    this.staticCache.set(ck, out);
    return out;
  }

  /** Problems of a chain other than how it ends: validity, CA constraints, names, profile, purpose, revocation. */
  private validate(path: Node[], anchor: AnchorKind): ChainProblem[] {
    const out: ChainProblem[] = [];
    const leaf = path[0]!;
    const last = path.length - 1;
    const anchored = anchor !== 'none';
    let nonSelfIssuedBelow = 0;
    let constrained = false;
    for (let i = 0; i < path.length; i++) {
      const n = path[i]!;
      const role: Role = i === 0 ? (anchored && last === 0 ? 'leaf-anchor' : 'leaf') : anchored && i === last ? 'anchor' : 'ca';
      out.push(...this.staticProblems(n, role));
      if (i > 0 && n.hasNc) constrained = true;
      const ex = n.cert.extensions;
      if (i > 0) {
        // RFC 5280 6.1.4 (k), (l), (m), (n): the issuer side of each link.
        if (!n.isCa) {
          out.push({ kind: 'not-ca', certificate: n.sha256, hint: ex.basicConstraints ? 'issues certificates but basicConstraints cA is false' : 'issues certificates but has no basicConstraints extension', rule: 'RFC 5280 6.1.4 (k)' });
        }
        if (ex.keyUsage && !ex.keyUsage.includes('keyCertSign')) {
          out.push({ kind: 'key-usage', certificate: n.sha256, hint: 'issues certificates but keyUsage lacks keyCertSign', rule: 'RFC 5280 6.1.4 (n)' });
        }
        const pl = ex.basicConstraints?.path_length;
        if (pl !== undefined && nonSelfIssuedBelow > pl) {
          out.push({ kind: 'path-length', certificate: n.sha256, hint: `pathLenConstraint ${pl} but ${nonSelfIssuedBelow} intermediates follow it`, rule: 'RFC 5280 6.1.4 (m)' });
        }
        // Self-issued intermediates do not count against path length (RFC 5280 4.2.1.9).
        if (!n.selfIssued) nonSelfIssuedBelow++;
      }
      if (i > 0 && this.crls.length) {
        const child = path[i - 1]!;
        for (const r of checkRevocation(this.crls, child.cert, n.cert, this.opts.at, (crl) => this.verifyCrl(crl, n), (crl) => this.crlSignedByOther(crl, n))) {
          out.push({ kind: r.revoked ? 'revoked' : 'crl', certificate: child.sha256, hint: r.hint, rule: r.rule });
        }
      }
    }
    if (constrained) out.push(...this.nameConstraintProblems(path));
    if (this.opts.hostname !== undefined || this.opts.ip !== undefined) {
      const m = nameMismatch(leaf.cert, this.opts.hostname, this.opts.ip);
      if (m) out.push({ kind: 'name-mismatch', certificate: leaf.sha256, hint: m, rule: 'RFC 6125 6.4' });
    }
    return out;
  }

  private readonly ncCache = new Map<string, NameConstraints>();
  private readonly namesCache = new Map<string, GeneralNameValue[] | string>();

  /**
   * RFC 5280 6.1: the constraints of every CA of the path (the anchor's
   * included, as pyca, Go and x509-limbo apply them) bind every certificate
   * below it, except self-issued intermediates (6.1.4 (g)); the leaf is always
   * bound. Each CA's subtrees are checked on their own, which is the
   * intersection 6.1.4 (g) computes.
   */
  private nameConstraintProblems(path: Node[]): ChainProblem[] {
    const out: ChainProblem[] = [];
    for (let j = 1; j < path.length; j++) {
      const ca = path[j]!;
      if (!ca.hasNc) continue;
      let nc = this.ncCache.get(ca.sha256);
      if (!nc) {
        const ext = ca.cert.extensions.list.find((e) => e.oid === OID.nameConstraints)!;
        nc = parseNameConstraints(ext.value);
        this.ncCache.set(ca.sha256, nc);
      }
      for (let i = 0; i < j; i++) {
        const n = path[i]!;
        if (i > 0 && n.selfIssued) continue;
        let names = this.namesCache.get(n.sha256);
        if (names === undefined) {
          names = constrainedNames(n.cert);
          this.namesCache.set(n.sha256, names);
        }
        const why = typeof names === 'string' ? names : violation(names, nc);
        if (why) {
          out.push({ kind: 'name-constraints', certificate: n.sha256, hint: `${why} (constraints of ${nameToString(ca.cert.subject)})`, rule: 'RFC 5280 4.2.1.10' });
          if (nc.malformed) return out;
        }
      }
    }
    return out;
  }

  private verifyCrl(crl: ChainCrl, issuer: Node): boolean {
    try {
      let ko = this.keyObjects.get(issuer.keyId);
      if (ko === undefined) {
        ko = publicKeyObject(issuer.cert.publicKey);
        this.keyObjects.set(issuer.keyId, ko);
      }
      if (ko === null) return false;
      return crl.verify(issuer.cert.publicKey, ko);
    } catch {
      return false;
    }
  }

  /**
   * Whether another CA of the input with the same name signed `crl`: then it is
   * that CA's CRL (same-name CAs happen, e.g. re-keyed or in a bag of many
   * private PKIs), not a forged one for `issuer`.
   */
  private crlSignedByOther(crl: ChainCrl, issuer: Node): boolean {
    for (const other of this.bySubject.get(issuer.subjectKey) ?? []) {
      if (other.keyId !== issuer.keyId && this.verifyCrl(crl, other)) return true;
    }
    return false;
  }

  /** Adds a certificate (e.g. an explicit leaf) and returns its node. */
  include(c: CertInput): ChainCert | undefined {
    return this.add(c, false);
  }
}

const ANCHOR_RANK: Record<AnchorKind, number> = { trusted: 0, 'self-signed-in-input': 1, none: 2 };

/**
 * Preference between two chains of one leaf (issue #3): valid at `at` >
 * ends in a trusted anchor > intermediates outlive the leaf > shorter > later
 * expiry. Ties break on the fingerprints, so the order is deterministic.
 */
export function compareChains(a: Chain, b: Chain): number {
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  if (a.anchor !== b.anchor) return ANCHOR_RANK[a.anchor] - ANCHOR_RANK[b.anchor];
  const oa = outlives(a), ob = outlives(b);
  if (oa !== ob) return oa ? -1 : 1;
  if (a.certificates.length !== b.certificates.length) return a.certificates.length - b.certificates.length;
  const ea = expiry(a), eb = expiry(b);
  if (ea !== eb) return eb - ea;
  const ka = a.certificates.map((c) => c.sha256).join(), kb = b.certificates.map((c) => c.sha256).join();
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function outlives(c: Chain): boolean {
  const leafEnd = c.certificates[0]!.cert.notAfter.getTime();
  return c.certificates.slice(1).every((x) => x.cert.notAfter.getTime() >= leafEnd);
}

function expiry(c: Chain): number {
  return Math.min(...c.certificates.map((x) => x.cert.notAfter.getTime()));
}

/**
 * Host name / IP check against the leaf's SANs (RFC 6125 6.4: DNS names
 * compared case-insensitively; a wildcard only as the whole leftmost label and
 * matching exactly one label). No fall-back to the subject CN, as browsers.
 * Returns the reason for a mismatch, or undefined when it matches.
 */
export function nameMismatch(cert: Certificate, hostname?: string, ip?: string): string | undefined {
  const sans = cert.extensions.subjectAltNames ?? [];
  if (ip !== undefined) {
    const want = ipToBytes(ip);
    if (!want) return `"${ip}" is not an IP address`;
    for (const s of sans) {
      if (s.type !== 'IP') continue;
      const have = ipToBytes(s.value);
      if (have && have.equals(want)) return undefined;
    }
    return `no IP address SAN matches ${ip}`;
  }
  if (hostname === undefined) return undefined;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  for (const s of sans) if (s.type === 'DNS' && dnsMatches(s.value, host)) return undefined;
  const dns = sans.filter((s) => s.type === 'DNS').map((s) => s.value);
  return `no DNS SAN matches ${hostname}${dns.length ? ` (the certificate names ${dns.slice(0, 5).join(', ')}${dns.length > 5 ? ', ...' : ''})` : ' (the certificate has no DNS SAN)'}`;
}

export function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p || !host) return false;
  if (!p.includes('*')) return p === host;
  // Only "*.rest" with at least two labels in rest: no "f*.x", no "*.com"-style single label, no "a.*.b".
  if (!p.startsWith('*.') || p.indexOf('*', 1) >= 0) return false;
  const rest = p.slice(2);
  if (!rest.includes('.')) return false;
  const dot = host.indexOf('.');
  if (dot <= 0) return false;
  return host.slice(dot + 1) === rest;
}

/** Every chain from every leaf of the bag, best first per leaf, with missing issuers and unused certificates. */
export function buildChains(bag: readonly CertInput[], options: ChainOptions): BuildResult {
  const index = new ChainIndex(bag, options);
  const all = index.leaves();
  const leaves = all.map((l, i) => {
    const r = index.chainsFor(l);
    options.onLeaf?.(i + 1, all.length);
    return r;
  });
  const used = new Set<string>();
  const missing = new Map<string, MissingIssuer>();
  for (const l of leaves) {
    used.add(l.leaf.sha256);
    for (const c of l.chains) {
      for (const x of c.certificates) used.add(x.sha256);
      if (c.missingIssuer) missing.set(`${c.missingIssuer.for}|${c.missingIssuer.issuer}|${c.missingIssuer.authority_key_id ?? ''}`, c.missingIssuer);
    }
  }
  const unused = index.nodes.filter((n) => !used.has(n.sha256) && !(n.root && index.hasRoots));
  return { leaves, missingIssuers: [...missing.values()], unused, rejected: index.rejected };
}

export interface VerifyOptions extends ChainOptions {
  roots: readonly CertInput[];
  /** Intermediates that may be used, not trusted. */
  untrusted?: readonly CertInput[];
}

export interface VerifyResult {
  valid: boolean;
  /** The best chain (valid when `valid`). */
  chain?: Chain;
  chains: Chain[];
  /** The reason of the best chain's first problem, when invalid. */
  reason?: string;
  problems: ChainProblem[];
  /** Issuer candidates considered (bounded by maxSignatureChecks). */
  signatureChecks: number;
}

/** Verifies one leaf against trusted roots, with optional untrusted intermediates (like `openssl verify`). */
export function verifyChain(leaf: CertInput, options: VerifyOptions): VerifyResult {
  const index = new ChainIndex(options.untrusted ?? [], options);
  const node = index.include(leaf);
  if (!node) {
    const why = index.rejected[index.rejected.length - 1]?.message ?? 'unreadable';
    throw new CcmError(400, 'SCM.0031', `the leaf is ${why}`);
  }
  const { chains, signatureChecks } = index.chainsFor(node);
  const best = chains[0];
  const res: VerifyResult = { valid: best?.valid === true, chains, problems: best?.problems ?? [], signatureChecks };
  if (best) res.chain = best;
  if (!res.valid) res.reason = best?.problems[0]?.hint ?? 'no chain found';
  return res;
}

/**
 * Orders a leaf and its chain the way CCM wants them (SCM import
 * `certificate` + `certificate_chain`, PCA import: intermediate \> ... \> root;
 * ccm-api-reference.txt A.2.2 PCA.00020403). Self-signed CAs in `certs`
 * anchor. Throws CcmError `PCA.00020403` when `certs` has no leaf or several.
 *
 * @example
 * ```ts
 * const certs = readInput(readFileSync('bundle.pem'), 'bundle.pem').objects.filter((o) => o.kind === 'certificate');
 * const { leaf, chain, complete } = orderForCcm(certs, new Date());
 * const body = { certificate: toPem('CERTIFICATE', leaf.der), certificate_chain: chain.map((c) => toPem('CERTIFICATE', c.der)).join('') };
 * ```
 */
export function orderForCcm(
  certs: readonly CertInput[],
  at: Date,
): { leaf: Certificate; chain: Certificate[]; complete: boolean; problems: ChainProblem[]; unused: Certificate[] } {
  // Pre-flight ranks with the rfc5280 profile (issue #17): a chain that breaks it is not preferred.
  const r = buildChains(certs, { at, profile: 'rfc5280' });
  if (r.leaves.length === 0) throw new CcmError(400, 'PCA.00020403', 'Incorrect certificate chain. No leaf certificate found in the input.');
  if (r.leaves.length > 1) {
    throw new CcmError(400, 'PCA.00020403', `Incorrect certificate chain. The input holds ${r.leaves.length} leaf certificates; give one leaf and its issuers.`);
  }
  const l = r.leaves[0]!;
  const best = l.chains[0];
  const chain = best ? best.certificates.slice(1).map((c) => c.cert) : [];
  return { leaf: l.leaf.cert, chain, complete: best?.complete ?? false, problems: best?.problems ?? [], unused: r.unused.map((u) => u.cert) };
}

/**
 * The best chain of a known leaf through `others` (leaf excluded), nearest
 * issuer first: what an SCM import body's certificate_chain or an export
 * bundle's chain.crt holds. `unused` are the certificates not on that chain.
 */
export function chainForLeaf(
  leaf: Certificate,
  others: readonly Certificate[],
  at: Date,
  rules: Pick<ChainOptions, 'profile' | 'purpose'> = {},
): { chain: Certificate[]; complete: boolean; unused: Certificate[] } {
  const index = new ChainIndex(others, { at, profile: rules.profile ?? 'rfc5280', ...(rules.purpose ? { purpose: rules.purpose } : {}) });
  const node = index.include(leaf);
  const best = node ? index.chainsFor(node).chains[0] : undefined;
  const chain = best ? best.certificates.slice(1).map((c) => c.cert) : [];
  const on = new Set(chain.map((c) => c.der.toString('base64')));
  on.add(leaf.der.toString('base64'));
  return { chain, complete: best?.complete ?? false, unused: others.filter((c) => !on.has(c.der.toString('base64'))) };
}

/**
 * Checks a chain in the order given (leaf, then chain[0], chain[1]...): the
 * index of the first chain element that did not sign its predecessor, or -1
 * when every link verifies. Request bodies must be in order; this says where not.
 */
export function firstBrokenLink(leaf: Certificate, chain: readonly Certificate[]): number {
  let child = leaf;
  for (let i = 0; i < chain.length; i++) {
    if (!verifyCertificateSignature(child, chain[i]!.publicKey).valid) return i;
    child = chain[i]!;
  }
  return -1;
}
