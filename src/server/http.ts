// The emulator's HTTP(S) front: Node's own http/https, no framework (the
// routing is a table lookup; the rest is what a gateway does and a
// framework would not do for us: exact body bytes for signatures, CCM error
// bodies for every refusal, faults).
//
// Per request: an X-Request-Id; the route (404/405 before anything else, as
// the gateway answers for unknown APIs); the body, capped per route (413) and
// timed (408); authentication (401); the operation; one JSON access-log line.
// Slow clients: headers must arrive within headersTimeoutMs and the body
// within bodyTimeoutMs, else 408 and the connection is closed. Malformed
// HTTP and oversized headers get a CCM-style body too, never a stack trace.
// stop() closes gracefully: no new connections, in-flight requests finish,
// idle keep-alive connections are closed.

import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { CcmError } from '../engine/errors.js';
import { RawJson } from '../service/raw-json.js';
import { parseQuery, type ReceivedRequest } from '../sync/signing.js';
import type { Authenticator, Principal } from './auth.js';
import { badRequest, internalError, methodNotAllowed, notFoundApi, requestTimeout, throttled, tooLarge, unauthorized, unavailable, type ErrorReply, type Service } from './errors.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { DEFAULT_MAX_BODY, Router, serviceOfPath, type Route, type ServiceResponse } from './router.js';

export interface AccessLogLine {
  time: string;
  request_id: string;
  remote: string;
  method: string;
  path: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  ms: number;
  auth?: string;
  error_code?: string;
  fault?: string;
}

export interface EmulatorServerOptions {
  routes: readonly Route[];
  auth: Authenticator;
  /** One line per request (the CLI writes JSON to stderr). Never gets bodies or secrets. */
  log?: (line: AccessLogLine) => void;
  /** Unexpected errors (bugs): message only. */
  onInternalError?: (e: unknown, requestId: string) => void;
  faults?: FaultInjector;
  tls?: { key: string | Buffer; cert: string | Buffer };
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxHeaderBytes?: number;
  maxConnections?: number;
}

export interface EmulatorServer {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Graceful stop: resolves when every in-flight request has finished (or `graceMs` passed). */
  stop(graceMs?: number): Promise<void>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

function escapeForLog(s: string, max = 512): string {
  const t = s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > max ? t.slice(0, max) + '...' : t;
}

function errorCodeOf(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const b = body as { error_code?: unknown; error?: { code?: unknown } };
    if (typeof b.error_code === 'string') return b.error_code;
    if (b.error && (typeof b.error.code === 'string' || typeof b.error.code === 'number')) return String(b.error.code);
  }
  return undefined;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

export function createEmulatorServer(o: EmulatorServerOptions): EmulatorServer {
  const router = new Router(o.routes);
  const headersTimeoutMs = o.headersTimeoutMs ?? 10_000;
  const bodyTimeoutMs = o.bodyTimeoutMs ?? 30_000;
  const inFlight = new Set<ServerResponse>();
  let stopping = false;

  const serverOptions = {
    headersTimeout: headersTimeoutMs,
    // Node's own whole-request timer is a backstop behind ours (the body timer answers 408 first).
    requestTimeout: headersTimeoutMs + bodyTimeoutMs + 5_000,
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 5_000,
    maxHeaderSize: o.maxHeaderBytes ?? 64 * 1024,
    // How often Node checks the header/request timers: often enough that a slow client is cut promptly.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res);
  };
  const server: Server = o.tls ? createHttpsServer({ ...serverOptions, key: o.tls.key, cert: o.tls.cert }, handler) : createHttpServer(serverOptions, handler);
  // A flood of idle connections must not exhaust file descriptors (each slow one is cut by the timers anyway).
  server.maxConnections = o.maxConnections ?? 2048;

  // Malformed requests, oversized headers and the headers timeout never reach the handler:
  // answer them with a gateway body on the raw socket, then close it.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const id = randomBytes(16).toString('hex');
    const code = err.code ?? '';
    if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    let reply: ErrorReply;
    if (code === 'HPE_HEADER_OVERFLOW') reply = { status: 431, body: { error_code: 'APIGW.0201', error_msg: 'Request headers too large.', request_id: id } };
    else if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') reply = requestTimeout(id);
    else reply = { status: 400, body: { error_code: 'APIGW.0201', error_msg: 'Bad request: malformed HTTP.', request_id: id } };
    const body = JSON.stringify(reply.body);
    socket.end(
      `HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? 'Error'}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
    o.log?.({ time: new Date().toISOString(), request_id: id, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, method: '-', path: '-', status: reply.status, bytes_in: 0, bytes_out: Buffer.byteLength(body), ms: 0, error_code: errorCodeOf(reply.body) });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const id = randomBytes(16).toString('hex');
    inFlight.add(res);
    res.setHeader('X-Request-Id', id);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const line: AccessLogLine = { time: new Date().toISOString(), request_id: id, remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`, method, path: escapeForLog(rawUrl), status: 0, bytes_in: 0, bytes_out: 0, ms: 0 };
    let logged = false;
    const finishLog = (): void => {
      if (logged) return;
      logged = true;
      inFlight.delete(res);
      line.ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      if (!line.status) line.status = res.headersSent ? res.statusCode : 0;
      o.log?.(line);
    };
    res.on('finish', finishLog);
    res.on('close', finishLog);
    if (stopping) res.setHeader('Connection', 'close');

    let service: Service = serviceOfPath(path);
    let fault: FaultDecision | undefined;
    try {
      if (!path.startsWith('/')) return send(res, line, notFoundApi(id), true);
      if (o.faults) {
        fault = o.faults.decide(method, path);
        if (fault.fired.length) line.fault = fault.fired.join(',');
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.action === 'drop') {
          line.status = 0;
          req.socket.destroy();
          return;
        }
        if (fault.action === '429') return send(res, line, throttled(fault.arg ?? 1, id), true);
        if (fault.action === '500') return send(res, line, internalError(service, 'injected fault'), true);
        if (fault.action === '503') return send(res, line, unavailable(service, 'injected fault: the service is temporarily unavailable', fault.arg), true);
      }

      const m = router.match(method, path);
      if (!m) return send(res, line, notFoundApi(id), true);
      if ('allowed' in m) return send(res, line, methodNotAllowed(m.allowed, id), true);
      const route = m.route;
      service = route.service;

      const limit = route.maxBody ?? DEFAULT_MAX_BODY;
      const read = await readBody(req, limit, bodyTimeoutMs);
      line.bytes_in = read.bytes;
      if (read.kind === 'too-large') return send(res, line, tooLarge(limit, id), true);
      if (read.kind === 'timeout') return send(res, line, requestTimeout(id), true);
      if (read.kind === 'aborted') return;
      const body = read.body;

      let principal: Principal | undefined;
      if (!route.public) {
        const rcv: ReceivedRequest = { method, path, rawQuery, headers: req.headers, body };
        const a = o.auth.authenticate(rcv, !route.domainOptional);
        if (!a.ok) return send(res, line, unauthorized(a.why), false);
        principal = a.principal;
        line.auth = `${principal.method}:${principal.id}`;
      }

      const pairs = parseQuery(rawQuery);
      if (!pairs) return send(res, line, badRequest(service, 'the query string has a broken %-escape or is not UTF-8.'), false);
      // No prototype: a parameter named "__proto__" or "constructor" is just a parameter.
      const query: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [k, v] of pairs) if (!Object.hasOwn(query, k)) query[k] = v;

      let json: unknown;
      if (body.length) {
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(body);
        } catch {
          return send(res, line, badRequest(service, 'the body is not UTF-8.'), false);
        }
        try {
          json = text.trim() === '' ? undefined : JSON.parse(text);
        } catch {
          return send(res, line, badRequest(service, 'the body is not valid JSON.'), false);
        }
      }

      let out: ServiceResponse;
      try {
        out = await route.handle({ params: m.params, query, body: json });
      } catch (e) {
        if (e instanceof CcmError) {
          out = { status: e.status, body: { error_code: e.code, error_msg: e.message } };
        } else {
          o.onInternalError?.(e, id);
          out = { status: internalError(service).status, body: internalError(service).body };
        }
      }
      if (fault?.action === 'drop-after') {
        line.status = 0;
        req.socket.destroy();
        return;
      }
      return respond(res, line, out, fault?.action === 'truncate');
    } catch (e) {
      o.onInternalError?.(e, id);
      if (!res.headersSent) send(res, line, internalError(service), true);
      else res.destroy();
    }
  }

  function send(res: ServerResponse, line: AccessLogLine, r: ErrorReply, close: boolean): void {
    if (close) res.setHeader('Connection', 'close');
    respond(res, line, { status: r.status, body: r.body, headers: r.headers }, false);
    // The rest of an unread body is not waited for: the connection closes after the answer.
    if (close) res.on('finish', () => res.req.socket.destroySoon?.());
  }

  function respond(res: ServerResponse, line: AccessLogLine, out: ServiceResponse, truncate: boolean): void {
    line.status = out.status;
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
    let payload: Buffer;
    if (out.status === 204 || out.body === undefined) {
      payload = Buffer.alloc(0);
    } else if (out.body instanceof RawJson) {
      payload = Buffer.from(out.body.text);
      res.setHeader('Content-Type', out.contentType ?? JSON_TYPE);
    } else if (Buffer.isBuffer(out.body) || out.body instanceof Uint8Array) {
      payload = Buffer.from(out.body);
      res.setHeader('Content-Type', out.contentType ?? 'application/octet-stream');
      if (out.filename) res.setHeader('Content-Disposition', `attachment; filename="${out.filename.replace(/[^\x20-\x7e]|"/g, '_')}"`);
    } else {
      payload = Buffer.from(JSON.stringify(out.body));
      res.setHeader('Content-Type', out.contentType ?? JSON_TYPE);
      line.error_code = out.status >= 400 ? errorCodeOf(out.body) : undefined;
    }
    if (out.status !== 204) res.setHeader('Content-Length', payload.length);
    res.statusCode = out.status;
    line.bytes_out = payload.length;
    if (truncate && payload.length > 1) {
      // Promise the whole body, deliver half, cut the connection: what a proxy dying mid-answer looks like.
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      return;
    }
    res.end(payload);
  }

  return {
    server,
    listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    stop(graceMs = 10_000): Promise<void> {
      stopping = true;
      return new Promise((resolve) => {
        const deadline = setTimeout(() => {
          server.closeAllConnections();
        }, graceMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
        // Connections that become idle after their in-flight request finished are closed as they go.
        const sweep = setInterval(() => {
          server.closeIdleConnections();
          if (inFlight.size === 0) clearInterval(sweep);
        }, 50);
        sweep.unref();
      });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

type BodyRead = { kind: 'ok'; body: Buffer; bytes: number } | { kind: 'too-large'; bytes: number } | { kind: 'timeout'; bytes: number } | { kind: 'aborted'; bytes: number };

/** The exact body bytes, at most `limit` of them, within `timeoutMs`. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyRead> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    req.resume(); // discard; the answer closes the connection
    return Promise.resolve({ kind: 'too-large', bytes: 0 });
  }
  // A client that hung up before we got here (e.g. during an injected delay)
  // fired 'aborted' with no one listening: don't wait out the body timeout for it.
  if (req.destroyed || req.socket.destroyed) return Promise.resolve({ kind: 'aborted', bytes: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (r: BodyRead): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      req.off('close', onAbort);
      if (r.kind !== 'ok') req.resume();
      resolve(r);
    };
    const onData = (c: Buffer): void => {
      bytes += c.length;
      if (bytes > limit) finish({ kind: 'too-large', bytes });
      else chunks.push(c);
    };
    const onEnd = (): void => finish({ kind: 'ok', body: Buffer.concat(chunks), bytes });
    const onAbort = (): void => finish({ kind: 'aborted', bytes });
    const timer = setTimeout(() => finish({ kind: 'timeout', bytes }), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
    // 'close' after 'end' finds the read already done; before it, the client went away.
    req.on('close', onAbort);
  });
}
