// Splits a batch into chunks that this thread and a few worker threads work
// through together, and hands the results back in chunk order as soon as each
// is ready (so output streams, and stays in input order).
//
// Why worker threads: for `csr parse` on thousands of CSRs the work per CSR
// (parsing, key import, signature check, report, JSON) all runs in JavaScript's
// thread or synchronously under it; libuv's pool would only take the signature
// maths, and submitting a job there costs about what an RSA verify does.
// Workers are started only for batches above a measured crossover
// (benchmarks/csr-parse-cli.ts), so a single CSR never pays for one; they can
// be started before the inputs are read, so their start-up overlaps it. A
// worker gets chunks only once it has loaded and said so, two at a time, so
// the main thread never waits on a chunk queued behind a worker's start-up.

import type { Worker } from 'node:worker_threads';

/** Worker threads to use besides the main one: CCMKIT_WORKERS, else one per spare core (at most 7). */
export async function workerBudget(): Promise<number> {
  const env = process.env.CCMKIT_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 64);
  const { availableParallelism } = await import('node:os');
  return Math.max(0, Math.min(availableParallelism() - 1, 7));
}

type FromWorker = { ready: true } | { id: number; result: unknown } | { id: number; fatal: string };

export interface WorkerPool {
  workers: Worker[];
  /** Workers that have loaded their code. */
  ready: Set<Worker>;
  failure?: Error;
  /** Set by runChunks while it runs. */
  onMessage?: (w: Worker, m: FromWorker) => void;
  onChange?: () => void;
  close(): void;
}

/** Starts up to `count` workers running `url` (none when count is 0). */
export async function startWorkers(url: URL, count: number): Promise<WorkerPool | undefined> {
  if (count <= 0) return undefined;
  // Loaded only when used: a single CSR should not pay for the module.
  const { Worker } = await import('node:worker_threads');
  const pool: WorkerPool = {
    workers: [],
    ready: new Set(),
    close() {
      // Workers hold no state worth waiting for; unref so exit is not delayed by their teardown.
      for (const w of this.workers) {
        w.unref();
        void w.terminate();
      }
    },
  };
  for (let k = 0; k < count; k++) {
    const w = new Worker(url);
    pool.workers.push(w);
    w.on('message', (m: FromWorker) => {
      if ('ready' in m) pool.ready.add(w);
      pool.onMessage?.(w, m);
      pool.onChange?.();
    });
    w.on('error', (e) => {
      pool.failure ??= e;
      pool.onChange?.();
    });
  }
  return pool;
}

export interface ChunkRunner<R> {
  /** Chunks that can be handed out so far; the final count once `more` has returned false. */
  chunks: () => number;
  /**
   * Reads more input on this thread, between the chunks it hands out, so
   * workers start on the first chunks while the rest is read; false once
   * everything is read. Results are emitted only after that.
   */
  more?: () => boolean | Promise<boolean>;
  pool?: WorkerPool;
  /** The message for chunk i and the buffers it transfers. */
  message: (i: number) => { data: unknown; transfer: ArrayBuffer[] };
  /** Chunk i on this thread. */
  local: (i: number) => R | Promise<R>;
  /** Results, in chunk order. */
  emit: (r: R) => void;
}

/** Chunks a worker may have queued: one running, one waiting, so it never idles between messages. */
const IN_FLIGHT = 2;

/** Runs every chunk once, here or in the pool's workers; closes the pool. */
export async function runChunks<R>(o: ChunkRunner<R>): Promise<void> {
  const pool = o.pool;
  const done = new Map<number, R>();
  let next = 0;
  let emitted = 0;
  let reading = o.more !== undefined;
  const failed = (): boolean => pool?.failure !== undefined;
  const flush = (): void => {
    if (reading) return;
    while (done.has(emitted)) {
      const r = done.get(emitted)!;
      done.delete(emitted++);
      o.emit(r);
    }
  };
  const inFlight = new Map<Worker, number>();
  let byWorkers = 0;
  const topUp = (w: Worker): void => {
    if (!pool?.ready.has(w)) return;
    while ((inFlight.get(w) ?? 0) < IN_FLIGHT && next < o.chunks() && !failed()) {
      const i = next++;
      const m = o.message(i);
      w.postMessage({ id: i, data: m.data }, m.transfer);
      inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
    }
  };
  let wake: (() => void) | undefined;
  if (pool) {
    pool.onMessage = (w, m) => {
      if ('fatal' in m) pool.failure ??= new Error(m.fatal);
      else if ('result' in m) {
        done.set(m.id, m.result as R);
        inFlight.set(w, inFlight.get(w)! - 1);
        byWorkers++;
      }
      topUp(w);
    };
    pool.onChange = () => wake?.();
  }
  const topUpAll = (): void => {
    for (const w of pool?.workers ?? []) topUp(w);
  };
  // CCMKIT_PARALLEL_MAIN=0 (tests only) leaves every chunk to the workers, so they are sure to run.
  const mainTakes = !pool || process.env.CCMKIT_PARALLEL_MAIN !== '0';
  const yieldToWorkers = (): Promise<unknown> => new Promise((r) => setImmediate(r));
  try {
    // Read, handing out chunks as they fill; then take chunks here too,
    // yielding between them so worker results and requests are handled.
    while (reading && !failed()) {
      reading = await o.more!();
      topUpAll();
      if (pool) await yieldToWorkers();
    }
    topUpAll();
    while (mainTakes && next < o.chunks() && !failed()) {
      const i = next++;
      done.set(i, await o.local(i));
      flush();
      if (pool) await yieldToWorkers();
    }
    while (emitted < o.chunks() && !failed()) {
      flush();
      if (emitted < o.chunks()) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      flush();
    }
    if (pool?.failure) throw pool.failure;
    if (process.env.CCMKIT_DEBUG) process.stderr.write(`ccmkit: debug: ${o.chunks()} chunks, ${byWorkers} by ${pool?.workers.length ?? 0} worker threads\n`);
  } finally {
    pool?.close();
  }
}
