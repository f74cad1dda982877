// Private key <-> certificate / CSR matching.
//
// Matching is by public-key equality only: never by names, file names or
// order. With `prove`, each pair is also checked by signing a fixed message
// with the private key and verifying it with the certificate's key, which
// catches a key file whose public half was copied but whose private half is
// wrong (a PKCS#1 file with a tampered exponent still carries the right n, e).

import { sign, verify, type KeyObject } from 'node:crypto';
import { CcmError } from './errors.js';
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

/**
 * THE proof that a private key belongs to a public key (a certificate's, a
 * CSR's): sign a fixed message with the private key, verify it with the public
 * key. Every path that pairs a key with a certificate goes through here (key
 * match, SCM import pre-flight and --fix, export, convert, csr create, crl
 * build, the offline CA).
 *
 * Comparing public keys is not enough: a key file carries its public half
 * next to the private one, and a file whose n and e (or SEC1 publicKey) are the
 * certificate's but whose p, q, d (or scalar) belong to another key "matches"
 * by public key while every signature it makes is wrong (issue 10, item 1).
 *
 * @example
 * ```ts
 * const key = readPrivateKey(readFileSync('server.key'), 'server.key');
 * const cert = loadCertificate({ bytes: readFileSync('server.pem'), source: 'server.pem' }, 'certificate');
 * if (!proveKeyPair(key.keyObject, cert.publicKey)) throw new Error('server.key cannot sign for server.pem');
 * ```
 */
export function proveKeyPair(priv: KeyObject, pub: PublicKeyInfo): boolean {
  try {
    const type = priv.asymmetricKeyType;
    // EdDSA signs the message itself; an RSA-PSS key may be restricted to one hash (RFC 4055 parameters).
    const pssHash = type === 'rsa-pss' ? priv.asymmetricKeyDetails?.hashAlgorithm : undefined;
    const hash = type === 'ed25519' || type === 'ed448' ? null : (pssHash ?? 'sha256');
    const sig = sign(hash, PROOF_MESSAGE, priv);
    return verify(hash, PROOF_MESSAGE, publicKeyObject(pub), sig);
  } catch {
    return false;
  }
}

/**
 * Whether a key belongs to a public key: `match` (proved by signing),
 * `different-key` (the public keys differ), or `corrupt-key` (it carries the
 * public key but cannot sign for it).
 *
 * @example
 * ```ts
 * const v: PairVerdict = pairVerdict(key, cert.publicKey);
 * ```
 */
export type PairVerdict = 'match' | 'different-key' | 'corrupt-key';

/**
 * Whether `key` is the private key of `pub`: 'different-key' when the public
 * keys differ (no signing needed), 'corrupt-key' when the key carries `pub`
 * but cannot sign for it, 'match' when the signing proof holds.
 *
 * @example
 * ```ts
 * const key = readPrivateKey(readFileSync('server.key'), 'server.key');
 * const cert = loadCertificate({ bytes: readFileSync('server.pem'), source: 'server.pem' }, 'certificate');
 * console.log(pairVerdict(key, cert.publicKey)); // 'match'
 * ```
 */
export function pairVerdict(key: { publicKey: PublicKeyInfo; keyObject: KeyObject }, pub: PublicKeyInfo): PairVerdict {
  if (key.publicKey.id !== pub.id) return 'different-key';
  return proveKeyPair(key.keyObject, pub) ? 'match' : 'corrupt-key';
}

/** Why a pair failed, in one sentence (no key material). */
export function pairProblem(verdict: Exclude<PairVerdict, 'match'>, keyWhat = 'the private key', pubWhat = 'the certificate'): string {
  return verdict === 'different-key'
    ? `${keyWhat} is not the key of ${pubWhat}`
    : `${keyWhat} carries the public key of ${pubWhat} but its private part does not match it: a signature made with it does not verify (corrupt or tampered key)`;
}

/**
 * Throws CCM's SCM.0014 ("the certificate does not match the private key")
 * unless `key` proves it belongs to `pub` by signing.
 */
export function requireKeyPair(key: { publicKey: PublicKeyInfo; keyObject: KeyObject }, pub: PublicKeyInfo, keyWhat?: string, pubWhat?: string): void {
  const v = pairVerdict(key, pub);
  if (v !== 'match') {
    throw new CcmError(400, 'SCM.0014', `The uploaded certificate does not match the private key: ${pairProblem(v, keyWhat, pubWhat)}.`);
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
      const proofOk = !opts.prove || !k.keyObject || proveKeyPair(k.keyObject, k.publicKey);
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
