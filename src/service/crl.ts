// CRL operations: build (full or delta), inspect, check a certificate.
//
// The CCM side: PCA publishes a CA's CRL every crl_configuration.valid_days
// (7..30, ccm-api-reference.txt 4.2.1.2) listing the certificates revoked with
// CCM's reasons (4.2.2.9, 4.2.1.13). ccmkit builds the same CRL offline for any
// CA whose key the user holds. Every input problem is a finding carrying the
// CCM code from src/ccm/rules.ts; nothing is built while one is an error.

import { createHash } from 'node:crypto';
import { hashFindings, keyFindings } from '../ccm/algorithms.js';
import { hasErrors, type Finding } from '../ccm/findings.js';
import { parseRevokedFile, reasonName, type RevokedInputBytes } from '../ccm/revocation.js';
import { finding } from '../ccm/rules.js';
import { parseCertificate, type Certificate } from '../engine/certificate.js';
import {
  NO_REASON,
  SerialIndex,
  buildCrl,
  checkCertificate,
  crlDer,
  crlEntries,
  crlEntry,
  parseCrl,
  revokedList,
  verifyCrl,
  type BuiltCrl,
  type Crl,
  type CrlEntry,
  type CrlHash,
  type RevokedInput,
  type RevokedList,
} from '../engine/crl.js';
import { keyIdentifier } from '../engine/builder.js';
import { DerError, integerContent } from '../engine/der.js';
import { CcmError, LocalCode } from '../engine/errors.js';
import { readInput } from '../engine/input.js';
import { nameToString } from '../engine/name.js';
import { pairProblem, pairVerdict } from '../engine/match.js';
import { parsePrivateKey, type PrivateKeyInfo } from '../engine/privatekey.js';
import type { SignatureAlgorithm } from '../engine/signature.js';

const DAY = 86_400_000;
// X.509 times are whole seconds: drop the ".000" (slice, not replace: this runs per CRL entry).
const iso = (d: Date | number): string => (typeof d === 'number' ? new Date(d) : d).toISOString().slice(0, 19) + 'Z';

export interface FileBytes {
  bytes: Uint8Array;
  source: string;
}

export interface BuildCrlRequest {
  caCert: FileBytes;
  caKey: FileBytes;
  password?: string;
  /** The revoked list, whole or as chunks read on demand; `size` (bytes) helps reserve memory. */
  revoked: { bytes: RevokedInputBytes; source: string; size?: number };
  /** Decimal text, as given on the command line. */
  crlNumber: string;
  validDays: string;
  at: Date;
  baseCrl?: FileBytes;
  /** SHA256 (default), SHA384 or SHA512. */
  signatureAlgorithm?: string;
  /** URIs of this complete CRL's delta CRLs (freshestCRL). */
  freshestCrl?: string[];
}

export interface CrlSummary {
  crl_number: string;
  base_crl_number?: string;
  issuer: string;
  this_update: string;
  next_update: string;
  revoked_count: number;
  signature_algorithm: string;
  size: number;
  sha256: string;
}

export interface BuildCrlResult {
  findings: Finding[];
  crl?: BuiltCrl;
  summary?: CrlSummary;
}

/** The first certificate in a file, or a CcmError naming the file. */
export function loadCertificate(f: FileBytes, what: string): Certificate {
  const r = readInput(f.bytes, f.source);
  const obj = r.objects.find((o) => o.kind === 'certificate');
  if (!obj) {
    const why = r.problems[0]?.error.message ?? `${f.source} holds no certificate`;
    throw new CcmError(400, 'PCA.00020402', `${what}: ${why}`, f.source);
  }
  try {
    return parseCertificate(obj.der);
  } catch (e) {
    if (e instanceof DerError) throw new CcmError(400, 'PCA.00020402', `${what}: ${obj.source}: malformed certificate: ${e.message}.`, obj.source);
    throw e;
  }
}

/**
 * The certificate of `f` that `crl` speaks for: the one its issuer issued
 * (issuer name = the CRL's issuer, RFC 5280 6.3.3), not merely the first.
 * `crl check --certificate fullchain.pem` then checks the leaf, not the root.
 * A self-issued match (the CA itself) comes last; with no match at all the
 * first certificate is returned, and the check explains the issuer mismatch.
 */
export function certificateForCrl(f: FileBytes, crl: Crl): { certificate: Certificate; source: string; of: number } {
  const r = readInput(f.bytes, f.source);
  const objs = r.objects.filter((o) => o.kind === 'certificate');
  if (objs.length <= 1) {
    const c = loadCertificate(f, 'certificate');
    return { certificate: c, source: objs[0]?.source ?? f.source, of: objs.length };
  }
  const parsed: { certificate: Certificate; source: string }[] = [];
  for (const o of objs) {
    try {
      parsed.push({ certificate: parseCertificate(o.der), source: o.source });
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      throw new CcmError(400, 'PCA.00020402', `certificate: ${o.source}: malformed certificate: ${e.message}.`, o.source);
    }
  }
  const issued = parsed.filter((x) => x.certificate.issuer.der.equals(crl.issuer.der));
  const pick = issued.find((x) => !x.certificate.subject.der.equals(x.certificate.issuer.der)) ?? issued[0] ?? parsed[0]!;
  return { ...pick, of: objs.length };
}

function loadKey(f: FileBytes, password: string | undefined): PrivateKeyInfo {
  const r = readInput(f.bytes, f.source);
  const obj = r.objects.find((o) => o.kind === 'private-key');
  if (!obj) throw new CcmError(400, 'SCM.0012', `The CA private key failed to be resolved: ${f.source} holds no private key.`, f.source);
  try {
    return parsePrivateKey(obj.der, { password, pem: obj.legacyPem });
  } catch (e) {
    if (e instanceof CcmError) throw e.source ? e : e.withSource(obj.source);
    throw e;
  }
}

/** Reads a CRL file (PEM or DER, any size up to the file limit) into a parsed CRL. */
export function loadCrl(f: FileBytes): Crl {
  try {
    return parseCrl(crlDer(f.bytes));
  } catch (e) {
    if (e instanceof DerError) {
      throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${f.source}: not a readable CRL: ${e.message}${e.offset ? ` (at byte ${e.offset})` : ''}.`, f.source);
    }
    throw e;
  }
}

/** Builds a CRL, or returns the findings that stop it. Never half-builds. */
export function buildCrlRequest(req: BuildCrlRequest): BuildCrlResult {
  const findings: Finding[] = [];
  const err = (id: string, detail: string, fix?: string): void => {
    findings.push(finding(id, detail, fix));
  };

  // valid_days: CCM's crl_configuration range (4.2.1.2).
  const days = /^\d{1,3}$/.test(req.validDays.trim()) ? Number(req.validDays) : NaN;
  if (!(days >= 7 && days <= 30)) err('pca-crl.valid_days.range', `--valid-days "${req.validDays.slice(0, 16)}" is not an integer from 7 to 30.`, 'CCM publishes CRLs every 7 to 30 days.');

  // crl_number: RFC 5280 5.2.3, a non-negative INTEGER of at most 20 octets.
  let crlNumber: bigint | undefined;
  if (!/^\d{1,60}$/.test(req.crlNumber.trim())) err('pca-crl.crl_number.range', `--crl-number "${req.crlNumber.slice(0, 32)}" is not a non-negative decimal integer.`);
  else {
    crlNumber = BigInt(req.crlNumber.trim());
    if (integerContent(crlNumber).length > 20) {
      err('pca-crl.crl_number.range', `--crl-number ${req.crlNumber.trim().slice(0, 32)}... is longer than 20 octets (RFC 5280 5.2.3).`);
      crlNumber = undefined;
    }
  }

  const hashName = (req.signatureAlgorithm ?? 'SHA256').toUpperCase().replace('-', '') as CrlHash;
  const hashAlg: SignatureAlgorithm = { oid: '', name: hashName, hash: hashName, keyType: 'RSA' };
  findings.push(...hashFindings(hashAlg, 'signature_algorithm'));

  const ca = loadCertificate(req.caCert, 'CA certificate');
  const key = loadKey(req.caKey, req.password);
  findings.push(...keyFindings(ca.publicKey, 'ca_certificate'));
  const pair = pairVerdict(key, ca.publicKey);
  if (pair !== 'match') {
    const caName = `${req.caCert.source} (${nameToString(ca.subject)})`;
    const why = pair === 'different-key' ? `${req.caKey.source} is not the private key of ${caName}` : pairProblem(pair, req.caKey.source, caName);
    err('pca-crl.ca_key.match', `${why}.`, 'Give the key the CA certificate was issued for.');
  }
  if (!ca.extensions.basicConstraints?.ca) {
    err('pca-crl.ca_cert.crl_sign', `${req.caCert.source} (${nameToString(ca.subject)}) is not a CA certificate (basicConstraints cA is not set).`, 'Sign CRLs with the CA certificate of the issuing CA.');
  } else if (ca.extensions.keyUsage && !ca.extensions.keyUsage.includes('cRLSign')) {
    err('pca-crl.ca_cert.crl_sign', `${req.caCert.source}: keyUsage (${ca.extensions.keyUsage.join(', ')}) lacks cRLSign, so this CA may not sign CRLs (RFC 5280 4.2.1.3).`, 'Re-issue the CA certificate with keyUsage keyCertSign, cRLSign.');
  }
  if (req.at > ca.notAfter) {
    findings.push({ code: 'PCA.00020402', severity: 'warning', field: 'ca_certificate', message: `The CA certificate expired at ${iso(ca.notAfter)}, before thisUpdate ${iso(req.at)}.` });
  }

  const parsed = parseRevokedFile(req.revoked.bytes, { at: req.at, source: req.revoked.source, ...(req.revoked.size ? { sizeHint: req.revoked.size } : {}) });
  findings.push(...parsed.findings);
  let list = parsed.list;

  let base: Crl | undefined;
  if (req.baseCrl) {
    try {
      base = loadCrl(req.baseCrl);
    } catch (e) {
      if (!(e instanceof CcmError)) throw e;
      err('pca-crl.base_crl.match', e.message);
    }
    if (base) {
      const v = verifyCrl(base, ca);
      if (!v.valid) err('pca-crl.base_crl.match', `${req.baseCrl.source} was not issued by ${req.caCert.source}: ${v.reasons.join('; ')}.`);
      if (base.baseCrlNumber !== undefined) err('pca-crl.base_crl.match', `${req.baseCrl.source} is itself a delta CRL; a delta is built against a complete CRL.`);
      if (base.crlNumber === undefined) err('pca-crl.base_crl.match', `${req.baseCrl.source} has no CRL number to refer to.`);
      else if (crlNumber !== undefined && crlNumber <= base.crlNumber) {
        err('pca-crl.crl_number.range', `--crl-number ${crlNumber} must be greater than the base CRL's number ${base.crlNumber} (RFC 5280 5.2.4).`);
      }
    }
  }
  if (hasErrors(findings)) return { findings };

  if (base) {
    const delta = deltaEntries(list, base, req.at, req.baseCrl!.source);
    findings.push(...delta.findings);
    if (hasErrors(findings)) return { findings };
    list = delta.list;
  }

  const thisUpdate = req.at;
  const nextUpdate = new Date(req.at.getTime() + days * DAY);
  if (nextUpdate > ca.notAfter) {
    findings.push({ code: 'PCA.00020402', severity: 'warning', field: 'valid_days', message: `nextUpdate ${iso(nextUpdate)} is after the CA certificate expires (${iso(ca.notAfter)}).` });
  }
  const aki = ca.extensions.subjectKeyId ? Buffer.from(ca.extensions.subjectKeyId, 'hex') : keyIdentifier(ca.publicKey.spki);
  const crl = buildCrl({
    issuer: ca.subject.der,
    authorityKeyId: aki,
    signingKey: key.keyObject,
    hash: hashName,
    thisUpdate,
    nextUpdate,
    crlNumber: crlNumber!,
    ...(base ? { baseCrlNumber: base.crlNumber! } : {}),
    ...(req.freshestCrl?.length ? { freshestCrl: req.freshestCrl } : {}),
    revoked: list,
  });
  const h = createHash('sha256');
  for (const c of crl.chunks) h.update(c);
  const summary: CrlSummary = {
    crl_number: String(crlNumber),
    ...(base ? { base_crl_number: String(base.crlNumber) } : {}),
    issuer: nameToString(ca.subject),
    this_update: iso(thisUpdate),
    next_update: iso(nextUpdate),
    revoked_count: list.count,
    signature_algorithm: `${hashName}with${key.keyObject.asymmetricKeyType === 'ec' ? 'ECDSA' : 'RSA'}`,
    size: crl.length,
    sha256: h.digest('hex'),
  };
  return { findings, crl, summary };
}

/** A full CRL's entries as a RevokedList (to index and compare). */
function listOfCrl(crl: Crl): RevokedList {
  const items: RevokedInput[] = [];
  for (const e of crlEntries(crl)) items.push({ serial: e.serialBytes, revokedAt: e.revocationDate, reason: e.reason ?? NO_REASON });
  return revokedList(items);
}

const sameReason = (a: number, b: number): boolean => a === b || ((a === 0 || a === NO_REASON) && (b === 0 || b === NO_REASON));

/**
 * The delta against `base`, given the CA's complete current revoked list
 * (RFC 5280 5.2.4): serials not in the base or whose reason changed; and for
 * a base entry on CERTIFICATE_HOLD that is no longer listed, a removeFromCRL
 * (8) entry. Any other base entry missing from the list is an error:
 * revocation is permanent.
 */
function deltaEntries(current: RevokedList, base: Crl, at: Date, baseSource: string): { list: RevokedList; findings: Finding[] } {
  const findings: Finding[] = [];
  const baseList = listOfCrl(base);
  const baseIdx = new SerialIndex(baseList);
  const curIdx = new SerialIndex(current);
  const out: RevokedInput[] = [];
  for (let i = 0; i < current.count; i++) {
    const s = current.serials.subarray(current.offsets[i]!, current.offsets[i + 1]!);
    const j = baseIdx.indexOf(s);
    if (j < 0 || !sameReason(baseList.reasons[j]!, current.reasons[i]!)) out.push({ serial: s, revokedAt: new Date(current.times[i]!), reason: current.reasons[i]! });
  }
  let bad = 0;
  for (let j = 0; j < baseList.count; j++) {
    const s = baseList.serials.subarray(baseList.offsets[j]!, baseList.offsets[j + 1]!);
    if (curIdx.indexOf(s) >= 0) continue;
    const r = baseList.reasons[j]!;
    if (r === 6) out.push({ serial: s, revokedAt: at, reason: 8 });
    else if (r !== 8 && ++bad <= 20) {
      findings.push(
        finding(
          'pca-crl.base_crl.match',
          `serial ${crlEntry(base, j).serial} is revoked in ${baseSource} (${reasonName(r)}) but missing from --revoked; only CERTIFICATE_HOLD can be lifted.`,
          '--revoked must list every certificate the CA has revoked; the delta is computed from it.',
          'error',
          'revoked',
        ),
      );
    }
  }
  return { list: revokedList(out), findings };
}

// ---- inspect / check -----------------------------------------------------------------------

export interface CrlEntryView {
  serial_number: string;
  revoked_at: string;
  reason: string;
  reason_code?: number;
  invalidity_date?: string;
  problems?: string[];
}

export interface CrlView {
  source: string;
  version: number;
  issuer: string;
  crl_number: string | null;
  base_crl_number?: string;
  this_update: string;
  next_update: string | null;
  signature_algorithm: string;
  authority_key_id: string | null;
  signature_valid?: boolean;
  signature_problems?: string[];
  revoked_count: number;
  problems: string[];
}

export function crlView(crl: Crl, source: string, ca?: Certificate): CrlView {
  const v: CrlView = {
    source,
    version: crl.version,
    issuer: nameToString(crl.issuer),
    crl_number: crl.crlNumber === undefined ? null : String(crl.crlNumber),
    this_update: iso(crl.thisUpdate),
    next_update: crl.nextUpdate ? iso(crl.nextUpdate) : null,
    signature_algorithm: crl.signatureAlgorithm.name,
    authority_key_id: crl.authorityKeyId ?? null,
    revoked_count: crl.revokedCount,
    problems: crl.problems,
  };
  if (crl.baseCrlNumber !== undefined) v.base_crl_number = String(crl.baseCrlNumber);
  if (ca) {
    const r = verifyCrl(crl, ca);
    v.signature_valid = r.valid;
    if (!r.valid) v.signature_problems = r.reasons;
  }
  return v;
}

export function entryView(e: CrlEntry): CrlEntryView {
  const v: CrlEntryView = { serial_number: e.serial, revoked_at: iso(e.revocationDate), reason: reasonName(e.reason) };
  if (e.reason !== undefined) v.reason_code = e.reason;
  if (e.invalidityDate) v.invalidity_date = iso(e.invalidityDate);
  if (e.problems.length) v.problems = e.problems;
  return v;
}

export interface CheckResult {
  status: 'revoked' | 'good';
  serial_number: string;
  crl_number: string | null;
  reason?: string;
  revoked_at?: string;
}

/**
 * Looks a certificate up in a CRL at time `at`. With `ca`, the CRL must verify
 * against it first. A CRL of another issuer, or one not current at `at`,
 * cannot answer: CcmError, never "good".
 */
export function checkRequest(crl: Crl, crlSource: string, cert: Certificate, at: Date, ca?: Certificate): CheckResult {
  // RFC 5280 6.3.3 (a): a CRL answers only between thisUpdate and nextUpdate (OpenSSL: "CRL has expired").
  if (crl.thisUpdate > at) {
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${crlSource} is not valid yet: thisUpdate ${iso(crl.thisUpdate)} is after ${iso(at)} (give --at to check at another time).`, crlSource);
  }
  if (crl.nextUpdate && crl.nextUpdate < at) {
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${crlSource} has expired: nextUpdate ${iso(crl.nextUpdate)} is before ${iso(at)}; fetch a newer CRL (or give --at to check at another time).`, crlSource);
  }
  if (ca) {
    const v = verifyCrl(crl, ca);
    if (!v.valid) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${crlSource} cannot be trusted: ${v.reasons.join('; ')}.`, crlSource);
  }
  const r = checkCertificate(crl, cert);
  if (r.status === 'not-applicable') {
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${crlSource} cannot answer for this certificate: ${r.reason} (certificate issuer ${nameToString(cert.issuer)}, CRL issuer ${nameToString(crl.issuer)}).`, crlSource);
  }
  const base = { serial_number: cert.serial, crl_number: crl.crlNumber === undefined ? null : String(crl.crlNumber) };
  if (r.status === 'good') return { status: 'good', ...base };
  return { status: 'revoked', ...base, reason: reasonName(r.entry.reason), revoked_at: iso(r.entry.revocationDate) };
}
