// `ccmkit sync plan` and `sync push`: the outbox, uploaded.
//
//   pca-ca-import  a CA certificate for a PENDING PCA CA, signed offline
//                  (pca-import-ca-certificate.txt: POST .../{ca_id}/import
//                  with {"certificate", "certificate_chain"})
//   scm-import     a certificate with its key, into SCM (POST
//                  /v3/scm/certificates/import)
//
// Nothing already present is uploaded twice: before each upload CCM is
// asked (by SHA-256 of the certificate's DER) whether it already has it, so
// a push that was interrupted after CCM stored something, and is run again,
// records that and moves on. Plan asks the same questions and sends nothing:
// it shows exactly what push would do right now.

import { createPrivateKey } from 'node:crypto';
import { CcmError } from '../engine/errors.js';
import { SyncStore, type OutboxKind, type OutboxRow } from '../store/sync-store.js';
import type { Workspace } from '../store/workspace.js';
import type { CcmClient } from './client.js';
import { RemoteError } from './errors.js';
import { caHasCertificate, pcaCall } from './pca.js';
import { leafOfBody, scmFindByFingerprint, scmImport } from './scm.js';

/**
 * What push would do with a queued item: import it, nothing (CCM has it), or
 * nothing (it cannot be imported now: `detail` says why).
 *
 * @example
 * ```ts
 * const todo = (await plan(client, ws)).filter((i) => i.action === ('import' satisfies PushAction));
 * ```
 */
export type Action = 'import' | 'present' | 'blocked';

/**
 * One queued item (the workspace's outbox) and what push would do with it.
 *
 * @example
 * ```ts
 * for (const i of await plan(client, ws)) console.log(i.id, i.kind, i.target, i.action, i.detail);
 * ```
 */
export interface PlanItem {
  id: number;
  kind: OutboxKind;
  target: string;
  sha256: string;
  origin: string;
  action: Action;
  /** What CCM has now, in words. */
  detail: string;
  /** For `present`: the ID CCM knows it by. */
  remote_id?: string;
}

/**
 * One queued item after push: imported, already present, refused (CCM's
 * error_code and error_msg) or blocked.
 *
 * @example
 * ```ts
 * const refused = (await push(client, ws, { openKey })).filter((i) => i.outcome === 'refused');
 * ```
 */
export interface PushItem extends PlanItem {
  outcome: 'imported' | 'already-present' | 'refused' | 'blocked';
  error_code?: string;
  error_msg?: string;
  request_id?: string;
}

/** What CCM has for one outbox item (reads only). */
async function look(client: CcmClient, r: OutboxRow): Promise<PlanItem> {
  const base = { id: r.id, kind: r.kind, target: r.target, sha256: r.sha256, origin: r.origin };
  if (r.kind === 'pca-ca-import') {
    let state: Awaited<ReturnType<typeof caHasCertificate>>;
    try {
      state = await caHasCertificate(client, r.target, r.sha256);
    } catch (e) {
      if (e instanceof RemoteError && (e.httpStatus === 404 || (e.httpStatus === 400 && /^PCA\./.test(e.code)))) return { ...base, action: 'blocked', detail: `CA ${r.target} is not in PCA (${e.code})` };
      throw e;
    }
    if (state === 'yes') return { ...base, action: 'present', detail: `CA ${r.target} is ACTIVED with this certificate`, remote_id: r.target };
    if (state === 'pending') return { ...base, action: 'import', detail: `import the CA certificate into PENDING CA ${r.target}` };
    return { ...base, action: 'blocked', detail: `CA ${r.target} is ${state.other}: a certificate can be imported only while it is PENDING` };
  }
  const leaf = leafOfBody({ certificate: r.certificate });
  if (!leaf) return { ...base, action: 'blocked', detail: 'the queued certificate does not parse' };
  const id = await scmFindByFingerprint(client, leaf, [r.target]);
  if (id) return { ...base, action: 'present', detail: `SCM has this certificate as ${id}`, remote_id: id };
  return { ...base, action: 'import', detail: `import into SCM as "${r.target}"` };
}

/**
 * What push would do for every pending item, asking CCM (reads only): CA
 * certificate imports first.
 *
 * @example
 * ```ts
 * const items = await plan(client, ws);
 * ```
 */
export async function plan(client: CcmClient, ws: Workspace): Promise<PlanItem[]> {
  const store = new SyncStore(ws);
  const rows = ws.read(() => store.outbox('pending'));
  const out: PlanItem[] = [];
  // CA certificates first: a subordinate must be ACTIVED before anything under it is of use.
  for (const r of [...rows].sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind === 'pca-ca-import' ? -1 : 1))) out.push(await look(client, r));
  return out;
}

/**
 * How {@link push} opens sealed keys (SCM imports carry one), and reports progress.
 *
 * @example
 * ```ts
 * const o: PushOptions = { openKey: (sealed, what) => unsealWithYourVault(sealed, what) };
 * ```
 */
export interface PushOptions {
  now?: (() => Date) | undefined;
  /** Opens a sealed key (the workspace vault) as PEM, for SCM imports. */
  openKey: (sealed: Buffer, what: string) => string;
  progress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Uploads the workspace's queue: what CCM already has is marked done, never
 * sent twice; a CA certificate import and an SCM import are guarded against
 * lost answers. Each item's outcome is recorded in the workspace. Does
 * network and workspace I/O.
 *
 * @example
 * ```ts
 * for (const i of await push(client, ws, { openKey })) console.log(i.id, i.outcome, i.remote_id ?? i.error_code);
 * ```
 */
export async function push(client: CcmClient, ws: Workspace, o: PushOptions): Promise<PushItem[]> {
  const store = new SyncStore(ws);
  const now = o.now ?? (() => new Date());
  const items = await plan(client, ws);
  const rows = new Map(ws.read(() => store.outbox('pending')).map((r) => [r.id, r]));
  const out: PushItem[] = [];
  let n = 0;
  for (const it of items) {
    const r = rows.get(it.id)!;
    try {
      if (it.action === 'present') {
        ws.tx(() => store.markDone(r.id, it.remote_id ?? null, 'already present', now().getTime()));
        out.push({ ...it, outcome: 'already-present' });
      } else if (it.action === 'blocked') {
        ws.tx(() => store.noteResult(r.id, it.detail));
        out.push({ ...it, outcome: 'blocked', error_msg: it.detail });
      } else if (r.kind === 'pca-ca-import') {
        const body: Record<string, string> = { certificate: r.certificate };
        if (r.certificate_chain) body.certificate_chain = r.certificate_chain;
        const res = await pcaCall(client, 'POST', '/v1/private-certificate-authorities/{ca_id}/import', { params: { ca_id: r.target }, body });
        ws.tx(() => store.markDone(r.id, r.target, res.recovered ? 'imported (found after a lost answer)' : 'imported', now().getTime()));
        out.push({ ...it, outcome: 'imported', remote_id: r.target, request_id: res.requestId });
      } else {
        if (!r.private_key) throw new CcmError(500, 'CCMKIT.0208', `outbox item ${r.id} has no key: SCM imports need one.`);
        const body = { name: r.target, certificate: r.certificate, certificate_chain: r.certificate_chain, private_key: o.openKey(r.private_key, `outbox item ${r.id}`) };
        const res = await scmImport(client, body);
        ws.tx(() => store.markDone(r.id, res.certificate_id, res.recovered ? 'imported (found after a lost answer)' : 'imported', now().getTime()));
        out.push({ ...it, outcome: 'imported', remote_id: res.certificate_id, request_id: res.requestId });
      }
    } catch (e) {
      if (!(e instanceof RemoteError)) throw e;
      ws.tx(() => store.noteResult(r.id, `${e.code}: ${e.message.slice(0, 500)}`));
      out.push({ ...it, outcome: 'refused', error_code: e.code, error_msg: e.message, request_id: e.requestId });
    }
    o.progress?.(++n, items.length);
  }
  return out;
}

/** A key given as PEM, checked to be one (the outbox stores it sealed). */
/** @internal */
export function keyObjectOf(pem: string): ReturnType<typeof createPrivateKey> {
  return createPrivateKey(pem);
}
