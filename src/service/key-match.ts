// `key match`: which private key belongs to which certificate or CSR in a bag.

import { malformedCertificate, parseCertificate } from '../engine/certificate.js';
import { parseCsr } from '../engine/csr.js';
import { DerError } from '../engine/der.js';
import { CcmError } from '../engine/errors.js';
import type { InputObject } from '../engine/input.js';
import { matchKeys, type KeyHolder, type MatchResult, type PrivateKeyHolder } from '../engine/match.js';
import { WorkBudget } from '../engine/budget.js';
import { fixedSecrets, openKey, type SecretSource } from './open.js';

export interface BagMatch extends MatchResult {
  errors: CcmError[];
}

const PARSE_CODE: Record<string, string> = { certificate: 'SCM.0031', csr: 'PCA.00020401', 'private-key': 'SCM.0012' };

/** `secrets`: a password string (library use) or the command's SecretSource, asked only for encrypted keys. */
export function matchBag(objects: InputObject[], secrets?: string | SecretSource, budget: WorkBudget = new WorkBudget()): BagMatch {
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
