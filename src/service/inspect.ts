// `inspect`: one summary per object of any kind, for humans and for JSON.

import { createHash } from 'node:crypto';
import { ccmKeyAlgorithm, describeKey } from '../ccm/algorithms.js';
import { malformedCertificate, parseCertificate, sha256Fingerprint } from '../engine/certificate.js';
import { parseCsr, verifyCsrSignature } from '../engine/csr.js';
import { DerError } from '../engine/der.js';
import { CcmError, LocalCode } from '../engine/errors.js';
import type { SubjectAltName } from '../engine/extensions.js';
import type { InputObject } from '../engine/input.js';
import { nameToString } from '../engine/name.js';
import { parsePrivateKey } from '../engine/privatekey.js';
import { parseSpki, publicKeyProblem, type PublicKeyInfo } from '../engine/publickey.js';
import { parseCrl } from '../engine/crl.js';

export interface Inspected {
  source: string;
  kind: InputObject['kind'];
  subject?: string;
  issuer?: string;
  serial?: string;
  not_before?: string;
  not_after?: string;
  key_algorithm?: string;
  ccm_key_algorithm?: string | null;
  subject_alternative_names?: SubjectAltName[];
  is_ca?: boolean;
  signature_algorithm?: string;
  signature_valid?: boolean;
  key_format?: string;
  encrypted?: boolean;
  /** SHA-256 of the whole object's DER (certificates, CSRs, CRLs). */
  sha256?: string;
  /** SHA-256 of the SubjectPublicKeyInfo: equal for a key and its certificate. */
  public_key_sha256?: string;
  /** Why OpenSSL would refuse the public key (off-curve EC point, RSA e = 1...); absent when it is valid. */
  public_key_problem?: string;
  this_update?: string;
  next_update?: string | null;
  revoked_count?: number;
  note?: string;
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

function keyFields(pk: PublicKeyInfo): Pick<Inspected, 'key_algorithm' | 'ccm_key_algorithm' | 'public_key_sha256' | 'public_key_problem'> {
  const out: Pick<Inspected, 'key_algorithm' | 'ccm_key_algorithm' | 'public_key_sha256' | 'public_key_problem'> = {
    key_algorithm: describeKey(pk),
    ccm_key_algorithm: ccmKeyAlgorithm(pk) ?? null,
    public_key_sha256: createHash('sha256').update(pk.spki).digest('hex'),
  };
  const problem = publicKeyProblem(pk);
  if (problem) out.public_key_problem = problem;
  return out;
}

/** The error an invalid public key makes of an inspected object (inspect exits 1 for it), in the object kind's CCM code. */
export function publicKeyError(o: Inspected): CcmError | undefined {
  if (!o.public_key_problem) return undefined;
  const code = o.kind === 'certificate' ? 'SCM.0031' : o.kind === 'csr' ? 'PCA.00020401' : o.kind === 'private-key' ? 'SCM.0012' : LocalCode.INPUT_UNRECOGNISED;
  return new CcmError(400, code, `${o.source}: invalid public key: ${o.public_key_problem}.`, o.source);
}

/** Summarises one object. Throws CcmError (with its source) when the object is malformed. */
export function inspectObject(obj: InputObject, password?: string): Inspected {
  const base = { source: obj.source, kind: obj.kind };
  try {
    switch (obj.kind) {
      case 'certificate': {
        const c = parseCertificate(obj.der);
        return {
          ...base,
          subject: nameToString(c.subject),
          issuer: nameToString(c.issuer),
          serial: c.serial,
          not_before: iso(c.notBefore),
          not_after: iso(c.notAfter),
          ...keyFields(c.publicKey),
          subject_alternative_names: c.extensions.subjectAltNames ?? [],
          is_ca: c.extensions.basicConstraints?.ca ?? false,
          signature_algorithm: c.signatureAlgorithm.name,
          sha256: sha256Fingerprint(c),
        };
      }
      case 'csr': {
        const c = parseCsr(obj.der);
        return {
          ...base,
          subject: nameToString(c.subject),
          ...keyFields(c.publicKey),
          subject_alternative_names: c.extensions.subjectAltNames ?? [],
          signature_algorithm: c.signatureAlgorithm.name,
          signature_valid: verifyCsrSignature(c).valid,
          sha256: createHash('sha256').update(c.der).digest('hex'),
        };
      }
      case 'public-key':
        return { ...base, ...keyFields(parseSpki(obj.der)) };
      case 'private-key': {
        const encrypted = obj.keyFormat === 'encrypted-pkcs8' || obj.legacyPem !== undefined;
        if (encrypted && password === undefined) {
          return { ...base, key_format: obj.keyFormat ?? 'legacy-pem', encrypted, note: 'encrypted: give --password to see the key' };
        }
        const k = parsePrivateKey(obj.der, { password, pem: obj.legacyPem });
        return { ...base, key_format: k.format, encrypted, ...keyFields(k.publicKey) };
      }
      case 'crl': {
        const c = parseCrl(obj.der);
        return {
          ...base,
          issuer: nameToString(c.issuer),
          this_update: iso(c.thisUpdate),
          next_update: c.nextUpdate ? iso(c.nextUpdate) : null,
          revoked_count: c.revokedCount,
          signature_algorithm: c.signatureAlgorithm.name,
          sha256: createHash('sha256').update(obj.der).digest('hex'),
        };
      }
      default:
        return { ...base, sha256: createHash('sha256').update(obj.der).digest('hex'), note: `${obj.kind} container: open it with ccmkit convert` };
    }
  } catch (e) {
    if (e instanceof CcmError) throw e.source ? e : e.withSource(obj.source);
    if (e instanceof DerError) {
      if (obj.kind === 'certificate') throw malformedCertificate(obj.source, e);
      const code = obj.kind === 'csr' ? 'PCA.00020401' : obj.kind === 'private-key' ? 'SCM.0012' : LocalCode.INPUT_UNREADABLE;
      throw new CcmError(400, code, `${obj.source}: malformed ${obj.kind}: ${e.message} (at byte ${e.offset}).`, obj.source);
    }
    throw e;
  }
}
