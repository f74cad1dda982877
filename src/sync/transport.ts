// One HTTP exchange with CCM, over Node's own http/https: keep-alive agents
// (at most `maxSockets` connections per host), a proxy from the environment
// (proxy.ts), extra trusted roots (--ca-bundle), a connect timeout (the TCP,
// proxy tunnel and TLS set-up; default 60 s) and a read timeout (silence
// while waiting for the answer; default 120 s), the SDKs' timeouts
// (../shared/notes/ccm-api.md "Errors, retries").
//
// Every failure is a NetworkError that says whether the request may have
// reached the server (`sent`): the retry policy needs to know whether a POST
// could have created something. Answers are bounded (a hostile or broken
// server cannot exhaust memory) and a body cut short of its Content-Length
// is reported as truncated, never handed on as if whole.

import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { NetworkError } from './errors.js';
import { proxyAuthorization, proxyFor, shownProxy, TunnelAgent, TUNNEL_READY } from './proxy.js';

/**
 * The connection settings a {@link CcmClient} takes: extra trusted roots,
 * timeouts, connections per host, the largest answer, and the environment
 * whose HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply.
 *
 * @example
 * ```ts
 * const o: TransportOptions = { caBundle: emulatorRootPem, connectTimeoutMs: 10_000, env: process.env };
 * ```
 */
export interface TransportOptions {
  /** Extra trusted roots (PEM), on top of Node's bundled ones: a TLS-inspecting proxy's root, the emulator's CA. */
  caBundle?: string | undefined;
  connectTimeoutMs?: number | undefined;
  readTimeoutMs?: number | undefined;
  /** Connections per host (default 4: the sync module's in-flight limit). */
  maxSockets?: number | undefined;
  /** The largest answer accepted (default 64 MiB). */
  maxResponseBytes?: number | undefined;
  /** Where proxy variables are read (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); default none: no proxy. The CLI passes process.env. */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface RawRequest {
  method: string;
  url: URL;
  /** Sent exactly as given (the signer signed them). */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Connect (TCP, proxy tunnel, TLS) timeout by default: 60 s, the SDKs'.
 *
 * @example
 * ```ts
 * new CcmClient({ credentials, endpoints, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS / 6 });
 * ```
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/**
 * Read timeout (silence while waiting for the answer) by default: 120 s, the SDKs'.
 *
 * @example
 * ```ts
 * new CcmClient({ credentials, endpoints, readTimeoutMs: DEFAULT_READ_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_READ_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL)/;

function tlsHint(code: string): string {
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|DEPTH_ZERO/.test(code)) return "the server's certificate is not signed by a trusted root. Behind a TLS-inspecting proxy, or talking to the emulator? Give --ca-bundle F with that root";
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(code)) return "the server's certificate is outside its validity period (check this machine's clock)";
  if (/ALTNAME|HOSTNAME/.test(code)) return "the server's certificate is not for this host name (check the endpoint)";
  return 'the TLS handshake failed';
}

export class Transport {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  private readonly ca: string[] | undefined;
  private readonly maxResponse: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly maxSockets: number;
  private readonly agents = new Map<string, HttpAgent>();

  constructor(o: TransportOptions = {}) {
    this.connectTimeoutMs = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.readTimeoutMs = o.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.ca = o.caBundle ? [...rootCertificates, o.caBundle] : undefined;
    this.maxResponse = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    this.env = o.env ?? {};
    this.maxSockets = o.maxSockets ?? 4;
  }

  /** One keep-alive agent per (scheme, proxy) pair. */
  private agentFor(url: URL, proxy: URL | undefined): HttpAgent {
    const key = `${url.protocol}|${proxy?.href ?? ''}`;
    let a = this.agents.get(key);
    if (a === undefined) {
      const opts = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, ca: this.ca, scheduling: 'lifo' as const };
      if (url.protocol === 'https:') a = proxy ? (new TunnelAgent(proxy, this.connectTimeoutMs, opts) as HttpAgent) : new HttpsAgent(opts);
      else a = new HttpAgent(opts);
      this.agents.set(key, a);
    }
    return a;
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  send(r: RawRequest): Promise<RawResponse> {
    const url = r.url;
    let proxy: URL | undefined;
    try {
      proxy = proxyFor(url, this.env)?.url;
    } catch (e) {
      return Promise.reject(e);
    }
    const body = r.body ?? Buffer.alloc(0);
    const headers: Record<string, string | number> = { ...r.headers };
    if (body.length || r.method === 'POST' || r.method === 'PUT') headers['content-length'] = body.length;
    const where = proxy ? `${url.host} (through proxy ${shownProxy(proxy)})` : url.host;
    const target = `${r.method} ${url.protocol}//${url.host}${url.pathname}`;

    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let connected = false;
      let req: ClientRequest;
      const fail = (e: NetworkError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        req?.destroy();
        reject(e);
      };
      const connectTimer = setTimeout(() => fail(new NetworkError('connect-timeout', `no connection to ${where} within ${this.connectTimeoutMs / 1000} s (${target}).`, false)), this.connectTimeoutMs);
      const onConnected = (): void => {
        connected = true;
        clearTimeout(connectTimer);
      };

      if (proxy && url.protocol === 'http:') {
        // Plain HTTP through a proxy: the request line carries the absolute URL; Host stays the target's (it is signed).
        const auth = proxyAuthorization(proxy);
        if (auth) headers['proxy-authorization'] = auth;
        req = httpRequest({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxy.port || 80, method: r.method, path: url.href, headers, setHost: false, agent: this.agentFor(url, proxy) });
      } else {
        const fn = url.protocol === 'https:' ? httpsRequest : httpRequest;
        req = fn({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (url.protocol === 'https:' ? 443 : 80), method: r.method, path: url.pathname + url.search, headers, setHost: false, agent: this.agentFor(url, proxy) });
      }

      req.on('socket', (s: Socket) => {
        if (req.reusedSocket || (s as unknown as Record<symbol, boolean>)[TUNNEL_READY]) return onConnected();
        if (url.protocol === 'https:') s.once('secureConnect', onConnected);
        else if (s.connecting) s.once('connect', onConnected);
        else onConnected();
      });
      // Silence for readTimeoutMs while waiting for (or reading) the answer.
      req.setTimeout(this.readTimeoutMs, () => {
        if (!connected) return; // the connect timer speaks for that phase
        fail(new NetworkError('read-timeout', `no answer from ${where} within ${this.readTimeoutMs / 1000} s (${target}); the request may have been carried out.`, true));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof NetworkError) return fail(e);
        const code = e.code ?? '';
        if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e.message) && !connected) {
          return fail(new NetworkError('tls', `TLS with ${where} failed: ${tlsHint(code)} (${code || e.message.slice(0, 80)}).`, false));
        }
        if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail(new NetworkError('dns', `cannot resolve ${url.hostname} (${code}): check the endpoint or region, and DNS.`, false));
        if (code === 'ECONNREFUSED') return fail(new NetworkError('refused', `${where} refused the connection (${target}).`, false));
        if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return fail(new NetworkError('refused', `${where} is unreachable (${code}).`, false));
        // A reset after connecting may come after the server acted on the request.
        return fail(new NetworkError('reset', `the connection to ${where} was ${code === 'ECONNRESET' || /hang up/.test(e.message) ? 'reset' : `lost (${code || e.message.slice(0, 60)})`} ${connected ? 'before the answer came' : 'while connecting'} (${target}).`, connected));
      });
      req.on('response', (res: IncomingMessage) => {
        onConnected();
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.maxResponse) {
          return fail(new NetworkError('too-large', `the answer from ${where} declares ${declared} bytes; at most ${this.maxResponse} are accepted (${target}).`, true));
        }
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxResponse) return fail(new NetworkError('too-large', `the answer from ${where} exceeds ${this.maxResponse} bytes (${target}).`, true));
          chunks.push(c);
        });
        const truncated = (): void => fail(new NetworkError('truncated', `the answer from ${where} was cut off after ${size} bytes${Number.isFinite(declared) ? ` of ${declared}` : ''} (${target}); the request may have been carried out.`, true));
        res.on('aborted', truncated);
        res.on('error', truncated);
        res.on('end', () => {
          if (!res.complete) return truncated();
          if (settled) return;
          settled = true;
          clearTimeout(connectTimer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      });
      req.end(body);
    });
  }
}
