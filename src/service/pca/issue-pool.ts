// Batch issuance from CSRs on every core: worker threads validate, build and
// sign (prepareFromCsr, the same function a single request runs); the main
// thread reads the bodies, resolves issuers, draws the random bytes, and
// commits the results in input order, a group per transaction, emitting each
// answer only after its group is on disk. The answers are the ones
// issueCsrBatch gives in one thread, line for line.
//
// Why: verifying a CSR's signature and signing the certificate are most of
// the cost (an EC key import alone is ~150 us in Node), and they parallelise
// perfectly. Without the compiled worker (tests running the TypeScript
// sources) or with one worker, it falls back to issueCsrBatch.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CcmError } from '../../engine/errors.js';
import type { CaRow, CertRow } from '../../store/pca-store.js';
import { BatchInputError, commitGroup, issueCsrBatch, issuerOfBody, type BatchOptions, type Pending } from './cert.js';
import { nowMs, type PcaContext, type PcaResponse } from './context.js';
import { drawIssueRandom, errorFrom, prepareFromCsr, type ErrorData, type IssueRandom, type IssuerInfo, type IssuerOrError, type PreparedIssue } from './issue-csr.js';

export interface WorkerRequest {
  id: number;
  now: number;
  issuers: IssuerInfo[];
  items: { i: number; body: unknown; rnd: IssueRandom; issuerId?: string; issuerError?: ErrorData }[];
}

export type WorkerResult = { i: number; p: PreparedIssue } | { i: number; err: ErrorData } | { i: number; fatal: string };

/**
 * How a parallel batch issuance runs: worker threads, and bodies per message, on top of {@link BatchOptions}.
 *
 * @example
 * ```ts
 * await issueCsrBatchParallel(ctx, bodies, emit, { workers: 4, chunk: 64 } satisfies ParallelOptions);
 * ```
 */
export interface ParallelOptions extends BatchOptions {
  /** Worker threads; default the machine's available parallelism. 1 runs in this thread. */
  workers?: number;
  /** Bodies per message to a worker. */
  chunk?: number;
}

const WORKER = new URL('./issue-worker.js', import.meta.url);

/** Buffers come back from a worker as Uint8Arrays. */
function buf(u: Uint8Array | Buffer | null): Buffer | null {
  return u === null ? null : Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function revive(p: PreparedIssue): PreparedIssue {
  if (p.cert) p.cert = { ...p.cert, certificate: buf(p.cert.certificate)! } as CertRow;
  if (p.ca) p.ca = { ...p.ca, certificate: buf(p.ca.certificate), csr: buf(p.ca.csr) } as CaRow;
  return p;
}

/**
 * {@link issueCsrBatch} on every core: worker threads validate, build and sign;
 * this thread commits the results in input order, a group per transaction, and
 * emits each answer once its group is on disk. The answers are the ones
 * issueCsrBatch gives, line for line (it is what runs with one worker).
 *
 * @example
 * ```ts
 * const { issued } = await issueCsrBatchParallel(ctx, bodies, (i, r) => results.push([i, r]), { workers: 4 });
 * ```
 */
export async function issueCsrBatchParallel(
  ctx: PcaContext,
  bodies: Iterable<unknown>,
  emit: (index: number, r: PcaResponse | CcmError) => void,
  o: ParallelOptions = {},
): Promise<{ issued: number; failed: number }> {
  const n = Math.max(1, Math.min(o.workers ?? availableParallelism(), 16));
  if (n === 1 || !existsSync(fileURLToPath(WORKER))) return issueCsrBatch(ctx, bodies, emit, o);
  const group = Math.max(1, o.group ?? 256);
  const chunk = Math.max(1, o.chunk ?? 64);
  ctx.vault.unlock();

  const workers = Array.from({ length: n }, () => ({ w: new Worker(WORKER), seen: new Set<string>(), inflight: 0 }));
  const issuers = new Map<string, IssuerOrError>();
  const bodyOf = new Map<number, { body: unknown; issuer: IssuerOrError; now: number }>();
  const ready = new Map<number, { p?: Pending; err?: CcmError }>();
  const it = bodies[Symbol.iterator]();
  let index = 0;
  let exhausted = false;
  let committed = 0;
  let issued = 0;
  let failed = 0;
  let nextId = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;

  const onMessage = (slot: (typeof workers)[number]) => (m: { id: number; out: WorkerResult[] }) => {
    slot.inflight--;
    for (const r of m.out) {
      const src = bodyOf.get(r.i)!;
      if ('p' in r) ready.set(r.i, { p: { p: revive(r.p), redo: (rnd) => prepareFromCsr(src.body, src.issuer, src.now, rnd) } });
      else if ('err' in r) ready.set(r.i, { err: errorFrom(r.err) });
      else failure ??= new Error(`issue worker: ${r.fatal}`);
    }
    wake?.();
  };
  for (const slot of workers) {
    slot.w.on('message', onMessage(slot));
    slot.w.on('error', (e) => {
      failure ??= e;
      wake?.();
    });
  }

  /** Reads up to `chunk` bodies and sends them to the least busy worker. */
  const dispatch = (): boolean => {
    const items: WorkerRequest['items'] = [];
    const now = nowMs(ctx);
    while (items.length < chunk) {
      const next = it.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const i = index++;
      if (next.value instanceof BatchInputError) {
        ready.set(i, { err: next.value.error });
        continue;
      }
      const issuer = issuerOfBody(ctx, next.value, issuers);
      bodyOf.set(i, { body: next.value, issuer, now });
      const item: WorkerRequest['items'][number] = { i, body: next.value, rnd: drawIssueRandom(ctx.random) };
      if (issuer && 'error' in issuer) item.issuerError = { status: issuer.error.status, code: issuer.error.code, message: issuer.error.message, ...(issuer.error.source ? { source: issuer.error.source } : {}) };
      else if (issuer) item.issuerId = issuer.ca_id;
      items.push(item);
    }
    if (!items.length) return false;
    const slot = workers.reduce((a, b) => (b.inflight < a.inflight ? b : a));
    const fresh: IssuerInfo[] = [];
    for (const x of items) {
      if (x.issuerId && !slot.seen.has(x.issuerId)) {
        slot.seen.add(x.issuerId);
        fresh.push(issuers.get(x.issuerId) as IssuerInfo);
      }
    }
    slot.inflight++;
    slot.w.postMessage({ id: nextId++, now, issuers: fresh, items } satisfies WorkerRequest);
    return true;
  };

  /** Commits every complete group from the front, in input order. */
  const commitReady = (): void => {
    for (;;) {
      const end = Math.min(committed + group, index);
      if (end === committed || (!exhausted && end - committed < group)) return;
      for (let i = committed; i < end; i++) if (!ready.has(i)) return;
      const batch = Array.from({ length: end - committed }, (_, k) => ({ i: committed + k, ...ready.get(committed + k)! })) as { i: number; p?: Pending; err?: CcmError; done?: PreparedIssue }[];
      commitGroup(ctx, batch);
      for (const item of batch) {
        ready.delete(item.i);
        bodyOf.delete(item.i);
        if (item.done) {
          issued++;
          emit(item.i, { status: 200, body: { certificate_id: item.done.id } });
        } else {
          failed++;
          emit(item.i, item.err!);
        }
      }
      committed = end;
      o.onCommit?.();
    }
  };

  try {
    // Enough work queued that the workers keep signing while the main thread waits for a commit's fsync.
    const maxInflight = n * 8;
    for (;;) {
      if (failure) throw failure;
      while (!exhausted && workers.reduce((s, w) => s + w.inflight, 0) < maxInflight && index - committed < group * 2 + chunk * maxInflight) {
        if (!dispatch()) break;
      }
      commitReady();
      if (exhausted && committed === index) break;
      if (workers.every((w) => w.inflight === 0)) {
        // Nothing in flight: what remains is ready (input errors) or more input must be read.
        if (!exhausted) continue;
        commitReady();
        if (committed === index) break;
        throw new Error('issue pool: results missing');
      }
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
    return { issued, failed };
  } finally {
    await Promise.all(workers.map((s) => s.w.terminate()));
  }
}
