// Test helpers for the sync client: the real emulator binary on a random
// port (a fresh workspace and account each), its access log, and the real
// ccmkit binary pointed at it. Proxy variables of the machine are cleared
// so a test talks to exactly what it set up.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { Credentials } from '../../src/server/credentials.js';
import { makeCredentials, makeWorkspace, PASSPHRASE, spawnEmulator, type Spawned } from './emulator.js';
import { ccmkitAsync, tempDir, type RunResult } from './run.js';

export interface Emu {
  url: string;
  port: number;
  dir: string;
  credsFile: string;
  credentials: Credentials;
  caFile?: string;
  spawned: Spawned;
  /** Parsed access-log lines of every request answered so far (waits for the log to catch up). */
  log(): Promise<LogLine[]>;
  /** Access-log lines of one method and path prefix. */
  count(method: string, pathPrefix: string): Promise<number>;
  /** Stops it (SIGTERM); its temporary folder is removed unless `keep` (for a restart on the same workspace). */
  stop(keep?: boolean): Promise<void>;
}

export interface LogLine {
  method: string;
  path: string;
  status: number;
  fault?: string;
  auth?: string;
}

export interface EmuOptions {
  faults?: string;
  tls?: boolean;
  tokenTtl?: number;
  /** Reuse this workspace (a restart); else a new one. */
  workspace?: string;
  credsFile?: string;
  /** A fixed port (a restart that clients should see as the same endpoint). */
  port?: number;
}

/** A clean environment for ccmkit: no proxies, no SDK credentials, the test passphrase. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(k) || k.startsWith('HUAWEICLOUD_SDK_') || k.startsWith('CCMKIT_')) continue;
    env[k] = v;
  }
  return { ...env, CCMKIT_PASSPHRASE: PASSPHRASE, XDG_CONFIG_HOME: '/nonexistent-ccmkit-test', ...extra };
}

export async function startEmu(o: EmuOptions = {}): Promise<Emu> {
  const t = tempDir('ccmkit-sync-emu-');
  const dir = o.workspace ?? makeWorkspace(join(t.dir, 'ws'));
  const credsFile = o.credsFile ?? join(t.dir, 'creds.json');
  const credentials = o.credsFile ? (JSON.parse(readFileSync(o.credsFile, 'utf8')) as Credentials) : makeCredentials(credsFile);
  const args = ['--workspace', dir, '--credentials', credsFile, '--port', String(o.port ?? 0)];
  if (o.faults) args.push('--faults', o.faults, '--faults-seed', '7');
  if (o.tls) args.push('--tls');
  if (o.tokenTtl) args.push('--token-ttl', String(o.tokenTtl));
  const spawned = await spawnEmulator(args, cleanEnv());
  const lines = (): LogLine[] =>
    spawned
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"request_id"') && l.includes('"method"'))
      .map((l) => JSON.parse(l) as LogLine);
  let barriers = 0;
  // A log line reaches this process a little after its answer reached the client. A request of our own,
  // whose line we wait for, proves every earlier line has arrived (one pipe, written in order).
  const caughtUp = async (): Promise<void> => {
    const path = `/ccmkit-test-barrier-${++barriers}`;
    const url = new URL(spawned.url);
    const ca = spawned.report.ca_file ? readFileSync(spawned.report.ca_file as string) : undefined;
    await new Promise<void>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)({ host: url.hostname, port: url.port, path, agent: false, ca }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    for (let i = 0; i < 500 && !spawned.stderr().includes(`"path":"${path}"`); i++) await new Promise((r) => setTimeout(r, 10));
  };
  const log = async (): Promise<LogLine[]> => {
    if (spawned.child.exitCode === null) await caughtUp();
    return lines().filter((l) => !l.path.startsWith('/ccmkit-test-barrier-'));
  };
  return {
    url: spawned.url,
    port: spawned.port,
    dir,
    credsFile,
    credentials,
    caFile: (spawned.report.ca_file as string | null) ?? undefined,
    spawned,
    log,
    count: async (method, prefix) => (await log()).filter((l) => l.method === method && l.path.startsWith(prefix)).length,
    async stop(keep = false) {
      if (spawned.child.exitCode === null) {
        spawned.child.kill('SIGTERM');
        await spawned.exited;
      }
      if (!o.workspace && !keep) t.cleanup();
    },
  };
}

/** --endpoint and --credentials for an emulator. */
export function conn(e: Emu): string[] {
  return ['--endpoint', e.url, '--credentials', e.credsFile, ...(e.caFile ? ['--ca-bundle', e.caFile] : [])];
}

/** Runs ccmkit (asynchronously: the test may serve a proxy meanwhile) in a clean environment. */
export function cc(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<RunResult> {
  return ccmkitAsync(args, { env: cleanEnv(env), input });
}

/** Parses stdout as JSON, with the whole run in the error when it is not. */
export function jsonOf(r: RunResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
