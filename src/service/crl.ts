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

/**
 * An input's bytes and the name reports give it.
 *
 * @example
 * ```ts
 * const caCert: FileBytes = { bytes: readFileSync('ca.pem'), source: 'ca.pem' };
 * ```
 */
export interface FileBytes {
  /** Its content: bytes, or PEM text. */
  bytes: Uint8Array | string;
  /** What to call it in messages. */
  source: string;
}

/**
 * What {@link buildCrlFromRequest} builds: the CA, its key, the revoked list,
 * the CRL number and how many days it is valid (CCM: 7-30).
 *
 * @example
 * ```ts
 * const req: BuildCrlRequest = {
 *   caCert: { bytes: readFileSync('ca.pem'), source: 'ca.pem' },
 *   caKey: { bytes: readFileSync('ca.key'), source: 'ca.key' },
 *   revoked: { bytes: '[{"serial_number":"1A2B","revoked_at":"2025-05-01T00:00:00Z","reason":"KEY_COMPROMISE"}]', source: 'revoked.json' },
 *   crlNumber: 7,
 *   validDays: 7,
 *   at: new Date(),
 * };
 * ```
 */
export interface BuildCrlRequest {
  /** The CA certificate (PEM or DER; the first certificate is used). */
  caCert: FileBytes;
  /** The CA's private key. */
  caKey: FileBytes;
  /** Opens an encrypted CA key. */
  password?: string;
  /**
   * The revoked list: JSON `[{"serial_number","revoked_at","reason"}]` or CSV
   * `serial,revoked_at,reason`, whole or as chunks read on demand; `size`
   * (bytes) helps reserve memory.
   */
  revoked: { bytes: RevokedInputBytes | string; source: string; size?: number };
  /** The cRLNumber: a non-negative integer of at most 20 octets (decimal text, as given on the command line, or a number). */
  crlNumber: string | number | bigint;
  /** Days until nextUpdate: 7 to 30, CCM's crl_configuration range. */
  validDays: string | number;
  /** thisUpdate. */
  at: Date;
  /** With a complete CRL of this CA: build the delta CRL against it (RFC 5280 5.2.4). */
  baseCrl?: FileBytes;
  /** SHA256 (default), SHA384 or SHA512. */
  signatureAlgorithm?: string;
  /** URIs of this complete CRL's delta CRLs (freshestCRL). */
  freshestCrl?: string[];
}

/**
 * What was built, as `crl build --json` reports it.
 *
 * @example
 * ```ts
 * const s: CrlSummary = buildCrlFromRequest(req).summary!;
 * console.log(`CRL #${s.crl_number}, ${s.revoked_count} revoked, next update ${s.next_update}`);
 * ```
 */
export interface CrlSummary {
  /** The cRLNumber, decimal. */
  crl_number: string;
  /** Delta CRLs: the base CRL's number. */
  base_crl_number?: string;
  /** The CA's DN. */
  issuer: string;
  /** ISO 8601. */
  this_update: string;
  /** ISO 8601. */
  next_update: string;
  /** How many entries. */
  revoked_count: number;
  /** `SHA256withRSA`, `SHA384withECDSA`... */
  signature_algorithm: string;
  /** DER size in bytes. */
  size: number;
  /** SHA-256 of the DER, hex. */
  sha256: string;
}

/**
 * A built CRL, or the findings that stopped it (never half-built).
 *
 * @example
 * ```ts
 * const res: BuildCrlResult = buildCrlFromRequest(req);
 * if (!res.crl) for (const f of res.findings) console.log(f.code, f.message);
 * ```
 */
export interface BuildCrlResult {
  /** Every finding; any error means no CRL. */
  findings: Finding[];
  /** The CRL, when no finding is an error. */
  crl?: BuiltCrl;
  /** What was built. */
  summary?: CrlSummary;
}

/**
 * The first certificate of an input, parsed; a CcmError `PCA.00020402`
 * naming the input when there is none or it is malformed.
 *
 * @param what - how messages call it (`CA certificate`...)
 *
 * @example
 * ```ts
 * const ca = loadCertificate({ bytes: readFileSync('ca.pem'), source: 'ca.pem' }, 'CA certificate');
 * ```
 */
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
 *
 * @example
 * ```ts
 * const { certificate, source } = certificateForCrl({ bytes: readFileSync('fullchain.pem'), source: 'fullchain.pem' }, crl);
 * ```
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

/**
 * Reads a CRL (PEM or DER, any size up to 256 MiB) into a parsed CRL; a
 * CcmError `CCMKIT.0002` when it is not a readable CRL.
 *
 * @example
 * ```ts
 * const crl = loadCrl({ bytes: readFileSync('ca.crl'), source: 'ca.crl' });
 * ```
 */
export function loadCrl(f: FileBytes): Crl {
  try {
    return parseCrl(crlDer(typeof f.bytes === 'string' ? Buffer.from(f.bytes, 'utf8') : f.bytes));
  } catch (e) {
    if (e instanceof DerError) {
      throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${f.source}: not a readable CRL: ${e.message}${e.offset ? ` (at byte ${e.offset})` : ''}.`, f.source);
    }
    throw e;
  }
}

/**
 * Builds and signs a v2 CRL (or, with `baseCrl`, a delta CRL) with CCM's
 * revocation reasons, or returns the findings that stop it: valid_days
 * outside 7-30, a CRL number that is not a 20-octet integer, a hash CCM does
 * not take (PCA.00020103), a key that is not the CA's or a CA that may not
 * sign CRLs, a bad revoked list, a base CRL of another CA. Never half-builds.
 *
 * @example
 * ```ts
 * const res = buildCrlFromRequest({
 *   caCert: { bytes: readFileSync('ca.pem'), source: 'ca.pem' },
 *   caKey: { bytes: readFileSync('ca.key'), source: 'ca.key' },
 *   revoked: { bytes: readFileSync('revoked.csv'), source: 'revoked.csv' },
 *   crlNumber: 2,
 *   validDays: 7,
 *   at: new Date(),
 * });
 * if (res.crl) writeFileSync('ca.crl', Buffer.concat(res.crl.chunks));
 * ```
 */
export function buildCrlFromRequest(req: BuildCrlRequest): BuildCrlResult {
  const findings: Finding[] = [];
  const err = (id: string, detail: string, fix?: string): void => {
    findings.push(finding(id, detail, fix));
  };

  // Numbers from library callers are checked as the decimal text the CLI passes.
  const validDays = String(req.validDays);
  const crlNumberText = String(req.crlNumber);

  // valid_days: CCM's crl_configuration range (4.2.1.2).
  const days = /^\d{1,3}$/.test(validDays.trim()) ? Number(validDays) : NaN;
  if (!(days >= 7 && days <= 30)) err('pca-crl.valid_days.range', `--valid-days "${validDays.slice(0, 16)}" is not an integer from 7 to 30.`, 'CCM publishes CRLs every 7 to 30 days.');

  // crl_number: RFC 5280 5.2.3, a non-negative INTEGER of at most 20 octets.
  let crlNumber: bigint | undefined;
  if (!/^\d{1,60}$/.test(crlNumberText.trim())) err('pca-crl.crl_number.range', `--crl-number "${crlNumberText.slice(0, 32)}" is not a non-negative decimal integer.`);
  else {
    crlNumber = BigInt(crlNumberText.trim());
    if (integerContent(crlNumber).length > 20) {
      err('pca-crl.crl_number.range', `--crl-number ${crlNumberText.trim().slice(0, 32)}... is longer than 20 octets (RFC 5280 5.2.3).`);
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

  const revokedBytes = typeof req.revoked.bytes === 'string' ? Buffer.from(req.revoked.bytes, 'utf8') : req.revoked.bytes;
  const parsed = parseRevokedFile(revokedBytes, { at: req.at, source: req.revoked.source, ...(req.revoked.size ? { sizeHint: req.revoked.size } : {}) });
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

/**
 * One CRL entry as `crl inspect --json` prints it, with CCM's reason name.
 *
 * @example
 * ```ts
 * const v: CrlEntryView = crlEntryView(entry); // { serial_number: '1A2B', revoked_at: '2025-05-01T00:00:00Z', reason: 'KEY_COMPROMISE', reason_code: 1 }
 * ```
 */
export interface CrlEntryView {
  /** Upper-case hex. */
  serial_number: string;
  /** ISO 8601. */
  revoked_at: string;
  /** CCM's reason name (UNSPECIFIED without a reasonCode). */
  reason: string;
  /** The RFC 5280 reasonCode, when present. */
  reason_code?: number;
  /** ISO 8601, when the entry has one. */
  invalidity_date?: string;
  /** What is wrong with the entry, when anything. */
  problems?: string[];
}

/**
 * A CRL as `crl inspect --json` prints it (without its entries: see {@link crlEntryView}).
 *
 * @example
 * ```ts
 * const v: CrlView = crlView(crl, 'ca.crl', caCertificate);
 * if (v.signature_valid === false) console.log(v.signature_problems);
 * ```
 */
export interface CrlView {
  /** The name given. */
  source: string;
  /** 1 or 2. */
  version: number;
  /** The CA's DN. */
  issuer: string;
  /** The cRLNumber, decimal, or null. */
  crl_number: string | null;
  /** Delta CRLs: the base CRL's number. */
  base_crl_number?: string;
  /** ISO 8601. */
  this_update: string;
  /** ISO 8601, or null when absent. */
  next_update: string | null;
  /** `SHA256withRSA`... */
  signature_algorithm: string;
  /** Lower-case hex, or null. */
  authority_key_id: string | null;
  /** With a CA certificate: whether the CRL verifies against it. */
  signature_valid?: boolean;
  /** Why not, when it does not. */
  signature_problems?: string[];
  /** How many entries. */
  revoked_count: number;
  /** CRL-level problems (unknown critical extensions...). */
  problems: string[];
}

/**
 * A CRL's header as `crl inspect --json` prints it; with `ca`, its issuer,
 * authority key identifier and signature are checked against that CA.
 *
 * @example
 * ```ts
 * const crl = loadCrl({ bytes: readFileSync('ca.crl'), source: 'ca.crl' });
 * console.log(JSON.stringify({ ...crlView(crl, 'ca.crl'), revoked: [...crlEntries(crl)].map(crlEntryView) }));
 * ```
 */
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

/**
 * One entry as `crl inspect --json` prints it, with CCM's reason name.
 *
 * @example
 * ```ts
 * const revoked = [...crlEntries(crl)].map(crlEntryView);
 * ```
 */
export function crlEntryView(e: CrlEntry): CrlEntryView {
  const v: CrlEntryView = { serial_number: e.serial, revoked_at: iso(e.revocationDate), reason: reasonName(e.reason) };
  if (e.reason !== undefined) v.reason_code = e.reason;
  if (e.invalidityDate) v.invalidity_date = iso(e.invalidityDate);
  if (e.problems.length) v.problems = e.problems;
  return v;
}

/**
 * Whether a certificate is revoked, by a CRL that could answer for it.
 *
 * @example
 * ```ts
 * const r: CrlCheckResult = checkCrl(crl, 'ca.crl', cert, new Date());
 * if (r.status === 'revoked') console.log(r.reason, r.revoked_at);
 * ```
 */
export interface CrlCheckResult {
  /** `revoked`, or `good` (not listed). */
  status: 'revoked' | 'good';
  /** The certificate's serial, upper-case hex. */
  serial_number: string;
  /** The CRL's number, decimal, or null. */
  crl_number: string | null;
  /** Revoked: CCM's reason name. */
  reason?: string;
  /** Revoked: when, ISO 8601. */
  revoked_at?: string;
}

/**
 * Looks a certificate up in a CRL at time `at`. With `ca`, the CRL must verify
 * against it first. A CRL of another issuer, or one not current at `at`,
 * cannot answer: CcmError, never "good".
 *
 * @param crlSource - the CRL's name, for messages
 *
 * @example
 * ```ts
 * const crl = loadCrl({ bytes: readFileSync('ca.crl'), source: 'ca.crl' });
 * const cert = loadCertificate({ bytes: readFileSync('server.pem'), source: 'server.pem' }, 'certificate');
 * const r = checkCrl(crl, 'ca.crl', cert, new Date());
 * ```
 */
export function checkCrl(crl: Crl, crlSource: string, cert: Certificate, at: Date, ca?: Certificate): CrlCheckResult {
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
