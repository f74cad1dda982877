/**
 * Keys: generate one with CCM's algorithms, read one from any form, and pair
 * keys with certificates and CSRs, each pair proved by signing.
 *
 * ```ts
 * import { generateKey, readPrivateKey, matchKeyPairs } from 'ccmkit/key';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/key
 */

export { generateKey, KEY_ALGORITHMS, KEY_FORMATS, PBKDF2_ITERATIONS, type GeneratedKey, type KeyAlgorithmName, type KeyFormatName } from '../engine/keygen.js';
export { readPrivateKey } from '../service/keys.js';
export { matchKeyPairs, type KeyPairMatch } from '../service/key-match.js';
export { proveKeyPair, pairVerdict, type PairVerdict, type MatchResult } from '../engine/match.js';
export type { PrivateKeyInfo } from '../engine/privatekey.js';
