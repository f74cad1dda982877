// `ccmkit sync pull`: CCM's inventory into the workspace's mirror tables.
//
//   SCM   every certificate's list item (pages of 50, the API's maximum) and
//         its certificate PEM (SCM has no certificate-only download: the
//         export answers with the key too; the key is dropped unless
//         --with-keys, then sealed by the workspace vault)
//   PCA   every CA (pages of 1,000), the certificate of ACTIVED/EXPIRED CAs
//         (CA export: no key), the CSR of PENDING CAs; every certificate's
//         list item (pages of 1,000), and with --pca-pem its PEM (export
//         type OTHER; a key in the answer is dropped)
//
// Incremental: what is already recorded is not fetched again (a certificate's
// content never changes under its ID); only list pages are read every time.
// Resumable: each listing records the offset below which every page is
// stored, and downloads are committed in groups; a pull that is killed and
// run again continues where it stopped. When a listing completes, rows it
// did not see are marked gone (CCM no longer has them).
//
// At most `concurrency` requests are in flight (default 4). Listings are
// sorted oldest first, so certificates added during a pull land after the
// pages already read instead of shifting them.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Workspace } from '../store/workspace.js';
import { SyncStore, type Phase } from '../store/sync-store.js';
import type { CcmClient } from './client.js';
import { RemoteError } from './errors.js';
import { pcaCall, pemSha256 } from './pca.js';
import { pool } from './pool.js';
import { SCM_PAGE_MAX, scmExport, scmList, type ScmListItem } from './scm.js';

/**
 * PCA's largest list page (1,000), which pull reads.
 *
 * @example
 * ```ts
 * await pcaCall(client, 'GET', '/v1/private-certificate-authorities', { query: { limit: String(PCA_PAGE_MAX) } });
 * ```
 */
export const PCA_PAGE_MAX = 1000;

/**
 * What {@link pull} fetches, and how.
 *
 * @example
 * ```ts
 * const o: PullOptions = { scm: true, pca: true, concurrency: 4, progress: (label, done, total) => console.error(label, done, total) };
 * ```
 */
export interface PullOptions {
  scm: boolean;
  pca: boolean;
  /** Keep SCM private keys (sealed); needs `seal`. */
  withKeys?: boolean | undefined;
  seal?: ((key: KeyObject) => Buffer) | undefined;
  /** Also download the PEM of every PCA certificate. */
  pcaPem?: boolean | undefined;
  concurrency?: number | undefined;
  now?: (() => Date) | undefined;
  /** Downloads recorded per transaction (default 50). */
  commitEvery?: number | undefined;
  progress?: ((label: string, done: number, total: number) => void) | undefined;
  scmPageSize?: number | undefined;
  pcaPageSize?: number | undefined;
}

/**
 * One listing of a pull: how many were listed, changed and gone, and
 * whether it read to the end (else run pull again: it resumes).
 *
 * @example
 * ```ts
 * const l: ListingReport | undefined = report.scm;
 * if (l && !l.complete) console.error('listing incomplete: pull again');
 * ```
 */
export interface ListingReport {
  listed: number;
  total: number;
  changed: number;
  gone: number;
  complete: boolean;
  resumed_from: number;
}

/**
 * What a pull did, per listing, with the requests and retries it took.
 *
 * @example
 * ```ts
 * const report: PullReport = await pull(client, ws, { scm: true, pca: true });
 * console.log(report.scm?.exported, report.requests);
 * ```
 */
export interface PullReport {
  scm?: ListingReport & { exported: number; keys: number; failed: string[] };
  pca_cas?: ListingReport & { exported: number; csrs: number; failed: string[] };
  pca_certs?: ListingReport & { exported: number; failed: string[] };
  requests: number;
  retries: number;
  ms: number;
}

interface Page<T> {
  items: T[];
  total: number;
}

/** Lists every item of one phase, page by page, recording each page in one transaction. */
async function listAll<T>(
  ws: Workspace,
  store: SyncStore,
  phase: Phase,
  endpoint: string,
  pageSize: number,
  concurrency: number,
  now: () => Date,
  fetchPage: (offset: number) => Promise<Page<T>>,
  record: (item: T, run: number, nowMs: number) => boolean,
  progress?: (done: number, total: number) => void,
): Promise<ListingReport> {
  const run = ws.tx(() => store.beginRun(phase, endpoint, now().getTime()));
  const resumedFrom = run.next_offset;
  let changed = 0;
  let listed = 0;
  let total = 0;
  const done = new Set<number>();
  let contiguous = run.next_offset;
  const commit = (offset: number, page: Page<T>): void => {
    ws.tx(() => {
      const t = now().getTime();
      for (const item of page.items) if (record(item, run.run, t)) changed++;
      done.add(offset);
      while (done.has(contiguous)) contiguous += pageSize;
      store.advanceRun(phase, contiguous, page.total);
    });
    listed += page.items.length;
    total = page.total;
    progress?.(Math.min(total, contiguous), total);
  };
  const pass = async (from: number): Promise<void> => {
    const first = await fetchPage(from);
    commit(from, first);
    const offsets: number[] = [];
    for (let o = from + pageSize; o < first.total; o += pageSize) offsets.push(o);
    await pool(offsets, concurrency, (o) => fetchPage(o), (page, o) => commit(o, page));
  };
  await pass(resumedFrom);
  let seen = ws.read(() => store.countSeen(phase, run.run));
  if (seen < total) {
    // Items moved between pages while they were read (an update re-sorts SCM's list): one more full pass.
    done.clear();
    contiguous = 0;
    await pass(0);
    seen = ws.read(() => store.countSeen(phase, run.run));
  }
  const complete = seen >= total;
  let gone = 0;
  ws.tx(() => {
    if (complete) gone = store.markGone(phase, run.run, now().getTime());
    store.finishRun(phase, now().getTime());
  });
  return { listed, total, changed, gone, complete, resumed_from: resumedFrom };
}

/** Downloads for `ids`, `concurrency` at a time, recorded in groups of `every` per transaction. */
async function download<R>(ws: Workspace, ids: string[], concurrency: number, every: number, fetch: (id: string) => Promise<R>, record: (id: string, r: R) => void, progress?: (done: number, total: number) => void): Promise<{ done: number; failed: string[] }> {
  let buffered: [string, R][] = [];
  let doneCount = 0;
  const failed: string[] = [];
  const flush = (): void => {
    if (!buffered.length) return;
    const batch = buffered;
    buffered = [];
    ws.tx(() => {
      for (const [id, r] of batch) record(id, r);
    });
    doneCount += batch.length;
  };
  // The bar starts with the phase and moves with every answer (rows are committed in groups).
  if (ids.length) progress?.(0, ids.length);
  try {
    await pool(
      ids,
      concurrency,
      async (id) => {
        try {
          return { id, r: await fetch(id) };
        } catch (e) {
          // Gone since it was listed, or not in a state that can be exported: noted, the rest goes on.
          if (e instanceof RemoteError && e.httpStatus >= 400 && e.httpStatus < 500 && e.httpStatus !== 401 && e.httpStatus !== 429) return { id, failed: e };
          throw e;
        }
      },
      (x) => {
        if ('failed' in x) failed.push(`${x.id}: ${x.failed!.code}`);
        else buffered.push([x.id, x.r as R]);
        if (buffered.length >= every) flush();
        progress?.(doneCount + buffered.length + failed.length, ids.length);
      },
    );
  } finally {
    flush();
  }
  return { done: doneCount, failed };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/**
 * Records CCM's inventory (SCM certificates; PCA CAs, their certificates or
 * pending CSRs, and certificates) in the workspace's sync tables, which
 * `SYNC_MIGRATIONS` add. Incremental and resumable; at most
 * `o.concurrency` (1 to 4) requests in flight. Keys are dropped unless
 * `withKeys`, then sealed with `o.seal`. Does network and workspace I/O.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ws', { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] }); // from ccmkit/pca
 * try {
 *   const report = await pull(client, ws, { scm: true, pca: true });
 * } finally {
 *   ws.close();
 * }
 * ```
 */
export async function pull(client: CcmClient, ws: Workspace, o: PullOptions): Promise<PullReport> {
  const started = Date.now();
  const store = new SyncStore(ws);
  const now = o.now ?? (() => new Date());
  const conc = Math.max(1, Math.min(4, o.concurrency ?? 4));
  const every = o.commitEvery ?? 50;
  const report: PullReport = { requests: 0, retries: 0, ms: 0 };
  const before = { ...client.stats };

  if (o.scm) {
    const size = o.scmPageSize ?? SCM_PAGE_MAX;
    const listing = await listAll<ScmListItem>(
      ws,
      store,
      'scm',
      client.endpoint('scm').href,
      size,
      conc,
      now,
      async (offset) => {
        const page = await scmList(client, { limit: String(size), offset: String(offset), sort_key: 'certUpdateTime', sort_dir: 'ASC' });
        return { items: page.certificates ?? [], total: Number(page.total_count ?? 0) };
      },
      (it, run, t) => store.upsertScm({ id: str(it.id), name: str(it.name), domain: str(it.domain), status: str(it.status), expire_time: it.expire_time === undefined ? null : str(it.expire_time), item: JSON.stringify(it) }, run, t),
      (d, t) => o.progress?.('SCM list', d, t),
    );
    const ids = ws.read(() => store.scmNeedingExport(Boolean(o.withKeys)));
    let keys = 0;
    const dl = await download(
      ws,
      ids,
      conc,
      every,
      (id) => scmExport(client, id),
      (id, e) => {
        const certificate = str(e.certificate);
        const fingerprint = pemSha256(certificate) ?? '';
        let sealed: Buffer | undefined;
        if (o.withKeys && o.seal && e.private_key) {
          sealed = o.seal(createPrivateKey(e.private_key));
          keys++;
        }
        store.setScmPem(id, { certificate, certificate_chain: str(e.certificate_chain), fingerprint, private_key: sealed });
      },
      (d, t) => o.progress?.('SCM export', d, t),
    );
    report.scm = { ...listing, exported: dl.done, keys, failed: dl.failed };
  }

  if (o.pca) {
    const size = o.pcaPageSize ?? PCA_PAGE_MAX;
    const base = client.endpoint('pca').href;
    const cas = await listAll<Record<string, unknown>>(
      ws,
      store,
      'pca-ca',
      base,
      size,
      conc,
      now,
      async (offset) => {
        const r = await pcaCall(client, 'GET', '/v1/private-certificate-authorities', { query: { limit: String(size), offset: String(offset), sort_key: 'create_time', sort_dir: 'ASC' } });
        const b = r.json as { certificate_authorities?: Record<string, unknown>[]; total?: number };
        return { items: b.certificate_authorities ?? [], total: Number(b.total ?? 0) };
      },
      (it, run, t) => store.upsertCa({ ca_id: str(it.ca_id), status: str(it.status), type: str(it.type), common_name: str((it.distinguished_name as Record<string, unknown> | undefined)?.common_name), item: JSON.stringify(it) }, run, t),
      (d, t) => o.progress?.('PCA CA list', d, t),
    );
    const work = ws.read(() => store.caWork());
    const caExports = await download(
      ws,
      work.exports,
      conc,
      every,
      async (id) => (await pcaCall(client, 'POST', '/v1/private-certificate-authorities/{ca_id}/export', { params: { ca_id: id } })).json as { certificate?: string; certificate_chain?: string },
      (id, e) => store.setCaPem(id, { certificate: str(e.certificate), certificate_chain: str(e.certificate_chain), fingerprint: pemSha256(e.certificate) ?? '' }),
    );
    const csrs = await download(
      ws,
      work.csrs,
      conc,
      every,
      async (id) => (await pcaCall(client, 'GET', '/v1/private-certificate-authorities/{ca_id}/csr', { params: { ca_id: id } })).json as { csr?: string },
      (id, e) => store.setCaCsr(id, str(e.csr)),
    );
    report.pca_cas = { ...cas, exported: caExports.done, csrs: csrs.done, failed: [...caExports.failed, ...csrs.failed] };

    const certs = await listAll<Record<string, unknown>>(
      ws,
      store,
      'pca-cert',
      base,
      size,
      conc,
      now,
      async (offset) => {
        const r = await pcaCall(client, 'GET', '/v1/private-certificates', { query: { limit: String(size), offset: String(offset), sort_key: 'create_time', sort_dir: 'ASC' } });
        const b = r.json as { certificates?: Record<string, unknown>[]; total?: number };
        return { items: b.certificates ?? [], total: Number(b.total ?? 0) };
      },
      (it, run, t) => store.upsertCert({ certificate_id: str(it.certificate_id), status: str(it.status), issuer_id: it.issuer_id ? str(it.issuer_id) : null, common_name: str((it.distinguished_name as Record<string, unknown> | undefined)?.common_name), item: JSON.stringify(it) }, run, t),
      (d, t) => o.progress?.('PCA certificate list', d, t),
    );
    let certPem = { done: 0, failed: [] as string[] };
    if (o.pcaPem) {
      const ids = ws.read(() => store.certsNeedingPem());
      certPem = await download(
        ws,
        ids,
        conc,
        every,
        async (id) => (await pcaCall(client, 'POST', '/v1/private-certificates/{certificate_id}/export', { params: { certificate_id: id }, body: { is_compressed: 'false', type: 'OTHER' } })).json as { certificate?: string; certificate_chain?: string },
        // The answer may hold the key (a certificate applied for with a server-side key): only the certificate is kept.
        (id, e) => store.setCertPem(id, { certificate: str(e.certificate), certificate_chain: str(e.certificate_chain), fingerprint: pemSha256(e.certificate) ?? '' }),
        (d, t) => o.progress?.('PCA certificate export', d, t),
      );
    }
    report.pca_certs = { ...certs, exported: certPem.done, failed: certPem.failed };
  }

  report.requests = client.stats.requests - before.requests;
  report.retries = client.stats.retries - before.retries;
  report.ms = Date.now() - started;
  return report;
}
