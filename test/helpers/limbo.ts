// The x509-limbo harness convention, shared by the test over the open subset
// (test/engine/chain-limbo.test.ts) and the agreement script over a full
// limbo.json (benchmarks/limbo-agreement.ts): build and validate the chain of
// peer_certificate over trusted_certs and untrusted_intermediates at
// validation_time, for the purpose and peer name the case states, and compare
// SUCCESS/FAILURE with expected_result.
import { verifyChain, type ChainProfile, type Purpose, type VerifyResult } from '../../src/engine/chain.js';
import { ipToBytes } from '../../src/engine/extensions.js';
import { parsePem } from '../../src/engine/pem.js';

export interface LimboCase {
  id: string;
  description: string;
  validation_kind: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: string; value: string } | null;
  max_chain_depth: number | null;
  crls?: string[] | null;
  extended_key_usage: string[] | null;
  key_usage: string[] | null;
  signature_algorithms: string[] | null;
}

const ders = (pems: readonly string[]): Buffer[] => pems.flatMap((p) => parsePem(p).map((b) => b.der));

const EKU: Record<string, Purpose> = { serverAuth: 'serverAuth', clientAuth: 'clientAuth', codeSigning: 'codeSigning', emailProtection: 'emailProtection' };

/** Why ccmkit cannot judge a case, or undefined when it can. */
export function skipReason(c: LimboCase): string | undefined {
  if (c.validation_kind !== 'SERVER' && c.validation_kind !== 'CLIENT') return `validation kind ${c.validation_kind}`;
  if ((c.extended_key_usage ?? []).length > 1) return 'several extended key usages at once';
  const eku = c.extended_key_usage?.[0];
  if (eku !== undefined && EKU[eku] === undefined) return `extended key usage ${eku}`;
  if ((c.key_usage ?? []).length) return 'leaf key usage policies are not claimed';
  if ((c.signature_algorithms ?? []).length) return 'signature algorithm policies are not claimed';
  if (c.expected_peer_name && !['DNS', 'IP'].includes(c.expected_peer_name.kind)) return `peer name kind ${c.expected_peer_name.kind}`;
  return undefined;
}

/**
 * Validates one case. The profile is the case's namespace: webpki::* cases
 * state CA/B rules, the rest RFC 5280. BetterTLS cases name IP peers with kind
 * DNS; an IP literal is validated as an IP.
 */
export function runCase(c: LimboCase, defaultTime: Date): VerifyResult {
  const profile: ChainProfile = c.id.startsWith('webpki::') ? 'webpki' : 'rfc5280';
  const eku = c.extended_key_usage?.[0];
  const purpose: Purpose = eku !== undefined ? EKU[eku]! : c.validation_kind === 'CLIENT' ? 'clientAuth' : 'serverAuth';
  const peer = c.expected_peer_name;
  const isIp = peer !== null && (peer.kind === 'IP' || (peer.kind === 'DNS' && ipToBytes(peer.value) !== undefined));
  return verifyChain(ders([c.peer_certificate])[0]!, {
    roots: ders(c.trusted_certs),
    untrusted: ders(c.untrusted_intermediates),
    at: c.validation_time ? new Date(c.validation_time) : defaultTime,
    ...(peer && !isIp ? { hostname: peer.value } : {}),
    ...(peer && isIp ? { ip: peer.value } : {}),
    ...(c.max_chain_depth !== null && c.max_chain_depth !== undefined ? { maxDepth: c.max_chain_depth } : {}),
    crls: ders(c.crls ?? []),
    purpose,
    profile,
  });
}
