// A worker thread of the batch issuer (issue-pool.ts): validates, builds and
// signs issue-via-CSR bodies with prepareFromCsr, the function the main thread
// uses for a single request. It never touches the database: the main thread
// resolves issuers (and opens their keys), draws the random bytes, and commits.
//
// Each message's CSRs are parsed first and their EC keys imported together by
// WebCrypto's raw route (publicKeyObjectRaw: the same on-curve check, without
// OpenSSL's redundant order multiplication and the provider export at verify),
// then each body is finished as before. The CSR's signature is still checked,
// by readCsrString, with that key; a key the raw route refuses is imported the
// usual way there, so verdicts and messages are the ones a single request gets.

import { parentPort } from 'node:worker_threads';
import { parseCsrString, type PreparsedCsr } from '../../ccm/csr-bodies.js';
import { CcmError } from '../../engine/errors.js';
import { publicKeyObjectRaw } from '../../engine/publickey.js';
import { errorData, errorFrom, prepareFromCsr, type IssuerInfo } from './issue-csr.js';
import type { WorkerRequest, WorkerResult } from './issue-pool.js';

const issuers = new Map<string, IssuerInfo>();

/** The body's csr parsed ahead, when it is a string at all (anything else is the pre-flight's to report). */
function preparse(body: unknown): PreparsedCsr | undefined {
  const text = typeof body === 'object' && body !== null ? (body as { csr?: unknown }).csr : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    return { text, parsed: parseCsrString(text) };
  } catch {
    // Left to prepareFromCsr, which parses again inside the per-body error handling.
    return undefined;
  }
}

async function handle(m: WorkerRequest): Promise<void> {
  for (const x of m.issuers) issuers.set(x.ca_id, x);
  const pres = m.items.map((it) => (it.issuerError || !it.issuerId ? undefined : preparse(it.body)));
  const keys = await Promise.all(pres.map((p) => (p && 'csr' in p.parsed ? publicKeyObjectRaw(p.parsed.csr.publicKey) : undefined)));
  const out: WorkerResult[] = m.items.map((it, k) => {
    const issuer = it.issuerError ? { error: errorFrom(it.issuerError) } : it.issuerId ? issuers.get(it.issuerId) : undefined;
    const pre = pres[k];
    const key = keys[k];
    try {
      return { i: it.i, p: prepareFromCsr(it.body, issuer, m.now, it.rnd, pre && key ? { ...pre, key } : pre) };
    } catch (e) {
      if (e instanceof CcmError) return { i: it.i, err: errorData(e) };
      return { i: it.i, fatal: String((e as Error)?.stack ?? e).slice(0, 2000) };
    }
  });
  parentPort!.postMessage({ id: m.id, out });
}

parentPort!.on('message', (m: WorkerRequest) => {
  handle(m).catch((e: unknown) => {
    // Not a verdict on a body (those are answered above): a bug, reported as such for every item.
    parentPort!.postMessage({ id: m.id, out: m.items.map((it) => ({ i: it.i, fatal: String((e as Error)?.stack ?? e).slice(0, 2000) })) });
  });
});
