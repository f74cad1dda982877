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

/**
 * One CCM rule ccmkit checks before a request travels: the operation and
 * field, what CCM answers when it is broken, and the seed section it comes from.
 *
 * @example
 * ```ts
 * const r: Rule | undefined = RULES.find((x) => x.error_code === 'SCM.0014');
 * console.log(r?.rule, r?.seed);
 * ```
 */
export interface Rule {
  /** Stable id: `<operation>.<field>.<what>`. */
  id: string;
  /** The CCM operation (`SCM import certificate`...). */
  operation: string;
  /** The request field. */
  field: string;
  /** The rule, in a few words. */
  rule: string;
  /** The HTTP status CCM answers with. */
  status: number;
  /** CCM's error code. */
  error_code: string;
  /** CCM's own error message for error_code (A.2). */
  error_msg: string;
  /** Where the rule comes from. */
  seed: string;
  /** How ccmkit resolved an ambiguity, and why. */
  decision?: string;
}

/**
 * The CCM rules table: every rule ccmkit checks, with its CCM status,
 * `error_code`, `error_msg`, seed section and, where CCM's documents are
 * ambiguous, the decision ccmkit took.
 *
 * @example
 * ```ts
 * for (const r of RULES.filter((x) => x.operation.startsWith('SCM'))) console.log(r.error_code, r.field, r.rule);
 * ```
 */
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
  // --- SCM: Importing a certificate (POST /v3/scm/certificates/import) -----------------------
  // Seeds: scm-import-certificate.txt (2025-05-29, wins) and ccm-api-reference.txt 4.1.2.
  {
    id: 'scm-import.body.shape',
    operation: 'SCM import certificate',
    field: 'body',
    rule: 'a JSON object whose fields have the documented types (strings; duplicate_check boolean)',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-import-certificate.txt Table 2; A.2.1 SCM.0005',
  },
  {
    id: 'scm-import.name.format',
    operation: 'SCM import certificate',
    field: 'name',
    rule: '3 to 63 characters of letters, digits, _ - .',
    status: 400,
    error_code: 'SCM.0032',
    error_msg: 'Incorrect certificate name.',
    seed: 'scm-import-certificate.txt Table 2 "name"; A.2.1 SCM.0032',
    decision: 'The reference (4.1.2) says 0-63 characters (and Maximum 255); the newer single page says 3-63 with a character set. The newer page wins: 3-63 of [A-Za-z0-9_.-].',
  },
  {
    id: 'scm-import.certificate.length',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'at most 4096 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-import-certificate.txt Table 2 "certificate ... Maximum: 4096"',
    decision: 'Counted after JSON unescaping (the string the service holds once it has parsed the body), in characters. CCM publishes no code for length violations; SCM.0005 (incorrect request parameter) is the generic one.',
  },
  {
    id: 'scm-import.certificate_chain.length',
    operation: 'SCM import certificate',
    field: 'certificate_chain',
    rule: 'optional; at most 8192 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-import-certificate.txt Table 2 "certificate_chain ... No ... Maximum: 8192"',
    decision: 'The reference (4.1.2) marks certificate_chain mandatory; the newer page makes it optional and lets the chain travel in the certificate field. The newer page wins: optional.',
  },
  {
    id: 'scm-import.private_key.length',
    operation: 'SCM import certificate',
    field: 'private_key',
    rule: 'required; at most 4096 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-import-certificate.txt Table 2 "private_key ... Maximum: 4096"',
    decision: 'Counted after JSON unescaping, like certificate. An RSA 4096 PKCS#8 key is about 3270 characters as PEM, so every CCM key algorithm fits.',
  },
  {
    id: 'scm-import.certificate.missing',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'holds at least one PEM certificate',
    status: 400,
    error_code: 'SCM.0006',
    error_msg: 'The uploaded certificate failed to be resolved. Ensure that the uploaded certificate has been issued.',
    seed: 'A.2.1 SCM.0006',
    decision: 'SCM.0006 when the field holds no certificate at all (empty, a CSR, a key); SCM.0031 when a certificate block is there but does not parse.',
  },
  {
    id: 'scm-import.certificate.parse',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'every certificate block parses as X.509',
    status: 400,
    error_code: 'SCM.0031',
    error_msg: 'Certificate parsing error.',
    seed: 'A.2.1 SCM.0031',
  },
  {
    id: 'scm-import.certificate_chain.parse',
    operation: 'SCM import certificate',
    field: 'certificate_chain',
    rule: 'every chain block parses as X.509, and the chain links to the leaf by signature, issuer by issuer',
    status: 500,
    error_code: 'SCM.0013',
    error_msg: 'The uploaded certificate chain failed to be resolved. Ensure that the certificate has been issued.',
    seed: 'A.2.1 SCM.0013 (listed with status 500)',
    decision: 'CCM has no separate code for a chain in the wrong order or with strangers in it; SCM.0013 is the chain code, so ccmkit uses it for both, and --fix reorders.',
  },
  {
    id: 'scm-import.private_key.parse',
    operation: 'SCM import certificate',
    field: 'private_key',
    rule: 'an unencrypted RSA or EC private key (PKCS#1, SEC1 or PKCS#8)',
    status: 400,
    error_code: 'SCM.0012',
    error_msg: 'The uploaded private key failed to be resolved. Ensure that the certificate has been issued.',
    seed: 'scm-import-certificate.txt "The private key protected by password cannot be uploaded"; A.2.1 SCM.0012',
  },
  {
    id: 'scm-import.private_key.match',
    operation: 'SCM import certificate',
    field: 'private_key',
    rule: "the private key is the certificate's key",
    status: 400,
    error_code: 'SCM.0014',
    error_msg: 'The uploaded certificate does not match the private key.',
    seed: 'A.2.1 SCM.0014',
  },
  {
    id: 'scm-import.certificate.expired',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'notAfter is not before the time of the check',
    status: 400,
    error_code: 'SCM.0042',
    error_msg: 'Cert has expired.',
    seed: 'A.2.1 SCM.0042',
  },
  {
    id: 'scm-import.certificate.domain',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'the certificate binds a domain name (a DNS or IP SAN, or a common name)',
    status: 400,
    error_code: 'SCM.0009',
    error_msg: 'Failed to upload the certificate because no domain name is bound to the certificate.',
    seed: 'A.2.1 SCM.0009',
  },
  {
    id: 'scm-import.certificate.domain_format',
    operation: 'SCM import certificate',
    field: 'certificate',
    rule: 'each bound domain is a valid host name (LDH labels of 1-63, total <= 253, a wildcard only as the whole leftmost label) or IP address',
    status: 400,
    error_code: 'SCM.0070',
    error_msg: 'Incorrect format of the domain bound to the certificate to be uploaded.',
    seed: 'A.2.1 SCM.0070',
  },
  {
    id: 'scm-import.certificate.duplicate',
    operation: 'SCM import certificate',
    field: 'duplicate_check',
    rule: 'a certificate already in SCM is refused unless duplicate_check is true',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-import-certificate.txt "duplicate_check: true: The same certificate can be uploaded"',
    decision: 'The seed and the Go SDK read true as "duplicates allowed"; Python SDK 3.1.211 documents the opposite. ccmkit follows the seed. CCM documents no dedicated code; SCM.0005 is used.',
  },
  // --- PCA: Importing a CA certificate (POST /v1/private-certificate-authorities/{ca_id}/import) ---
  {
    id: 'pca-import-ca.certificate.length',
    operation: 'PCA import CA certificate',
    field: 'certificate',
    rule: '1 to 32768 characters, PEM',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'pca-import-ca-certificate.txt Table 3 "certificate ... Minimum: 1 Maximum: 32768"; "must be in PEM format"',
  },
  {
    id: 'pca-import-ca.certificate_chain.length',
    operation: 'PCA import CA certificate',
    field: 'certificate_chain',
    rule: 'optional; at most 2097152 characters, PEM',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'pca-import-ca-certificate.txt Table 3 "certificate_chain ... Maximum: 2097152"',
  },
  {
    id: 'pca-import-ca.certificate.parse',
    operation: 'PCA import CA certificate',
    field: 'certificate',
    rule: 'exactly one PEM certificate that parses, and is a CA certificate (basicConstraints cA)',
    status: 400,
    error_code: 'PCA.00020402',
    error_msg: 'Incorrect certificate. Please contact technical support.',
    seed: 'pca-import-ca-certificate.txt conditions (2); A.2.2 PCA.00020402',
    decision: 'A non-CA certificate cannot serve a subordinate CA; CCM names no code for it, so PCA.00020402 (incorrect certificate) is used.',
  },
  {
    id: 'pca-import-ca.certificate.key',
    operation: 'PCA import CA certificate',
    field: 'certificate',
    rule: "the certificate's public key is the one in the CA's CSR",
    status: 403,
    error_code: 'PCA.00030301',
    error_msg: 'Certificate public key and private key does not match.',
    seed: 'pca-import-ca-certificate.txt (2a); A.2.2 PCA.00030301 (status 403)',
  },
  {
    id: 'pca-import-ca.certificate_chain.order',
    operation: 'PCA import CA certificate',
    field: 'certificate_chain',
    rule: 'complete and ordered intermediate > ... > root: each certificate issued (and signed) by the next, ending in a self-signed root',
    status: 400,
    error_code: 'PCA.00020403',
    error_msg: 'Incorrect certificate chain.',
    seed: 'A.2.2 PCA.00020403 solution text; pca-import-ca-certificate.txt (2b)',
    decision: 'The chain is optional (2b: needed only to export a full chain later); when present it must be complete and ordered.',
  },
  // --- PCA: creating a CA / applying for a certificate --------------------------------------
  {
    id: 'pca.body.shape',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'body',
    rule: 'a JSON object with the documented field types; mandatory fields present',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.1.2 Table 4-49, 4.2.2.2 Table 4-159; A.2.2 PCA.00020001',
  },
  {
    id: 'pca-create-ca.type',
    operation: 'PCA create CA',
    field: 'type',
    rule: 'ROOT or SUBORDINATE',
    status: 400,
    error_code: 'PCA.00020202',
    error_msg: 'Invalid CA type. Only root CA and subordinate CA are supported.',
    seed: '4.2.1.2 Table 4-49 "type"; A.2.2 PCA.00020202',
  },
  {
    id: 'pca.validity',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'validity',
    rule: 'type YEAR|MONTH|DAY|HOUR, value a positive integer; root CA at most 30 years, anything else at most 20 years; start_from (ms) not earlier than now - 5 minutes',
    status: 400,
    error_code: 'PCA.00020109',
    error_msg: 'Invalid validity period type or value. Only year, month, or day supported.',
    seed: '4.2.1.2 Table 4-51 Validity; A.2.2 PCA.00020109',
    decision: 'The error text says "year, month, or day" but Table 4-51 lists HOUR too: the table is the more specific statement, so HOUR is accepted. Limits are calendar ones: 20 years = YEAR 20 = MONTH 240 = DAY 7305 (with leap days) = HOUR 175320; 30 years for a root CA likewise.',
  },
  {
    id: 'pca.subject_alternative_names',
    operation: 'PCA apply for certificate',
    field: 'subject_alternative_names',
    rule: 'at most 20; type DNS|IP|EMAIL|URI; DNS 1-253 valid host name, IP an IPv4 address, EMAIL <= 256, URI <= 253',
    status: 400,
    error_code: 'PCA.00020112',
    error_msg: 'Invalid alternative name type of the certificate subject. Enter an IP or DNS.',
    seed: '4.2.2.2 Table 4-162; A.2.2 PCA.00020110/00020111/00020112',
    decision: 'Bad DNS values answer PCA.00020110, bad IPs PCA.00020111 ("Enter an IPv4 address": IPv6 is refused), an unknown type or more than 20 names PCA.00020112.',
  },
  {
    id: 'pca.san.dns',
    operation: 'PCA apply for certificate',
    field: 'subject_alternative_names',
    rule: 'DNS name of 1-64 characters per label rules',
    status: 400,
    error_code: 'PCA.00020110',
    error_msg: 'Incorrect domain name.',
    seed: 'A.2.2 PCA.00020110 ("length ... in the range of [1,64]"); Table 4-162 (0-253)',
    decision: 'The error text says [1,64], Table 4-162 says up to 253: ccmkit allows 253 (the table), each label at most 63.',
  },
  {
    id: 'pca.san.ip',
    operation: 'PCA apply for certificate',
    field: 'subject_alternative_names',
    rule: 'an IPv4 address',
    status: 400,
    error_code: 'PCA.00020111',
    error_msg: 'Invalid IP. Enter an IPv4 address.',
    seed: 'A.2.2 PCA.00020111',
  },
  {
    id: 'pca.path_length',
    operation: 'PCA create CA',
    field: 'path_length',
    rule: 'an integer 0-6',
    status: 400,
    error_code: 'PCA.00020203',
    error_msg: 'Invalid CA path length. The value range is [0, 6].',
    seed: '4.2.1.2 Table 4-49 "path_length ... Minimum: 0 Maximum: 6"; A.2.2 PCA.00020203',
  },
  {
    id: 'pca.crl_configuration',
    operation: 'PCA create CA',
    field: 'crl_configuration',
    rule: 'enabled boolean required; when enabled, obs_bucket_name and valid_days 7-30 required',
    status: 400,
    error_code: 'PCA.00020204',
    error_msg: 'Invalid CRL configuration.',
    seed: '4.2.1.2 Table 4-52 CrlConfiguration; A.2.2 PCA.00020204',
  },
  {
    id: 'pca.ca_id',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'issuer_id',
    rule: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hexadecimal, 36 characters',
    status: 400,
    error_code: 'PCA.00020201',
    error_msg: 'Invalid CA ID. Valid CA IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx format.',
    seed: '4.2.1.2 issuer_id "Minimum: 36 Maximum: 36"; A.2.2 PCA.00020201',
    decision: 'The error text shows 11 x in the last group (a typo); IDs are 36 characters, i.e. a UUID with 12.',
  },
  {
    id: 'pca.certificate_id',
    operation: 'PCA certificate operations',
    field: 'certificate_id',
    rule: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hexadecimal, 36 characters',
    status: 400,
    error_code: 'PCA.00020301',
    error_msg: 'Invalid certificate ID. Valid certificate IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx format.',
    seed: 'A.2.2 PCA.00020301',
  },
  {
    id: 'pca.key_usages',
    operation: 'PCA create CA / apply for certificate',
    field: 'key_usages',
    rule: 'an array of RFC 5280 4.2.1.3 names (digitalSignature ... decipherOnly)',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: '4.2.1.2 Table 4-49 and 4.2.2.2 Table 4-159 "key_usages"',
  },
  {
    id: 'pca.customized_extension',
    operation: 'PCA apply for certificate',
    field: 'customized_extension',
    rule: 'object_identifier a dotted-decimal OID of 1-64 characters; value 1-64 characters',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: '4.2.2.2 Table 4-164 CustomizedExtension',
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
  // --- PCA: issuing a certificate via CSR (POST /v1/private-certificates/csr, 4.2.2.3) ----------
  // issuer_id, validity and path_length use the pca.ca_id, pca.validity and pca.path_length rows.
  {
    id: 'pca-issue-csr.csr.required',
    operation: 'PCA issue certificate via CSR',
    field: 'csr',
    rule: 'required string',
    status: 400,
    error_code: 'PCA.00020401',
    error_msg: 'Incorrect certificate signature request.',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-172 csr "Mandatory: Yes"',
  },
  {
    id: 'pca-issue-csr.type',
    operation: 'PCA issue certificate via CSR',
    field: 'type',
    rule: 'optional; ENTITY_CERT (default) or INTERMEDIATE_CA',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-172 type',
    decision: 'PCA.00020202 ("Only root CA and subordinate CA are supported") is the create-CA type code and names other values; a wrong certificate type here gets the generic parameter code.',
  },
  // --- PCA: the offline CA's operations (src/service/pca): queries, state machine, quotas ----------
  {
    id: 'pca-list.query',
    operation: 'PCA list CAs / list certificates',
    field: 'query',
    rule: 'limit an integer 0-1000 (default 10), offset an integer >= 0, name 1-64 characters, sort_key one of the documented keys, sort_dir ASC or DESC',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.1.1 Table 4-37, 4.2.2.1 Table 4-148',
    decision: 'sort_key for CAs accepts ca_type (the table) and type (the SDKs); sort_dir and enum values are accepted in any case.',
  },
  {
    id: 'pca-list.status',
    operation: 'PCA list CAs / list certificates',
    field: 'status',
    rule: 'CAs: PENDING, ACTIVED, DISABLED, DELETED or EXPIRED; certificates: ISSUED, REVOKED or EXPIRED',
    status: 400,
    error_code: 'PCA.00020404',
    error_msg: 'Invalid status. The current support status is PENDING, ACTIVED, DISABLED, DELETED, and EXPIRED.',
    seed: 'ccm-api-reference.txt 4.2.1.1 status, 4.2.2.1 status; A.2.2 PCA.00020404',
  },
  {
    id: 'pca-list.type',
    operation: 'PCA list CAs',
    field: 'type',
    rule: 'ROOT or SUBORDINATE',
    status: 400,
    error_code: 'PCA.00020202',
    error_msg: 'Invalid CA type. Only root CA and subordinate CA are supported.',
    seed: 'ccm-api-reference.txt 4.2.1.1 type; A.2.2 PCA.00020202',
  },
  {
    id: 'pca-delete-ca.pending_days',
    operation: 'PCA delete CA',
    field: 'pending_days',
    rule: 'required; an integer from 7 to 30',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.1.5 Table 4-79 "pending_days ... Mandatory: Yes ... Minimum: 7 Maximum: 30"',
  },
  {
    id: 'pca-activate-ca.body',
    operation: 'PCA activate CA',
    field: 'body',
    rule: 'issuer_id, path_length, signature_algorithm and validity are all mandatory',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.1.6 Table 4-88',
  },
  {
    id: 'pca-export-cert.body',
    operation: 'PCA export certificate',
    field: 'body',
    rule: 'is_compressed "true"/"false" (a JSON boolean is accepted too), type APACHE|NGINX|IIS|TOMCAT|OTHER in any case, optional password of 1-32 bytes',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.2.8 Table 4-217; ../shared/notes/ccm-api.md "PCA export certificate body"',
    decision: 'Non-compressed IIS and TOMCAT exports are "not defined currently" (4.2.2.8): refused with this code rather than guessed.',
  },
  {
    id: 'pca.state',
    operation: 'PCA CA and certificate operations',
    field: 'status',
    rule: 'disable needs ACTIVED or EXPIRED; enable needs DISABLED; delete needs PENDING or DISABLED; restore needs DELETED; CSR export and activate need PENDING; CA export needs ACTIVED or EXPIRED; issuing needs an ACTIVED issuer; certificate export needs ISSUED',
    status: 403,
    error_code: 'PCA.00030201',
    error_msg: 'Operation not allowed in the current status.',
    seed: 'ccm-api-reference.txt A.2.2 PCA.00030201 (its solution lists the nine rules); pca-import-ca-certificate.txt condition (1): import needs PENDING',
    decision:
      'Beyond the list: revoking needs ISSUED or EXPIRED (certificates) or a local subordinate CA that is ACTIVED, EXPIRED or DISABLED; a revoked CA is DISABLED and cannot be enabled again; an INTERMEDIATE_CA issued from a CSR has no key here and cannot issue.',
  },
  {
    id: 'pca.not_found',
    operation: 'PCA CA and certificate operations',
    field: 'id',
    rule: 'the CA or certificate exists (a CA past its scheduled deletion, a deleted certificate, do not)',
    status: 404,
    error_code: 'PCA.00030102',
    error_msg: 'CA or certificate is not found.',
    seed: 'ccm-api-reference.txt A.2.2 PCA.00030102',
  },
  {
    id: 'pca.issuer_not_found',
    operation: 'PCA create CA / activate CA / apply for certificate / issue via CSR',
    field: 'issuer_id',
    rule: 'the issuing CA exists',
    status: 404,
    error_code: 'PCA.00030103',
    error_msg: 'Issuer CA is not found',
    seed: 'ccm-api-reference.txt A.2.2 PCA.00030103',
  },
  {
    id: 'pca.quota',
    operation: 'PCA create CA / apply for certificate / issue via CSR',
    field: 'quota',
    rule: 'at most 100 CAs and 100,000 certificates (the workspace settings ca_quota and certificate_quota)',
    status: 403,
    error_code: 'PCA.00030001',
    error_msg: 'CA or certificate quantity exceeds quota.',
    seed: 'ccm-api-reference.txt 4.2.1.3 Table 4-62, 4.2.2.5; A.2.2 PCA.00030001',
    decision: 'INTERMEDIATE_CA certificates issued from a CSR count against neither quota (4.2.2.3 "It does not use the CA quota").',
  },
  // --- SCM: Upload CSR (POST /v3/scm/csr/upload) -------------------------------------------
  {
    id: 'scm-upload-csr.body.json',
    operation: 'SCM upload CSR',
    field: 'body',
    rule: 'a UTF-8 JSON object; fields of the documented JSON types',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-upload-csr.txt Table 2; ccm-api-reference.txt A.2.1 SCM.0005',
  },
  {
    id: 'scm-upload-csr.name',
    operation: 'SCM upload CSR',
    field: 'name',
    rule: 'required string, at most 63 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-upload-csr.txt Table 2 name "Mandatory: Yes ... Minimum: 0 Maximum: 63"',
    decision:
      'Length limits are request-schema checks, answered with the generic SCM.0005 (SCM.0032 "Incorrect certificate name" belongs to certificates). The request table allows an empty name but the response\'s name is Minimum 1: an empty name is a warning.',
  },
  {
    id: 'scm-upload-csr.csr.length',
    operation: 'SCM upload CSR',
    field: 'csr',
    rule: 'required string, at most 2555 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-upload-csr.txt Table 2 csr "Mandatory: Yes ... Maximum: 2555"',
    decision:
      'Counted in characters of the string SCM receives (after JSON unescaping; \\n counts 1, \\r\\n 2). Over-long is a schema violation (SCM.0005), not a parse error; SCM.0065 "File size exceeds limit" was considered but belongs to file uploads. An RSA4096 CSR with many SANs passes 2555: the fix names EC384.',
  },
  {
    id: 'scm-upload-csr.csr.parse',
    operation: 'SCM upload CSR',
    field: 'csr',
    rule: 'a PEM PKCS#10 request whose self-signature verifies',
    status: 400,
    error_code: 'SCM.0034',
    error_msg: 'Csr parse error.',
    seed: 'ccm-api-reference.txt A.2.1 SCM.0034',
  },
  {
    id: 'scm-upload-csr.private_key',
    operation: 'SCM upload CSR',
    field: 'private_key',
    rule: 'optional string; the seed says at most 63 characters',
    status: 400,
    error_code: 'SCM.0005',
    error_msg: 'Incorrect request parameter.',
    seed: 'scm-upload-csr.txt Table 2 private_key "Mandatory: No ... Minimum: 0 Maximum: 63"',
    decision:
      'No private key fits in 63 characters (the smallest CCM key, EC256 PKCS#8 PEM, is 241), so the limit is taken as a documentation error, not enforced as written. ccmkit never puts private_key in the bodies it prints (the point of an air-gapped CSR is that the key stays behind); when a body has one, validate reports a warning (over 63: CCM may refuse it; better omitted), an error over 4096 characters (the private_key limit of SCM import, scm-import-certificate.txt), SCM.0012 when it does not parse or is encrypted, and SCM.0014 when it does not belong to the CSR.',
  },
  {
    id: 'scm-upload-csr.private_key.parse',
    operation: 'SCM upload CSR',
    field: 'private_key',
    rule: 'an unencrypted PEM private key',
    status: 400,
    error_code: 'SCM.0012',
    error_msg: 'The uploaded private key failed to be resolved. Ensure that the certificate has been issued.',
    seed: 'ccm-api-reference.txt A.2.1 SCM.0012',
  },
  {
    id: 'scm-upload-csr.private_key.match',
    operation: 'SCM upload CSR',
    field: 'private_key',
    rule: 'the private key of the CSR\'s public key',
    status: 400,
    error_code: 'SCM.0014',
    error_msg: 'The uploaded certificate does not match the private key.',
    seed: 'ccm-api-reference.txt A.2.1 SCM.0014',
    decision: 'SCM documents no CSR/key mismatch code; the certificate/key mismatch code is the closest.',
  },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function rule(id: string): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`no CCM rule "${id}"`);
  return r;
}

/**
 * A finding for a broken rule of {@link RULES}: code and CCM message from
 * the table, detail and fix from the caller. An unknown rule id throws (a bug).
 *
 * @param id - the rule's id (`scm-import.certificate.expired`...)
 * @param severity - `error` unless the rule is only advice here
 * @param field - the field, when more precise than the rule's
 *
 * @example
 * ```ts
 * const f = finding('scm-import.body.shape', 'The body is not UTF-8 text.', 'Send the JSON body encoded as UTF-8.');
 * ```
 */
export function finding(id: string, detail: string, fix?: string, severity: Severity = 'error', field?: string): Finding {
  const r = rule(id);
  const f: Finding = { code: r.error_code, severity, field: field ?? r.field, message: `${detail} ${r.error_msg}`.trim() };
  if (fix) f.fix = fix;
  return f;
}
