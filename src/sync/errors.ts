// The errors of talking to CCM, kept apart by whose fault they are:
//
//   RemoteError   CCM answered and refused (4xx/5xx): its own error body,
//                 shown as it came, with the HTTP status and X-Request-Id.
//   NetworkError  no usable answer: DNS, refused, reset, timeout, TLS, proxy,
//                 a truncated or oversized body. A distinct message, because
//                 the fix is on the operator's side of the wire.
//   CCMKIT.02xx   ccmkit's own codes for the client's local conditions
//                 (credentials, endpoints). CCM has no code for them.
//
// No message ever quotes a secret: bodies CCM sends back are shown, request
// headers never are, and credentials are named by where they came from.

import { CcmError } from '../engine/errors.js';

/**
 * ccmkit's own error codes for the client's local conditions (CCM has no
 * code for them): network, TLS, credentials, endpoints, unreadable answers,
 * proxy, a create whose outcome is unknown, nothing pulled.
 *
 * @example
 * ```ts
 * if (e instanceof CcmError && e.error_code === SyncCode.UNKNOWN_OUTCOME) console.error('look before trying again');
 * ```
 */
export const SyncCode = {
  /** A network failure before any answer: DNS, refused, reset, timeout. */
  NETWORK: 'CCMKIT.0201',
  /** TLS: the server's certificate is not trusted (--ca-bundle), or the handshake failed. */
  TLS: 'CCMKIT.0202',
  /** No credentials, or credentials that cannot be used (a loose profile file). */
  CREDENTIALS: 'CCMKIT.0203',
  /** No endpoint for the service: an unknown region and no --endpoint. */
  ENDPOINT: 'CCMKIT.0204',
  /** The answer could not be read: truncated, too large, not JSON where JSON was due. */
  BAD_RESPONSE: 'CCMKIT.0205',
  /** The proxy refused the tunnel or could not be reached. */
  PROXY: 'CCMKIT.0206',
  /** A request that may have changed something got no answer: its outcome is unknown. */
  UNKNOWN_OUTCOME: 'CCMKIT.0207',
  /** The local mirror or outbox has nothing for the request (sync sign on a CA never pulled...). */
  NOT_PULLED: 'CCMKIT.0208',
} as const;

/** The shortest printable form of a response body (control characters escaped, capped). */
export function shownBody(raw: Buffer | string, max = 2000): string {
  const s = typeof raw === 'string' ? raw : raw.toString('utf8');
  // Control characters and the bidi/line controls a terminal would obey (Trojan Source) are shown escaped.
  const t = s.replace(/\r?\n/g, ' ').replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
  return t.length > max ? `${t.slice(0, max)}... (${s.length} characters)` : t;
}

/** CCM's error code and message from either body shape ({"error_code","error_msg"} or IAM's {"error":{"code","message"}}). */
export function errorFields(json: unknown): { code?: string; message?: string } {
  if (!json || typeof json !== 'object') return {};
  const b = json as { error_code?: unknown; error_msg?: unknown; error?: { code?: unknown; message?: unknown } };
  if (typeof b.error_code === 'string') return { code: b.error_code, message: typeof b.error_msg === 'string' ? b.error_msg : undefined };
  if (b.error && typeof b.error === 'object') {
    const c = b.error.code;
    return { code: typeof c === 'string' || typeof c === 'number' ? String(c) : undefined, message: typeof b.error.message === 'string' ? b.error.message : undefined };
  }
  return {};
}

/**
 * CCM answered with an error. `error_code` is CCM's own (SCM.xxxx,
 * PCA.xxxxxxxx, APIGW.xxxx, IAM's numeric code), `status` the HTTP status;
 * `requestId` is X-Request-Id, `rawBody` the body as it came (printable).
 *
 * @example
 * ```ts
 * try {
 *   await scmShow(client, id);
 * } catch (e) {
 *   if (e instanceof RemoteError && e.httpStatus === 404) console.log('gone', e.error_code, e.requestId);
 *   else throw e;
 * }
 * ```
 */
export class RemoteError extends CcmError {
  constructor(
    readonly httpStatus: number,
    code: string,
    message: string,
    readonly requestId: string | undefined,
    /** The body exactly as it came (printable form). */
    readonly rawBody: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(httpStatus, code, message);
    this.name = 'RemoteError';
  }

  /** @internal */
  static from(status: number, json: unknown, raw: Buffer, requestId: string | undefined, method: string, path: string): RemoteError {
    const f = errorFields(json);
    const shown = shownBody(raw);
    const code = f.code ?? `HTTP.${status}`;
    const hint = status === 401 ? ' Check the AK/SK (or user and password) and the domain id; a clock more than 15 minutes off is refused too.' : status === 403 && code.startsWith('APIGW') ? ' The account may lack the CCM permissions for this operation.' : '';
    const msg = `CCM refused ${method} ${path}: HTTP ${status}${requestId ? `, X-Request-Id ${requestId}` : ''}: ${shown || '(empty body)'}${hint}`;
    return new RemoteError(status, code, msg, requestId, shown, method, path);
  }

  override body(): { error_code: string; error_msg: string; request_id?: string; http_status: number; response: string } {
    return { error_code: this.code, error_msg: this.message, http_status: this.httpStatus, ...(this.requestId ? { request_id: this.requestId } : {}), response: this.rawBody };
  }
}

/**
 * Why no usable answer came.
 *
 * @example
 * ```ts
 * const k: NetworkKind = 'connect-timeout';
 * ```
 */
export type NetworkKind = 'dns' | 'refused' | 'reset' | 'connect-timeout' | 'read-timeout' | 'tls' | 'proxy' | 'truncated' | 'too-large' | 'other';

/**
 * No usable answer: DNS, refused, reset, timeout, TLS, proxy, a truncated or
 * oversized body. `sent` says whether the request may have reached the
 * server (it decides whether a POST may be re-sent).
 *
 * @example
 * ```ts
 * if (e instanceof NetworkError && e.kind === 'tls') console.error('trust the server: ClientOptions.caBundle');
 * ```
 */
export class NetworkError extends CcmError {
  constructor(
    readonly kind: NetworkKind,
    message: string,
    readonly sent: boolean,
  ) {
    super(503, kind === 'tls' ? SyncCode.TLS : kind === 'proxy' ? SyncCode.PROXY : kind === 'truncated' || kind === 'too-large' ? SyncCode.BAD_RESPONSE : SyncCode.NETWORK, message);
    this.name = 'NetworkError';
  }
}

export function syncError(status: number, code: string, message: string): CcmError {
  return new CcmError(status, code, message);
}
