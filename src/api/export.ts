/**
 * Export bundles and conversion: gather a leaf, its chain and key from PEM,
 * DER, PFX/P12, JKS/JCEKS, PKCS#7, zips or CCM's export JSON; pack CCM's
 * APACHE/NGINX/IIS/TOMCAT/OTHER bundle; or turn them into an SCM import body,
 * PEM files or a PKCS#7 bag.
 *
 * ```ts
 * import { gatherMaterial, resolveMaterial, exportZip } from 'ccmkit/export';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/export
 */

export {
  gatherMaterial,
  resolveMaterial,
  materialFromExportJson,
  exportZip,
  exportBody,
  scmImportBody,
  p7bFrom,
  pemFiles,
  defaultBundleName,
  type Material,
  type GatherOptions,
  type Resolved,
  type ExportOptions,
  type ExportResult,
} from '../service/export.js';
export { chainWarnings } from '../service/bundle-warnings.js';
export { EXPORT_TYPES, keyPem, type ExportType, type ExportJson, type Bundle, type BundleFile } from '../engine/bundle.js';
export type { Pkcs12Profile } from '../engine/pkcs12.js';
