// Group commit for concurrent writes: each commit of a workspace is an fsync
// (synchronous=FULL), a few milliseconds, and it dominates an import. Writes
// queued while one batch commits go together into the next transaction; each
// keeps its own savepoint, so one refused write (a duplicate) does not undo
// the others, and each caller is answered only once its batch is on disk.

import { CcmError } from '../../engine/errors.js';
import type { Workspace } from '../../store/workspace.js';

interface Pending {
  work: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly ws: Workspace,
    private readonly maxBatch = 256,
  ) {}

  /** Runs `work` inside a shared write transaction; resolves after that transaction committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current I/O phase: the requests already read join this batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const results: ({ ok: true; v: unknown } | { ok: false; e: unknown })[] = [];
    try {
      this.ws.tx(() => {
        for (const p of batch) {
          try {
            // A nested transaction is a savepoint: a refusal rolls back this write only.
            results.push({ ok: true, v: this.ws.db.transaction(p.work)() });
          } catch (e) {
            if (!(e instanceof CcmError)) throw e;
            results.push({ ok: false, e });
          }
        }
      });
    } catch (e) {
      // The transaction failed as a whole (disk full, a lock): nothing of the batch was written.
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.v);
      else p.reject(r.e);
    });
  }
}
