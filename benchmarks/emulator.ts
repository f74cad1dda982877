// benchmarks/emulator: the emulator under load, with autocannon, on loopback.
//
// 1. GET list (limit 50) and GET show, AK/SK-signed (every request is
//    authenticated exactly as in production: signature, skew, domain), over
//    500 stored certificates: requests/s, p50/p99 latency, errors. Goal: at
//    least 1,500 req/s with 0 errors.
// 2. Signed POST imports from 50 concurrent connections, every body a
//    different certificate and every request freshly signed: afterwards the
//    rows are counted in the workspace database. Every 200 answer must be
//    exactly one row (certificate IDs answered = rows added = distinct
//    fingerprints), and nothing else may have been stored.
// Comparator, same run, same autocannon settings: a bare node:http server
//    answering a fixed JSON body (the ceiling of this machine for one Node
//    process, without routing, authentication or SQLite).
//
// The emulator runs as the real binary (`ccmkit emulator`) in its own
// process; autocannon runs here. Load average is printed with the figures.
//
// Run: npx tsx benchmarks/emulator.ts   (EMULATOR_BENCH_SECONDS, EMULATOR_BENCH_IMPORTS)
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { newCredentials, type Credentials } from '../src/server/credentials.js';
import { formatSdkDate, signRequest } from '../src/sync/signing.js';
import { importMaterial } from '../test/helpers/emulator.js';
import { DATA, result, ROOT } from './lib.js';

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface Result {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.env.EMULATOR_BENCH_SECONDS ?? 10);
const IMPORTS = Number(process.env.EMULATOR_BENCH_IMPORTS ?? 2000);
const SEED = 500;
const PASS = 'emulator benchmark passphrase';
const dir = join(DATA, 'emulator');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const ws = join(dir, 'ws');
const credFile = join(dir, 'creds.json');
const env = { ...process.env, CCMKIT_PASSPHRASE: PASS };
const bin = join(ROOT, 'bin/ccmkit');

function sh(args: string[]): void {
  const r = spawnSync(bin, args, { env });
  if (r.status !== 0) throw new Error(`ccmkit ${args.join(' ')}: ${r.stderr.toString()}`);
}

sh(['workspace', 'init', ws]);
const creds: Credentials = newCredentials();
writeFileSync(credFile, JSON.stringify(creds), { mode: 0o600 });
const key = creds.access_keys[0]!;

/** Signed headers for one request, as the Go SDK signs (no host: autocannon writes Host itself). */
function signed(method: string, path: string, body: string, query: [string, string][] = []): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-domain-id': creds.domain_id, 'x-sdk-date': formatSdkDate(new Date()) };
  return { ...headers, ...signRequest({ method, path, query, headers, body }, { ak: key.access, sk: key.secret, at: new Date() }) };
}

async function startEmulator(): Promise<{ url: string; stop: () => Promise<void> }> {
  // The access log goes to a file: writing 30,000 lines to a terminal would measure the terminal.
  const child = spawn(bin, ['emulator', '--workspace', ws, '--credentials', credFile, '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => log.push(d));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`emulator exited ${c}: ${Buffer.concat(log).toString()}`)));
  });
  const url = (JSON.parse(line) as { url: string }).url;
  return {
    url,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => {
          writeFileSync(join(dir, 'access.log'), Buffer.concat(log));
          r();
        });
        child.kill('SIGTERM');
      }),
  };
}

function summary(name: string, r: Result): Record<string, number | string> {
  const errors = r.errors + r.timeouts + r.non2xx;
  const line = {
    run: name,
    req_per_s: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    total: r.requests.total,
    errors,
  };
  console.log(`${name.padEnd(44)} ${String(line.req_per_s).padStart(6)} req/s   p50 ${line.p50_ms} ms   p99 ${line.p99_ms} ms   ${line.total} requests   ${errors} errors`);
  return line;
}

async function main(): Promise<void> {
  const emu = await startEmulator();
  const results: Record<string, unknown>[] = [];
  try {
    // Seed: 500 certificates to list and show.
    const seedBodies = Array.from({ length: SEED }, (_, i) => JSON.stringify(importMaterial(`seed${i}.bench.example.com`).body));
    let seeded = 0;
    const seedIds: string[] = [];
    await autocannon({
      url: emu.url,
      connections: 10,
      amount: SEED,
      requests: [
        {
          method: 'POST',
          path: '/v3/scm/certificates/import',
          setupRequest: (req: RawRequest) => {
            const body = seedBodies[seeded++ % SEED]!;
            return { ...req, body, headers: signed('POST', '/v3/scm/certificates/import', body) };
          },
          onResponse: (status: number, body: string) => {
            if (status === 200) seedIds.push((JSON.parse(body) as { certificate_id: string }).certificate_id);
          },
        },
      ],
    });
    if (seedIds.length !== SEED) throw new Error(`seeding stored ${seedIds.length} of ${SEED}`);
    const showId = seedIds[250]!;

    console.log(`load average before the runs: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores)`);
    const listQuery: [string, string][] = [['limit', '50'], ['offset', '0']];
    const list = await autocannon({
      url: emu.url,
      connections: 20,
      duration: SECONDS,
      requests: [{ method: 'GET', path: '/v3/scm/certificates?limit=50&offset=0', setupRequest: (req: RawRequest) => ({ ...req, headers: signed('GET', '/v3/scm/certificates', '', listQuery) }) }],
    });
    results.push(summary('emulator GET list (limit 50, signed)', list));
    const show = await autocannon({
      url: emu.url,
      connections: 20,
      duration: SECONDS,
      requests: [{ method: 'GET', path: `/v3/scm/certificates/${showId}`, setupRequest: (req: RawRequest) => ({ ...req, headers: signed('GET', `/v3/scm/certificates/${showId}`, '') }) }],
    });
    results.push(summary('emulator GET show (signed)', show));

    // Imports from 50 concurrent connections, each body a distinct certificate.
    const bodies = Array.from({ length: IMPORTS }, (_, i) => JSON.stringify(importMaterial(`i${i}.bench.example.com`).body));
    const before = countRows();
    let next = 0;
    const answered: string[] = [];
    const imp = await autocannon({
      url: emu.url,
      connections: 50,
      amount: IMPORTS,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          path: '/v3/scm/certificates/import',
          setupRequest: (req: RawRequest) => {
            const body = bodies[next++]!;
            return { ...req, body, headers: signed('POST', '/v3/scm/certificates/import', body) };
          },
          onResponse: (status: number, body: string) => {
            if (status === 200) answered.push((JSON.parse(body) as { certificate_id: string }).certificate_id);
          },
        },
      ],
    });
    results.push(summary('emulator POST import x50 concurrent (signed)', imp));
    const after = countRows();
    const distinctIds = new Set(answered).size;
    const check = { imports_sent: IMPORTS, answered_200: answered.length, distinct_ids: distinctIds, rows_added: after.rows - before.rows, distinct_fingerprints_added: after.fingerprints - before.fingerprints };
    console.log(`imports: ${JSON.stringify(check)} -> ${check.answered_200 === IMPORTS && check.rows_added === IMPORTS && distinctIds === IMPORTS && check.distinct_fingerprints_added === IMPORTS ? 'every import stored exactly once' : 'MISMATCH'}`);
    results.push({ run: 'import row count', ...check });
  } finally {
    await emu.stop();
  }

  // The ceiling: a bare node:http server with a fixed JSON answer, same settings, same machine, same run.
  const body = JSON.stringify({ certificates: [], total_count: 0 });
  const bare = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  // Run it in a child process like the emulator, so autocannon and the server do not share a thread.
  bare.close();
  const child = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>{s.setHeader('Content-Type','application/json');s.end(${JSON.stringify(body)})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
  const ceiling = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 20, duration: SECONDS });
  child.kill();
  results.push(summary('bare node:http fixed JSON (ceiling)', ceiling));
  // RESULT lines for run-all.sh: each emulator figure against the bare server's ceiling.
  const top = Math.round(ceiling.requests.average);
  for (const r of results) {
    if (typeof r.req_per_s === 'number' && r.run !== 'bare node:http fixed JSON (ceiling)') {
      result({ figure: `${String(r.run)} (p99 ${String(r.p99_ms)} ms)`, unit: 'req/s', ours: r.req_per_s, comparator: 'bare node:http', theirs: top, ratio: r.req_per_s / top });
    }
    if (r.run === 'import row count') result({ figure: 'emulator concurrent imports stored exactly once', unit: 'rows', ours: Number(r.rows_added), goal: `${IMPORTS} rows`, met: r.rows_added === IMPORTS && r.distinct_ids === IMPORTS });
  }
  console.log(`load average after the runs: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores)`);
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ load_average: loadavg(), results }, null, 2));
}

function countRows(): { rows: number; fingerprints: number } {
  const db = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    const r = db.prepare('SELECT count(*) AS rows, count(DISTINCT fingerprint) AS fingerprints FROM scm_cert').get() as { rows: number; fingerprints: number };
    return r;
  } finally {
    db.close();
  }
}

await main();
