// Splits a batch into chunks that this thread and a few worker threads work
// through together, and hands the results back in chunk order as soon as each
// is ready (so output streams, and stays in input order).
//
// Why worker threads: for `csr parse` on thousands of CSRs the main thread's
// own work (parsing, key import, reports, JSON) is what limits the rate, not
// the signature maths; libuv's pool only offloads the latter. Workers are
// started only for batches above a measured crossover (benchmarks/
// csr-parse-cli.ts), so a single CSR never pays for one. A worker gets chunks
// only once it has loaded and said so, two at a time, so the main thread never
// waits on a chunk queued behind a worker's start-up.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

/** Worker threads to use besides the main one: CCMKIT_WORKERS, else one per spare core (at most 7). */
export function workerBudget(): number {
  const env = process.env.CCMKIT_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 64);
  return Math.max(0, Math.min(availableParallelism() - 1, 7));
}

export interface ChunkRunner<R> {
  chunks: number;
  workers: number;
  workerUrl: URL;
  /** The message for chunk i and the buffers it transfers. */
  message: (i: number) => { data: unknown; transfer: ArrayBuffer[] };
  /** Chunk i on this thread. */
  local: (i: number) => R | Promise<R>;
  /** Results, in chunk order. */
  emit: (r: R) => void;
}

type FromWorker<R> = { ready: true } | { id: number; result: R } | { id: number; fatal: string };

export async function runChunks<R>(o: ChunkRunner<R>): Promise<void> {
  const done = new Map<number, R>();
  let next = 0;
  let emitted = 0;
  let failure: Error | undefined;
  const flush = (): void => {
    while (done.has(emitted)) {
      const r = done.get(emitted)!;
      done.delete(emitted++);
      o.emit(r);
    }
  };
  let wake: (() => void) | undefined;
  const pool: Worker[] = [];
  const give = (w: Worker): void => {
    if (next >= o.chunks || failure) return;
    const i = next++;
    const m = o.message(i);
    w.postMessage({ id: i, data: m.data }, m.transfer);
  };
  const spawn = Math.min(o.workers, o.chunks - 1);
  // Loaded only when used: a single CSR should not pay for the module.
  const WorkerClass = spawn > 0 ? (await import('node:worker_threads')).Worker : undefined;
  for (let k = 0; k < spawn; k++) {
    const w = new WorkerClass!(o.workerUrl);
    pool.push(w);
    w.on('message', (m: FromWorker<R>) => {
      if ('ready' in m) {
        give(w);
        give(w);
      } else if ('fatal' in m) {
        failure ??= new Error(m.fatal);
      } else {
        done.set(m.id, m.result);
        give(w);
      }
      wake?.();
    });
    w.on('error', (e) => {
      failure ??= e;
      wake?.();
    });
  }
  // CCMKIT_PARALLEL_MAIN=0 (tests only) leaves every chunk to the workers, so they are sure to run.
  const mainTakes = pool.length === 0 || process.env.CCMKIT_PARALLEL_MAIN !== '0';
  try {
    // This thread takes chunks too, yielding between them so worker results and requests are handled.
    while (mainTakes && next < o.chunks && !failure) {
      const i = next++;
      done.set(i, await o.local(i));
      flush();
      if (pool.length) await new Promise((r) => setImmediate(r));
    }
    while (emitted < o.chunks && !failure) {
      flush();
      if (emitted < o.chunks) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      flush();
    }
    if (failure) throw failure;
  } finally {
    // Workers hold no state worth waiting for; unref so exit is not delayed by their teardown.
    for (const w of pool) {
      w.unref();
      void w.terminate();
    }
  }
}
