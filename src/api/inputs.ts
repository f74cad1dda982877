/**
 * Reading inputs the way users have them: PEM (one or many blocks, CRLF or
 * LF), DER, base64, JSON request bodies, and the containers PFX/P12, JKS,
 * JCEKS, PKCS#7 and zips; and `inspect`, one JSON summary per object.
 *
 * ```ts
 * import { readInput, openInputs, inspectObject } from 'ccmkit/inputs';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/inputs
 */

export { readInput, readPemChunks, classifyDer, type InputObject, type InputProblem, type InputResult, type ObjectKind } from '../engine/input.js';
export { toPem } from '../engine/pem.js';
export { WorkBudget, type WorkPrimitive } from '../engine/budget.js';
export type { Certificate } from '../engine/certificate.js';
export type { Name, NameAttribute, DistinguishedName } from '../engine/name.js';
export type { PublicKeyInfo, KeyType } from '../engine/publickey.js';
export type { SignatureAlgorithm, HashName } from '../engine/signature.js';
export { KEY_USAGE_NAMES, type DecodedExtensions, type Extension, type SubjectAltName, type SanType, type BasicConstraints, type KeyUsageName } from '../engine/extensions.js';
export type { PrivateKeyFormat } from '../engine/privatekey.js';
export { fixedSecrets, type SecretSource } from '../service/keys.js';
export {
  openInputs,
  type NamedBytes,
  type OpenOptions,
  type Opened,
  type OpenedItem,
  type Container,
  type ListingEntry,
} from '../service/open.js';
export { inspectObject, publicKeyError, type Inspected } from '../service/inspect.js';
export { listContainer, type ContainerListing, type ListedEntry, type ListedCertificate } from '../service/keystore-listing.js';
