// Pre-flight for PCA request bodies: creating a CA (4.2.1.2) and applying
// for a certificate (4.2.2.2). The checks shared with issuing by CSR (4.2.2.3)
// are exported for that validator.

import { KEY_USAGE_NAMES } from '../engine/extensions.js';
import type { DistinguishedName } from '../engine/name.js';
import { CCM_KEY_ALGORITHMS, CCM_SIGNATURE_HASHES } from './algorithms.js';
import { dnObjectFindings } from './dn.js';
import { hostnameProblem, isIPv4 } from './domains.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';
import { fieldIs, isObject, shown, toResult, typeName, type ValidationResult } from './validation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAYS_PER_YEAR = 365.25;

/**
 * The time PCA pre-flights judge a body at.
 *
 * @example
 * ```ts
 * validatePcaApplyCert(body, { at: new Date() } satisfies PcaBodyOptions);
 * ```
 */
export interface PcaBodyOptions {
  /** The time of the check: start_from may not be earlier than at - 5 minutes (Table 4-51). */
  at: Date;
}

type Body = Record<string, unknown>;

function shape(field: string, message: string, fix?: string): Finding {
  return finding('pca.body.shape', message, fix, 'error', field);
}

export function checkKeyAlgorithm(body: Body, findings: Finding[], required = true): void {
  const v = body.key_algorithm;
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || !(CCM_KEY_ALGORITHMS as readonly string[]).includes(v)) {
    findings.push(finding('pca.key_algorithm.supported', fieldIs('key_algorithm', v, 'is not supported.'), `Use one of ${CCM_KEY_ALGORITHMS.join(', ')}.`));
  }
}

export function checkSignatureAlgorithm(body: Body, findings: Finding[], required: boolean): void {
  const v = body.signature_algorithm;
  if (v === undefined || v === null) {
    if (required) findings.push(finding('pca.signature_algorithm.supported', 'signature_algorithm is missing.', 'Set SHA256, SHA384 or SHA512.'));
    return;
  }
  if (typeof v !== 'string' || !(CCM_SIGNATURE_HASHES as readonly string[]).includes(v)) {
    findings.push(finding('pca.signature_algorithm.supported', `signature_algorithm ${shown(v)} is not supported.`, 'Use SHA256, SHA384 or SHA512.'));
  }
}

export function checkCaId(body: Body, field: string, findings: Finding[], required: boolean): void {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) findings.push(finding('pca.ca_id', `${field} is missing.`, 'Give the issuing CA ID (ccmkit or the console lists them).', 'error', field));
    return;
  }
  if (typeof v !== 'string' || !UUID.test(v)) {
    findings.push(finding('pca.ca_id', `${field} ${shown(v)} is not a CA ID.`, 'Use the 36-character ID, e.g. 2cb2878b-6cd1-460d-bd25-afe655159bdc.', 'error', field));
  }
}

/**
 * Validity (Table 4-51): type YEAR|MONTH|DAY|HOUR, value a positive integer,
 * at most `maxYears` (30 for a root CA, 20 otherwise); start_from in ms, not
 * earlier than at - 5 minutes.
 */
export function checkValidity(body: Body, findings: Finding[], required: boolean, maxYears: number, at: Date): void {
  const v = body.validity;
  if (v === undefined || v === null) {
    if (required) findings.push(finding('pca.validity', 'validity is missing.', 'Set {"type": "YEAR", "value": 1}.'));
    return;
  }
  if (!isObject(v)) {
    findings.push(finding('pca.validity', `validity must be an object, not ${typeName(v)}.`, 'Set {"type": "YEAR", "value": 1}.'));
    return;
  }
  const limit: Record<string, number> = {
    YEAR: maxYears,
    MONTH: maxYears * 12,
    DAY: Math.floor(maxYears * DAYS_PER_YEAR),
    HOUR: Math.floor(maxYears * DAYS_PER_YEAR) * 24,
  };
  const type = v.type;
  const value = v.value;
  if (typeof type !== 'string' || !(type in limit)) {
    findings.push(finding('pca.validity', fieldIs('validity.type', type, 'is not YEAR, MONTH, DAY or HOUR.'), 'Use YEAR, MONTH, DAY or HOUR.', 'error', 'validity.type'));
  } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    findings.push(finding('pca.validity', `validity.value ${typeof value === 'number' ? value : shown(value)} is not a positive integer.`, 'Give a whole number of periods, e.g. 1.', 'error', 'validity.value'));
  } else if (value > limit[type]!) {
    findings.push(
      finding('pca.validity', `${value} ${type} exceeds ${maxYears} years (at most ${limit[type]} ${type}).`, `Use at most ${limit[type]} ${type}${maxYears === 20 ? ' (20 years: the limit for subordinate CAs and certificates)' : ' (30 years: the limit for root CAs)'}.`, 'error', 'validity.value'),
    );
  }
  const start = v.start_from;
  if (start !== undefined && start !== null) {
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
      findings.push(finding('pca.validity', `validity.start_from ${shown(start)} is not a millisecond timestamp.`, 'Give milliseconds since 1970, e.g. 1645146939688.', 'error', 'validity.start_from'));
    } else if (start < at.getTime() - 5 * 60 * 1000) {
      findings.push(finding('pca.validity', `validity.start_from ${new Date(start).toISOString()} is more than 5 minutes before now.`, 'Leave start_from out to start now, or give a later time.', 'error', 'validity.start_from'));
    }
  }
}

export function checkDistinguishedName(body: Body, findings: Finding[], required: (keyof DistinguishedName)[]): void {
  const dn = body.distinguished_name;
  if (!isObject(dn)) {
    findings.push(finding('pca.distinguished_name.limits', dn === undefined ? 'distinguished_name is missing.' : `distinguished_name must be an object, not ${typeName(dn)}.`, 'Set at least {"common_name": ...}.'));
    return;
  }
  const typed: DistinguishedName = {};
  for (const [k, val] of Object.entries(dn)) {
    if (!['common_name', 'country', 'state', 'locality', 'organization', 'organizational_unit'].includes(k)) continue;
    if (typeof val !== 'string') {
      findings.push(finding('pca.distinguished_name.limits', `distinguished_name.${k} must be a string, not ${typeName(val)}.`, undefined, 'error', `distinguished_name.${k}`));
      continue;
    }
    typed[k as keyof DistinguishedName] = val;
  }
  findings.push(...dnObjectFindings(typed, 'distinguished_name', required));
}

export function checkKeyUsages(body: Body, findings: Finding[]): void {
  const v = body.key_usages;
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) {
    findings.push(finding('pca.key_usages', `key_usages must be an array, not ${typeName(v)}.`));
    return;
  }
  for (const u of v) {
    if (typeof u !== 'string' || !(KEY_USAGE_NAMES as readonly string[]).includes(u)) {
      findings.push(finding('pca.key_usages', `key_usages: ${shown(u)} is not a key usage name.`, `Use names from RFC 5280 4.2.1.3: ${KEY_USAGE_NAMES.join(', ')}.`));
    }
  }
}

/** SubjectAlternativeName array (Table 4-162): at most 20, DNS|IP|EMAIL|URI, IPv4 only. */
export function checkSubjectAltNames(body: Body, findings: Finding[]): void {
  const v = body.subject_alternative_names;
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) {
    findings.push(finding('pca.subject_alternative_names', `subject_alternative_names must be an array, not ${typeName(v)}.`));
    return;
  }
  if (v.length > 20) findings.push(finding('pca.subject_alternative_names', `${v.length} subject alternative names; CCM allows at most 20.`, 'Split the names over several certificates.'));
  v.forEach((san, i) => {
    const field = `subject_alternative_names[${i}]`;
    if (!isObject(san) || typeof san.type !== 'string' || typeof san.value !== 'string') {
      findings.push(finding('pca.subject_alternative_names', `${field} must be {"type": ..., "value": ...} with string values.`, undefined, 'error', field));
      return;
    }
    const val = san.value;
    switch (san.type) {
      case 'DNS': {
        const why = hostnameProblem(val);
        if (why) findings.push(finding('pca.san.dns', `${field} DNS ${shown(val, 70)}: ${why}.`, 'Use a host name such as www.example.com or *.example.com.', 'error', field));
        break;
      }
      case 'IP':
        if (!isIPv4(val)) findings.push(finding('pca.san.ip', `${field} IP ${shown(val)} is not an IPv4 address.`, 'Use a dotted IPv4 address; CCM does not take IPv6 here.', 'error', field));
        break;
      case 'EMAIL':
        if (val.length > 256 || !/^[^\s@]+@[^\s@]+$/.test(val)) findings.push(finding('pca.subject_alternative_names', `${field} EMAIL ${shown(val)} is not an e-mail address of at most 256 characters.`, undefined, 'error', field));
        break;
      case 'URI':
        if (val.length > 253 || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(val)) findings.push(finding('pca.subject_alternative_names', `${field} URI ${shown(val)} is not a URI of at most 253 characters.`, undefined, 'error', field));
        break;
      default:
        findings.push(finding('pca.subject_alternative_names', fieldIs(`${field} type`, san.type, 'is not DNS, IP, EMAIL or URI.'), undefined, 'error', field));
    }
  });
}

const EKU_FIELDS = ['server_auth', 'client_auth', 'code_signing', 'email_protection', 'time_stamping'];

export function checkExtendedKeyUsage(body: Body, findings: Finding[]): void {
  const v = body.extended_key_usage;
  if (v === undefined || v === null) return;
  if (!isObject(v)) {
    findings.push(shape('extended_key_usage', `extended_key_usage must be an object of booleans, not ${typeName(v)}.`, '{"server_auth": true}'));
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    if (!EKU_FIELDS.includes(k)) findings.push(shape(`extended_key_usage.${k}`, `extended_key_usage.${k} is not a field CCM knows (${EKU_FIELDS.join(', ')}).`));
    else if (typeof val !== 'boolean') findings.push(shape(`extended_key_usage.${k}`, `extended_key_usage.${k} must be true or false, not ${typeName(val)}.`));
  }
}

export function checkCustomizedExtension(body: Body, findings: Finding[]): void {
  const v = body.customized_extension;
  if (v === undefined || v === null) return;
  if (!isObject(v)) {
    findings.push(finding('pca.customized_extension', `customized_extension must be an object, not ${typeName(v)}.`));
    return;
  }
  const o = v.object_identifier;
  if (o !== undefined && (typeof o !== 'string' || o.length > 64 || !/^[0-2](\.(0|[1-9]\d*))+$/.test(o) || (/^[01]\./.test(o) && Number(o.split('.')[1]) > 39))) {
    findings.push(finding('pca.customized_extension', `customized_extension.object_identifier ${shown(o)} is not a dotted-decimal OID of at most 64 characters.`, 'Use e.g. 1.3.6.1.4.1.2011.4.99.', 'error', 'customized_extension.object_identifier'));
  }
  const val = v.value;
  if (val !== undefined && (typeof val !== 'string' || val.length < 1 || val.length > 64)) {
    findings.push(finding('pca.customized_extension', `customized_extension.value must be 1-64 characters.`, undefined, 'error', 'customized_extension.value'));
  }
}

function checkPathLength(body: Body, findings: Finding[]): void {
  const v = body.path_length;
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 6) {
    findings.push(finding('pca.path_length', `path_length ${typeof v === 'number' ? v : shown(v)} is outside 0-6.`, 'Use 0 (issues only end-entity certificates) to 6.'));
  }
}

function checkCrlConfiguration(body: Body, findings: Finding[]): void {
  const v = body.crl_configuration;
  if (v === undefined || v === null) return;
  if (!isObject(v) || typeof v.enabled !== 'boolean') {
    findings.push(finding('pca.crl_configuration', 'crl_configuration needs "enabled": true or false.', '{"enabled": true, "obs_bucket_name": "...", "valid_days": 7}'));
    return;
  }
  if (!v.enabled) return;
  if (typeof v.obs_bucket_name !== 'string' || v.obs_bucket_name.length === 0) {
    findings.push(finding('pca.crl_configuration', 'CRL publishing is enabled but obs_bucket_name is missing.', 'Name the OBS bucket the CRL is published to.'));
  }
  const d = v.valid_days;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 7 || d > 30) {
    findings.push(finding('pca.crl_configuration', `crl_configuration.valid_days ${typeof d === 'number' ? d : shown(d)} is outside 7-30.`, 'Use 7 to 30 days.'));
  }
  if (v.crl_name !== undefined && typeof v.crl_name !== 'string') findings.push(finding('pca.crl_configuration', 'crl_configuration.crl_name must be a string.'));
}

function notObject(body: unknown, okStatus: number): ValidationResult | undefined {
  if (isObject(body)) return undefined;
  return toResult([shape('body', `The body is ${typeName(body)}, not a JSON object.`)], okStatus);
}

/**
 * What PCA's "Creating a CA" (POST /v1/private-certificate-authorities,
 * 4.2.1.2) would answer to `body`: type (PCA.00020202), distinguished_name
 * (PCA.00020101), key_algorithm (PCA.00020102), signature_algorithm
 * (PCA.00020103), validity (PCA.00020109: root at most 30 years, subordinate
 * 20), issuer_id (PCA.00020201), path_length 0-6 (PCA.00020203), key_usages
 * and crl_configuration (PCA.00020204).
 *
 * @example
 * ```ts
 * const r = validatePcaCreateCa({
 *   type: 'ROOT', key_algorithm: 'EC384', signature_algorithm: 'SHA384',
 *   distinguished_name: { common_name: 'Example Root', country: 'CN', state: 'BJ', locality: 'BJ', organization: 'Example', organizational_unit: 'PKI' },
 *   validity: { type: 'YEAR', value: 20 },
 * }, { at: new Date() });
 * ```
 */
export function validatePcaCreateCa(body: unknown, opts: PcaBodyOptions): ValidationResult {
  const bad = notObject(body, 200);
  if (bad) return bad;
  const b = body as Body;
  const findings: Finding[] = [];
  const type = b.type;
  if (type !== 'ROOT' && type !== 'SUBORDINATE') findings.push(finding('pca-create-ca.type', fieldIs('type', type, 'is not ROOT or SUBORDINATE.'), 'Use ROOT or SUBORDINATE.'));
  // Table 4-50: every DN field is mandatory when creating a CA.
  checkDistinguishedName(b, findings, ['common_name', 'country', 'state', 'locality', 'organization', 'organizational_unit']);
  checkKeyAlgorithm(b, findings);
  // A subordinate CA created without issuer_id, signature_algorithm and validity stays PENDING (4.2.1.2 Function).
  const activate = type === 'ROOT' || b.issuer_id !== undefined || b.signature_algorithm !== undefined || b.validity !== undefined;
  checkSignatureAlgorithm(b, findings, activate);
  checkValidity(b, findings, activate, type === 'ROOT' ? 30 : 20, opts.at);
  if (type === 'ROOT' && b.issuer_id !== undefined) findings.push(shape('issuer_id', 'A root CA has no issuer_id: it signs itself.', 'Remove issuer_id.'));
  if (type === 'SUBORDINATE') checkCaId(b, 'issuer_id', findings, activate);
  checkPathLength(b, findings);
  checkKeyUsages(b, findings);
  checkCrlConfiguration(b, findings);
  return toResult(findings, 200);
}

/**
 * What PCA's "Applying for a Certificate" (POST /v1/private-certificates,
 * 4.2.2.2) would answer to `body`: issuer_id, key_algorithm,
 * signature_algorithm, distinguished_name (common_name required), validity
 * (at most 20 years), key_usages, subject_alternative_names (at most 20),
 * extended_key_usage and customized_extension.
 *
 * @example
 * ```ts
 * const r = validatePcaApplyCert({
 *   issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', key_algorithm: 'EC256', signature_algorithm: 'SHA256',
 *   distinguished_name: { common_name: 'www.example.com' }, validity: { type: 'YEAR', value: 1 },
 * }, { at: new Date() });
 * ```
 */
export function validatePcaApplyCert(body: unknown, opts: PcaBodyOptions): ValidationResult {
  const bad = notObject(body, 200);
  if (bad) return bad;
  const b = body as Body;
  const findings: Finding[] = [];
  checkCaId(b, 'issuer_id', findings, true);
  checkKeyAlgorithm(b, findings);
  checkSignatureAlgorithm(b, findings, true);
  // Table 4-160: only common_name is mandatory; the rest is inherited from the issuing CA.
  checkDistinguishedName(b, findings, ['common_name']);
  checkValidity(b, findings, true, 20, opts.at);
  checkKeyUsages(b, findings);
  checkSubjectAltNames(b, findings);
  checkExtendedKeyUsage(b, findings);
  checkCustomizedExtension(b, findings);
  return toResult(findings, 200);
}
