// `key match`: which private key belongs to which certificate or CSR in a bag.

import { malformedCertificate, parseCertificate } from '../engine/certificate.js';
import { parseCsr } from '../engine/csr.js';
import { DerError } from '../engine/der.js';
import { CcmError } from '../engine/errors.js';
import type { InputObject } from '../engine/input.js';
import { matchKeys, type KeyHolder, type MatchResult, type PrivateKeyHolder } from '../engine/match.js';
import { WorkBudget } from '../engine/budget.js';
import { fixedSecrets, openKey, type SecretSource } from './keys.js';

/**
 * Which key goes with which certificate or CSR in a bag, and what could not
 * be read (`ccmkit key match --json`).
 *
 * @example
 * ```ts
 * const m: KeyPairMatch = matchKeyPairs(objects);
 * for (const p of m.pairs) console.log(p.key, 'signs for', p.certificate ?? p.csr);
 * ```
 */
export interface KeyPairMatch extends MatchResult {
  /** Objects that could not be read (a malformed certificate, a key without its password...). */
  errors: CcmError[];
}

const PARSE_CODE: Record<string, string> = { certificate: 'SCM.0031', csr: 'PCA.00020401', 'private-key': 'SCM.0012' };

/**
 * Pairs every private key in a bag with its certificates and CSRs, by
 * public-key equality (never by names or order), and proves each pair by
 * signing with the key and verifying with the certificate's public key: a
 * key file that carries a certificate's public half but another private half
 * is a failed proof, not a match.
 *
 * @param objects - what {@link readInput} or {@link openInputs} found
 * @param secrets - a password for encrypted keys, or a {@link SecretSource}
 * @param budget - the operation's key-derivation budget
 *
 * @example
 * ```ts
 * const objects = [...readInput(readFileSync('server.key'), 'server.key').objects, ...readInput(readFileSync('fullchain.pem'), 'fullchain.pem').objects];
 * const m = matchKeyPairs(objects);
 * const ok = m.pairs.length > 0 && m.unmatched_keys.length === 0 && m.failed_proofs.length === 0;
 * ```
 */
export function matchKeyPairs(objects: InputObject[], secrets?: string | SecretSource, budget: WorkBudget = new WorkBudget()): KeyPairMatch {
  const source = typeof secrets === 'object' ? secrets : fixedSecrets(secrets);
  const keys: PrivateKeyHolder[] = [];
  const certs: KeyHolder[] = [];
  const csrs: KeyHolder[] = [];
  const errors: CcmError[] = [];
  for (const o of objects) {
    try {
      if (o.kind === 'private-key') {
        const k = openKey(o, source, budget);
        keys.push({ source: o.source, publicKey: k.publicKey, keyObject: k.keyObject });
      } else if (o.kind === 'certificate') {
        certs.push({ source: o.source, publicKey: parseCertificate(o.der).publicKey });
      } else if (o.kind === 'csr') {
        csrs.push({ source: o.source, publicKey: parseCsr(o.der).publicKey });
      }
    } catch (e) {
      if (e instanceof CcmError) errors.push(e.source ? e : e.withSource(o.source));
      else if (e instanceof DerError && o.kind === 'certificate') errors.push(malformedCertificate(o.source, e));
      else if (e instanceof DerError) {
        errors.push(new CcmError(400, PARSE_CODE[o.kind] ?? 'CCMKIT.0002', `${o.source}: malformed ${o.kind}: ${e.message}.`, o.source));
      } else throw e;
    }
  }
  return { ...matchKeys(keys, certs, csrs, { prove: true }), errors };
}
