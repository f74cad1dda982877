// A worker thread of the batch issuer (issue-pool.ts): validates, builds and
// signs issue-via-CSR bodies with prepareFromCsr, the function the main thread
// uses for a single request. It never touches the database: the main thread
// resolves issuers (and opens their keys), draws the random bytes, and commits.

import { parentPort } from 'node:worker_threads';
import { CcmError } from '../../engine/errors.js';
import { errorData, errorFrom, prepareFromCsr, type IssuerInfo } from './issue-csr.js';
import type { WorkerRequest, WorkerResult } from './issue-pool.js';

const issuers = new Map<string, IssuerInfo>();

parentPort!.on('message', (m: WorkerRequest) => {
  for (const x of m.issuers) issuers.set(x.ca_id, x);
  const out: WorkerResult[] = m.items.map((it) => {
    const issuer = it.issuerError ? { error: errorFrom(it.issuerError) } : it.issuerId ? issuers.get(it.issuerId) : undefined;
    try {
      return { i: it.i, p: prepareFromCsr(it.body, issuer, m.now, it.rnd) };
    } catch (e) {
      if (e instanceof CcmError) return { i: it.i, err: errorData(e) };
      return { i: it.i, fatal: String((e as Error)?.stack ?? e).slice(0, 2000) };
    }
  });
  parentPort!.postMessage({ id: m.id, out });
});
