// A chunk of CSR jobs as one message: every DER copied into one ArrayBuffer
// that is transferred, not cloned (cloning each Buffer would copy the whole
// 8 KiB pool slab it is a view of).

import type { ObjectKind } from '../api/inputs.js';
import type { CsrJob } from './csr-parse-render.js';

export interface PackedJobs {
  json: boolean;
  sources: string[];
  kinds: ObjectKind[];
  /** End offset of each DER in `bytes`. */
  ends: Uint32Array;
  bytes: Uint8Array;
}

export function packJobs(jobs: readonly CsrJob[], json: boolean): { data: PackedJobs; transfer: ArrayBuffer[] } {
  let total = 0;
  for (const j of jobs) total += j.der.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(jobs.length);
  let at = 0;
  jobs.forEach((j, i) => {
    bytes.set(j.der, at);
    at += j.der.length;
    ends[i] = at;
  });
  return {
    data: { json, sources: jobs.map((j) => j.source), kinds: jobs.map((j) => j.kind), ends, bytes },
    transfer: [bytes.buffer as ArrayBuffer, ends.buffer as ArrayBuffer],
  };
}

export function unpackJobs(p: PackedJobs): CsrJob[] {
  const buf = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.length);
  const jobs: CsrJob[] = new Array(p.sources.length);
  let start = 0;
  for (let i = 0; i < jobs.length; i++) {
    const end = p.ends[i]!;
    jobs[i] = { source: p.sources[i]!, kind: p.kinds[i]!, der: buf.subarray(start, end) };
    start = end;
  }
  return jobs;
}
