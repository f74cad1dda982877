// Private key <-> certificate / CSR matching.
//
// Matching is by public-key equality only: never by names, file names or
// order. With `prove`, each pair is also checked by signing a fixed message
// with the private key and verifying it with the certificate's key, which
// catches a key file whose public half was copied but whose private half is
// wrong (a PKCS#1 file with a tampered exponent still carries the right n, e).

import { sign, verify, type KeyObject } from 'node:crypto';
import { publicKeyObject, type PublicKeyInfo } from './publickey.js';

export interface KeyHolder {
  source: string;
  publicKey: PublicKeyInfo;
}

export interface PrivateKeyHolder extends KeyHolder {
  keyObject?: KeyObject;
}

/**
 * Keys paired with certificates and CSRs, by their sources (`file#n`).
 *
 * @example
 * ```ts
 * const { pairs, unmatched_keys, failed_proofs } = matchKeyPairs(objects);
 * ```
 */
export interface MatchResult {
  /** One entry per key and certificate (or CSR) it belongs to. */
  pairs: { key: string; certificate?: string; csr?: string }[];
  /** Keys with no certificate or CSR in the bag. */
  unmatched_keys: string[];
  /** Certificates with no key in the bag. */
  unmatched_certificates: string[];
  /** CSRs with no key in the bag. */
  unmatched_csrs: string[];
  /** Pairs whose public keys are equal but whose private key failed the signing proof. */
  failed_proofs: { key: string; with: string }[];
}

const PROOF_MESSAGE = Buffer.from('ccmkit key-pair proof');

/** True when `priv` signs something `pub` verifies. */
export function provesPair(priv: KeyObject, pub: PublicKeyInfo): boolean {
  try {
    const type = priv.asymmetricKeyType;
    const hash = type === 'ed25519' || type === 'ed448' ? null : 'sha256';
    const sig = sign(hash, PROOF_MESSAGE, priv);
    return verify(hash, PROOF_MESSAGE, publicKeyObject(pub), sig);
  } catch {
    return false;
  }
}

export function matchKeys(
  keys: PrivateKeyHolder[],
  certificates: KeyHolder[],
  csrs: KeyHolder[] = [],
  opts: { prove?: boolean } = {},
): MatchResult {
  const byId = new Map<string, { cert: KeyHolder[]; csr: KeyHolder[] }>();
  const slot = (id: string): { cert: KeyHolder[]; csr: KeyHolder[] } => {
    let s = byId.get(id);
    if (!s) byId.set(id, (s = { cert: [], csr: [] }));
    return s;
  };
  for (const c of certificates) slot(c.publicKey.id).cert.push(c);
  for (const c of csrs) slot(c.publicKey.id).csr.push(c);

  const res: MatchResult = { pairs: [], unmatched_keys: [], unmatched_certificates: [], unmatched_csrs: [], failed_proofs: [] };
  const usedCerts = new Set<string>();
  const usedCsrs = new Set<string>();
  for (const k of keys) {
    const s = byId.get(k.publicKey.id);
    let matched = false;
    if (s) {
      const proofOk = !opts.prove || !k.keyObject || provesPair(k.keyObject, k.publicKey);
      const groups = [
        ['certificate', s.cert, usedCerts],
        ['csr', s.csr, usedCsrs],
      ] as const;
      for (const [kind, holders, used] of groups) {
        for (const c of holders) {
          if (!proofOk) {
            res.failed_proofs.push({ key: k.source, with: c.source });
            continue;
          }
          res.pairs.push({ key: k.source, [kind]: c.source });
          used.add(c.source);
          matched = true;
        }
      }
    }
    if (!matched) res.unmatched_keys.push(k.source);
  }
  res.unmatched_certificates = certificates.map((c) => c.source).filter((s) => !usedCerts.has(s));
  res.unmatched_csrs = csrs.map((c) => c.source).filter((s) => !usedCsrs.has(s));
  return res;
}
