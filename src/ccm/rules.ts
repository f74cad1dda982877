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

  // --- PCA: issuing a certificate via CSR (POST /v1/private-certificates/csr) -------------
  {
    id: 'pca-issue-csr.body.json',
    operation: 'PCA issue certificate via CSR',
    field: 'body',
    rule: 'a UTF-8 JSON object',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-172; A.2.2 PCA.00020001',
    decision: 'A body that is not UTF-8, not JSON, or not an object, and a field of the wrong JSON type, get the generic parameter code.',
  },
  {
    id: 'pca-issue-csr.issuer_id.format',
    operation: 'PCA issue certificate via CSR',
    field: 'issuer_id',
    rule: 'required; 36 characters, hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    status: 400,
    error_code: 'PCA.00020201',
    error_msg: 'Invalid CA ID. Valid CA IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx format.',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-172 issuer_id "Minimum: 36 Maximum: 36"; A.2.2 PCA.00020201',
    decision: "The error text shows 11 x's in the last group, the length limit (36) needs 12: ccmkit uses the UUID form 8-4-4-4-12 (the seed's example ids have it). Upper- and lower-case hex both pass.",
  },
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
    id: 'pca-issue-csr.validity',
    operation: 'PCA issue certificate via CSR',
    field: 'validity',
    rule: 'object {type: YEAR|MONTH|DAY|HOUR, value: integer >= 1, start_from?: integer ms}; at most 20 years for subordinate CA and private certificates',
    status: 400,
    error_code: 'PCA.00020109',
    error_msg: 'Invalid validity period type or value. Only year, month, or day supported.',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-173; A.2.2 PCA.00020109',
    decision:
      'Table 4-173 lists HOUR although the error text says "only year, month, or day": HOUR is accepted (the table is the newer, more specific text). The 20-year cap is counted as YEAR 20, MONTH 240, DAY 7300, HOUR 175200 (12-month years, as Table 4-173 defines YEAR). start_from must be an integer; its "not earlier than now - 5 minutes" check needs the clock and is left to CCM.',
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
  {
    id: 'pca-issue-csr.path_length',
    operation: 'PCA issue certificate via CSR',
    field: 'path_length',
    rule: 'optional integer 0..6; only meaningful with type INTERMEDIATE_CA',
    status: 400,
    error_code: 'PCA.00020203',
    error_msg: 'Invalid CA path length. The value range is [0, 6].',
    seed: 'ccm-api-reference.txt 4.2.2.3 Table 4-172 path_length "Minimum: 0 Maximum: 6"; A.2.2 PCA.00020203',
    decision: 'A path_length sent with ENTITY_CERT is "valid only when a subordinate CA is issued": ignored by CCM, so ccmkit warns instead of failing.',
  },
  // --- PCA: subject alternative names (applies to the SANs ccmkit puts in a CSR) ------------
  {
    id: 'pca.san.count',
    operation: 'PCA apply for certificate / csr create',
    field: 'subject_alternative_names',
    rule: 'at most 20 subject alternative names',
    status: 400,
    error_code: 'PCA.00020001',
    error_msg: 'Incorrect parameter.',
    seed: 'ccm-api-reference.txt 4.2.2.2 subject_alternative_names "Array size: [0, 20]"',
    decision: 'The array limit is documented for the apply API; ccmkit applies it to CSRs it makes so they stay issuable either way. No specific code exists: the generic parameter code is used.',
  },
  {
    id: 'pca.san.dns',
    operation: 'PCA apply for certificate / csr create',
    field: 'subject_alternative_names',
    rule: 'DNS name: ASCII letters, digits, hyphens; labels 1-63; total 1-253; no spaces; "*" only as the whole leftmost label',
    status: 400,
    error_code: 'PCA.00020110',
    error_msg: 'Incorrect domain name.',
    seed: 'ccm-api-reference.txt 4.2.2.2 Table 4-162 value "DNS type. Length range: 0 to 253"; A.2.2 PCA.00020110',
    decision:
      'PCA.00020110\'s solution text says [1,64] while Table 4-162 says up to 253: a name over 253 (or a label over 63, RFC 1035) is an error; a name of 65-253 characters is a warning that CCM may refuse it. Internationalised names must be given as A-labels (xn--).',
  },
  {
    id: 'pca.san.ip',
    operation: 'PCA apply for certificate / csr create',
    field: 'subject_alternative_names',
    rule: 'IP address that parses; IPv4 (IPv6 may be refused)',
    status: 400,
    error_code: 'PCA.00020111',
    error_msg: 'Invalid IP. Enter an IPv4 address.',
    seed: 'ccm-api-reference.txt 4.2.2.2 Table 4-162 "IP address type. Length range: 0 to 39"; A.2.2 PCA.00020111',
    decision: 'The error text asks for IPv4 but the 39-character limit is exactly the longest IPv6 text: an address that does not parse is an error, an IPv6 address a warning.',
  },
  {
    id: 'pca.san.type',
    operation: 'PCA apply for certificate / csr create',
    field: 'subject_alternative_names',
    rule: 'type DNS, IP, EMAIL or URI',
    status: 400,
    error_code: 'PCA.00020112',
    error_msg: 'Invalid alternative name type of the certificate subject. Enter an IP or DNS.',
    seed: 'ccm-api-reference.txt 4.2.2.2 Table 4-162 type; A.2.2 PCA.00020112',
    decision: 'The error text says "IP or DNS" but Table 4-162 lists DNS, IP, EMAIL and URI: ccmkit accepts all four and rejects other types (otherName, dirName...) with this code. EMAIL (<= 256) and URI (<= 253) are checked for length and ASCII.',
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

/** A finding for a broken rule: code and CCM message from the table, detail and fix from the caller. */
export function finding(id: string, detail: string, fix?: string, severity: Severity = 'error', field?: string): Finding {
  const r = rule(id);
  const f: Finding = { code: r.error_code, severity, field: field ?? r.field, message: `${detail} ${r.error_msg}`.trim() };
  if (fix) f.fix = fix;
  return f;
}
