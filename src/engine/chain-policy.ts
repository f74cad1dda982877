// What a certificate must be, given where it sits in a chain, the profile and
// the purpose the chain is validated for: the rules of RFC 5280 (profile
// `rfc5280`, the default) and, on top, the CA/Browser Forum Baseline
// Requirements' rules a Web PKI client enforces (profile `webpki`). The
// position-independent part of path validation lives in chain.ts; this module
// says, per certificate and role, which rules it breaks.
//
// Every rule is named (`rule`) with the section it comes from, so a failure
// names the rule and the certificate. Where verifiers disagree, the choice and
// the judge followed are written next to the rule.
//
// Pure: bytes in, findings out.

import { getDomain, getPublicSuffix } from 'tldts-icann';
import type { Certificate } from './certificate.js';
import { DerReader, Tag, bytesOf, ctx, ctxPrim } from './der.js';
import { ipToString, type Extension, type SubjectAltName } from './extensions.js';
import { commonNames } from './name.js';
import { subjectAltNamesRaw, validHostname, type GeneralNameValue } from './name-constraints.js';
import { OID } from './oids.js';

/**
 * The certificate rules chains can be checked against on top of path
 * validation: `rfc5280` (what RFC 5280 requires of certificates) and
 * `webpki` (adds the CA/Browser Forum Baseline Requirements).
 *
 * @example
 * ```ts
 * const profile = PROFILES.find((p) => p === userInput) ?? 'rfc5280';
 * ```
 */
export const PROFILES = ['rfc5280', 'webpki'] as const;
/**
 * One of {@link PROFILES}.
 *
 * @example
 * ```ts
 * const profile: ChainProfile = 'webpki';
 * ```
 */
export type ChainProfile = (typeof PROFILES)[number];

/**
 * What a chain may be required to be good for (extended key usage on the
 * leaf, and on every CA that restricts it).
 *
 * @example
 * ```ts
 * PURPOSES.includes('serverAuth'); // true
 * ```
 */
export const PURPOSES = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'any'] as const;
/**
 * One of {@link PURPOSES}.
 *
 * @example
 * ```ts
 * const purpose: Purpose = 'clientAuth';
 * ```
 */
export type Purpose = (typeof PURPOSES)[number];

/** Where a certificate sits in a chain: the leaf, an intermediate, the anchor, or a leaf that is its own anchor. */
export type Role = 'leaf' | 'ca' | 'anchor' | 'leaf-anchor';

export type PolicyKind = 'profile' | 'webpki' | 'extended-key-usage' | 'weak-algorithm';

export interface PolicyFinding {
  kind: PolicyKind;
  /** The rule broken, with its source (`RFC 5280 4.2.1.12`, `CA/B BR 7.1.2.7.10`, `OpenSSL security level 1`). */
  rule: string;
  hint: string;
}

export interface PolicyContext {
  /** undefined: no profile rules at all (callers that only order a chain). */
  profile?: ChainProfile;
  purpose: Purpose;
  /** The certificate's own signature verifies with its own key and it names itself as issuer. */
  selfSigned: boolean;
  /** Subject and issuer are the same name (RFC 5280 7.1 comparison). */
  selfIssued: boolean;
  /** basicConstraints cA. */
  isCa: boolean;
}

const ANY_EKU = 'anyExtendedKeyUsage';
/** Precertificate Signing Certificate (RFC 6962 3.1): never in a subscriber certificate. */
const PRECERT_EKU = '1.3.6.1.4.1.11129.2.4.4';
/** EKUs CA/B BR 7.1.2.7.10 forbids next to serverAuth. */
const WEBPKI_FORBIDDEN_EKU = ['codeSigning', 'emailProtection', 'timeStamping', 'OCSPSigning', ANY_EKU, PRECERT_EKU];

/** Hashes OpenSSL refuses in signatures at its default security level 1 (SHA-1 gives < 80 bits of collision security). */
const WEAK_HASHES = new Set(['MD2', 'MD4', 'MD5', 'SHA1']);

/** CA/B BR 7.1.3.2: the signature algorithms a Web PKI certificate may be signed with. */
const WEBPKI_SIGNATURES = new Set<string>([OID.sha256WithRSA, OID.sha384WithRSA, OID.sha512WithRSA, OID.ecdsaWithSHA256, OID.ecdsaWithSHA384, OID.ecdsaWithSHA512]);
const PSS_SALT: Record<string, number> = { SHA256: 32, SHA384: 48, SHA512: 64 };

/** Every rule `cert` breaks in `role`. */
export function certificateFindings(cert: Certificate, role: Role, c: PolicyContext): PolicyFinding[] {
  const out: PolicyFinding[] = [];
  const add = (kind: PolicyKind, rule: string, hint: string): void => void out.push({ kind, rule, hint });
  const leaf = role === 'leaf' || role === 'leaf-anchor';
  const anchor = role === 'anchor' || role === 'leaf-anchor';
  // One pass over the extensions (this runs once per certificate and role over bags of 100,000).
  let akiE: Extension | undefined, skiE: Extension | undefined, aiaE: Extension | undefined, bcE: Extension | undefined;
  let ncE: Extension | undefined, pcE: Extension | undefined, sanE: Extension | undefined, ekuE: Extension | undefined;
  for (const e of cert.extensions.list) {
    switch (e.oid) {
      case OID.authorityKeyIdentifier: akiE ??= e; break;
      case OID.subjectKeyIdentifier: skiE ??= e; break;
      case OID.authorityInfoAccess: aiaE ??= e; break;
      case OID.basicConstraints: bcE ??= e; break;
      case OID.nameConstraints: ncE ??= e; break;
      case OID.policyConstraints: pcE ??= e; break;
      case OID.subjectAltName: sanE ??= e; break;
      case OID.extKeyUsage: ekuE ??= e; break;
    }
  }

  // --- purpose (RFC 5280 4.2.1.12): applies whatever the profile ---
  const eku = cert.extensions.extendedKeyUsage;
  if (c.purpose !== 'any' && eku && eku.length) {
    if (leaf && !eku.includes(c.purpose)) {
      // anyExtendedKeyUsage alone does not do: OpenSSL's purpose check and pyca both require the OID asked for.
      add('extended-key-usage', 'RFC 5280 4.2.1.12', `extendedKeyUsage (${eku.join(', ')}) does not allow ${c.purpose}`);
    } else if (!leaf && !eku.includes(c.purpose) && !eku.includes(ANY_EKU)) {
      // A CA whose EKU is present constrains what it issues (pyca, Chrome, BetterTLS "BAD_EKU").
      add('extended-key-usage', 'RFC 5280 4.2.1.12 (CA EKU constrains the chain)', `CA extendedKeyUsage (${eku.join(', ')}) does not allow ${c.purpose}`);
    }
  }

  // --- algorithms OpenSSL refuses at its default security level; the anchor's own signature is never relied on ---
  if (!anchor && WEAK_HASHES.has(cert.signatureAlgorithm.hash)) {
    add('weak-algorithm', 'OpenSSL security level 1', `signed with ${cert.signatureAlgorithm.name}: ${cert.signatureAlgorithm.hash} signatures are refused`);
  }
  const pk = cert.publicKey;
  if (((pk.type === 'RSA' || pk.type === 'RSA-PSS' || pk.type === 'DSA') && pk.bits < 1024) || (pk.type === 'EC' && pk.bits > 0 && pk.bits < 160)) {
    add('weak-algorithm', 'OpenSSL security level 1', `${pk.type} ${pk.bits}-bit key is below 80 bits of security`);
  }

  if (c.profile === undefined) return out;

  // --- RFC 5280 profile ---
  const p = (rule: string, hint: string): void => add('profile', rule, hint);
  for (const pr of cert.problems) {
    if (pr.startsWith('duplicate extension')) p('RFC 5280 4.2', pr);
    else if (pr.startsWith('malformed extension')) p('RFC 5280 4.2', pr);
    else if (pr.startsWith('signatureAlgorithm differs')) p('RFC 5280 4.1.1.2', pr);
  }
  const serial = serialContent(cert.der);
  if (serial && role !== 'anchor') {
    if ((serial[0]! & 0x80) !== 0) p('RFC 5280 4.1.2.2', 'negative serial number');
    else if (serial.every((b) => b === 0)) p('RFC 5280 4.1.2.2', 'serial number zero');
    const magnitude = serial.length > 1 && serial[0] === 0 ? serial.length - 1 : serial.length;
    if (magnitude > 20) p('RFC 5280 4.1.2.2', `serial number of ${magnitude} octets (at most 20)`);
  }
  if (akiE?.critical) p('RFC 5280 4.2.1.1', 'authorityKeyIdentifier is critical (MUST be non-critical)');
  if (skiE?.critical) p('RFC 5280 4.2.1.2', 'subjectKeyIdentifier is critical (MUST be non-critical)');
  const aia = aiaE;
  if (aia?.critical) p('RFC 5280 4.2.2.1', 'authorityInfoAccess is critical (MUST be non-critical)');
  if (aia) {
    const bad = accessDescriptionsProblem(aia.value);
    if (bad) p('RFC 5280 4.2.2.1', `authorityInfoAccess ${bad}`);
  }
  const selfIssuedRoot = c.selfIssued && (cert.extensions.authorityKeyId === undefined || cert.extensions.authorityKeyId === cert.extensions.subjectKeyId);
  if (!selfIssuedRoot && cert.extensions.authorityKeyId === undefined && cert.version === 3) p('RFC 5280 4.2.1.1', 'no authorityKeyIdentifier keyIdentifier (required except in self-signed certificates)');
  if (c.isCa && cert.extensions.subjectKeyId === undefined && cert.version === 3) p('RFC 5280 4.2.1.2', 'CA certificate without subjectKeyIdentifier');
  if (cert.issuer.rdns.length === 0) p('RFC 5280 4.1.2.4', 'empty issuer name');
  if (!leaf && cert.subject.rdns.length === 0) p('RFC 5280 4.1.2.6', 'CA certificate with an empty subject');
  const bc = bcE;
  if (!leaf && c.isCa && bc && !bc.critical) p('RFC 5280 4.2.1.9', 'basicConstraints of a CA certificate is not critical');
  if (cert.extensions.keyUsage?.includes('keyCertSign') && !c.isCa) p('RFC 5280 4.2.1.3', 'keyUsage keyCertSign without basicConstraints cA');
  if (cert.extensions.keyUsage && cert.extensions.keyUsage.length === 0) p('RFC 5280 4.2.1.3', 'keyUsage with no bit set (at least one MUST be)');
  if (eku && eku.length === 0) p('RFC 5280 4.2.1.12', 'extendedKeyUsage is empty (SIZE (1..MAX))');
  const nc = ncE;
  if (nc && (leaf || !c.isCa)) p('RFC 5280 4.2.1.10', 'nameConstraints in an end-entity certificate (MUST be used only in a CA certificate)');
  else if (nc && !nc.critical && c.profile === 'rfc5280') p('RFC 5280 4.2.1.10', 'nameConstraints is not critical (MUST be critical; the webpki profile allows it)');
  const pc = pcE;
  if (pc && !pc.critical) p('RFC 5280 4.2.1.11', 'policyConstraints is not critical (MUST be critical)');
  const san = sanE;
  if (cert.subject.rdns.length === 0) {
    if (!san) p('RFC 5280 4.2.1.6', 'empty subject and no subjectAltName');
    else if (!san.critical) p('RFC 5280 4.2.1.6', 'empty subject with a non-critical subjectAltName (MUST be critical)');
  }
  if (leaf) {
    // The decoded SANs are enough here (and already parsed): DNS text, IP as text or hex when not 4/16 octets.
    for (const n of cert.extensions.subjectAltNames ?? []) {
      const bad = sanSyntax(n);
      if (bad) {
        p('RFC 5280 4.2.1.6', bad);
        break;
      }
    }
  }

  if (c.profile !== 'webpki') return out;

  // --- CA/Browser Forum Baseline Requirements (webpki) ---
  const w = (rule: string, hint: string): void => add('webpki', rule, hint);
  if (pk.type === 'RSA') {
    if (pk.bits < 2048) w('CA/B BR 6.1.5', `RSA key of ${pk.bits} bits (at least 2048)`);
    else if (pk.bits % 8 !== 0) w('CA/B BR 6.1.5', `RSA modulus of ${pk.bits} bits is not a multiple of 8`);
  } else if (pk.type === 'EC') {
    if (!['P-256', 'P-384', 'P-521'].includes(pk.curve ?? '')) w('CA/B BR 6.1.5', `EC key on ${pk.curve ?? 'an unknown curve'} (only P-256, P-384, P-521)`);
  } else w('CA/B BR 7.1.3.1', `${pk.type} key (only RSA and ECDSA P-256/P-384/P-521)`);
  if (!anchor) {
    const sa = cert.signatureAlgorithm;
    const ok = WEBPKI_SIGNATURES.has(sa.oid) || (sa.oid === OID.rsassaPss && PSS_SALT[sa.hash] === sa.saltLength && !sa.paramsProblem);
    if (!ok) w('CA/B BR 7.1.3.2', `signature algorithm ${sa.name} is not allowed`);
    if (cert.version !== 3) w('CA/B BR 7.1.1', `version ${cert.version} certificate (MUST be v3)`);
  }
  if (!leaf) {
    const aki = akiE;
    if (aki) {
      const f = akiFields(aki.value);
      if (!f) w('CA/B BR 7.1.2.1.3', 'malformed authorityKeyIdentifier');
      else {
        if (!f.keyId) w('CA/B BR 7.1.2.1.3', 'authorityKeyIdentifier without keyIdentifier');
        if (f.issuer || f.serial) w('CA/B BR 7.1.2.1.3', 'authorityKeyIdentifier with authorityCertIssuer/authorityCertSerialNumber (MUST NOT be present)');
        if (anchor && c.selfSigned && f.keyId && cert.extensions.subjectKeyId && f.keyId !== cert.extensions.subjectKeyId) {
          w('CA/B BR 7.1.2.1.3', 'self-signed root whose authorityKeyIdentifier is not its subjectKeyIdentifier');
        }
      }
    }
    if (!cert.extensions.keyUsage) w('CA/B BR 7.1.2.10.7', 'CA certificate without keyUsage');
    if (anchor && eku) w('CA/B BR 7.1.2.1.2', 'root CA certificate with extendedKeyUsage (MUST NOT be present)');
  } else {
    if (c.isCa) w('CA/B BR 7.1.2.7.8', 'end-entity certificate with basicConstraints cA=TRUE (a CA certificate used as the leaf)');
    const ekuExt = ekuE;
    if (!eku) w('CA/B BR 7.1.2.7.10', 'no extendedKeyUsage (required in subscriber certificates)');
    else {
      if (ekuExt?.critical) w('CA/B BR 7.1.2.7.10', 'extendedKeyUsage is critical (MUST NOT be)');
      if (eku.includes(ANY_EKU)) w('CA/B BR 7.1.2.7.10', 'extendedKeyUsage contains anyExtendedKeyUsage');
      if (c.purpose === 'serverAuth') {
        const extra = eku.filter((e) => e !== ANY_EKU && WEBPKI_FORBIDDEN_EKU.includes(e));
        if (extra.length) w('CA/B BR 7.1.2.7.10', `extendedKeyUsage contains ${extra.join(', ')} next to serverAuth`);
      }
    }
    if (!san) w('CA/B BR 7.1.2.7.12', 'no subjectAltName');
    else if (san.critical && cert.subject.rdns.length > 0) w('CA/B BR 7.1.2.7.12', 'subjectAltName is critical with a non-empty subject (MUST NOT be)');
    const sans = subjectAltNamesRaw(cert);
    if (Array.isArray(sans)) {
      const cn = commonNames(cert.subject);
      if (cn.length > 1) w('CA/B BR 7.1.4.3', `${cn.length} commonName attributes (at most one)`);
      for (const v of cn) {
        if (!sans.some((s) => cnIsSan(v, s))) w('CA/B BR 7.1.4.3', `commonName "${v}" is not exactly one of the subjectAltNames`);
      }
      for (const s of sans) {
        if (s.form !== 'DNS' || !s.value.startsWith('*.')) continue;
        const base = s.value.slice(2).toLowerCase().replace(/\.$/, '');
        if (isPublicSuffix(base)) w('CA/B BR 3.2.2.6', `wildcard ${s.value} spans the public suffix ${base}`);
      }
    }
  }
  return out;
}

/** The INTEGER content of a certificate's serialNumber, or undefined when it cannot be read again. */
function serialContent(der: Buffer): Buffer | undefined {
  try {
    const r = new DerReader(der);
    const c = r.enter(Tag.SEQUENCE, 'Certificate');
    const t = c.enter(Tag.SEQUENCE, 'tbsCertificate');
    t.optional(ctx(0));
    return bytesOf(der, t.expect(Tag.INTEGER, 'serialNumber'));
  } catch {
    return undefined;
  }
}

function accessDescriptionsProblem(v: Buffer): string | undefined {
  try {
    const r = new DerReader(v);
    const s = r.enter(Tag.SEQUENCE, 'AuthorityInfoAccessSyntax');
    r.done('AuthorityInfoAccessSyntax');
    if (!s.more()) return 'is empty (SIZE (1..MAX))';
    while (s.more()) {
      const ad = s.enter(Tag.SEQUENCE, 'AccessDescription');
      ad.expect(Tag.OID, 'accessMethod');
      ad.next();
      ad.done('AccessDescription');
    }
    return undefined;
  } catch (e) {
    return `is malformed: ${(e as Error).message}`;
  }
}

function akiFields(v: Buffer): { keyId?: string; issuer: boolean; serial: boolean } | undefined {
  try {
    const r = new DerReader(v);
    const s = r.enter(Tag.SEQUENCE, 'AuthorityKeyIdentifier');
    r.done('AuthorityKeyIdentifier');
    const kid = s.optional(ctxPrim(0));
    const issuer = s.optional(ctx(1)) !== undefined;
    const serial = s.optional(ctxPrim(2)) !== undefined;
    s.done('AuthorityKeyIdentifier');
    const out: { keyId?: string; issuer: boolean; serial: boolean } = { issuer, serial };
    if (kid) out.keyId = bytesOf(v, kid).toString('hex');
    return out;
  } catch {
    return undefined;
  }
}

/** Why a subjectAltName of the leaf is not well-formed, or undefined (RFC 5280 4.2.1.6). */
function sanSyntax(n: SubjectAltName): string | undefined {
  if (n.type === 'DNS') {
    const v = n.value.replace(/\.$/, '');
    const host = v.startsWith('*.') ? v.slice(2) : v;
    if (!validHostname(host)) return `dNSName "${n.value}" is not in preferred name syntax (letters, digits, hyphens; a wildcard only as the whole leftmost label)`;
  }
  // ipToString gives dotted or colon text for 4 and 16 octets, hex otherwise.
  if (n.type === 'IP' && !/[.:]/.test(n.value)) return `iPAddress of ${n.value.length / 2} octets (4 or 16)`;
  return undefined;
}

/** CA/B BR 7.1.4.3: a character-for-character copy of a dNSName, or the canonical text of an iPAddress. */
function cnIsSan(cn: string, s: GeneralNameValue): boolean {
  if (s.form === 'DNS') return cn === s.value;
  if (s.form === 'IP' && (s.bytes.length === 4 || s.bytes.length === 16)) return cn === ipToString(s.bytes);
  return false;
}

/** Is `host` itself a public suffix (ICANN section of the Public Suffix List; unknown TLDs count)? */
export function isPublicSuffix(host: string): boolean {
  if (!host) return true;
  return getDomain(host) === null && getPublicSuffix(host) === host;
}
