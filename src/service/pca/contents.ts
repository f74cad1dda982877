// What goes into the certificates the offline CA signs: PCA's defaults and
// limits (ccm-api-reference.txt 4.2.1.2, 4.2.2.2, 4.2.2.3), built with the
// engine's builder. The README's "Certificate contents" table is this file.

import type { KeyObject } from 'node:crypto';
import {
  authorityKeyIdExt,
  basicConstraintsExt,
  buildCertificate,
  extKeyUsageExt,
  keyIdentifier,
  keyUsageExt,
  subjectAltNameExt,
  subjectKeyIdExt,
  type ExtensionInput,
} from '../../engine/builder.js';
import type { Certificate } from '../../engine/certificate.js';
import { ctxPrim, explicit, seq, tlv, utf8 } from '../../engine/der.js';
import type { KeyUsageName, SubjectAltName } from '../../engine/extensions.js';
import { OID } from '../../engine/oids.js';
import type { HashName } from '../../engine/signature.js';
import type { Random } from '../../store/vault.js';
import { badParameter } from './context.js';
import { CcmError } from '../../engine/errors.js';

/** 4.2.1.2 key_usages NOTE: root CAs always, subordinate CAs by default. */
export const CA_KEY_USAGES: KeyUsageName[] = ['digitalSignature', 'keyCertSign', 'cRLSign'];
/** 4.2.2.3: a private certificate's default keyUsage ("digitalSignature and keyAgreement"), also used by apply (4.2.2.2 names no default). */
export const ENTITY_KEY_USAGES: KeyUsageName[] = ['digitalSignature', 'keyAgreement'];
/** 4.2.2.3: "SignatureHashAlgorithm: SHA384" when issuing from a CSR (the body has no signature_algorithm). */
export const CSR_SIGNATURE_HASH = 'SHA384';
/** 4.2.1.1 Table 4-40: a root's path length "is not limited, but this field is set to 7". */
export const ROOT_PATH_LENGTH = 7;

/** 4.2.2.2 Table 4-163: the extended_key_usage booleans and their OIDs. */
export const EKU_FIELDS: Record<string, string> = {
  server_auth: 'serverAuth',
  client_auth: 'clientAuth',
  code_signing: 'codeSigning',
  email_protection: 'emailProtection',
  time_stamping: 'timeStamping',
};

// ---- validity ---------------------------------------------------------------------

export interface ValidityInput {
  type: 'YEAR' | 'MONTH' | 'DAY' | 'HOUR';
  value: number;
  start_from?: number | null;
}

function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  // Clamp to the target month's last day (Jan 31 + 1 month = Feb 28/29), as calendars do.
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return Date.UTC(ty, tm, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

/**
 * notBefore = start_from (or now), notAfter = notBefore + value x type, both
 * in whole seconds (X.509 times have no milliseconds). YEAR and MONTH are
 * calendar years and months, DAY 24 hours, HOUR 60 minutes (the same reading
 * the validity pre-flight uses for its 20/30-year limits).
 */
export function validityWindow(v: ValidityInput, now: number): { notBefore: number; notAfter: number } {
  const start = Math.floor((v.start_from ?? now) / 1000) * 1000;
  let end: number;
  switch (v.type) {
    case 'YEAR':
      end = addMonths(start, 12 * v.value);
      break;
    case 'MONTH':
      end = addMonths(start, v.value);
      break;
    case 'DAY':
      end = start + v.value * 86_400_000;
      break;
    case 'HOUR':
      end = start + v.value * 3_600_000;
      break;
  }
  return { notBefore: start, notAfter: end };
}

/** An issued certificate may not outlive (or predate) its issuer: 400 PCA.00020109 otherwise. */
export function checkWithinIssuer(w: { notBefore: number; notAfter: number }, issuer: { not_before: number | null; not_after: number | null }, issuerName: string): void {
  if (issuer.not_after !== null && w.notAfter > issuer.not_after) {
    throw new CcmError(
      400,
      'PCA.00020109',
      `the validity ends ${new Date(w.notAfter).toISOString()}, after the issuer ${issuerName} expires (${new Date(issuer.not_after).toISOString()}): a certificate may not outlive its issuer. Invalid validity period type or value. Only year, month, or day supported.`,
      'validity',
    );
  }
  if (issuer.not_before !== null && w.notBefore < issuer.not_before) {
    throw new CcmError(
      400,
      'PCA.00020109',
      `the validity starts ${new Date(w.notBefore).toISOString()}, before the issuer ${issuerName} is valid (${new Date(issuer.not_before).toISOString()}). Invalid validity period type or value. Only year, month, or day supported.`,
      'validity.start_from',
    );
  }
}

// ---- serial numbers ------------------------------------------------------------------

/**
 * A serial number: 159 random bits from the CSPRNG, so positive and at most
 * 20 octets (RFC 5280 4.1.2.2). PCA reports serials as decimal digit strings
 * (4.2.1.1 example "202203070322544291829058"); so does ccmkit.
 */
export function randomSerial(random: Random): { value: bigint; decimal: string } {
  return serialFromBytes(random(20));
}

/** The serial of 20 random bytes: the top bit cleared (positive, at most 20 octets); never zero. */
export function serialFromBytes(bytes: Uint8Array): { value: bigint; decimal: string } {
  const b = Buffer.from(bytes.subarray(0, 20));
  b[0] = b[0]! & 0x7f;
  let value = BigInt('0x' + b.toString('hex'));
  // Zero has probability 2^-159; it is still not a valid serial.
  if (value === 0n) value = 1n;
  return { value, decimal: value.toString(10) };
}

/** The certificate's serial (upper-case hex, as parsed) as PCA's decimal string. */
export function serialDecimal(hex: string): string {
  return BigInt('0x' + hex).toString(10);
}

// ---- extensions ---------------------------------------------------------------------------

/** cRLDistributionPoints (RFC 5280 4.2.1.13): one point, its fullName one URI. */
export function crlDistributionPointsExt(uri: string): ExtensionInput {
  return { oid: OID.crlDistributionPoints, value: seq(seq(explicit(0, explicit(0, tlv(ctxPrim(6), Buffer.from(uri, 'latin1')))))) };
}

/** customized_extension (4.2.2.2 Table 4-164): the value as a UTF8String under the given OID, non-critical. */
export function customizedExt(o: string, value: string): ExtensionInput {
  return { oid: o, value: utf8(value) };
}

/** Extensions ccmkit writes itself: a customized extension may not replace one of them. */
const RESERVED = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
]);

export function checkCustomOid(o: string): void {
  if (RESERVED.has(o)) throw badParameter(`customized_extension.object_identifier ${o} is an extension the CA writes itself.`, 'customized_extension.object_identifier');
}

export interface IssueInput {
  serial: bigint;
  subject: [string, string][] | Buffer;
  /** The issuer's subject Name DER (exactly as in its certificate), or the attributes of a self-signed root. */
  issuer: [string, string][] | Buffer;
  notBefore: number;
  notAfter: number;
  /** SPKI DER of the certified key. */
  spki: Buffer;
  signingKey: KeyObject;
  /** SPKI DER of the signing key: its key identifier becomes the AKI. */
  issuerSpki: Buffer;
  hash: HashName;
  ca?: { pathLength?: number };
  keyUsages: KeyUsageName[];
  extendedKeyUsages?: string[];
  sans?: SubjectAltName[];
  crlUrl?: string | null;
  custom?: ExtensionInput;
}

/**
 * Builds and signs. Extension order: basicConstraints (critical), keyUsage
 * (critical), extKeyUsage, subjectAltName, SKI, AKI, cRLDistributionPoints,
 * then the customized extension.
 */
export function issueCertificate(i: IssueInput): Buffer {
  const exts: ExtensionInput[] = [basicConstraintsExt(Boolean(i.ca), i.ca?.pathLength)];
  if (i.keyUsages.length) exts.push(keyUsageExt(i.keyUsages));
  if (i.extendedKeyUsages?.length) exts.push(extKeyUsageExt(i.extendedKeyUsages));
  if (i.sans?.length) exts.push(subjectAltNameExt(i.sans));
  exts.push(subjectKeyIdExt(i.spki), authorityKeyIdExt(keyIdentifier(i.issuerSpki)));
  if (i.crlUrl) exts.push(crlDistributionPointsExt(i.crlUrl));
  if (i.custom) exts.push(i.custom);
  return buildCertificate({
    serial: i.serial,
    subject: i.subject,
    issuer: i.issuer,
    notBefore: new Date(i.notBefore),
    notAfter: new Date(i.notAfter),
    publicKey: i.spki,
    extensions: exts,
    signingKey: i.signingKey,
    hash: i.hash,
  });
}

/** The path length a new CA may have under `issuer`: at most issuer's minus one (RFC 5280 4.2.1.9). */
export function checkPathLength(requested: number, issuer: { path_length: number | null; type: string; common_name: string }): void {
  // A root's stored 7 means "not limited" (Table 4-40); its certificate has no pathLenConstraint.
  if (issuer.type === 'ROOT' && issuer.path_length === ROOT_PATH_LENGTH) return;
  const max = (issuer.path_length ?? 0) - 1;
  if (requested > max) {
    throw new CcmError(
      400,
      'PCA.00020203',
      max < 0
        ? `the issuer ${issuer.common_name} has path length 0: it can issue end-entity certificates only, not CA ${requested}. Invalid CA path length. The value range is [0, 6].`
        : `path_length ${requested} does not fit under the issuer ${issuer.common_name} (path length ${issuer.path_length}): at most ${max}. Invalid CA path length. The value range is [0, 6].`,
      'path_length',
    );
  }
}

/** The issuer's certificate subject, exactly, for the new certificate's issuer field. */
export function issuerNameOf(c: Certificate): Buffer {
  return c.subject.der;
}

