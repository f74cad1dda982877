// The error bodies the emulator answers with, by layer.
//
// - The API gateway in front of every Huawei Cloud service answers for
//   problems with the request itself (no such API, too large, too slow,
//   throttled): `{"error_code": "APIGW.xxxx", "error_msg", "request_id"}`
//   (APIG's error-code table: APIG.0101 404, APIG.0201 400/413/414, APIG.0308
//   429; shared cloud services prefix them APIGW).
// - Authentication failures are 401 with an IAM-style body,
//   `{"error": {"code", "message", "title"}}` (../shared/notes/ccm-api.md:
//   clients read error codes from either shape). Messages follow the
//   gateway's ("Incorrect IAM authentication information: ...") and never
//   quote a secret.
// - IAM's own token API answers Keystone-style, `{"error": {"code": 401, ...}}`.
// - The services answer `{"error_code": "SCM.xxxx" | "PCA.xxxxxxxx", "error_msg"}`
//   (ccm-api-reference.txt A.2), with the codes each service uses for a
//   malformed request and an internal error.

export type Service = 'scm' | 'pca' | 'iam';

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function gatewayError(status: number, code: string, message: string, requestId: string): ErrorReply {
  return { status, body: { error_code: code, error_msg: message, request_id: requestId } };
}

export function notFoundApi(requestId: string): ErrorReply {
  return gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.', requestId);
}

export function methodNotAllowed(allowed: readonly string[], requestId: string): ErrorReply {
  const r = gatewayError(405, 'APIGW.0101', `The API does not exist: this path takes ${allowed.join(', ')}.`, requestId);
  return { ...r, headers: { Allow: allowed.join(', ') } };
}

export function tooLarge(limit: number, requestId: string): ErrorReply {
  return gatewayError(413, 'APIGW.0201', `Request entity too large: this API takes at most ${limit} bytes.`, requestId);
}

export function requestTimeout(requestId: string): ErrorReply {
  return gatewayError(408, 'APIGW.0201', 'Request timeout: the request was not received in time.', requestId);
}

export function throttled(retryAfter: number, requestId: string): ErrorReply {
  const r = gatewayError(429, 'APIGW.0308', 'The throttling threshold has been reached.', requestId);
  return { ...r, headers: { 'Retry-After': String(retryAfter) } };
}

/** 401 with the IAM-style body. `why` completes "Incorrect IAM authentication information: ". */
export function unauthorized(why: string): ErrorReply {
  return { status: 401, body: { error: { code: 'APIGW.0301', message: `Incorrect IAM authentication information: ${why}`, title: 'Unauthorized' } } };
}

/** IAM token API errors (Keystone shape, numeric code). */
export function iamError(status: number, message: string): ErrorReply {
  const title = status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Internal Server Error';
  return { status, body: { error: { code: status, message, title } } };
}

/** A malformed request body or parameter, as each service words it (A.2.1 SCM.0005, A.2.2 PCA.00020001). */
export function badRequest(service: Service, detail: string): ErrorReply {
  if (service === 'scm') return { status: 400, body: { error_code: 'SCM.0005', error_msg: `Incorrect request parameter: ${detail}` } };
  if (service === 'pca') return { status: 400, body: { error_code: 'PCA.00020001', error_msg: `Incorrect parameter: ${detail}` } };
  return iamError(400, detail);
}

/** An internal error, as each service words it (A.2.1 SCM.0100, A.2.2 PCA.00000001). */
export function internalError(service: Service, detail = ''): ErrorReply {
  const more = detail ? ` (${detail})` : '';
  if (service === 'scm') return { status: 500, body: { error_code: 'SCM.0100', error_msg: `UnKnown error.${more}` } };
  if (service === 'pca') return { status: 500, body: { error_code: 'PCA.00000001', error_msg: `Unknown error. Please contact technical support.${more}` } };
  return iamError(500, `Internal error${more}`);
}

/** 503: the service is briefly unavailable (injected faults; a locked workspace). */
export function unavailable(service: Service, detail: string, retryAfter?: number): ErrorReply {
  const r = internalError(service, detail);
  return { ...r, status: 503, headers: retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : undefined };
}
