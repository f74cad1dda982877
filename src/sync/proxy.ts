// Proxies, as curl and most HTTP clients read them from the environment:
//
//   https_proxy / HTTPS_PROXY   for https:// URLs: a CONNECT tunnel through it
//   http_proxy  / HTTP_PROXY    for http:// URLs: the request in absolute form
//   no_proxy    / NO_PROXY      hosts that are reached directly: "*", a host,
//                               ".domain" or "domain" (the domain and its
//                               subdomains), an IP, each optionally ":port"
//
// The lower-case name wins when both are set (curl's rule: HTTP_PROXY can be
// set by a CGI request header, http_proxy cannot). A proxy URL may carry
// user:password for Proxy-Authorization; it is never printed.

import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { NetworkError } from './errors.js';

export interface ProxyChoice {
  url: URL;
}

function envOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** True when NO_PROXY says `url` is reached directly. */
export function bypassProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const list = envOf(env, 'no_proxy');
  if (!list) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of list.split(/[,\s]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1]!;
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(host) || isIP(entry)) {
      if (host === entry) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (host === domain || host.endsWith('.' + domain)) return true;
  }
  return false;
}

/** The proxy for a URL, or undefined to connect directly. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): ProxyChoice | undefined {
  const raw = envOf(env, url.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
  if (!raw || bypassProxy(url, env)) return undefined;
  let p: URL;
  try {
    p = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new NetworkError('proxy', `the ${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} setting is not a URL.`, false);
  }
  if (p.protocol !== 'http:' && p.protocol !== 'https:') throw new NetworkError('proxy', `the proxy must be an http:// or https:// URL (${p.protocol} proxies are not supported).`, false);
  return { url: p };
}

/** The proxy's address for messages: scheme, host and port, never its user or password. */
export function shownProxy(p: URL): string {
  return `${p.protocol}//${p.host}`;
}

/** The Proxy-Authorization value of a proxy URL with user:password, if any. */
export function proxyAuthorization(p: URL): string | undefined {
  if (!p.username && !p.password) return undefined;
  return 'Basic ' + Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64');
}

/**
 * Opens a CONNECT tunnel to host:port through the proxy and resolves with
 * the raw socket, ready for TLS. Refusals (407, 403, 502...) and a proxy
 * that cannot be reached are NetworkError('proxy'), sent = false: the
 * request itself never left.
 */
export function openTunnel(proxy: URL, host: string, port: number, o: { timeoutMs: number; ca?: ConnectionOptions['ca'] }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const pport = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const phost = proxy.hostname.replace(/^\[|\]$/g, '');
    const sock: Socket = proxy.protocol === 'https:' ? tlsConnect({ host: phost, port: pport, servername: isIP(phost) ? undefined : phost, ca: o.ca }) : netConnect({ host: phost, port: pport });
    let done = false;
    const fail = (why: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      reject(new NetworkError('proxy', `proxy ${shownProxy(proxy)}: ${why}`, false));
    };
    const timer = setTimeout(() => fail(`no tunnel within ${Math.round(o.timeoutMs / 1000)} s`), o.timeoutMs);
    sock.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? 'host not found' : (e.code ?? 'connection failed')));
    sock.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const target = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
      const auth = proxyAuthorization(proxy);
      sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`);
    });
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16 * 1024) fail('the answer to CONNECT is too long');
        return;
      }
      sock.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      if (!status) return fail('the answer to CONNECT is not HTTP');
      if (status[1] !== '200') {
        const code = Number(status[1]);
        return fail(code === 407 ? 'HTTP 407: the proxy wants credentials (user:password in the proxy URL)' : `HTTP ${code}: the proxy refused to open a tunnel to ${host}:${port}`);
      }
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.removeAllListeners('error');
      const rest = buf.subarray(end + 4);
      if (rest.length) sock.unshift(rest);
      resolve(sock);
    };
    sock.on('data', onData);
    sock.once('close', () => fail('the connection closed before the tunnel opened'));
  });
}

/** Sockets this agent hands out are already through the tunnel and TLS: their connect phase is over. */
export const TUNNEL_READY = Symbol('ccmkit.tunnelReady');

/**
 * An https.Agent whose connections go through a CONNECT tunnel. Keep-alive
 * pooling works as usual: a pooled socket is a TLS socket inside its tunnel.
 */
export class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    private readonly connectTimeoutMs: number,
    opts: AgentOptions,
  ) {
    super(opts);
  }

  // Node's Agent accepts a socket later through the callback (createConnection(options, cb)).
  override createConnection(options: RequestOptions, cb?: (err: Error | null, s: Duplex) => void): Duplex | null | undefined {
    const done = (err: Error | null, s?: Duplex): void => cb?.(err, s as Duplex);
    const host = String(options.host ?? 'localhost');
    const port = Number(options.port ?? 443);
    openTunnel(this.proxy, host, port, { timeoutMs: this.connectTimeoutMs, ca: undefined }).then(
      (raw) => {
        const t: TLSSocket = tlsConnect({ ...(options as ConnectionOptions), socket: raw, servername: options.servername ?? (isIP(host) ? undefined : host) });
        const onErr = (e: Error): void => {
          t.destroy();
          done(e);
        };
        t.once('error', onErr);
        t.once('secureConnect', () => {
          t.off('error', onErr);
          (t as unknown as Record<symbol, boolean>)[TUNNEL_READY] = true;
          done(null, t);
        });
      },
      (e: Error) => done(e),
    );
    return undefined;
  }
}
