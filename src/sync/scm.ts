// SCM v3 over the client (ccm-api-reference.txt 4.1, scm-import-certificate.txt,
// scm-export-certificate.txt, scm-upload-csr.txt; list/CSR details in
// ../shared/notes/ccm-api.md). Bodies go out as CCM documents them and come
// back as CCM sent them.
//
// Import is the one operation here that may create something and is worth
// retrying: after an ambiguous failure (429, 502, 503, 504, a reset, a
// timeout, a truncated answer) it is re-sent only once a lookup has shown
// the certificate absent: the list filtered by name, then by the bound
// domain, each candidate's fingerprint compared with the certificate's
// SHA-256 (and SHA-1: SCM's fingerprint field does not say which it holds).

import { createHash } from 'node:crypto';
import { parseCertificate, type Certificate } from '../engine/certificate.js';
import { readInput } from '../engine/input.js';
import { commonNames } from '../engine/name.js';
import type { CallResult, CcmClient } from './client.js';
import { pathOf } from './client.js';

/**
 * One certificate in SCM's list (4.1.1), as SCM sent it.
 *
 * @example
 * ```ts
 * for (const c of (await scmList(client)).certificates) console.log(c.id, c.domain, c.status);
 * ```
 */
export interface ScmListItem {
  id: string;
  name: string;
  domain: string;
  status: string;
  expire_time?: string;
  [k: string]: unknown;
}

/**
 * One page of SCM's list.
 *
 * @example
 * ```ts
 * const page: ScmListPage = await scmList(client, { limit: String(SCM_PAGE_MAX), offset: '0' });
 * ```
 */
export interface ScmListPage {
  certificates: ScmListItem[];
  total_count: number;
}

/**
 * SCM's export answer (4.1.5): the certificate, its chain and the key.
 *
 * @example
 * ```ts
 * const e: ScmExport = await scmExport(client, id);
 * ```
 */
export interface ScmExport {
  entire_certificate?: string;
  certificate?: string;
  certificate_chain?: string;
  private_key?: string;
  enc_certificate?: string;
  enc_private_key?: string;
}

/**
 * SCM's largest list page (4.1.1: 10, 20 or 50).
 *
 * @example
 * ```ts
 * await scmList(client, { limit: String(SCM_PAGE_MAX) });
 * ```
 */
export const SCM_PAGE_MAX = 50;

/**
 * SCM list query parameters (4.1.1), as strings.
 *
 * @example
 * ```ts
 * const q: ScmQuery = { content: 'www.example.com', status: 'ISSUED', limit: '50' };
 * ```
 */
export type ScmQuery = Partial<Record<'limit' | 'offset' | 'sort_dir' | 'sort_key' | 'status' | 'enterprise_project_id' | 'deploy_support' | 'owned_by_self' | 'expired_days_since' | 'content', string>>;

/**
 * One page of SCM's certificate list (GET /v3/scm/certificates). A read: retried.
 *
 * @example
 * ```ts
 * const page = await scmList(client, { content: 'example.com', limit: '50' });
 * ```
 */
export function scmList(c: CcmClient, q: ScmQuery = {}): Promise<ScmListPage> {
  return c.json<ScmListPage>({ service: 'scm', method: 'GET', path: '/v3/scm/certificates', query: Object.entries(q), kind: 'read' });
}

/**
 * One certificate's details (`GET /v3/scm/certificates/{id}`), as SCM sent them.
 *
 * @example
 * ```ts
 * const cert = await scmShow(client, 'scs1600313391074');
 * console.log(cert.fingerprint);
 * ```
 */
export function scmShow(c: CcmClient, id: string): Promise<Record<string, unknown>> {
  return c.json({ service: 'scm', method: 'GET', path: pathOf('/v3/scm/certificates/{id}', { id }), kind: 'read' });
}

/**
 * Export (4.1.5): a POST that only reads, so it is retried like a GET. The
 * SDK sends no body. The answer holds the private key.
 *
 * @example
 * ```ts
 * const { certificate, certificate_chain } = await scmExport(client, 'scs1600313391074');
 * ```
 */
export function scmExport(c: CcmClient, id: string): Promise<ScmExport> {
  return c.json<ScmExport>({ service: 'scm', method: 'POST', path: pathOf('/v3/scm/certificates/{id}/export', { id }), kind: 'read' });
}

/**
 * Deletes a certificate (`DELETE /v3/scm/certificates/{id}`). Retried; a 404
 * after a lost answer counts as done (`recovered`).
 *
 * @example
 * ```ts
 * await scmDelete(client, 'scs1600313391074');
 * ```
 */
export async function scmDelete(c: CcmClient, id: string): Promise<CallResult> {
  return c.call({ service: 'scm', method: 'DELETE', path: pathOf('/v3/scm/certificates/{id}', { id }), kind: 'delete' });
}

/**
 * Uploads a CSR (POST /v3/scm/csr/upload, body as `csrCreate`'s scm-upload
 * body). A create: not re-sent after an ambiguous failure.
 *
 * @example
 * ```ts
 * const r = await scmUploadCsr(client, { name: 'www_example', csr: csrPem });
 * ```
 */
export function scmUploadCsr(c: CcmClient, body: unknown): Promise<CallResult> {
  return c.call({ service: 'scm', method: 'POST', path: '/v3/scm/csr/upload', body, kind: 'create' });
}

/** Lower-case hex without separators. */
function normFp(s: string): string {
  return s.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

/** @internal The leaf of an import body's `certificate` field (the first certificate in it). */
export function leafOfBody(body: unknown): Certificate | undefined {
  const text = (body as { certificate?: unknown })?.certificate;
  if (typeof text !== 'string') return undefined;
  const o = readInput(Buffer.from(text, 'utf8'), 'certificate').objects.find((x) => x.kind === 'certificate');
  if (!o) return undefined;
  try {
    return parseCertificate(o.der);
  } catch {
    return undefined;
  }
}

/** @internal */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The ID of the certificate SCM already holds with this leaf, if any: the
 * list searched by `content` (name, then domain; SCM matches either), each
 * candidate shown and its fingerprint compared. Pages are walked to the end.
 *
 * @example
 * ```ts
 * const leaf = parseCertificate(der); // from ccmkit/inputs' readInput
 * const id = await scmFindByFingerprint(client, leaf, ['www_example']);
 * ```
 */
export async function scmFindByFingerprint(c: CcmClient, leaf: Certificate, names: string[]): Promise<string | undefined> {
  const want = new Set([sha256Hex(leaf.der), createHash('sha1').update(leaf.der).digest('hex')]);
  const seen = new Set<string>();
  // SCM's `content` matches a name or the bound domain (the CN, else the first SAN): search by each.
  const sans = (leaf.extensions.subjectAltNames ?? []).filter((n) => n.type === 'DNS' || n.type === 'IP').map((n) => n.value);
  const terms = [...new Set([...names, ...commonNames(leaf.subject), ...sans.slice(0, 1)].filter((n) => n && n.length <= 255))];
  for (const term of terms) {
    for (let offset = 0; ; offset += SCM_PAGE_MAX) {
      const page = await scmList(c, { content: term, limit: String(SCM_PAGE_MAX), offset: String(offset) });
      for (const item of page.certificates ?? []) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        const shown = await scmShow(c, item.id);
        if (typeof shown.fingerprint === 'string' && want.has(normFp(shown.fingerprint))) return item.id;
      }
      if ((page.certificates ?? []).length < SCM_PAGE_MAX || offset + SCM_PAGE_MAX >= (page.total_count ?? 0)) break;
    }
  }
  return undefined;
}

/**
 * What {@link scmImport} did: the certificate ID, and whether it was there already.
 *
 * @example
 * ```ts
 * const o: ScmImportOutcome = await scmImport(client, body, { dedupe: true });
 * console.log(o.existed ? `already ${o.certificate_id}` : `imported ${o.certificate_id}`);
 * ```
 */
export interface ScmImportOutcome {
  certificate_id: string;
  /** True when the certificate was found already in SCM (a lookup), not imported by this call. */
  existed: boolean;
  /** True when an answer was lost and the lookup found that this call's import had gone through. */
  recovered?: boolean;
  requestId?: string;
}

/**
 * Imports a certificate (POST /v3/scm/certificates/import; the body as
 * ccmkit/validate's `validateScmImport` pre-flights it). With `dedupe`
 * it first looks for the same leaf and returns its ID without sending
 * anything. After an ambiguous failure the same lookup decides whether the
 * import is sent again.
 *
 * @example
 * ```ts
 * const body = { name: 'www_example', certificate, certificate_chain, private_key };
 * if (validateScmImport(body, { at: new Date() }).valid) {
 *   const { certificate_id } = await scmImport(client, body, { dedupe: true });
 * }
 * ```
 */
export async function scmImport(c: CcmClient, body: Record<string, unknown>, o: { dedupe?: boolean } = {}): Promise<ScmImportOutcome> {
  const leaf = leafOfBody(body);
  const names = [typeof body.name === 'string' ? body.name : ''].filter(Boolean);
  if (o.dedupe && leaf) {
    const id = await scmFindByFingerprint(c, leaf, names);
    if (id) return { certificate_id: id, existed: true };
  }
  const r = await c.call({
    service: 'scm',
    method: 'POST',
    path: '/v3/scm/certificates/import',
    body,
    kind: 'create',
    guard: leaf
      ? async () => {
          const id = await scmFindByFingerprint(c, leaf, names);
          return id ? { found: { status: 200, json: { certificate_id: id }, raw: Buffer.alloc(0) } } : {};
        }
      : undefined,
  });
  const id = (r.json as { certificate_id?: string })?.certificate_id ?? '';
  return { certificate_id: id, existed: false, recovered: r.recovered, requestId: r.requestId };
}
