// `chain build` / `chain verify`: bags of input objects in, chain reports out
// (the JSON shapes of issue #3), over the pure engine in engine/chain.ts.

import {
  buildChains,
  summarise,
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

function who(p: ChainProblem, chain: readonly CertSummary[]): string {
  const c = chain.find((x) => x.sha256 === p.certificate);
  return c ? `${c.subject || '(empty subject)'}, sha256 ${c.sha256.slice(0, 16)}...` : `sha256 ${p.certificate.slice(0, 16)}...`;
}

/** One problem as a line a person reads: kind, hint, then the rule broken and the certificate concerned. */
export function describeProblem(p: ChainProblem, chain: readonly CertSummary[]): string {
  return `${p.kind}: ${p.hint} [${p.rule ? `${p.rule}; ` : ''}${who(p, chain)}]`;
}

/** The first problem as `chain verify`'s reason: the hint first, then kind, rule and certificate. */
export function problemReason(p: ChainProblem, chain: readonly CertSummary[]): string {
  return `${p.hint} [${p.kind}${p.rule ? `, ${p.rule}` : ''}; ${who(p, chain)}]`;
}

export interface CertBag {
  certs: { der: Buffer; source: string }[];
  crls: Buffer[];
  /** Objects that are not certificates (keys, CSRs...): ignored, listed for the user. */
  ignored: { source: string; kind: string }[];
}

/** Splits loaded objects into the certificates chain building uses and the rest. */
export function certBag(objects: readonly InputObject[]): CertBag {
  const bag: CertBag = { certs: [], crls: [], ignored: [] };
  for (const o of objects) {
    if (o.kind === 'certificate') bag.certs.push({ der: o.der, source: o.source });
    else if (o.kind === 'crl') bag.crls.push(o.der);
    else bag.ignored.push({ source: o.source, kind: o.kind });
  }
  return bag;
}

export interface ChainJson {
  leaf: CertSummary;
  certificates: CertSummary[];
  anchor: Chain['anchor'];
  complete: boolean;
  valid: boolean;
  /** True for the preferred chain of its leaf (the first listed). */
  best: boolean;
  problems: ChainProblem[];
}

export interface BuildReport {
  chains: ChainJson[];
  missing_issuers: { for: string; issuer: string; authority_key_id: string | null }[];
  unused: CertSummary[];
  errors: { source?: string; error_code: string; error_msg: string }[];
  /** Input objects that are not certificates. */
  ignored: { source: string; kind: string }[];
  /** Every leaf has a complete chain (the exit status of `chain build`). */
  complete: boolean;
}

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

export function buildReport(bag: CertBag, options: ChainOptions): { result: BuildResult; report: BuildReport } {
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

/** The certificates of a chain to output: leaf first; `noRoot` drops a self-signed anchor. */
export function chainForOutput(c: Chain, noRoot: boolean): Buffer[] {
  const certs = c.certificates.map((x) => x.cert);
  const last = certs[certs.length - 1]!;
  const endsInRoot = certs.length > 1 && c.complete && last.subject.der.equals(last.issuer.der);
  return (noRoot && endsInRoot ? certs.slice(0, -1) : certs).map((x) => x.der);
}

/** CCM's import body fields (SCM import `certificate` / `certificate_chain`; chain order intermediate > ... > root, A.2.2 PCA.00020403). */
export function ccmBody(c: Chain, noRoot: boolean): { certificate: string; certificate_chain: string } {
  const ders = chainForOutput(c, noRoot);
  return { certificate: toPem('CERTIFICATE', ders[0]!), certificate_chain: ders.slice(1).map((d) => toPem('CERTIFICATE', d)).join('') };
}

export interface VerifyReport {
  valid: boolean;
  reason: string | null;
  chain: CertSummary[];
  anchor: Chain['anchor'];
  problems: ChainProblem[];
  /** Other chains found, best first, for diagnosis. */
  alternatives: number;
}

export function verifyReport(leaf: { der: Buffer; source: string }, roots: CertBag, untrusted: CertBag, options: Omit<ChainOptions, 'roots'>): VerifyReport {
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
