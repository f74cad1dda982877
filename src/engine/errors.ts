// The one error type every layer throws and every front prints.
//
// It carries CCM's own vocabulary (HTTP status, `error_code`, `error_msg`) so
// the CLI and the emulator can answer exactly as CCM does. Where CCM defines no
// code for a purely local condition (a usage mistake, an unreadable file),
// ccmkit uses its own `CCMKIT.*` codes; they never collide with CCM's `SCM.*`
// and `PCA.*` namespaces.
//
// Messages must never contain key material, passwords or tokens: they quote
// at most a short, printable prefix of non-secret input.

/**
 * A CCM error body, as CCM's API and ccmkit's `--json` errors carry it.
 *
 * @example
 * ```ts
 * const body: CcmErrorBody = { error_code: 'SCM.0014', error_msg: 'The certificate does not match the private key.' };
 * ```
 */
export interface CcmErrorBody {
  /** CCM's code (`SCM.0014`, `PCA.00020401`, ...) or ccmkit's own (`CCMKIT.0004`). */
  error_code: string;
  /** What went wrong, in one sentence; never key material or passwords. */
  error_msg: string;
}

/**
 * Marks CcmErrors across copies of this module: the CLI is bundled one file
 * per command (scripts/bundle-cli.mjs), each with its own copy of this class,
 * and the dispatcher must still recognise what a command throws.
 */
const BRAND = Symbol.for('ccmkit.CcmError');

/**
 * The one error ccmkit throws: CCM's HTTP status, `error_code` and
 * `error_msg`, exactly as the CLI prints them under `--json`.
 *
 * `code` and `message` are the same values under their JavaScript names;
 * `JSON.stringify(e)` gives `{"status","error_code","error_msg"}` (plus
 * `source` when known).
 *
 * @example
 * ```ts
 * try {
 *   generateKey('RSA1024');
 * } catch (e) {
 *   if (e instanceof CcmError) console.log(e.status, e.error_code, e.error_msg); // 400 PCA.00020102 ...
 *   else throw e;
 * }
 * ```
 */
export class CcmError extends Error {
  /**
   * `e instanceof CcmError` holds for a CcmError from any copy of ccmkit's
   * code (the bundled CLI has one per command), by a brand, not the prototype.
   * Subclasses (the sync client's RemoteError, NetworkError) keep the
   * ordinary prototype test, else `e instanceof RemoteError` would hold for
   * every CcmError.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, v: unknown): v is T {
    if ((this as unknown) !== CcmError) return Function.prototype[Symbol.hasInstance].call(this, v);
    return typeof v === 'object' && v !== null && (v as { [BRAND]?: unknown })[BRAND] === true;
  }

  /**
   * @param status - the HTTP status CCM answers with (400, 404, 409, 500...)
   * @param code - CCM's `error_code`, or a `CCMKIT.*` code ({@link LocalCode})
   * @param message - the `error_msg`
   * @param source - where the offending input came from: `file#n`, a field name, ...
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Where the offending input came from: `file#n`, a field name, ... */
    readonly source?: string,
  ) {
    super(message);
    this.name = 'CcmError';
  }

  /** CCM's `error_code` (the same as `code`). */
  get error_code(): string {
    return this.code;
  }

  /** CCM's `error_msg` (the same as `message`). */
  get error_msg(): string {
    return this.message;
  }

  /** The error body without the status: `{error_code, error_msg}` (and `source` when known). */
  body(): CcmErrorBody & { source?: string } {
    return this.source === undefined
      ? { error_code: this.code, error_msg: this.message }
      : { error_code: this.code, error_msg: this.message, source: this.source };
  }

  /** What `JSON.stringify` writes: the CLI's JSON error, `{status, error_code, error_msg, source?}`. */
  toJSON(): CcmErrorBody & { status: number; source?: string } {
    return { status: this.status, ...this.body() };
  }

  /** The same error, naming where its input came from. */
  withSource(source: string): CcmError {
    return new CcmError(this.status, this.code, this.message, source);
  }
}
Object.defineProperty(CcmError.prototype, BRAND, { value: true });

/**
 * ccmkit's own error codes, for conditions CCM has no code for (a usage
 * mistake, an unreadable input, a missing password...). They never collide
 * with CCM's `SCM.*` and `PCA.*` codes.
 *
 * @example
 * ```ts
 * if (e instanceof CcmError && e.code === LocalCode.PASSWORD_REQUIRED) askForThePassword();
 * ```
 */
export const LocalCode = {
  /** A bad argument, option value or combination (the CLI's exit 2). */
  USAGE: 'CCMKIT.0001',
  /** An input that cannot be read: missing, empty, a directory, truncated PEM. */
  INPUT_UNREADABLE: 'CCMKIT.0002',
  /** An input or object over ccmkit's size limits. */
  INPUT_TOO_LARGE: 'CCMKIT.0003',
  /** Bytes that are no certificate, CSR, CRL, key or keystore ccmkit reads. */
  INPUT_UNRECOGNISED: 'CCMKIT.0004',
  /** An encrypted key or keystore, and no password for it. */
  PASSWORD_REQUIRED: 'CCMKIT.0005',
  /** The password does not open the key or keystore. */
  WRONG_PASSWORD: 'CCMKIT.0006',
  /** A scheme, algorithm or cost ccmkit refuses (RC2-40 keys, a KDF past the work budget...). */
  UNSUPPORTED: 'CCMKIT.0007',
  /** An output that exists (409) or cannot be written (500): the CLI's files only. */
  OUTPUT: 'CCMKIT.0008',
} as const;

/**
 * The error for a bad argument or option value (`CCMKIT.0001`, status 400):
 * the CLI exits 2 on it; library functions throw it for an option outside
 * its range.
 *
 * @example
 * ```ts
 * if (!['pem', 'der'].includes(format)) throw usageError(`--format must be pem or der, not "${format}"`);
 * ```
 */
export function usageError(message: string): CcmError {
  return new CcmError(400, LocalCode.USAGE, message);
}
