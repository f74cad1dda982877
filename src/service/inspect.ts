// `inspect`: one summary per object of any kind, for humans and for JSON.

import { createHash } from 'node:crypto';
import type { WorkBudget } from '../engine/budget.js';
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

/**
 * One object summarised the way `ccmkit inspect --json` prints it; fields
 * that do not apply to the kind are absent.
 *
 * @example
 * ```ts
 * const o: Inspected = inspectObject(obj, undefined, new Date());
 * if (o.validity_status === 'expired') console.log(o.source, 'expired', -o.days_left!, 'days ago');
 * ```
 */
export interface Inspected {
  /** `file#n`. */
  source: string;
  /** What the object is. */
  kind: InputObject['kind'];
  /** The keystore, bag or zip the object was found in. */
  container?: string;
  /** Certificates, CSRs: the subject DN (RFC 4514 order as openssl prints it). */
  subject?: string;
  /** Certificates, CRLs: the issuer DN. */
  issuer?: string;
  /** Certificates: the serial number, upper-case hex. */
  serial?: string;
  /** Certificates: notBefore, ISO 8601. */
  not_before?: string;
  /** Certificates: notAfter, ISO 8601. */
  not_after?: string;
  /** The key: `RSA 2048`, `EC P-256`... */
  key_algorithm?: string;
  /** CCM's name for the key (`RSA2048`, `EC256`...), or null when CCM has none. */
  ccm_key_algorithm?: string | null;
  /** Certificates, CSRs: the subject alternative names. */
  subject_alternative_names?: SubjectAltName[];
  /** Certificates: basicConstraints cA. */
  is_ca?: boolean;
  /** Certificates, CSRs, CRLs: the signature algorithm (`SHA256withRSA`...). */
  signature_algorithm?: string;
  /** CSRs: whether the self-signature verifies. */
  signature_valid?: boolean;
  /** Private keys: pkcs1, sec1, pkcs8 or encrypted-pkcs8. */
  key_format?: string;
  /** Private keys: stored encrypted. */
  encrypted?: boolean;
  /** SHA-256 of the whole object's DER (certificates, CSRs, CRLs). */
  sha256?: string;
  /** SHA-256 of the SubjectPublicKeyInfo: equal for a key and its certificate. */
  public_key_sha256?: string;
  /** Why OpenSSL would refuse the public key (off-curve EC point, RSA e = 1...); absent when it is valid. */
  public_key_problem?: string;
  /** CRLs: thisUpdate, ISO 8601. */
  this_update?: string;
  /** CRLs: nextUpdate, ISO 8601, or null when absent. */
  next_update?: string | null;
  /** CRLs: how many entries. */
  revoked_count?: number;
  /** Certificates: "valid", "expired" or "not-yet-valid" at the time of the check. */
  validity_status?: 'valid' | 'expired' | 'not-yet-valid';
  /** Certificates: whole days until notAfter (negative once expired). */
  days_left?: number;
  /** Certificates: SHA-1 of the DER as Windows shows it ("thumbprint": upper-case hex, no separators). */
  sha1_thumbprint?: string;
  /** The same digest in openssl's `-fingerprint` form (upper-case, colon-separated). */
  sha1_fingerprint?: string;
  /** SHA-256 in openssl's `-fingerprint -sha256` form. */
  sha256_fingerprint?: string;
  /** Certificates: keyUsage names. */
  key_usage?: string[];
  /** Certificates: extKeyUsage names. */
  extended_key_usage?: string[];
  /** Anything else worth a line (a key that could not be decrypted...). */
  note?: string;
}

const DAY_MS = 86_400_000;

/** "AB:CD:..." (openssl x509 -fingerprint). */
export function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Expiry status of a certificate at `at`, in whole days (what people look for first). */
export function expiry(notBefore: Date, notAfter: Date, at: Date): Pick<Inspected, 'validity_status' | 'days_left'> {
  const days_left = Math.floor((notAfter.getTime() - at.getTime()) / DAY_MS);
  const validity_status = at < notBefore ? 'not-yet-valid' : at > notAfter ? 'expired' : 'valid';
  return { validity_status, days_left };
}

function sha1Forms(der: Buffer): Pick<Inspected, 'sha1_thumbprint' | 'sha1_fingerprint'> {
  const hex = createHash('sha1').update(der).digest('hex');
  return { sha1_thumbprint: hex.toUpperCase(), sha1_fingerprint: colonHex(hex) };
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

/**
 * The error for an object whose public key OpenSSL would refuse (an EC point
 * off its curve, an RSA exponent of 1...), with the code CCM answers for
 * that kind of object (SCM.0031 certificates, PCA.00020401 CSRs, SCM.0012
 * keys); undefined when the key is valid.
 *
 * @example
 * ```ts
 * const o = inspectObject(obj, undefined, new Date());
 * const bad = publicKeyError(o);
 * if (bad) console.log(bad.error_code, bad.error_msg);
 * ```
 */
export function publicKeyError(o: Inspected): CcmError | undefined {
  if (!o.public_key_problem) return undefined;
  const code = o.kind === 'certificate' ? 'SCM.0031' : o.kind === 'csr' ? 'PCA.00020401' : o.kind === 'private-key' ? 'SCM.0012' : LocalCode.INPUT_UNRECOGNISED;
  return new CcmError(400, code, `${o.source}: invalid public key: ${o.public_key_problem}.`, o.source);
}

/**
 * Summarises one object (`ccmkit inspect`): names, serial, validity and
 * expiry status at `at`, key algorithm and CCM's name for it, SANs, usages,
 * fingerprints (SHA-256, and the SHA-1 thumbprint as Windows shows it).
 * Throws CcmError (with its source) when the object is malformed.
 *
 * @param password - opens an encrypted private key (without it the key is listed as encrypted)
 * @param at - the time expiry is judged at; pass it: the library reads no clock, and the default is 1970-01-01
 * @param budget - the operation's key-derivation budget
 *
 * @example
 * ```ts
 * for (const obj of readInput(readFileSync('bundle.pem'), 'bundle.pem').objects) {
 *   const o = inspectObject(obj, undefined, new Date());
 *   console.log(o.source, o.kind, o.subject, o.days_left);
 * }
 * ```
 */
export function inspectObject(obj: InputObject, password?: string, at: Date = new Date(0), budget?: WorkBudget): Inspected {
  const base = { source: obj.source, kind: obj.kind, ...(obj.container !== undefined ? { container: obj.container } : {}) };
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
          ...(c.extensions.keyUsage ? { key_usage: [...c.extensions.keyUsage] } : {}),
          ...(c.extensions.extendedKeyUsage ? { extended_key_usage: c.extensions.extendedKeyUsage } : {}),
          signature_algorithm: c.signatureAlgorithm.name,
          ...expiry(c.notBefore, c.notAfter, at),
          sha256: sha256Fingerprint(c),
          sha256_fingerprint: colonHex(sha256Fingerprint(c)),
          ...sha1Forms(c.der),
        };
      }
      case 'csr': {
        const c = parseCsr(obj.der);
        return {
          ...base,
          subject: nameToString(c.subject),
          ...keyFields(c.publicKey),
          subject_alternative_names: c.extensions.subjectAltNames ?? [],
          ...(c.extensions.keyUsage ? { key_usage: [...c.extensions.keyUsage] } : {}),
          ...(c.extensions.extendedKeyUsage ? { extended_key_usage: c.extensions.extendedKeyUsage } : {}),
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
          return { ...base, key_format: obj.keyFormat ?? 'legacy-pem', encrypted, note: 'encrypted: give --passphrase-file F (or $CCMKIT_PASSPHRASE) to see the key' };
        }
        const k = parsePrivateKey(obj.der, { password, pem: obj.legacyPem, ...(budget ? { budget } : {}) });
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
