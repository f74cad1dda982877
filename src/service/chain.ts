// `chain build` / `chain verify`: bags of input objects in, chain reports out
// (the JSON shapes of issue #3), over the pure engine in engine/chain.ts.

import {
  buildChains,
  summarise,
  type ChainCert,
  verifyChain,
  type BuildResult,
  type Chain,
  type ChainOptions,
  type ChainProblem,
  type CertSummary,
  type VerifyResult,
} from '../engine/chain.js';
import { CcmError } from '../engine/errors.js';
import type { InputObject } from '../engine/input.js';
import { toPem } from '../engine/pem.js';

export { summarise } from '../engine/chain.js';

/**
 * A chain certificate as reports list it: subject, issuer, serial, validity,
 * SHA-256 and source.
 *
 * @example
 * ```ts
 * const rows = result.leaves[0]!.chains[0]!.certificates.map(summariseCertificate);
 * ```
 */
export function summariseCertificate(c: ChainCert): CertSummary {
  return summarise(c);
}

function who(p: ChainProblem, chain: readonly CertSummary[]): string {
  const c = chain.find((x) => x.sha256 === p.certificate);
  return c ? `${c.subject || '(empty subject)'}, sha256 ${c.sha256.slice(0, 16)}...` : `sha256 ${p.certificate.slice(0, 16)}...`;
}

/**
 * One problem as a line a person reads: kind, hint, then the rule broken and
 * the certificate concerned.
 *
 * @param chain - the chain's certificates, to name the one concerned
 *
 * @example
 * ```ts
 * const summaries = chain.certificates.map(summariseCertificate);
 * for (const p of chain.problems) console.log(describeChainProblem(p, summaries));
 * // expired: the certificate expired at 2024-01-01T00:00:00Z [RFC 5280 6.1.3 (a)(2); CN=www.example.com, sha256 4b1f...]
 * ```
 */
export function describeChainProblem(p: ChainProblem, chain: readonly CertSummary[]): string {
  return `${p.kind}: ${p.hint} [${p.rule ? `${p.rule}; ` : ''}${who(p, chain)}]`;
}

/** The first problem as `chain verify`'s reason: the hint first, then kind, rule and certificate. */
export function problemReason(p: ChainProblem, chain: readonly CertSummary[]): string {
  return `${p.hint} [${p.kind}${p.rule ? `, ${p.rule}` : ''}; ${who(p, chain)}]`;
}

/**
 * The certificates (and CRLs) of a set of input objects, as chain building takes them.
 *
 * @example
 * ```ts
 * const bag: CertBag = certBag(readInput(readFileSync('bundle.pem'), 'bundle.pem').objects);
 * ```
 */
export interface CertBag {
  /** The certificates, with their sources. */
  certs: { der: Buffer; source: string }[];
  /** CRLs found among the objects: revocation is checked against them. */
  crls: Buffer[];
  /** Objects that are not certificates (keys, CSRs...): ignored, listed for the user. */
  ignored: { source: string; kind: string }[];
}

/**
 * Splits input objects into the certificates and CRLs chain building uses,
 * and the rest (keys, CSRs: listed as ignored).
 *
 * @example
 * ```ts
 * const opened = await openInputs([{ name: 'bundle.pem', bytes: readFileSync('bundle.pem') }]);
 * const bag = certBag(opened.objects);
 * ```
 */
export function certBag(objects: readonly InputObject[]): CertBag {
  const bag: CertBag = { certs: [], crls: [], ignored: [] };
  for (const o of objects) {
    if (o.kind === 'certificate') bag.certs.push({ der: o.der, source: o.source });
    else if (o.kind === 'crl') bag.crls.push(o.der);
    else bag.ignored.push({ source: o.source, kind: o.kind });
  }
  return bag;
}

/**
 * One chain in `chain build --json`'s report.
 *
 * @example
 * ```ts
 * const best: ChainJson | undefined = report.chains.find((c) => c.best && c.valid);
 * ```
 */
export interface ChainJson {
  /** The leaf. */
  leaf: CertSummary;
  /** Leaf first, then each issuer. */
  certificates: CertSummary[];
  /** What the chain ends in. */
  anchor: Chain['anchor'];
  /** Ends in an anchor. */
  complete: boolean;
  /** Complete, and no problem found. */
  valid: boolean;
  /** True for the preferred chain of its leaf (the first listed). */
  best: boolean;
  /** Every problem, with the rule broken and the certificate concerned. */
  problems: ChainProblem[];
}

/**
 * `chain build --json`'s report: every chain of every leaf, the issuers
 * missing, the certificates in no chain, and what could not be read.
 *
 * @example
 * ```ts
 * const { report } = buildChainReport(certBag(objects), { at: new Date() });
 * if (!report.complete) console.log(report.missing_issuers);
 * ```
 */
export interface BuildReport {
  /** Every chain, each leaf's best first. */
  chains: ChainJson[];
  /** Issuers no input provides, for the chains that stop short. */
  missing_issuers: { for: string; issuer: string; authority_key_id: string | null }[];
  /** Certificates that are in no chain. */
  unused: CertSummary[];
  /** Certificates that could not be read, as CCM error bodies (`SCM.0031`). */
  errors: { source?: string; error_code: string; error_msg: string }[];
  /** Input objects that are not certificates. */
  ignored: { source: string; kind: string }[];
  /** Every leaf has a complete chain (the exit status of `chain build`). */
  complete: boolean;
}

/** One chain as the report lists it. */
export function chainJson(c: Chain, best: boolean): ChainJson {
  return {
    leaf: summarise(c.certificates[0]!),
    certificates: c.certificates.map(summarise),
    anchor: c.anchor,
    complete: c.complete,
    valid: c.valid,
    best,
    problems: c.problems,
  };
}

/**
 * Builds every chain of every leaf in an unordered bag (leaves,
 * intermediates, roots, duplicates, strangers, any order), verifying each
 * signature and judging each chain as a TLS client would (validity, CA
 * constraints, name constraints, EKU for `purpose`, algorithms, the
 * `profile` rules, CRLs in the bag). `result` holds the parsed chains, best
 * first per leaf; `report` is the JSON `chain build --json` prints.
 *
 * @example
 * ```ts
 * const bag = certBag(readInput(readFileSync('bundle.pem'), 'bundle.pem').objects);
 * const roots = certBag(readInput(readFileSync('root.pem'), 'root.pem').objects).certs;
 * const { result, report } = buildChainReport(bag, { at: new Date(), roots, purpose: 'serverAuth' });
 * const best = result.leaves[0]?.chains[0];
 * if (best) console.log(ccmChainBody(best, false));
 * ```
 */
export function buildChainReport(bag: CertBag, options: ChainOptions): { result: BuildResult; report: BuildReport } {
  const result = buildChains(bag.certs, options);
  const report: BuildReport = {
    chains: result.leaves.flatMap((l) => l.chains.map((c, i) => chainJson(c, i === 0))),
    missing_issuers: result.missingIssuers.map((m) => ({ for: m.for, issuer: m.issuer, authority_key_id: m.authority_key_id ?? null })),
    unused: result.unused.map(summarise),
    errors: result.rejected.map((r) => ({ ...(r.source ? { source: r.source } : {}), error_code: 'SCM.0031', error_msg: `${r.source ?? 'input'}: ${r.message}` })),
    ignored: bag.ignored,
    complete: result.leaves.length > 0 && result.leaves.every((l) => l.chains[0]?.complete === true),
  };
  return { result, report };
}

/**
 * The certificates of a chain to output, DER, leaf first; `noRoot` drops a
 * self-signed anchor (servers need not send the root).
 *
 * @example
 * ```ts
 * const fullchain = chainCertificates(best, true).map((d) => toPem('CERTIFICATE', d)).join('');
 * ```
 */
export function chainCertificates(c: Chain, noRoot: boolean): Buffer[] {
  const certs = c.certificates.map((x) => x.cert);
  const last = certs[certs.length - 1]!;
  const endsInRoot = certs.length > 1 && c.complete && last.subject.der.equals(last.issuer.der);
  return (noRoot && endsInRoot ? certs.slice(0, -1) : certs).map((x) => x.der);
}

/**
 * A chain as CCM's import body fields: `certificate` (the leaf) and
 * `certificate_chain` (intermediate \> ... \> root, the order CCM requires:
 * A.2.2 PCA.00020403), PEM.
 *
 * @example
 * ```ts
 * const body = { name: 'www_example', ...ccmChainBody(best, false), private_key: keyPemText };
 * validateScmImport(body, { at: new Date() });
 * ```
 */
export function ccmChainBody(c: Chain, noRoot: boolean): { certificate: string; certificate_chain: string } {
  const ders = chainCertificates(c, noRoot);
  return { certificate: toPem('CERTIFICATE', ders[0]!), certificate_chain: ders.slice(1).map((d) => toPem('CERTIFICATE', d)).join('') };
}

/**
 * `chain verify --json`'s report for one leaf.
 *
 * @example
 * ```ts
 * const r: VerifyReport = verifyChainReport(leaf, roots, untrusted, { at: new Date(), hostname: 'www.example.com' });
 * console.log(r.valid ? 'OK' : r.reason);
 * ```
 */
export interface VerifyReport {
  /** The leaf has a valid chain to a trusted root. */
  valid: boolean;
  /** Why not, in one line (the best chain's first problem), or null when valid. */
  reason: string | null;
  /** The best chain, leaf first. */
  chain: CertSummary[];
  /** What it ends in. */
  anchor: Chain['anchor'];
  /** Every problem of the best chain. */
  problems: ChainProblem[];
  /** Other chains found, best first, for diagnosis. */
  alternatives: number;
}

/**
 * Verifies one leaf the way a TLS client does (RFC 5280 path validation):
 * against `roots` only, through `untrusted` intermediates, at `options.at`,
 * optionally for a host name or IP and a purpose, with the `profile` rules
 * and the CRLs found in the bags. Throws CcmError `CCMKIT.0004` when `roots`
 * holds no certificate.
 *
 * @example
 * ```ts
 * const leaf = certBag(readInput(readFileSync('server.pem'), 'server.pem').objects).certs[0]!;
 * const roots = certBag(readInput(readFileSync('root.pem'), 'root.pem').objects);
 * const untrusted = certBag(readInput(readFileSync('intermediate.pem'), 'intermediate.pem').objects);
 * const r = verifyChainReport(leaf, roots, untrusted, { at: new Date(), hostname: 'www.example.com' });
 * ```
 */
export function verifyChainReport(leaf: { der: Buffer; source: string }, roots: CertBag, untrusted: CertBag, options: Omit<ChainOptions, 'roots'>): VerifyReport {
  if (roots.certs.length === 0) throw new CcmError(400, 'CCMKIT.0004', 'no certificate found in --roots.');
  const r: VerifyResult = verifyChain(leaf, { ...options, roots: roots.certs, untrusted: untrusted.certs, crls: [...roots.crls, ...untrusted.crls] });
  const chain = r.chain ? r.chain.certificates.map(summarise) : [];
  const first = r.problems[0];
  return {
    valid: r.valid,
    reason: r.valid ? null : first ? problemReason(first, chain) : (r.reason ?? 'no chain found'),
    chain,
    anchor: r.chain?.anchor ?? 'none',
    problems: r.problems,
    alternatives: Math.max(0, r.chains.length - 1),
  };
}
