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

export interface CcmErrorBody {
  error_code: string;
  error_msg: string;
}

/**
 * Marks CcmErrors across copies of this module: the CLI is bundled one file
 * per command (scripts/bundle-cli.mjs), each with its own copy of this class,
 * and the dispatcher must still recognise what a command throws.
 */
const BRAND = Symbol.for('ccmkit.CcmError');

export class CcmError extends Error {
  // Subclasses (the sync client's RemoteError, NetworkError) keep the ordinary
  // prototype test: only the base class is recognised by brand, else
  // `e instanceof RemoteError` would hold for every CcmError.
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, v: unknown): v is T {
    if ((this as unknown) !== CcmError) return Function.prototype[Symbol.hasInstance].call(this, v);
    return typeof v === 'object' && v !== null && (v as { [BRAND]?: unknown })[BRAND] === true;
  }

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

  body(): CcmErrorBody & { source?: string } {
    return this.source === undefined
      ? { error_code: this.code, error_msg: this.message }
      : { error_code: this.code, error_msg: this.message, source: this.source };
  }

  withSource(source: string): CcmError {
    return new CcmError(this.status, this.code, this.message, source);
  }
}
Object.defineProperty(CcmError.prototype, BRAND, { value: true });

/** ccmkit's own codes, for conditions CCM has no code for. */
export const LocalCode = {
  USAGE: 'CCMKIT.0001',
  INPUT_UNREADABLE: 'CCMKIT.0002',
  INPUT_TOO_LARGE: 'CCMKIT.0003',
  INPUT_UNRECOGNISED: 'CCMKIT.0004',
  PASSWORD_REQUIRED: 'CCMKIT.0005',
  WRONG_PASSWORD: 'CCMKIT.0006',
  UNSUPPORTED: 'CCMKIT.0007',
  OUTPUT: 'CCMKIT.0008',
} as const;

export function usageError(message: string): CcmError {
  return new CcmError(400, LocalCode.USAGE, message);
}
