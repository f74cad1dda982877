// Every PCA v1 operation the offline CA answers, at PCA's method and path,
// with the seed section and the ccmkit command that calls it. The emulator
// serves this table over HTTP; the CLI commands call the same functions; the
// README's operations table lists it.

import { activateCa, caQuota, createCa, deleteCa, disableCa, enableCa, exportCa, exportCaCsr, importCaCertificate, listCas, restoreCa, revokeCa, showCa } from './ca.js';
import { applyCert, certQuota, deleteCert, exportCert, issueCertByCsr, listCerts, revokeCert, showCert } from './cert.js';
import { mapStoreError } from '../../store/errors.js';
import type { PcaContext, PcaRequest, PcaResponse } from './context.js';

/**
 * One PCA operation at PCA's method and path.
 *
 * @example
 * ```ts
 * for (const r of PCA_ROUTES) console.log(r.method, r.path, r.seed);
 * ```
 */
export interface PcaRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** PCA's path, with `{ca_id}` / `{certificate_id}` parameters. */
  path: string;
  op: (ctx: PcaContext, req: PcaRequest) => PcaResponse;
  /** ccm-api-reference.txt section (or seed page). */
  seed: string;
  command: string;
}

/**
 * Every PCA v1 operation the offline CA answers, at PCA's method and path, with its seed section and CLI command.
 *
 * @example
 * ```ts
 * const route = PCA_ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/private-certificates');
 * ```
 */
export const PCA_ROUTES: readonly PcaRoute[] = [
  { method: 'POST', path: '/v1/private-certificate-authorities', op: createCa, seed: '4.2.1.2', command: 'ca create BODY.json' },
  { method: 'GET', path: '/v1/private-certificate-authorities', op: listCas, seed: '4.2.1.1', command: 'ca list' },
  { method: 'GET', path: '/v1/private-certificate-authorities/quotas', op: (ctx) => caQuota(ctx), seed: '4.2.1.3', command: 'ca quota' },
  { method: 'GET', path: '/v1/private-certificate-authorities/{ca_id}', op: showCa, seed: '4.2.1.4', command: 'ca show ID' },
  { method: 'DELETE', path: '/v1/private-certificate-authorities/{ca_id}', op: deleteCa, seed: '4.2.1.5', command: 'ca delete ID --pending-days N' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/activate', op: activateCa, seed: '4.2.1.6', command: 'ca activate ID BODY.json' },
  { method: 'GET', path: '/v1/private-certificate-authorities/{ca_id}/csr', op: exportCaCsr, seed: '4.2.1.7', command: 'ca csr ID' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/disable', op: disableCa, seed: '4.2.1.8', command: 'ca disable ID' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/enable', op: enableCa, seed: '4.2.1.9', command: 'ca enable ID' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/export', op: exportCa, seed: '4.2.1.10', command: 'ca export ID' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/import', op: importCaCertificate, seed: 'pca-import-ca-certificate.txt (4.2.1.11)', command: 'ca import ID --certificate F [--certificate-chain F]' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/restore', op: restoreCa, seed: '4.2.1.12', command: 'ca restore ID' },
  { method: 'POST', path: '/v1/private-certificate-authorities/{ca_id}/revoke', op: revokeCa, seed: '4.2.1.13', command: 'ca revoke ID [--reason R]' },
  { method: 'GET', path: '/v1/private-certificates', op: listCerts, seed: '4.2.2.1', command: 'cert list' },
  { method: 'POST', path: '/v1/private-certificates', op: applyCert, seed: '4.2.2.2', command: 'cert apply BODY.json' },
  { method: 'POST', path: '/v1/private-certificates/csr', op: issueCertByCsr, seed: '4.2.2.3', command: 'cert issue-csr BODY.json | --batch F.ndjson' },
  { method: 'GET', path: '/v1/private-certificates/quotas', op: (ctx) => certQuota(ctx), seed: '4.2.2.5', command: 'cert quota' },
  { method: 'GET', path: '/v1/private-certificates/{certificate_id}', op: showCert, seed: '4.2.2.6', command: 'cert show ID' },
  { method: 'DELETE', path: '/v1/private-certificates/{certificate_id}', op: deleteCert, seed: '4.2.2.7', command: 'cert delete ID' },
  { method: 'POST', path: '/v1/private-certificates/{certificate_id}/export', op: exportCert, seed: '4.2.2.8', command: 'cert export ID --type T [--compressed]' },
  { method: 'POST', path: '/v1/private-certificates/{certificate_id}/revoke', op: revokeCert, seed: '4.2.2.9', command: 'cert revoke ID [--reason R]' },
];

/**
 * The route for a method and path, with its path parameters. Literal
 * segments win over parameters (`/quotas` is not a CA ID). Undefined when no
 * route has the path; `methodNotAllowed` when the path exists with other methods.
 *
 * @example
 * ```ts
 * const m = matchRoute('GET', '/v1/private-certificate-authorities/2cb2878b-6cd1-460d-bd25-afe655159bdc');
 * if (m && 'route' in m) console.log(callPca(ctx, m.route.op, { params: m.params }).body);
 * ```
 */
export function matchRoute(method: string, path: string): { route: PcaRoute; params: Record<string, string> } | { methodNotAllowed: string[] } | undefined {
  const segs = path.replace(/\/+$/, '').split('/');
  const hits: { route: PcaRoute; params: Record<string, string>; literals: number }[] = [];
  for (const route of PCA_ROUTES) {
    const rs = route.path.split('/');
    if (rs.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < rs.length && ok; i++) {
      const m = /^\{(\w+)\}$/.exec(rs[i]!);
      if (m) {
        try {
          params[m[1]!] = decodeURIComponent(segs[i]!);
        } catch {
          params[m[1]!] = segs[i]!;
        }
      } else if (rs[i] === segs[i]) literals++;
      else ok = false;
    }
    if (ok) hits.push({ route, params, literals });
  }
  if (!hits.length) return undefined;
  const best = Math.max(...hits.map((h) => h.literals));
  const top = hits.filter((h) => h.literals === best);
  const exact = top.find((h) => h.route.method === method.toUpperCase());
  if (exact) return { route: exact.route, params: exact.params };
  return { methodNotAllowed: [...new Set(top.map((h) => h.route.method))] };
}

/**
 * Runs an operation the way a front door should: a failure of the workspace
 * itself (locked, damaged, disk full) becomes its CcmError, whatever statement
 * met it; anything else that is not a CcmError stays a bug.
 *
 * @example
 * ```ts
 * const r = callPca(ctx, showCa, { params: { ca_id: caId } });
 * ```
 */
export function callPca(ctx: PcaContext, op: (ctx: PcaContext, req: PcaRequest) => PcaResponse, req: PcaRequest): PcaResponse {
  try {
    return op(ctx, req);
  } catch (e) {
    throw mapStoreError(e, ctx.ws.dir);
  }
}
