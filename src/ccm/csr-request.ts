// What `csr create` asks for, checked against CCM's rules before anything is
// signed, then built with the engine's builder and checked again, with our
// own parser, on the bytes that will be written.
//
// CCM's names are used throughout: DistinguishedName fields (common_name,
// country, ...; ccm-api-reference.txt 4.2.2.4 Table 4-184), key algorithms
// (RSA2048...), SAN types DNS/IP/EMAIL/URI (4.2.2.2 Table 4-162).

import type { KeyObject } from 'node:crypto';
import { basicConstraintsExt, buildCsr, extKeyUsageExt, keyUsageExt, subjectAltNameExt, type ExtensionInput } from '../engine/builder.js';
import { parseCsr } from '../engine/csr.js';
import { CcmError, usageError } from '../engine/errors.js';
import { ipToBytes, ipToString, KEY_USAGE_NAMES, type KeyUsageName, type SubjectAltName } from '../engine/extensions.js';
import type { DistinguishedName } from '../engine/name.js';
import { EKU_NAMES } from '../engine/oids.js';
import { publicKeyObjectOf, type PublicKeyInfo } from '../engine/publickey.js';
import { verifySignature, type HashName } from '../engine/signature.js';
import { CCM_KEY_ALGORITHMS, CCM_SIGNATURE_HASHES, ccmKeyAlgorithm, keyFindings, PCA_BAD_HASH, PCA_BAD_KEY } from './algorithms.js';
import { csrReport, type CsrReport } from './csr-report.js';
import { DN_LIMITS, dnObjectFindings } from './dn.js';
import type { Finding } from './findings.js';
import { checkSubjectAltNames } from './pca-bodies.js';
import { finding } from './rules.js';

/**
 * A SAN as the user wrote it: the type may be one CCM does not know (it is
 * then a finding, not a crash).
 *
 * @example
 * ```ts
 * const san: SanInput = { type: 'DNS', value: 'www.example.com' };
 * ```
 */
export interface SanInput {
  /** DNS, IP, EMAIL or URI (CCM's types); anything else is reported. */
  type: string;
  /** The name. */
  value: string;
}

/**
 * What a CSR should request, in CCM's vocabulary: the subject as CCM's
 * DistinguishedName, SANs, key usages, and whether it asks for a CA.
 *
 * @example
 * ```ts
 * const request: CsrRequest = {
 *   subject: { common_name: 'www.example.com', organization: 'Example', country: 'CN' },
 *   sans: [{ type: 'DNS', value: 'www.example.com' }, { type: 'DNS', value: 'example.com' }],
 * };
 * ```
 */
export interface CsrRequest {
  /** The subject; common_name is required by CCM. */
  subject: DistinguishedName;
  /** Subject alternative names (CCM: at most 20; DNS, IP, EMAIL, URI). */
  sans?: SanInput[];
  /** keyUsage names (`digitalSignature`...); CCM's defaults when absent. */
  keyUsage?: string[];
  /** extKeyUsage names (`serverAuth`, `clientAuth`...). */
  extendedKeyUsage?: string[];
  /** Request a subordinate CA (PCA INTERMEDIATE_CA flow). */
  ca?: boolean;
  /** With `ca`: the pathLenConstraint to request (CCM: 0-6). */
  pathLength?: number;
  /** SHA256 (default), SHA384 or SHA512. */
  hash?: string;
}

// ---- DN ------------------------------------------------------------------------

/** CCM DistinguishedName field -> X.501 attribute short name, in the order they are encoded (C first, CN last, as openssl and CCM's own CSRs do). */
export const DN_ATTRIBUTES: [keyof DistinguishedName, string][] = [
  ['country', 'C'],
  ['state', 'ST'],
  ['locality', 'L'],
  ['organization', 'O'],
  ['organizational_unit', 'OU'],
  ['common_name', 'CN'],
];

export function dnToAttributes(dn: DistinguishedName): [string, string][] {
  const out: [string, string][] = [];
  for (const [field, attr] of DN_ATTRIBUTES) {
    const v = dn[field];
    if (v !== undefined) out.push([attr, v]);
  }
  return out;
}

/**
 * A DistinguishedName from parsed JSON: CCM's field names with string values,
 * bare or as `{"distinguished_name": {...}}`. Anything else is a CcmError
 * `PCA.00020101` naming the field.
 *
 * @example
 * ```ts
 * const subject = dnFromJson(JSON.parse('{"common_name":"www.example.com","country":"CN"}'));
 * ```
 */
export function dnFromJson(v: unknown): DistinguishedName {
  const bad = (why: string): CcmError => new CcmError(400, 'PCA.00020101', `${why} Incorrect certificate distinguished name.`, 'distinguished_name');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('The subject JSON must be an object such as {"common_name":"www.example.com","country":"CN"}.');
  const o = v as Record<string, unknown>;
  // Accept both the bare object and CCM's request form {"distinguished_name": {...}}.
  const inner = o.distinguished_name;
  const src = inner !== undefined && Object.keys(o).length === 1 ? inner : o;
  if (src === null || typeof src !== 'object' || Array.isArray(src)) throw bad('distinguished_name must be an object.');
  const dn: DistinguishedName = {};
  for (const [k, val] of Object.entries(src as Record<string, unknown>)) {
    if (!(k in DN_LIMITS)) throw bad(`Unknown field "${k.slice(0, 40)}"; CCM's fields are ${Object.keys(DN_LIMITS).join(', ')}.`);
    if (typeof val !== 'string') throw bad(`${k} must be a string.`);
    dn[k as keyof DistinguishedName] = val;
  }
  return dn;
}

function dnValueFindings(dn: DistinguishedName): Finding[] {
  const out: Finding[] = [];
  for (const [field] of DN_ATTRIBUTES) {
    const v = dn[field];
    // Control characters make names that tools display differently (and NUL truncates them in C code).
    if (v !== undefined && /[\u0000-\u001f\u007f]/.test(v)) {
      out.push(finding('pca.distinguished_name.limits', `${field} contains control characters.`, `Remove control characters from ${field}.`, 'error', `distinguished_name.${field}`));
    }
  }
  return out;
}

// ---- SANs ------------------------------------------------------------------------

/**
 * A SAN written as `TYPE:value` (`DNS:www.example.com`, `ip:10.0.0.1`); the
 * type is upper-cased. No prefix is a usage error (`CCMKIT.0001`).
 *
 * @example
 * ```ts
 * parseSanArg('dns:www.example.com'); // { type: 'DNS', value: 'www.example.com' }
 * ```
 */
export function parseSanArg(text: string): SanInput {
  const c = text.indexOf(':');
  if (c <= 0) throw usageError(`--san "${text.slice(0, 60)}" needs a type prefix: DNS:, IP:, EMAIL: or URI:`);
  return { type: text.slice(0, c).toUpperCase(), value: text.slice(c + 1) };
}

/**
 * CCM's SAN rules, the same as for "Applying for a certificate" (4.2.2.2
 * Table 4-162, rules pca.subject_alternative_names / pca.san.*): at most 20,
 * DNS|IP|EMAIL|URI, host names with a wildcard only as the whole leftmost
 * label, IPv4 only. Plus a warning for a name listed twice.
 */
export function sanFindings(sans: readonly SanInput[]): Finding[] {
  const out: Finding[] = [];
  checkSubjectAltNames({ subject_alternative_names: sans }, out);
  const seen = new Set<string>();
  sans.forEach((s, i) => {
    const key = `${s.type}:${s.type === 'DNS' || s.type === 'EMAIL' ? s.value.toLowerCase() : s.value}`;
    if (seen.has(key)) out.push(finding('pca.subject_alternative_names', `${s.type}:${s.value.slice(0, 80)} is listed twice.`, 'List each name once.', 'warning', `subject_alternative_names[${i}]`));
    seen.add(key);
  });
  return out;
}

// ---- key usage, EKU, path length, hash -----------------------------------------------

const EKU_BY_NAME = new Map(Object.values(EKU_NAMES).map((n) => [n.toLowerCase(), n]));

/** Normalises EKU names (case-insensitive) and dotted OIDs; unknown names are usage errors. */
export function normaliseEku(list: string[]): string[] {
  return list.map((e) => {
    const n = EKU_BY_NAME.get(e.toLowerCase());
    if (n) return n;
    if (/^\d+(\.\d+)+$/.test(e)) return e;
    throw usageError(`unknown extended key usage "${e.slice(0, 40)}"; use ${[...EKU_BY_NAME.values()].join(', ')} or a dotted OID`);
  });
}

const KU_BY_NAME = new Map(KEY_USAGE_NAMES.map((n) => [n.toLowerCase(), n]));

export function normaliseKeyUsage(list: string[]): KeyUsageName[] {
  return list.map((u) => {
    const n = KU_BY_NAME.get(u.toLowerCase());
    if (!n) throw usageError(`unknown key usage "${u.slice(0, 40)}"; use ${KEY_USAGE_NAMES.join(', ')}`);
    return n;
  });
}

/** 4.2.2.3: a CA issued from a CSR gets digitalSignature, keyCertSign, cRLSign unless the CSR says otherwise. */
export const CA_DEFAULT_KEY_USAGE: KeyUsageName[] = ['digitalSignature', 'keyCertSign', 'cRLSign'];

/** Every CCM rule the request breaks, before any signing. */
export function csrRequestFindings(req: CsrRequest): Finding[] {
  const out: Finding[] = [];
  out.push(...dnObjectFindings(req.subject, 'distinguished_name', ['common_name']), ...dnValueFindings(req.subject));
  out.push(...sanFindings(req.sans ?? []));
  const hash = req.hash ?? 'SHA256';
  if (!(CCM_SIGNATURE_HASHES as readonly string[]).includes(hash)) {
    out.push({ code: PCA_BAD_HASH.code, severity: 'error', field: 'signature_algorithm', message: `${hash.slice(0, 20)} is not supported. ${PCA_BAD_HASH.message}`, fix: 'Use --hash SHA256, SHA384 or SHA512.' });
  }
  if (req.pathLength !== undefined) {
    if (!req.ca) out.push(finding('pca.path_length', 'A path length needs a CA request.', 'Add --ca, or drop --path-length.', 'error'));
    else if (!Number.isInteger(req.pathLength) || req.pathLength < 0 || req.pathLength > 6) {
      out.push(finding('pca.path_length', `Path length ${req.pathLength} is outside 0-6.`, 'Use a path length from 0 to 6.'));
    }
  }
  if (req.ca && req.keyUsage && !req.keyUsage.includes('keyCertSign')) {
    out.push({ code: 'PCA.00020401', severity: 'warning', field: 'key_usage', message: 'A CA request without keyCertSign: the subordinate CA could not sign certificates.', fix: 'Add keyCertSign (and cRLSign) to --key-usage.' });
  }
  return out;
}

/** Is the key one of CCM's four, and (when given) the one the user expected? */
export function keyAlgorithmFindings(pk: PublicKeyInfo, expected?: string): Finding[] {
  const out = keyFindings(pk);
  if (out.length) return out;
  if (expected !== undefined) {
    if (!(CCM_KEY_ALGORITHMS as readonly string[]).includes(expected)) {
      return [{ code: PCA_BAD_KEY.code, severity: 'error', field: 'key_algorithm', message: `"${expected.slice(0, 20)}" is not a CCM key algorithm. ${PCA_BAD_KEY.message}`, fix: 'Use --algorithm RSA2048, RSA4096, EC256 or EC384.' }];
    }
    const actual = ccmKeyAlgorithm(pk);
    if (actual !== expected) {
      return [{ code: PCA_BAD_KEY.code, severity: 'error', field: 'key_algorithm', message: `The key is ${actual}, not ${expected} as asked.`, fix: `Give an ${expected} key (ccmkit key generate --algorithm ${expected}) or drop --algorithm.` }];
    }
  }
  return out;
}

/** The first error finding as a CcmError (CCM answers with the first problem it meets). */
export function firstError(findings: Finding[]): CcmError | undefined {
  const f = findings.find((x) => x.severity === 'error');
  if (!f) return undefined;
  return new CcmError(400, f.code, `${f.field}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`, f.field);
}

export interface CreatedCsr {
  der: Buffer;
  report: CsrReport;
  /** Warnings from the request and from the parsed CSR. */
  findings: Finding[];
}

/**
 * Checks the request, builds and signs the CSR with `key`, then parses the
 * result with ccmkit's own parser and checks that it says exactly what was
 * asked (subject, SANs, key usage, EKU, basic constraints) and that its
 * signature verifies. Throws the first CCM error; returns warnings.
 */
export function createCsr(req: CsrRequest, key: KeyObject, pk: PublicKeyInfo, expectedAlgorithm?: string): CreatedCsr {
  const pre = [...keyAlgorithmFindings(pk, expectedAlgorithm), ...csrRequestFindings(req)];
  const err = firstError(pre);
  if (err) throw err;

  const keyUsage = req.keyUsage ? normaliseKeyUsage(req.keyUsage) : req.ca ? CA_DEFAULT_KEY_USAGE : undefined;
  const eku = req.extendedKeyUsage ? normaliseEku(req.extendedKeyUsage) : undefined;
  const sans: SubjectAltName[] = (req.sans ?? []).map((s) => ({ type: s.type as SubjectAltName['type'], value: s.value }));
  const exts: ExtensionInput[] = [];
  if (req.ca) exts.push(basicConstraintsExt(true, req.pathLength));
  if (keyUsage?.length) exts.push(keyUsageExt(keyUsage));
  if (eku?.length) exts.push(extKeyUsageExt(eku));
  if (sans.length) exts.push(subjectAltNameExt(sans));
  // pk.spki was derived from this very key (parsePrivateKey), so the builder need not derive it again;
  // a wrong pairing could not go unnoticed: the signature check below would fail.
  const der = buildCsr({ subject: dnToAttributes(req.subject), key, spki: pk.spki, extensions: exts, hash: (req.hash ?? 'SHA256') as HashName });

  // Read back what was written, with the same parser `csr parse` uses. The
  // CSR must carry exactly the key's public half, and its signature must verify
  // under it; the public KeyObject comes from the signing key (publicKeyObjectOf
  // checks it is pk's numbers) instead of a second import.
  const csr = parseCsr(der);
  const sameKey = csr.publicKey.spki.equals(pk.spki);
  const verdict = sameKey ? verifySignature(csr.signatureAlgorithm, csr.publicKey, csr.info, csr.signature, publicKeyObjectOf(key, pk)) : undefined;
  const report = csrReport(csr, undefined, verdict ?? { valid: false, reason: 'the CSR does not carry the public key it was made for' });
  const post = [...report.findings, ...sanFindings(report.subject_alternative_names)];
  const postErr = firstError(post);
  if (postErr) throw postErr;
  const mismatch = (what: string): never => {
    throw new CcmError(500, 'CCMKIT.0009', `internal error: the CSR built does not carry the requested ${what}; nothing was written.`);
  };
  if (!report.signature_valid) mismatch('signature');
  if (!sameDn(report.distinguished_name, req.subject)) mismatch('subject');
  const got = report.subject_alternative_names;
  if (got.length !== sans.length || sans.some((s, i) => got[i]!.type !== s.type || got[i]!.value !== (s.type === 'IP' ? canonicalIp(s.value) : s.value))) mismatch('subject alternative names');
  if (!sameList(report.key_usage ?? [], sortKu(keyUsage ?? []))) mismatch('key usage');
  if (!sameList(report.extended_key_usage ?? [], eku ?? [])) mismatch('extended key usage');
  if ((report.basic_constraints?.ca ?? false) !== !!req.ca || report.basic_constraints?.path_length !== (req.ca ? req.pathLength : undefined)) mismatch('basic constraints');
  // The same rule seen before and after building is one warning, not two.
  const seen = new Set<string>();
  const warnings = [...pre, ...post].filter((f) => {
    const k = `${f.code} ${f.field} ${f.message}`;
    if (f.severity === 'error' || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { der, report, findings: warnings };
}

/** The same fields with the same values (an absent field and one set to undefined are the same). */
function sameDn(a: DistinguishedName, b: DistinguishedName): boolean {
  for (const [field] of DN_ATTRIBUTES) if (a[field] !== b[field]) return false;
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function canonicalIp(s: string): string {
  // The parser prints IPv6 in RFC 5952 form: compare in that form.
  const b = ipToBytes(s);
  return b ? ipToString(b) : s;
}

function sortKu(list: KeyUsageName[]): KeyUsageName[] {
  return KEY_USAGE_NAMES.filter((n) => list.includes(n));
}
