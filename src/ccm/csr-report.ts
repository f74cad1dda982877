// CCM's "Parsing a CSR" response (ccm-api-reference.txt 4.2.2.4,
// POST /v1/private-certificates/csr/parse), plus what ccmkit adds under its
// own names: SANs, requested extensions, signature validity and findings.

import { parseCsr, verifyCsrSignature, type Csr } from '../engine/csr.js';
import type { VerifyResult } from '../engine/signature.js';
import { DerError } from '../engine/der.js';
import { CcmError } from '../engine/errors.js';
import type { BasicConstraints, KeyUsageName, SubjectAltName } from '../engine/extensions.js';
import { nameToString, toDistinguishedName, type DistinguishedName } from '../engine/name.js';
import { toPem } from '../engine/pem.js';
import { publicKeyProblem } from '../engine/publickey.js';
import { ccmKeyAlgorithm, hashFindings, keyFindings } from './algorithms.js';
import { distinguishedNameFindings } from './dn.js';
import type { Finding } from './findings.js';

export const PCA_BAD_CSR = { code: 'PCA.00020401', message: 'Incorrect certificate signature request.' } as const;

/** 4.2.2.4 request body: csr "Maximum: 5120" characters. */
export const CSR_MAX_CHARS = 5120;

/**
 * CCM's "Parsing a CSR" response (ccm-api-reference.txt 4.2.2.4, Table 4-183),
 * plus ccmkit's additions under their own names: SANs, requested extensions,
 * signature validity and policy findings.
 *
 * @example
 * ```ts
 * const r: CsrReport = csrReport(parseCsrOrFail(der, 'server.csr'));
 * console.log(r.key_algorithm, r.key_algorithm_length, r.distinguished_name.common_name, r.signature_valid);
 * ```
 */
export interface CsrReport {
  // --- CCM's own fields (4.2.2.4 Table 4-183) ---
  /** `RSA`, `EC`... (CCM's field). */
  key_algorithm: string;
  /** The seed's table says String, its example shows a number; CCM's example wins. */
  key_algorithm_length: number;
  /** `SHA256withRSA`... (CCM's field). */
  signature_algorithm: string;
  /** PEM with `\r\n` line breaks, as CCM returns it. */
  public_key: string;
  /** The subject in CCM's field names. */
  distinguished_name: DistinguishedName;
  // --- ccmkit's additions ---
  /** CCM's key_algorithm request value (RSA2048...), or null when CCM has none. */
  ccm_key_algorithm: string | null;
  /** The subject as one line (RFC 4514 order as openssl prints it). */
  subject: string;
  /** Requested subject alternative names. */
  subject_alternative_names: SubjectAltName[];
  /** Requested keyUsage, or null when not requested. */
  key_usage: KeyUsageName[] | null;
  /** Requested extKeyUsage, or null when not requested. */
  extended_key_usage: string[] | null;
  /** Requested basicConstraints, or null when not requested. */
  basic_constraints: BasicConstraints | null;
  /** Whether the CSR's self-signature verifies. */
  signature_valid: boolean;
  /** Every CCM policy problem, with its error code; errors mean CCM would refuse the CSR. */
  findings: Finding[];
}

/** The policy findings of a CSR alone (what csrReport reports, without building the report: issuing needs only these). */
export function csrFindings(csr: Csr, pemLength?: number, verdict: VerifyResult = verifyCsrSignature(csr)): Finding[] {
  const pk = csr.publicKey;
  const findings: Finding[] = [];
  const keyProblem = publicKeyProblem(pk);
  if (keyProblem) {
    // OpenSSL's verdict on the key itself (pkey -pubcheck; an off-curve point does not even load), first: it is the cause.
    findings.push({ code: PCA_BAD_CSR.code, severity: 'error', field: 'csr', message: `The CSR's public key is invalid: ${keyProblem}. ${PCA_BAD_CSR.message}`, fix: 'Create the CSR again from a key made by a standard tool (ccmkit key generate, openssl genpkey).' });
  }
  if (!verdict.valid) {
    findings.push({
      code: PCA_BAD_CSR.code,
      severity: 'error',
      field: 'csr',
      message: `The CSR's self-signature is invalid (${verdict.reason}). ${PCA_BAD_CSR.message}`,
      fix: 'Create the CSR again with the private key it names (ccmkit csr create, or openssl req -new -key KEY).',
    });
  }
  for (const p of csr.problems) {
    findings.push({ code: PCA_BAD_CSR.code, severity: 'error', field: 'csr', message: `${p}. ${PCA_BAD_CSR.message}`, fix: 'Create the CSR again with a standard tool.' });
  }
  if (pemLength !== undefined && pemLength > CSR_MAX_CHARS) {
    findings.push({
      code: PCA_BAD_CSR.code,
      severity: 'error',
      field: 'csr',
      message: `The CSR is ${pemLength} characters as PEM; CCM accepts at most ${CSR_MAX_CHARS}.`,
      fix: 'Use an EC key (EC256/EC384) or fewer subject alternative names to shorten the CSR.',
    });
  }
  findings.push(...keyFindings(pk), ...hashFindings(csr.signatureAlgorithm), ...distinguishedNameFindings(csr.subject));
  return findings;
}

/**
 * CCM's "Parsing a CSR" answer for a parsed CSR, with every policy finding
 * (key algorithm, hash, distinguished name limits, the 5120-character limit,
 * an invalid self-signature: `PCA.00020401` and friends).
 *
 * @param pemLength - the CSR's length as PEM text, for CCM's 5120-character limit (unchecked when absent)
 * @param verdict - the signature's verdict when already known ({@link verifyCsrBatch}); verified here otherwise
 *
 * @example
 * ```ts
 * const [obj] = readInput(readFileSync('server.csr'), 'server.csr').objects;
 * const report = csrReport(parseCsrOrFail(obj!.der, obj!.source), toPem('CERTIFICATE REQUEST', obj!.der).length);
 * if (hasErrors(report.findings)) console.log(report.findings[0]!.code, report.findings[0]!.message);
 * ```
 */
export function csrReport(csr: Csr, pemLength?: number, verdict: VerifyResult = verifyCsrSignature(csr)): CsrReport {
  const pk = csr.publicKey;
  const findings = csrFindings(csr, pemLength, verdict);
  const ext = csr.extensions;
  return {
    key_algorithm: pk.type === 'RSA-PSS' ? 'RSA' : pk.type === 'unknown' ? pk.algorithmOid : pk.type,
    key_algorithm_length: pk.bits,
    signature_algorithm: csr.signatureAlgorithm.name,
    public_key: toPem('PUBLIC KEY', pk.spki, '\r\n'),
    distinguished_name: toDistinguishedName(csr.subject),
    ccm_key_algorithm: ccmKeyAlgorithm(pk) ?? null,
    subject: nameToString(csr.subject),
    subject_alternative_names: ext.subjectAltNames ?? [],
    key_usage: ext.keyUsage ?? null,
    extended_key_usage: ext.extendedKeyUsage ?? null,
    basic_constraints: ext.basicConstraints ?? null,
    signature_valid: verdict.valid,
    findings,
  };
}

/**
 * Parses a CSR's DER. A structure that is not a PKCS#10 request is a
 * CcmError `PCA.00020401` ("Incorrect certificate signature request."),
 * naming `source` and the byte where it broke.
 *
 * @example
 * ```ts
 * const csr = parseCsrOrFail(obj.der, obj.source);
 * console.log(csr.publicKey.type, csr.subject.rdns);
 * ```
 */
export function parseCsrOrFail(der: Uint8Array, source: string): Csr {
  try {
    return parseCsr(der);
  } catch (e) {
    if (e instanceof DerError) {
      throw new CcmError(400, PCA_BAD_CSR.code, `${PCA_BAD_CSR.message} ${source}: ${e.message} (at byte ${e.offset}).`, source);
    }
    throw e;
  }
}

export function parseCsrReport(der: Uint8Array, source: string, pemLength?: number): CsrReport {
  return csrReport(parseCsrOrFail(der, source), pemLength);
}
