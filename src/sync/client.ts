// The CCM client: one call = one CCM operation, signed, retried where that is
// safe, and answered with CCM's body or a RemoteError carrying CCM's own.
//
// Authentication (seed 2.2, ../shared/notes/ccm-api.md):
//   aksk   every request signed SDK-HMAC-SHA256 (src/sync/signing.ts, the
//          emulator's verifier), headers as the official Node SDK sends them:
//          content-type, host, x-domain-id, x-sdk-date [, x-security-token]
//          signed; Accept and User-Agent not. No domain id? IAM's
//          GET /v3/auth/domains answers it, as the SDK does.
//   token  POST {iam}/v3/auth/tokens (password, or hw_ak_sk), the token from
//          X-Subject-Token, sent as X-Auth-Token. A 401 gets one re-login and
//          one re-send; a second 401 is final.
//
// Retries, by what a request may do:
//   read    GET, and POSTs that only read (exports): 429, 502, 503, 504,
//           resets, timeouts and truncated answers are retried with
//           exponential backoff (base 500 ms, cap 30 s, equal jitter), or
//           after Retry-After when CCM sends one.
//   delete  the same; a 404 after an attempt whose answer was lost means the
//           first attempt did it.
//   create  a POST that may create or change something is never re-sent
//           blindly: only when it certainly never left (connection refused,
//           connect timeout). With a `guard` (SCM import, PCA CA import) a
//           lookup decides after an ambiguous failure: found means done,
//           absent means it is sent again.
// A 401 (wrong AK/SK, skewed clock) is never retried: no retry storm.

import { randomInt } from 'node:crypto';
import { CcmError } from '../engine/errors.js';
import { type AuthMethod, type ClientCredentials, checkCredentials, chooseAuth } from './credentials.js';
import { endpointOf, joinUrl, type Endpoints, type ServiceName } from './endpoints.js';
import { NetworkError, RemoteError, SyncCode } from './errors.js';
import { canonicalQuery, encodeComponent, formatSdkDate, signRequest } from './signing.js';
import { Transport, type RawResponse, type TransportOptions } from './transport.js';

/**
 * What a request may do, which decides its retries: a `read` and a `delete`
 * are re-sent after 429/502/503/504 and lost answers; a `create` only when
 * it certainly never left, or after its `guard` has looked.
 *
 * @example
 * ```ts
 * const kind: CallKind = 'read';
 * ```
 */
export type CallKind = 'read' | 'delete' | 'create';

/**
 * One CCM operation for {@link CcmClient.call}: service, method, path and body.
 *
 * @example
 * ```ts
 * const spec: CallSpec = { service: 'scm', method: 'GET', path: pathOf('/v3/scm/certificates/{id}', { id }), kind: 'read' };
 * ```
 */
export interface CallSpec {
  service: ServiceName;
  method: 'GET' | 'POST' | 'DELETE';
  /** The API path (parameters already inserted; see `pathOf`). */
  path: string;
  query?: Iterable<readonly [string, string | undefined]>;
  /** A value sent as compact JSON; undefined sends no body (Content-Length: 0 on a POST, as the SDK does). */
  body?: unknown;
  kind: CallKind;
  /**
   * For a create: after an ambiguous failure, looks for what the request
   * would have made. `found` ends the call with that result; otherwise the
   * request is sent again.
   */
  guard?: () => Promise<{ found: CallResult } | { found?: undefined }>;
}

/**
 * A 2xx answer: its status, the JSON body (or the raw bytes of a zip), and
 * X-Request-Id.
 *
 * @example
 * ```ts
 * const r: CallResult = await client.call(spec);
 * console.log(r.status, r.requestId, r.json);
 * ```
 */
export interface CallResult {
  status: number;
  /** Parsed JSON (undefined for an empty or binary body). */
  json?: unknown;
  /** The raw bytes (a zip for a compressed PCA export). */
  raw: Buffer;
  contentType?: string;
  /** A file name from Content-Disposition (a zip export), reduced to a safe base name. */
  filename?: string;
  requestId?: string;
  /** Set when a guard found the result instead of an answer to this call. */
  recovered?: boolean;
}

/**
 * One HTTP exchange, for `ClientOptions.log`: method, path, status, time.
 * Never headers or bodies.
 *
 * @example
 * ```ts
 * const log = (l: RequestLogLine) => console.error(`${l.method} ${l.path} -> ${l.status} (${l.ms} ms)`);
 * ```
 */
export interface RequestLogLine {
  method: string;
  path: string;
  status: number | string;
  ms: number;
  attempt: number;
  request_id?: string;
}

/**
 * What a client has sent so far: requests, retries, IAM logins, guard lookups.
 *
 * @example
 * ```ts
 * console.log(`${client.stats.requests} requests, ${client.stats.retries} retries`);
 * ```
 */
export interface ClientStats {
  requests: number;
  retries: number;
  logins: number;
  lookups: number;
}

/**
 * How to build a {@link CcmClient}: credentials, endpoints, and optionally
 * the auth method, retries, timeouts, extra trusted roots and a request log.
 *
 * @example
 * ```ts
 * const o: ClientOptions = {
 *   credentials: { aksk: { ak, sk }, domainId },
 *   endpoints: resolveEndpoints({ region: 'cn-north-4' }),
 *   maxAttempts: 3,
 * };
 * ```
 */
export interface ClientOptions extends TransportOptions {
  credentials: ClientCredentials;
  endpoints: Endpoints;
  auth?: AuthMethod | undefined;
  /** Attempts per call, the first included (default 5). */
  maxAttempts?: number | undefined;
  /** Longest wait honoured from a Retry-After (default 120 s); longer ones end the call. */
  maxRetryAfterMs?: number | undefined;
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** One line per HTTP exchange (method, path, status, time): never headers or bodies. */
  log?: ((line: RequestLogLine) => void) | undefined;
  now?: (() => Date) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  userAgent?: string | undefined;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/**
 * A path with its parameters percent-encoded (RFC 3986), as it is signed.
 *
 * @example
 * ```ts
 * pathOf('/v1/private-certificates/{certificate_id}', { certificate_id: id }); // '/v1/private-certificates/4f0e...'
 * ```
 */
export function pathOf(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`pathOf: no value for {${k}}`);
    return encodeComponent(v);
  });
}

/** Seconds or an HTTP date (RFC 9110 10.2.3), in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(v: string | string[] | undefined, now: Date): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime());
}

function sleepReal(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The CCM client: one call is one SCM v3, PCA v1 or IAM operation, signed
 * with the AK/SK (SDK-HMAC-SHA256, as the official SDKs sign) or sent with an
 * IAM token, retried where that is safe, and answered with CCM's own body, or
 * a {@link RemoteError} carrying CCM's status, error_code and error_msg. Does
 * network I/O; reads no environment variable or file (give `env` for proxy
 * variables). Call `close()` when done: it ends kept-alive connections.
 *
 * @example
 * ```ts
 * import { CcmClient, resolveEndpoints, scmList } from 'ccmkit/sync';
 * const client = new CcmClient({ credentials: { aksk: { ak, sk }, domainId }, endpoints: resolveEndpoints({ region: 'cn-north-4' }) });
 * try {
 *   const page = await scmList(client, { limit: '50' });
 *   console.log(page.total_count);
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class CcmClient {
  /** @internal */
  readonly transport: Transport;
  readonly stats: ClientStats = { requests: 0, retries: 0, logins: 0, lookups: 0 };
  readonly method: AuthMethod;
  private readonly o: ClientOptions;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private token: Promise<string> | undefined;
  private domainId: Promise<string> | undefined;

  constructor(o: ClientOptions) {
    this.o = o;
    checkCredentials(o.credentials);
    this.method = chooseAuth(o.credentials, o.auth);
    this.transport = new Transport(o);
    this.now = o.now ?? (() => new Date());
    this.sleep = o.sleep ?? sleepReal;
    if (o.credentials.domainId) this.domainId = Promise.resolve(o.credentials.domainId);
  }

  /** Ends the client's kept-alive connections (in-flight calls fail). */
  close(): void {
    this.transport.close();
  }

  /** The base URL of a service (errors name the regions that have it). */
  endpoint(service: ServiceName): URL {
    return endpointOf(this.o.endpoints, service);
  }

  // ---- one HTTP exchange ------------------------------------------------------------------

  private url(service: ServiceName, path: string, query: [string, string][]): URL {
    const u = joinUrl(this.endpoint(service), path);
    // Sent in canonical form: sorted, RFC 3986-encoded (what the signer signs, so nothing can differ).
    const q = canonicalQuery(query);
    u.search = q ? `?${q}` : '';
    return u;
  }

  private async exchange(spec: CallSpec, attempt: number, auth: 'sign' | 'token' | 'none'): Promise<RawResponse> {
    const query = [...(spec.query ?? [])].filter((p): p is [string, string] => p[1] !== undefined);
    const url = this.url(spec.service, spec.path, query);
    const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(spec.body), 'utf8');
    const headers: Record<string, string> = { 'content-type': 'application/json', host: url.host };
    if (auth === 'sign') {
      const k = this.o.credentials.aksk!;
      if (spec.service !== 'iam') headers['x-domain-id'] = await this.domain();
      if (k.securityToken) headers['x-security-token'] = k.securityToken;
      const at = this.now();
      headers['x-sdk-date'] = formatSdkDate(at);
      Object.assign(headers, signRequest({ method: spec.method, path: url.pathname, query, headers, body }, { ak: k.ak, sk: k.sk, at }));
    } else if (auth === 'token') {
      headers['x-auth-token'] = await this.loginToken();
    }
    headers.accept = 'application/json';
    headers['user-agent'] = this.o.userAgent ?? 'ccmkit-sync/0.1';
    const started = Date.now();
    this.stats.requests++;
    try {
      const res = await this.transport.send({ method: spec.method, url, headers, body });
      this.o.log?.({ method: spec.method, path: url.pathname + url.search, status: res.status, ms: Date.now() - started, attempt, request_id: header(res, 'x-request-id') });
      return res;
    } catch (e) {
      this.o.log?.({ method: spec.method, path: url.pathname + url.search, status: e instanceof NetworkError ? e.kind : 'error', ms: Date.now() - started, attempt });
      throw e;
    }
  }

  // ---- credentials at work -------------------------------------------------------------------

  /** X-Domain-Id: from the credentials, else IAM's domain lookup (once). */
  private domain(): Promise<string> {
    this.domainId ??= (async () => {
      const res = await this.exchange({ service: 'iam', method: 'GET', path: '/v3/auth/domains', kind: 'read' }, 1, 'sign');
      const json = parseJson(res);
      if (res.status !== 200) throw RemoteError.from(res.status, json, res.body, header(res, 'x-request-id'), 'GET', '/v3/auth/domains');
      const id = (json as { domains?: { id?: unknown }[] })?.domains?.[0]?.id;
      if (typeof id !== 'string' || !id) throw new CcmError(400, SyncCode.CREDENTIALS, 'IAM did not name the account (domain) of this access key: set HUAWEICLOUD_SDK_DOMAIN_ID or the profile\'s "domain_id".');
      return id;
    })().catch((e) => {
      this.domainId = undefined;
      throw e;
    });
    return this.domainId;
  }

  private loginBody(): unknown {
    const c = this.o.credentials;
    const scope = c.project ? { project: { name: c.project } } : c.password?.domainName ? { domain: { name: c.password.domainName } } : c.domainId ? { domain: { id: c.domainId } } : undefined;
    const identity = c.password
      ? { methods: ['password'], password: { user: { name: c.password.user, password: c.password.password, domain: c.password.domainName ? { name: c.password.domainName } : { id: c.domainId } } } }
      : { methods: ['hw_ak_sk'], hw_ak_sk: { access: { key: c.aksk!.ak }, secret: { key: c.aksk!.sk } } };
    return { auth: { identity, ...(scope ? { scope } : {}) } };
  }

  /** The current token, logging in once for every caller waiting on it. */
  private loginToken(): Promise<string> {
    this.token ??= (async () => {
      this.stats.logins++;
      const res = await this.exchange({ service: 'iam', method: 'POST', path: '/v3/auth/tokens', body: this.loginBody(), kind: 'create' }, 1, 'none');
      const json = parseJson(res);
      if (res.status !== 201 && res.status !== 200) {
        const e = RemoteError.from(res.status, json, res.body, header(res, 'x-request-id'), 'POST', '/v3/auth/tokens');
        throw new RemoteError(e.httpStatus, e.code, `IAM login failed: ${e.message.replace(/^CCM refused /, '')}`, e.requestId, e.rawBody, 'POST', '/v3/auth/tokens');
      }
      const token = header(res, 'x-subject-token');
      if (!token) throw new CcmError(502, SyncCode.BAD_RESPONSE, 'IAM answered the login without an X-Subject-Token header.');
      return token;
    })().catch((e) => {
      this.token = undefined;
      throw e;
    });
    return this.token;
  }

  /** Drops a token CCM refused, unless another caller already replaced it. */
  private async forgetToken(refused: Promise<string> | undefined): Promise<void> {
    if (refused !== undefined && this.token === refused) this.token = undefined;
  }

  // ---- a call, with its retries -------------------------------------------------------------

  /** Sends one authenticated request (token: one re-login on 401). */
  private async once(spec: CallSpec, attempt: number): Promise<RawResponse> {
    if (this.method === 'aksk') return this.exchange(spec, attempt, 'sign');
    const used = this.loginToken();
    await used;
    const res = await this.exchange(spec, attempt, 'token');
    if (res.status !== 401) return res;
    // Seed 2.2: tokens expire (24 h); one fresh login and one re-send, never more.
    await this.forgetToken(used);
    return this.exchange(spec, attempt, 'token');
  }

  private backoff(n: number, res?: RawResponse): number {
    const base = this.o.baseDelayMs ?? 500;
    const cap = this.o.maxDelayMs ?? 30_000;
    const d = Math.min(cap, base * 2 ** (n - 1));
    const jittered = d / 2 + randomInt(0, Math.max(1, Math.floor(d / 2)));
    const ra = res ? retryAfterMs(res.headers['retry-after'], this.now()) : undefined;
    if (ra !== undefined) {
      const max = this.o.maxRetryAfterMs ?? 120_000;
      if (ra > max) return -1;
      // Honour it, plus a little jitter so many clients told the same second do not return together.
      return ra + randomInt(0, Math.max(1, Math.floor(Math.min(1000, ra / 10) + 1)));
    }
    return jittered;
  }

  /**
   * One CCM operation. Resolves with a 2xx answer; a refusal is a
   * RemoteError, a lost answer a NetworkError (or CCMKIT.0207 when a create
   * may have happened).
   */
  async call(spec: CallSpec): Promise<CallResult> {
    const max = Math.max(1, this.o.maxAttempts ?? 5);
    let ambiguous = false;
    let lastRes: RawResponse | undefined;
    let lastErr: NetworkError | undefined;
    for (let attempt = 1; ; attempt++) {
      lastRes = undefined;
      lastErr = undefined;
      try {
        lastRes = await this.once(spec, attempt);
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        lastErr = e;
      }
      if (lastRes && lastRes.status < 300) return result(lastRes);
      if (lastRes && spec.kind === 'delete' && lastRes.status === 404 && ambiguous) {
        // The answer to an earlier attempt was lost; this 404 says that attempt deleted it.
        return { ...result(lastRes), status: 204, json: undefined, recovered: true };
      }
      const retryable = lastErr ? isRetryableNetwork(lastErr, spec.kind) : RETRY_STATUS.has(lastRes!.status);
      // A lost answer, or a gateway that timed out waiting for the service, may hide work done.
      const mayHaveActed = lastErr ? lastErr.sent : lastRes!.status === 502 || lastRes!.status === 504;
      if (!retryable || attempt >= max) break;
      if (spec.kind === 'create' && !(lastErr && !lastErr.sent)) {
        // An ambiguous create: without a guard, stop; with one, look before sending again.
        if (!spec.guard) break;
        const wait = this.backoff(attempt, lastRes);
        if (wait < 0) break;
        await this.sleep(wait);
        this.stats.lookups++;
        const g = await spec.guard();
        if (g.found) return { ...g.found, recovered: true };
        this.stats.retries++;
        continue;
      }
      if (mayHaveActed) ambiguous = true;
      const wait = this.backoff(attempt, lastRes);
      if (wait < 0) break;
      this.stats.retries++;
      await this.sleep(wait);
    }
    if (lastRes) {
      const err = RemoteError.from(lastRes.status, parseJson(lastRes), lastRes.body, header(lastRes, 'x-request-id'), spec.method, spec.path);
      if (spec.kind === 'create' && !spec.guard && RETRY_STATUS.has(lastRes.status) && lastRes.status !== 429) {
        throw new CcmError(lastRes.status, SyncCode.UNKNOWN_OUTCOME, `${err.message} It may or may not have been carried out; ccmkit does not send it again blindly. Look (list or show) before trying again.`);
      }
      throw err;
    }
    if (spec.kind === 'create' && lastErr!.sent) {
      throw new CcmError(503, SyncCode.UNKNOWN_OUTCOME, `${lastErr!.message} It may or may not have been carried out; ccmkit does not send it again blindly. Look (list or show) before trying again.`);
    }
    throw lastErr!;
  }

  /** A call whose answer must be JSON. */
  async json<T = unknown>(spec: CallSpec): Promise<T> {
    const r = await this.call(spec);
    return r.json as T;
  }
}

function isRetryableNetwork(e: NetworkError, kind: CallKind): boolean {
  if (!e.sent) return e.kind === 'refused' || e.kind === 'connect-timeout' || e.kind === 'reset';
  if (kind === 'create') return e.kind === 'reset' || e.kind === 'read-timeout' || e.kind === 'truncated';
  return e.kind === 'reset' || e.kind === 'read-timeout' || e.kind === 'truncated';
}

function header(res: RawResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(res: RawResponse): unknown {
  if (!res.body.length) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (/zip|octet-stream/i.test(type)) return undefined;
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function result(res: RawResponse): CallResult {
  const type = String(res.headers['content-type'] ?? '');
  const binary = /zip|octet-stream/i.test(type);
  let json: unknown;
  if (!binary && res.body.length) {
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new CcmError(502, SyncCode.BAD_RESPONSE, `CCM answered HTTP ${res.status} with a body that is not JSON (${type || 'no Content-Type'}, ${res.body.length} bytes).`);
    }
  }
  const cd = /filename="?([^";]+)"?/i.exec(header(res, 'content-disposition') ?? '');
  // Never a path from the server: the base name only, printable, no dot-files.
  const filename = cd ? cd[1]!.split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 128) || undefined : undefined;
  return { status: res.status, json, raw: res.body, contentType: type || undefined, filename, requestId: header(res, 'x-request-id') };
}
