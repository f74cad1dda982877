/**
 * The one error class every ccmkit function throws, with CCM's `status`,
 * `error_code` and `error_msg`, and ccmkit's own `CCMKIT.*` codes.
 *
 * ```ts
 * import { CcmError, LocalCode } from 'ccmkit/errors';
 * ```
 *
 * @packageDocumentation
 * @module ccmkit/errors
 */

export { CcmError, LocalCode, usageError, type CcmErrorBody } from '../engine/errors.js';
