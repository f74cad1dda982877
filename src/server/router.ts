// Routes: method + path template -> operation. One table per service; the
// PCA table is the offline CA's own (src/service/pca/routes.ts), so the CLI
// and the emulator call the same functions.

import { decodeComponent } from '../sync/signing.js';
import type { Service } from './errors.js';

/** What an operation receives: path parameters, query parameters (first value of each, decoded) and the parsed JSON body. */
export interface ServiceRequest {
  params?: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** What an operation returns: the status and a JSON body, or bytes (a zip) with their content type. */
export interface ServiceResponse {
  status: number;
  body?: unknown;
  contentType?: string;
  filename?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: ServiceRequest) => ServiceResponse | Promise<ServiceResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** With {name} parameters, e.g. /v3/scm/certificates/{certificate_id}. */
  path: string;
  service: Service;
  handle: Handler;
  /** Where the API is documented (seed section or page). */
  seed: string;
  /** The largest body accepted, in bytes (default DEFAULT_MAX_BODY). */
  maxBody?: number;
  /** Answered without authentication (IAM's token API). */
  public?: boolean;
  /** Authenticated, but X-Domain-Id is not required (IAM's domain lookup). */
  domainOptional?: boolean;
}

/**
 * 64 KiB: every CCM request body is bounded by its field limits (SCM import:
 * certificate 4096 + chain 8192 + key 4096 + SM2 fields 8192 characters),
 * and a body just over a limit must reach the validator (SCM.0005), not be
 * cut off by the gateway. Routes with larger fields raise it.
 */
export const DEFAULT_MAX_BODY = 64 * 1024;

/** The service a path belongs to, for the wording of errors before a route is known. */
export function serviceOfPath(path: string): Service {
  if (path.startsWith('/v3/scm/')) return 'scm';
  if (path.startsWith('/v3/auth/')) return 'iam';
  return 'pca';
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined;

export class Router {
  private readonly compiled: { route: Route; parts: (string | { param: string })[] }[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      parts: route.path
        .split('/')
        .slice(1)
        .map((p) => {
          const m = /^\{(\w+)\}$/.exec(p);
          return m ? { param: m[1]! } : p;
        }),
    }));
  }

  /**
   * The route for a method and a path as received (percent-encoded; one
   * trailing "/" tolerated). As the gateway keys APIs by method and path,
   * routes of the request's method are tried first, literal segments winning
   * over parameters (`GET .../quotas` is not a CA ID, `DELETE .../quotas`
   * is). `{allowed}` when only other methods have the path; undefined when
   * no route has it.
   */
  match(method: string, rawPath: string): Match {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const segs = path.split('/').slice(1);
    let best: { route: Route; params: Record<string, string> } | undefined;
    let bestLiterals = -1;
    const allowed = new Set<string>();
    for (const c of this.compiled) {
      if (c.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const part = c.parts[i]!;
        const seg = segs[i]!;
        if (typeof part === 'string') {
          if (part === seg) literals++;
          else ok = false;
        } else if (seg === '') {
          ok = false;
        } else {
          // An undecodable parameter is passed on raw: the operation's ID check refuses it with its own code.
          params[part.param] = decodeComponent(seg) ?? seg;
        }
      }
      if (!ok) continue;
      if (c.route.method !== method) {
        allowed.add(c.route.method);
        continue;
      }
      if (literals > bestLiterals) {
        best = { route: c.route, params };
        bestLiterals = literals;
      }
    }
    if (best) return best;
    if (allowed.size) return { allowed: [...allowed] };
    return undefined;
  }
}
