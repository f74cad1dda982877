// Pre-flight for SCM "Importing a Certificate" (POST /v3/scm/certificates/import;
// seeds scm-import-certificate.txt and ccm-api-reference.txt 4.1.2): every
// finding, plus the first error as CCM would answer it. Rules and their codes
// live in rules.ts; this file decides which rule each body breaks.

import { parseCertificate, sha256Fingerprint, type Certificate } from '../engine/certificate.js';
import { CcmError } from '../engine/errors.js';
import { readInput, type InputObject } from '../engine/input.js';
import { commonNames, nameToString } from '../engine/name.js';
import { toPem } from '../engine/pem.js';
import { parsePrivateKey, toPkcs8, type PrivateKeyInfo } from '../engine/privatekey.js';
import { orderBag } from '../engine/bundle.js';
import { chainForLeaf, firstBrokenLink } from '../engine/chain.js';
import { pairProblem, pairVerdict, type PairVerdict } from '../engine/match.js';
import { publicKeyProblem } from '../engine/publickey.js';
import { hostnameProblem, isIP } from './domains.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';
import { isObject, shown, toResult, typeName, type ValidationResult } from './validation.js';

export const SCM_IMPORT_LIMITS = { certificate: 4096, certificate_chain: 8192, private_key: 4096 } as const;
const NAME = /^[A-Za-z0-9_.-]{3,63}$/;

/**
 * How {@link validateScmImport} judges a body.
 *
 * @example
 * ```ts
 * const opts: ScmImportOptions = { at: new Date(), existingFingerprints: ['4b1f...'] };
 * ```
 */
export interface ScmImportOptions {
  /** The time of the check (expiry, SCM.0042). */
  at: Date;
  /** SHA-256 fingerprints (hex) of certificates already in SCM, for duplicate_check. */
  existingFingerprints?: readonly string[];
  /** Password to open an encrypted key: only `fixScmImport` uses it (CCM refuses encrypted keys). */
  password?: string;
}

/**
 * What the SCM import pre-flight understood of a body, beyond its verdict:
 * the parsed leaf, the other certificates, and the key.
 *
 * @example
 * ```ts
 * const a: ScmImportAnalysis = analyseScmImport(body, { at: new Date() });
 * if (a.keyEncrypted) console.log('decrypt the key first (fixScmImport with its password does)');
 * ```
 */
export interface ScmImportAnalysis {
  /** The verdict, as {@link validateScmImport} returns it. */
  result: ValidationResult;
  /** The body's name, when it is a string. */
  name?: string;
  /** The certificate (the first of `certificate`), when readable. */
  leaf?: Certificate;
  /** Every other certificate found, in the order given. */
  others: Certificate[];
  /** The private key, when readable (encrypted keys need `password`). */
  key?: PrivateKeyInfo;
  /** True when the key was readable only with the password (SCM.0012 until decrypted). */
  keyEncrypted: boolean;
  /** The body's duplicate_check, when a boolean. */
  duplicateCheck?: boolean;
}

const LITERAL_ESCAPES = /\\r\\n|\\n/;

function certificatesIn(text: string, field: string, findings: Finding[], ruleMissing: string, ruleParse: string): Certificate[] {
  if (text.trim() === '') {
    findings.push(finding(ruleMissing, `${field} is empty.`, 'Paste the issued certificate (PEM).', 'error', field));
    return [];
  }
  const r = readInput(Buffer.from(text, 'utf8'), field);
  const out: Certificate[] = [];
  for (const p of r.problems) findings.push(finding(ruleParse, `${p.error.message}`, 'Paste the PEM exactly as issued, BEGIN/END lines included.'));
  for (const o of r.objects) {
    if (o.kind !== 'certificate') {
      findings.push(finding(ruleMissing, `${o.source} is a ${o.kind}, not a certificate.`, `Remove the ${o.kind} from ${field}.`));
      continue;
    }
    try {
      out.push(parseCertificate(o.der));
    } catch (e) {
      findings.push(finding(ruleParse, `${o.source}: ${(e as Error).message}.`, 'Upload the certificate exactly as the CA issued it.'));
    }
  }
  return out;
}

/**
 * {@link validateScmImport}, also returning what it understood of the body
 * (leaf, chain, key, whether the key is encrypted).
 *
 * @example
 * ```ts
 * const a = analyseScmImport(JSON.parse(readFileSync('body.json', 'utf8')), { at: new Date() });
 * console.log(a.result.valid, a.leaf?.serial, a.others.length);
 * ```
 */
export function analyseScmImport(body: unknown, opts: ScmImportOptions): ScmImportAnalysis {
  const findings: Finding[] = [];
  const analysis: ScmImportAnalysis = { result: toResult([]), others: [], keyEncrypted: false };
  const done = (): ScmImportAnalysis => {
    analysis.result = toResult(findings);
    return analysis;
  };
  if (!isObject(body)) {
    findings.push(finding('scm-import.body.shape', `The body is ${typeName(body)}, not a JSON object.`, 'Send {"name": ..., "certificate": ..., "private_key": ...}.'));
    return done();
  }

  // --- field presence, types and lengths (scm-import-certificate.txt Table 2) ---
  const str = (field: string, required: boolean, max?: number, rule?: string): string | undefined => {
    const v = body[field];
    if (v === undefined || v === null) {
      if (required) findings.push(finding('scm-import.body.shape', `${field} is missing.`, `Add the ${field} field.`, 'error', field));
      return undefined;
    }
    if (typeof v !== 'string') {
      findings.push(finding('scm-import.body.shape', `${field} must be a string, not ${typeName(v)}.`, `Send ${field} as a JSON string.`, 'error', field));
      return undefined;
    }
    if (max !== undefined && v.length > max && rule) {
      findings.push(finding(rule, `${field} is ${v.length} characters; CCM accepts at most ${max}.`, field === 'certificate_chain' ? 'Leave out the root (it is optional) or unrelated certificates.' : field === 'certificate' ? 'Put only the leaf in certificate and the rest in certificate_chain.' : 'Use an EC key or an unencrypted PKCS#8 key without extra text.'));
    }
    if (LITERAL_ESCAPES.test(v) && v.includes('-----BEGIN')) {
      findings.push({ code: 'SCM.0005', severity: 'warning', field, message: `${field} holds literal "\\n" escapes after JSON decoding (escaped twice).`, fix: 'Escape line breaks once (ccmkit validate scm-import --fix normalises them).' });
    }
    return v;
  };
  const name = str('name', true);
  if (name !== undefined) {
    analysis.name = name;
    if (!NAME.test(name)) {
      findings.push(finding('scm-import.name.format', `name ${shown(name)} must be 3-63 letters, digits, "_", "-" or ".".`, 'Rename, e.g. "www_example_com-2026".'));
    }
  }
  const certText = str('certificate', true, SCM_IMPORT_LIMITS.certificate, 'scm-import.certificate.length');
  const chainText = str('certificate_chain', false, SCM_IMPORT_LIMITS.certificate_chain, 'scm-import.certificate_chain.length');
  const keyText = str('private_key', true, SCM_IMPORT_LIMITS.private_key, 'scm-import.private_key.length');
  const dup = body.duplicate_check;
  if (dup !== undefined && dup !== null && typeof dup !== 'boolean') {
    findings.push(finding('scm-import.body.shape', `duplicate_check must be true or false, not ${typeName(dup)}.`, 'Send a JSON boolean.', 'error', 'duplicate_check'));
  } else if (typeof dup === 'boolean') analysis.duplicateCheck = dup;

  // --- certificate and chain ---
  let leaf: Certificate | undefined;
  if (certText !== undefined) {
    const certs = certificatesIn(certText, 'certificate', findings, 'scm-import.certificate.missing', 'scm-import.certificate.parse');
    if (certs.length === 0 && !findings.some((f) => f.field === 'certificate' && f.severity === 'error')) {
      findings.push(finding('scm-import.certificate.missing', 'certificate holds no certificate.', 'Paste the issued certificate (PEM).'));
    }
    leaf = certs[0];
    analysis.others.push(...certs.slice(1));
    if (certs.length > 1 && chainText !== undefined) {
      findings.push({ code: 'SCM.0013', severity: 'warning', field: 'certificate', message: `certificate holds ${certs.length} certificates and certificate_chain is given too: only the first is the certificate.`, fix: 'Keep only the leaf in certificate.' });
    }
  }
  if (chainText !== undefined && chainText.trim() !== '') {
    analysis.others.push(...certificatesIn(chainText, 'certificate_chain', findings, 'scm-import.certificate_chain.parse', 'scm-import.certificate_chain.parse'));
  }
  analysis.leaf = leaf;
  if (leaf) {
    checkLeaf(leaf, opts, findings, analysis.duplicateCheck, analysis.others);
    if (checkChainOrder(leaf, analysis.others, findings, opts.at)) checkChainEnds(leaf, analysis.others, findings, opts.at);
  }

  // --- private key ---
  if (keyText !== undefined) analysis.key = readKey(keyText, opts.password, findings, analysis);
  if (leaf && analysis.key) {
    const verdict = keyVerdict(analysis.key, leaf, findings);
    if (verdict === 'different-key') {
      findings.push(finding('scm-import.private_key.match', 'The private key is not the key of the certificate.', 'Upload the key the CSR was made with (ccmkit key match finds it).'));
    } else if (verdict === 'corrupt-key') {
      findings.push(finding('scm-import.private_key.match', `${pairProblem(verdict, 'The private key', 'the certificate')}.`, 'Upload the intact key the CSR was made with; check it with openssl pkey -check.'));
    }
  }
  return done();
}

/**
 * What SCM's "Importing a Certificate" (POST /v3/scm/certificates/import)
 * would answer to `body`, offline: every finding, and the first error with
 * CCM's status, `error_code` and `error_msg`. Checks the name (SCM.0032),
 * field types and lengths (SCM.0005), that certificate and chain parse
 * (SCM.0006, SCM.0031) and link in order (SCM.0013), that the key parses and
 * is not protected (SCM.0012) and matches (SCM.0014), expiry (SCM.0042), the
 * domains (SCM.0009, SCM.0070) and duplicates; and warns where CCM accepts
 * but clients would not (an incomplete chain, an expired intermediate).
 *
 * @example
 * ```ts
 * const result = validateScmImport(
 *   { name: 'www_example', certificate: certPem, certificate_chain: chainPem, private_key: keyPem },
 *   { at: new Date() },
 * );
 * if (!result.valid) console.log(result.status, result.error_code, result.error_msg); // 400 SCM.0014 ...
 * ```
 */
export function validateScmImport(body: unknown, opts: ScmImportOptions): ValidationResult {
  return analyseScmImport(body, opts).result;
}

function readKey(text: string, password: string | undefined, findings: Finding[], analysis: ScmImportAnalysis): PrivateKeyInfo | undefined {
  const r = readInput(Buffer.from(text, 'utf8'), 'private_key');
  const keys: InputObject[] = r.objects.filter((o) => o.kind === 'private-key');
  for (const p of r.problems) findings.push(finding('scm-import.private_key.parse', p.error.message, 'Paste the private key PEM with its BEGIN/END lines.'));
  if (r.problems.length === 0 && keys.length !== 1) {
    findings.push(finding('scm-import.private_key.parse', keys.length === 0 ? 'private_key holds no private key.' : `private_key holds ${keys.length} keys.`, 'Paste exactly one private key.'));
    return undefined;
  }
  const k = keys[0];
  if (!k) return undefined;
  const encrypted = k.keyFormat === 'encrypted-pkcs8' || k.legacyPem !== undefined;
  if (encrypted) {
    analysis.keyEncrypted = true;
    findings.push(finding('scm-import.private_key.parse', 'The private key is password-protected; CCM cannot upload protected keys.', 'Decrypt it: ccmkit validate scm-import --fix --passphrase-file F -o fixed.json (or openssl pkey -in key.pem -out plain.pem).'));
    if (password === undefined) return undefined;
  }
  try {
    // lazy: the public half is read from the structure; Node loads the key only if --fix needs it.
    return parsePrivateKey(k.der, { password, pem: k.legacyPem, lazy: true });
  } catch (e) {
    if (e instanceof CcmError && !encrypted) findings.push(finding('scm-import.private_key.parse', e.message, 'Upload an RSA or EC key in PEM (PKCS#1, SEC1 or PKCS#8).'));
    else if (e instanceof CcmError) findings.push({ code: e.code, severity: 'error', field: 'private_key', message: e.message });
    else throw e;
    return undefined;
  }
}

/**
 * The signing proof (engine/match.ts), on a key that may have been read
 * lazily: loading it is where a key whose structure parses but whose numbers
 * OpenSSL refuses shows up (SCM.0012).
 */
function keyVerdict(key: PrivateKeyInfo, leaf: Certificate, findings: Finding[]): PairVerdict | 'unreadable' {
  if (key.publicKey.id !== leaf.publicKey.id) return 'different-key';
  try {
    return pairVerdict(key, leaf.publicKey);
  } catch (e) {
    if (!(e instanceof CcmError)) throw e;
    findings.push(finding('scm-import.private_key.parse', e.message, 'Upload an RSA or EC key in PEM (PKCS#1, SEC1 or PKCS#8).'));
    return 'unreadable';
  }
}

/**
 * When `certificate` holds a CA certificate and a server certificate comes
 * later (fullchain.pem with the root or intermediate first), the domain
 * findings are only symptoms: "Demo Root CA" is no host name because it is
 * the wrong certificate. Their fix then names the real cause.
 */
function caFirstFix(leaf: Certificate, others: readonly Certificate[]): string | undefined {
  if (leaf.extensions.basicConstraints?.ca !== true) return undefined;
  const server = others.find((c) => c.extensions.basicConstraints?.ca !== true);
  if (!server) return undefined;
  return `certificate holds the CA certificate ${shown(nameToString(leaf.subject), 70)}, not the server certificate ${shown(nameToString(server.subject), 70)}, which comes later: the chain is in the wrong order. Put the server certificate first (ccmkit validate scm-import --fix does).`;
}

function checkLeaf(leaf: Certificate, opts: ScmImportOptions, findings: Finding[], duplicateCheck?: boolean, others: readonly Certificate[] = []): void {
  const wrongOrder = caFirstFix(leaf, others);
  const keyProblem = publicKeyProblem(leaf.publicKey);
  if (keyProblem) findings.push(finding('scm-import.certificate.parse', `The certificate's public key is invalid: ${keyProblem}.`, 'Upload the certificate exactly as the CA issued it.'));
  if (leaf.notAfter.getTime() < opts.at.getTime()) {
    findings.push(finding('scm-import.certificate.expired', `The certificate expired on ${leaf.notAfter.toISOString()}.`, 'Renew the certificate before importing it.'));
  } else if (leaf.notBefore.getTime() > opts.at.getTime()) {
    findings.push({ code: 'SCM.0052', severity: 'warning', field: 'certificate', message: `The certificate is not valid before ${leaf.notBefore.toISOString()}.`, fix: 'Check the clock of the issuing CA.' });
  }
  const sans = leaf.extensions.subjectAltNames ?? [];
  const domains = [...sans.filter((s) => s.type === 'DNS' || s.type === 'IP').map((s) => s.value), ...commonNames(leaf.subject)];
  if (domains.length === 0) {
    findings.push(finding('scm-import.certificate.domain', 'The certificate has no DNS or IP subject alternative name and no common name.', wrongOrder ?? 'Issue the certificate with the domain in its SAN.'));
  }
  for (const s of sans) {
    if (s.type === 'DNS') {
      const why = hostnameProblem(s.value);
      if (why) findings.push(finding('scm-import.certificate.domain_format', `SAN DNS:${shown(s.value, 70)}: ${why}.`, wrongOrder ?? 'Issue the certificate with valid host names.'));
    }
  }
  // A common name that is neither a host name nor an IP is common for CAs, not for server certificates;
  // CCM checks the bound domains, so only report it when there is no SAN to stand in.
  if (sans.length === 0) {
    for (const cn of commonNames(leaf.subject)) {
      const why = isIP(cn) ? undefined : hostnameProblem(cn);
      if (why) findings.push(finding('scm-import.certificate.domain_format', `common name ${shown(cn, 70)}: ${why}.`, wrongOrder ?? 'Issue the certificate with the domain as a DNS SAN.'));
    }
  }
  if (opts.existingFingerprints?.includes(sha256Fingerprint(leaf)) && duplicateCheck !== true) {
    findings.push(finding('scm-import.certificate.duplicate', 'This certificate is already in SCM.', 'Set "duplicate_check": true to upload it again, or skip it.'));
  }
}

/**
 * Warnings where CCM accepts but clients may not (issue 11: "validate warns
 * even where CCM itself would accept"): a chain that stops short of a
 * self-issued root, and an intermediate that has expired or is not valid yet.
 */
function checkChainEnds(leaf: Certificate, chain: readonly Certificate[], findings: Finding[], at: Date): void {
  const last = chain.length ? chain[chain.length - 1]! : leaf;
  if (!last.subject.der.equals(last.issuer.der)) {
    findings.push({
      code: 'SCM.0013',
      severity: 'warning',
      field: 'certificate_chain',
      message: `The chain is incomplete: no certificate for ${shown(nameToString(last.issuer), 80)}, the issuer of ${last === leaf ? 'the certificate' : `certificate_chain[${chain.length - 1}]`}. CCM accepts this; clients that do not already trust that issuer will not.`,
      fix: 'Add the missing intermediate (and, for a private CA, its root) to certificate_chain.',
    });
  }
  chain.forEach((c, i) => {
    if (at > c.notAfter) findings.push({ code: 'SCM.0013', severity: 'warning', field: 'certificate_chain', message: `certificate_chain[${i}] (${shown(nameToString(c.subject), 70)}) expired on ${c.notAfter.toISOString()}.`, fix: 'Use the current intermediate from the CA.' });
    else if (at < c.notBefore) findings.push({ code: 'SCM.0013', severity: 'warning', field: 'certificate_chain', message: `certificate_chain[${i}] (${shown(nameToString(c.subject), 70)}) is not valid before ${c.notBefore.toISOString()}.` });
  });
}

/** The chain must run leaf -> issuer -> issuer's issuer..., each link a verified signature; the root is optional. True when it does. */
function checkChainOrder(leaf: Certificate, chain: Certificate[], findings: Finding[], at: Date): boolean {
  const i = firstBrokenLink(leaf, chain);
  if (i < 0) return true;
  const fixable = chainForLeaf(leaf, chain, at).chain.length === chain.length;
  findings.push(
    finding(
      'scm-import.certificate_chain.parse',
      i === 0 && !fixable
        ? `certificate_chain[${i}] did not issue the certificate.`
        : `certificate_chain[${i}] did not issue ${i === 0 ? 'the certificate' : `certificate_chain[${i - 1}]`}${fixable ? ': the chain is out of order' : ''}.`,
      fixable ? 'Order it intermediate > ... > root (ccmkit validate scm-import --fix does).' : 'Remove certificates that are not part of this chain, and add any missing intermediate.',
    ),
  );
  return false;
}

/**
 * A corrected SCM import body, and what was changed.
 *
 * @example
 * ```ts
 * const fixed: FixedScmImport | undefined = fixScmImport(body, { at: new Date(), password });
 * if (fixed) console.log(fixed.changes.join('; '));
 * ```
 */
export interface FixedScmImport {
  /** The corrected body (holds the decrypted key: treat it as a secret). */
  body: Record<string, unknown>;
  /** What was changed, one sentence each. */
  changes: string[];
  /**
   * Set when the corrected body would be refused for a reason the input was
   * not: the caller must not write it (`validate scm-import --fix` never
   * writes a body worse than its input).
   */
  worse?: string;
}

/**
 * The leaf among every certificate of the body: the one holding the private
 * key's public key (an end-entity one first: a CA re-issued for the same key
 * exists); with no usable key, the one that issued no other certificate of the
 * body (chain position). A fullchain.pem pasted root-first or
 * intermediate-first into `certificate` thus still yields the leaf.
 */
function pickLeaf(a: ScmImportAnalysis, at: Date): Certificate {
  const all = [a.leaf!, ...a.others].filter((c, i, list) => list.findIndex((x) => x.der.equals(c.der)) === i);
  if (a.key) {
    const id = a.key.publicKey.id;
    const hits = all.filter((c) => c.publicKey.id === id);
    if (hits.length) return hits.find((c) => c.extensions.basicConstraints?.ca !== true) ?? hits[0]!;
  }
  try {
    return orderBag(undefined, all.map((c) => c.der), at).leaf;
  } catch (e) {
    if (e instanceof CcmError) return a.leaf!; // several candidates or none: keep what the body says
    throw e;
  }
}

/** Error findings as comparable keys (rule code and field). */
const errorKeys = (r: ValidationResult): Set<string> => new Set(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}:${f.field ?? ''}`));

/**
 * `validate scm-import --fix`: the same body with the leaf (picked by its key)
 * split from the chain, the chain reordered (strangers dropped), PEM line
 * breaks normalised, and the key decrypted. Undefined when nothing can be
 * fixed (no certificate).
 *
 * @example
 * ```ts
 * const fixed = fixScmImport(body, { at: new Date(), password: 'key passphrase' });
 * if (fixed && validateScmImport(fixed.body, { at: new Date() }).valid) upload(fixed.body);
 * ```
 */
export function fixScmImport(body: unknown, opts: ScmImportOptions): FixedScmImport | undefined {
  const normalise = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/\\r\\n|\\n/g, '\n') : v);
  const b = isObject(body) ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, normalise(v)])) : body;
  const a = analyseScmImport(b, opts);
  if (!a.leaf || !isObject(b)) return undefined;
  const changes: string[] = [];
  if (isObject(body) && Object.entries(body).some(([k, v]) => b[k] !== v)) changes.push('normalised literal \\n escapes into line breaks');
  const leaf = pickLeaf(a, opts.at);
  const others = [a.leaf, ...a.others].filter((c) => !c.der.equals(leaf.der));
  const { chain: ordered, unused } = chainForLeaf(leaf, others, opts.at);
  const chainPem = ordered.map((c) => toPem('CERTIFICATE', c.der)).join('');
  const out: Record<string, unknown> = { ...b, certificate: toPem('CERTIFICATE', leaf.der) };
  if (a.key && a.keyEncrypted) out.private_key = toPem('PRIVATE KEY', toPkcs8(a.key));
  if (ordered.length) out.certificate_chain = chainPem;
  else delete out.certificate_chain;
  if (leaf !== a.leaf) changes.push(`took the leaf from position ${[a.leaf, ...a.others].indexOf(leaf) + 1} of the certificates given (${a.key ? 'the one holding the private key' : 'the one that issued no other'})`);
  if (a.others.length && typeof b.certificate === 'string' && readInput(Buffer.from(b.certificate), 'c').objects.length > 1) changes.push('split the leaf from the chain in certificate');
  if (ordered.some((c, i) => c !== others[i]) || unused.length) changes.push(`ordered the chain leaf > intermediate > root${unused.length ? `, dropping ${unused.length} unrelated certificate(s)` : ''}`);
  if (a.key && a.keyEncrypted) changes.push('decrypted the private key (PKCS#8, unencrypted)');
  const fixed: FixedScmImport = { body: out, changes };
  // Never worse than the input: no error the input did not have, and no more errors than it had.
  const before = a.result;
  const after = analyseScmImport(out, { ...opts, password: undefined }).result;
  const was = errorKeys(before);
  const added = [...errorKeys(after)].filter((k) => !was.has(k));
  const count = (r: ValidationResult): number => r.findings.filter((f) => f.severity === 'error').length;
  if (added.length || count(after) > count(before)) {
    fixed.worse = `the corrected body would be refused for ${added.length ? added.join(', ') : 'more reasons'} than the input`;
  }
  return fixed;
}
