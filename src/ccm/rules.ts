// The CCM rules table: one row per rule ccmkit checks before a request travels.
//
// Each row names the operation, the field, the rule, and what CCM answers when
// it is broken (HTTP status, error_code, and CCM's own error_msg from the
// error-code tables in ccm-api-reference.txt A.2), with the seed section the
// rule comes from. Where the seeds are ambiguous or contradict each other, the
// row's `decision` says what ccmkit does and why. The newer single-page seeds
// (scm-*.txt, pca-*.txt) win over ccm-api-reference.txt.
//
// Validators look rules up by id and turn them into findings, so the code,
// status and message of every finding come from this one table.

import type { Finding, Severity } from './findings.js';

export interface Rule {
  /** Stable id: `<operation>.<field>.<what>`. */
  id: string;
  operation: string;
  field: string;
  rule: string;
  status: number;
  error_code: string;
  /** CCM's own error message for error_code (A.2). */
  error_msg: string;
  /** Where the rule comes from. */
  seed: string;
  /** How ccmkit resolved an ambiguity, and why. */
  decision?: string;
}

export const RULES: readonly Rule[] = [
  // --- PCA: Parsing a CSR / issuing a certificate via CSR --------------------------------
  {
    id: 'pca-csr.csr.length',
    operation: 'PCA parse CSR / issue certificate via CSR',
    field: 'csr',
    rule: 'at most 5120 characters',
    status: 400,
    error_code: 'PCA.00020401',
    error_msg: 'Incorrect certificate signature request.',
    seed: 'ccm-api-reference.txt 4.2.2.3 and 4.2.2.4, request body "csr ... Maximum: 5120"',
    decision: 'Counted on the PEM text with \\n line breaks, after JSON unescaping: that is the string the service receives.',
  },
  {
    id: 'pca-csr.csr.parse',
    operation: 'PCA parse CSR / issue certificate via CSR',
    field: 'csr',
    rule: 'a PKCS#10 request whose self-signature verifies',
    status: 400,
    error_code: 'PCA.00020401',
    error_msg: 'Incorrect certificate signature request.',
    seed: 'ccm-api-reference.txt A.2.2 PCA.00020401',
  },
  {
    id: 'pca.key_algorithm.supported',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'key_algorithm',
    rule: 'RSA2048, RSA4096, EC256 (P-256) or EC384 (P-384)',
    status: 400,
    error_code: 'PCA.00020102',
    error_msg: 'Invalid key algorithm. Only RSA2048, RSA4096, EC256, and EC384 are supported.',
    seed: 'ccm-api-reference.txt 4.2.1.2 key_algorithm; A.2.2 PCA.00020102',
    decision: 'SM2 appears in the SDKs but not in the seeds or the error text; ccmkit rejects it with this code.',
  },
  {
    id: 'pca.signature_algorithm.supported',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'signature_algorithm',
    rule: 'SHA256, SHA384 or SHA512',
    status: 400,
    error_code: 'PCA.00020103',
    error_msg: 'Invalid signature hash algorithm. Only SHA256, SHA384, and SHA512 are supported.',
    seed: 'ccm-api-reference.txt 4.2.1.2 signature_algorithm; A.2.2 PCA.00020103',
  },
  {
    id: 'pca.distinguished_name.limits',
    operation: 'PCA create CA / apply for certificate / parse CSR',
    field: 'distinguished_name',
    rule: 'common_name 1-64, country [A-Za-z]{2}, state 1-128, locality 1-128, organization 1-64, organizational_unit 1-64',
    status: 400,
    error_code: 'PCA.00020101',
    error_msg: 'Incorrect certificate distinguished name.',
    seed: 'ccm-api-reference.txt 4.2.2.4 Table 4-184 (DistinguishedName); A.2.2 PCA.00020101',
  },
  // --- PCA: revocation and CRL publication (offline `crl build`) ------------------------
  {
    id: 'pca-crl.revoked.reason',
    operation: 'PCA revoke certificate / revoke subordinate CA; ccmkit crl build',
    field: 'reason',
    rule: 'UNSPECIFIED, KEY_COMPROMISE, CERTIFICATE_AUTHORITY_COMPROMISE, AFFILIATION_CHANGED, SUPERSEDED, CESSATION_OF_OPERATION, CERTIFICATE_HOLD, PRIVILEGE_WITHDRAWN or ATTRIBUTE_AUTHORITY_COMPROMISE',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.2.9 Table 4-226 and 4.2.1.13 request body "reason"; A.2.2 PCA.00020001',
    decision:
      'Names are matched exactly (upper case), as the enumeration lists them. An absent or empty reason is UNSPECIFIED (CCM default), written as no reasonCode extension (RFC 5280 5.3.1 SHOULD).',
  },
  {
    id: 'pca-crl.revoked.serial',
    operation: 'ccmkit crl build',
    field: 'revoked',
    rule: 'serial numbers in hexadecimal, positive, non-zero, at most 20 octets DER-encoded',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'RFC 5280 4.1.2.2; ccm-api-reference.txt A.2.2 PCA.00020001',
    decision: 'CCM takes no revoked list (it keeps its own); the closest CCM answer for a bad input value is "Incorrect parameter.", so every bad row of the list gets it.',
  },
  {
    id: 'pca-crl.revoked.duplicate',
    operation: 'ccmkit crl build',
    field: 'revoked',
    rule: 'each serial at most once',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'RFC 5280 5.1.2.6; ccm-api-reference.txt A.2.2 PCA.00020001',
  },
  {
    id: 'pca-crl.revoked.date',
    operation: 'ccmkit crl build',
    field: 'revoked',
    rule: 'revoked_at is ISO 8601 with a zone or epoch milliseconds, between 1970 and 9999, and not after the CRL\'s thisUpdate (--at)',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'RFC 5280 5.1.2.6; ccm-api-reference.txt A.2.2 PCA.00020001',
    decision: 'Dates without a time zone are refused rather than guessed; sub-second parts are dropped (X.509 times hold whole seconds).',
  },
  {
    id: 'pca-crl.valid_days.range',
    operation: 'PCA create CA (crl_configuration); ccmkit crl build',
    field: 'valid_days',
    rule: 'an integer from 7 to 30',
    status: 400,
    error_code: 'PCA.00020204',
    error_msg: 'Invalid CRL configuration.',
    seed: 'ccm-api-reference.txt 4.2.1.2 CrlConfiguration.valid_days "Minimum: 7 Maximum: 30"; A.2.2 PCA.00020204',
  },
  {
    id: 'pca-crl.crl_number.range',
    operation: 'ccmkit crl build',
    field: 'crl_number',
    rule: 'a non-negative decimal integer of at most 20 octets; for a delta CRL, greater than the base CRL\'s number',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'RFC 5280 5.2.3 and 5.2.4; ccm-api-reference.txt A.2.2 PCA.00020001',
  },
  {
    id: 'pca-crl.ca_key.match',
    operation: 'PCA import CA certificate; ccmkit crl build',
    field: 'ca_key',
    rule: "the CA private key is the CA certificate's key",
    status: 403,
    error_code: 'PCA.00030301',
    error_msg: 'Certificate public key and private key does not match.',
    seed: 'ccm-api-reference.txt A.2.2 PCA.00030301',
  },
  {
    id: 'pca-crl.ca_cert.crl_sign',
    operation: 'ccmkit crl build',
    field: 'ca_certificate',
    rule: 'a CA certificate (basicConstraints cA) whose keyUsage, when present, includes cRLSign',
    status: 400,
    error_code: 'PCA.00020402',
    error_msg: 'Incorrect certificate. Please contact technical support.',
    seed: 'RFC 5280 4.2.1.3 and 4.2.1.9; ccm-api-reference.txt A.2.2 PCA.00020402',
    decision: 'CCM has no code for "this CA cannot sign CRLs"; its generic incorrect-certificate code is used, with the reason in the message.',
  },
  {
    id: 'pca-crl.base_crl.match',
    operation: 'ccmkit crl build --base-crl',
    field: 'base_crl',
    rule: 'a complete (non-delta) CRL with a CRL number, issued and signed by the same CA',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'RFC 5280 5.2.4; ccm-api-reference.txt A.2.2 PCA.00020001',
  },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function rule(id: string): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`no CCM rule "${id}"`);
  return r;
}

/** A finding for a broken rule: code and CCM message from the table, detail and fix from the caller. */
export function finding(id: string, detail: string, fix?: string, severity: Severity = 'error', field?: string): Finding {
  const r = rule(id);
  const f: Finding = { code: r.error_code, severity, field: field ?? r.field, message: `${detail} ${r.error_msg}`.trim() };
  if (fix) f.fix = fix;
  return f;
}
