// Worker thread for `csr parse` batches (see parallel.ts): receives chunks of
// CSR objects packed into one buffer, answers with the rendered text.

import { parentPort } from 'node:worker_threads';
import { renderCsrs, verifyInThread } from './csr-parse-render.js';
import { unpackJobs, type PackedJobs } from './csr-parse-pack.js';

const port = parentPort!;
port.on('message', async (m: { id: number; data: PackedJobs }) => {
  try {
    port.postMessage({ id: m.id, result: await renderCsrs(unpackJobs(m.data), m.data.json, verifyInThread) });
  } catch (e) {
    port.postMessage({ id: m.id, fatal: `worker: ${(e as Error)?.message ?? String(e)}` });
  }
});
port.postMessage({ ready: true });
