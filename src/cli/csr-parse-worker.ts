// Worker thread for `csr parse` batches (see parallel.ts): receives chunks of
// CSR objects packed into one buffer, answers with the rendered text.

import { parentPort } from 'node:worker_threads';
import { renderCsrs, verifyEach, type Rendered } from './csr-parse-render.js';
import { unpackJobs, type PackedJobs } from './csr-parse-pack.js';

const port = parentPort!;
port.on('message', (m: { id: number; data: PackedJobs }) => {
  try {
    const r = renderCsrs(unpackJobs(m.data), m.data.json, verifyEach) as Rendered;
    port.postMessage({ id: m.id, result: r });
  } catch (e) {
    port.postMessage({ id: m.id, fatal: `worker: ${(e as Error)?.message ?? String(e)}` });
  }
});
port.postMessage({ ready: true });
