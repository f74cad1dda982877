/**
 * Pre-flights: what CCM would answer to a request body, offline. Each
 * validator returns every finding and the first error as CCM answers it
 * (HTTP status, `error_code`, `error_msg`), with the rule's seed section in
 * {@link RULES}.
 *
 * ```ts
 * import { validateScmImport, validatePcaCreateCa } from 'ccmkit/validate';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/validate
 */

export { validateScmImport, analyseScmImport, fixScmImport, type ScmImportOptions, type ScmImportAnalysis, type FixedScmImport } from '../ccm/scm-import.js';
export { validateScmUploadCsr } from '../ccm/validate-scm-upload-csr.js';
export { validatePcaCreateCa, validatePcaApplyCert, type PcaBodyOptions } from '../ccm/pca-bodies.js';
export { validatePcaIssueCsr, type PcaIssueCsrOptions } from '../ccm/validate-pca-issue-csr.js';
export { validatePcaImportCa } from '../ccm/pca-import-ca.js';
export { toResult, type ValidationResult } from '../ccm/validation.js';
export { hasErrors, type Finding, type Severity } from '../ccm/findings.js';
export { RULES, finding, type Rule } from '../ccm/rules.js';
export { parseJson } from '../engine/json.js';
