import { statSync } from 'node:fs';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { WorkBudget, type InputObject, type InputProblem } from '../../api/inputs.js';
import { parseArgs } from '../args.js';
import { packJobs } from '../csr-parse-pack.js';
import { errorHuman, errorJson, renderCsrs, verifyInThread, type CsrJob, type Rendered } from '../csr-parse-render.js';
import { JSON_FLAG } from '../flags.js';
import { err as errLine } from '../io.js';
import { openFiles } from '../load.js';
import { runChunks, startWorkers, workerBudget } from '../parallel.js';

export const help = `Usage: ccmkit csr parse FILE... [--json]

Parses PKCS#10 CSRs into CCM's "Parsing a CSR" response
(POST /v1/private-certificates/csr/parse, ccm-api-reference 4.2.2.4), and adds
subject_alternative_names, key_usage, extended_key_usage, basic_constraints,
signature_valid and findings (CCM policy problems with their error codes).

FILE may be PEM (one or many blocks, "CERTIFICATE REQUEST" or
"NEW CERTIFICATE REQUEST"), DER, a JSON body such as {"csr": "..."}, or a zip
of such files (files holding no PKI object are skipped and named).
Use - for standard input.

Options:
  --json     one JSON object per CSR, one per line, each with a "source" field
  -h, --help this help

Examples:
  ccmkit csr parse server.csr
  ccmkit csr parse --json *.csr | jq -r 'select(.signature_valid|not) .source'
  echo '{"csr":"-----BEGIN CERTIFICATE REQUEST-----\\n..."}' | ccmkit csr parse -

Large batches (1,024 CSRs or more) are parsed by this thread and worker
threads together; the output is the same, in the same order.

Environment:
  CCMKIT_WORKERS=N  worker threads for large batches (default: one per spare
                    core, at most 7; 0: none)

Exit codes:
  0  every CSR parsed, has a valid signature and fits CCM's policy
  1  a CSR's signature is invalid or it is outside CCM's policy, an input is
     not a CSR at all, or a file is missing or unreadable
  2  usage error`;

/**
 * Below this many CSRs everything stays on the main thread. A worker is ready
 * some 20-40 ms after it is started (its own isolate, code and JIT warm-up),
 * and only helps once the batch outlasts that: about 1,000 RSA CSRs or 500 EC
 * ones on one thread. Measured with benchmarks/csr-parse-cli.ts (crossover
 * section; on a loaded 2-core machine workers only won from about 2,000).
 */
export const PARALLEL_MIN = 1024;

/** CSRs per chunk when the batch is split across threads. */
const CHUNK = 128;

/** About the smallest PEM CSR (EC P-256, a short name, no extensions): a file may hold one CSR per this many bytes. */
const MIN_CSR_PEM_BYTES = 400;

/** Files opened per call while reading (see `more`). */
const FILES_PER_READ = 32;

const WORKER_URL = (): URL => new URL('../csr-parse-worker.js', import.meta.url);

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG });
  if (p.positionals.length === 0) throw usageError('csr parse needs at least one FILE');
  const json = p.bool.has('json');
  const paths = p.positionals;
  const min = Number(process.env.CCMKIT_PARALLEL_MIN ?? PARALLEL_MIN);
  const loaded = { objects: [] as InputObject[], problems: [] as InputProblem[], missing: [] as InputProblem[], skipped: [] as { source: string; label: string }[] };
  // Each CSR is parsed, verified and rendered in input order, in chunks, by
  // this thread alone or with worker threads (parallel.ts); the output is the same.
  const jobs: CsrJob[] = loaded.objects;
  // One work budget for the whole command, however the files are read.
  const budget = new WorkBudget();
  let read = 0;
  /** Reads files (zips of CSRs opened) until another chunk is full; false when none are left. */
  const more = async (): Promise<boolean> => {
    const target = jobs.length + CHUNK;
    while (read < paths.length && jobs.length < target) {
      // A few files at a time: the opener's cost per call is more than a small file's.
      const group = paths.slice(read, read + FILES_PER_READ);
      read += group.length;
      const r = await openFiles(group, { budget });
      for (const k of ['objects', 'problems', 'missing', 'skipped'] as const) for (const x of r[k]) (loaded[k] as unknown[]).push(x);
    }
    return read < paths.length;
  };
  const chunks = (): number => (read < paths.length ? Math.floor(jobs.length / CHUNK) : Math.ceil(jobs.length / CHUNK));
  // A batch that may be large starts its workers now, so they load while the
  // files are read, and take chunks as soon as they fill.
  const estimate = mostCsrs(paths, min);
  let pool = estimate >= min ? await startWorkers(WORKER_URL(), Math.min(await workerBudget(), Math.ceil(estimate / CHUNK) - 1)) : undefined;
  if (!pool) {
    while (await more());
    // Only known now (stdin, zips, or files larger than they looked).
    if (jobs.length >= min && chunks() >= 2) pool = await startWorkers(WORKER_URL(), Math.min(await workerBudget(), chunks() - 1));
  }
  let worst = 0;
  // Output is collected and written in large pieces: one write per line costs more than the report.
  let out = '';
  let err = '';
  // docs/conventions.md: a missing file or an input that is not a CSR is exit 1, like a CSR outside policy.
  const fail = (e: CcmError): void => {
    if (json) out += errorJson(e);
    else err += errorHuman(e);
    worst = 1;
  };
  const flushOut = (): void => {
    if (err) process.stderr.write(err);
    if (out) process.stdout.write(out);
    out = err = '';
  };
  let first = true;
  const reportLoadErrors = (): void => {
    for (const m of loaded.missing) fail(m.error);
    for (const pr of loaded.problems) fail(pr.error);
  };
  const slice = (i: number): CsrJob[] => jobs.slice(i * CHUNK, (i + 1) * CHUNK);
  await runChunks<Rendered>({
    chunks,
    ...(read < paths.length ? { more } : {}),
    ...(pool ? { pool } : {}),
    message: (i) => packJobs(slice(i), json),
    local: (i) => renderCsrs(slice(i), json, verifyInThread),
    emit: (r) => {
      if (first) {
        // Files that could not be read, and inputs that are not objects, come first, as they always have.
        first = false;
        reportLoadErrors();
      }
      out += r.out;
      err += r.err;
      worst = Math.max(worst, r.worst);
      if (out.length > 1 << 20) flushOut();
    },
  });
  if (first) reportLoadErrors();
  flushOut();
  if (!json) for (const s of loaded.skipped) if (s.label.startsWith('no ')) errLine(`ccmkit: note: ${s.source} skipped: ${s.label}`);
  if (jobs.length === 0 && worst === 0) {
    fail(new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no CSR found in the input.'));
    flushOut();
  }
  return worst;
}

/**
 * The most CSRs these files may hold, from their number and sizes (stdin
 * counts as one: decided after reading). Sizes are looked at only when the
 * number alone does not reach `min`.
 */
function mostCsrs(paths: string[], min: number): number {
  if (paths.length >= min) return paths.length;
  let bytes = 0;
  for (const path of paths) {
    if (path === '-') continue;
    try {
      bytes += statSync(path).size;
    } catch {
      // Reading reports it.
    }
  }
  return Math.max(paths.length, Math.floor(bytes / MIN_CSR_PEM_BYTES));
}
