// PCA v1 over the client: the offline CA's own route table (PCA_ROUTES, the
// same methods and paths the emulator serves and the CLI runs locally), so
// `ccmkit ca ... --remote` sends exactly the request `ccmkit ca ...` answers.
//
// What each call may do decides its retries (client.ts): GETs and the two
// exports only read; DELETE is a delete; every other POST may create or
// change something. Importing a CA certificate (pca-import-ca-certificate.txt)
// has a guard: after an ambiguous failure, the CA is shown, and if it is
// ACTIVED with this very certificate (compared by SHA-256 of the DER from
// its export) the import went through; if it is still PENDING it is sent
// again.

import { parseCertificate } from '../engine/certificate.js';
import { readInput } from '../engine/input.js';
import { PCA_ROUTES } from '../service/pca/routes.js';
import type { CallKind, CallResult, CcmClient } from './client.js';
import { pathOf } from './client.js';
import { sha256Hex } from './scm.js';

/**
 * A PCA request: path parameters, query and body, as ccmkit/pca's
 * operations take them.
 *
 * @example
 * ```ts
 * const r: PcaRemoteRequest = { params: { ca_id: caId }, query: { limit: '10' } };
 * ```
 */
export interface PcaRemoteRequest {
  params?: Record<string, string> | undefined;
  query?: Record<string, string | undefined> | undefined;
  body?: unknown | undefined;
}

const READ_ONLY_POSTS = new Set(['/v1/private-certificate-authorities/{ca_id}/export', '/v1/private-certificates/{certificate_id}/export']);
/** @internal */
export const IMPORT_CA_PATH = '/v1/private-certificate-authorities/{ca_id}/import';

/** @internal */
export function kindOf(method: string, template: string): CallKind {
  if (method === 'GET' || READ_ONLY_POSTS.has(template)) return 'read';
  if (method === 'DELETE') return 'delete';
  return 'create';
}

/**
 * Calls the PCA v1 operation at `method template`, a path of ccmkit/pca's
 * PCA_ROUTES, so the request is the one the offline CA answers locally.
 * Retried by what the operation may do; a CA certificate import is guarded
 * (after a lost answer, the CA is looked at before sending again).
 *
 * @example
 * ```ts
 * const r = await pcaCall(client, 'GET', '/v1/private-certificate-authorities', { query: { limit: '10' } });
 * const cas = (r.json as { certificate_authorities: { id: string }[] }).certificate_authorities;
 * ```
 */
export function pcaCall(c: CcmClient, method: 'GET' | 'POST' | 'DELETE', template: string, r: PcaRemoteRequest = {}): Promise<CallResult> {
  if (!PCA_ROUTES.some((x) => x.method === method && x.path === template)) throw new Error(`pcaCall: ${method} ${template} is not a PCA route`);
  const guard = method === 'POST' && template === IMPORT_CA_PATH && r.params?.ca_id ? importGuard(c, r.params.ca_id, r.body) : undefined;
  return c.call({ service: 'pca', method, path: pathOf(template, r.params), query: Object.entries(r.query ?? {}), body: r.body, kind: kindOf(method, template), guard });
}

/**
 * SHA-256 (hex) of the DER of the first certificate in a PEM text, or
 * undefined when there is none: how the sync round trip names a certificate.
 *
 * @example
 * ```ts
 * pemSha256(readFileSync('ca.pem', 'utf8')); // '3f1a...'
 * ```
 */
export function pemSha256(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const o = readInput(Buffer.from(text, 'utf8'), 'certificate').objects.find((x) => x.kind === 'certificate');
  if (!o) return undefined;
  try {
    return sha256Hex(parseCertificate(o.der).der);
  } catch {
    return undefined;
  }
}

/** @internal Is the CA ACTIVED with this certificate? (`pending`: not yet.) */
export async function caHasCertificate(c: CcmClient, caId: string, sha256: string): Promise<'yes' | 'pending' | { other: string }> {
  const shown = (await pcaCall(c, 'GET', '/v1/private-certificate-authorities/{ca_id}', { params: { ca_id: caId } })).json as { status?: string };
  if (shown?.status === 'PENDING') return 'pending';
  if (shown?.status !== 'ACTIVED' && shown?.status !== 'EXPIRED') return { other: String(shown?.status) };
  const exp = (await pcaCall(c, 'POST', '/v1/private-certificate-authorities/{ca_id}/export', { params: { ca_id: caId } })).json as { certificate?: string };
  return pemSha256(exp?.certificate) === sha256 ? 'yes' : { other: `${shown.status} with another certificate` };
}

function importGuard(c: CcmClient, caId: string, body: unknown): (() => Promise<{ found: CallResult } | { found?: undefined }>) | undefined {
  const sha = pemSha256((body as { certificate?: unknown })?.certificate);
  if (!sha) return undefined;
  return async () => {
    const state = await caHasCertificate(c, caId, sha);
    if (state === 'yes') return { found: { status: 204, raw: Buffer.alloc(0) } };
    // Still PENDING: nothing happened, send it again. Anything else: let the re-sent import answer why.
    return {};
  };
}
