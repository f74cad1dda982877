// Test helpers for the emulator: a workspace, an account, a running emulator
// (in this process, or the real binary), and a client that signs requests
// with SDK-HMAC-SHA256 and talks real HTTP.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { newCredentials, type Credentials } from '../../src/server/credentials.js';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/server/emulator.js';
import { pcaMounts } from '../../src/server/pca-mount.js';
import { newKdfRecord } from '../../src/store/vault.js';
import { initWorkspace } from '../../src/store/workspace.js';
import { formatSdkDate, signRequest } from '../../src/sync/signing.js';
import { issue, key, pem, type Issued } from './pki.js';
import { BIN } from './run.js';

export const PASSPHRASE = 'emulator test passphrase';

/** A workspace as `workspace init` makes it (fewer KDF iterations: tests open many). */
export function makeWorkspace(dir: string): string {
  const ws = initWorkspace(dir, { kdf: JSON.stringify(newKdfRecord(PASSPHRASE, randomBytes, 20_000)) }, { at: new Date() });
  ws.close();
  return dir;
}

export function makeCredentials(file?: string): Credentials {
  const c = newCredentials();
  if (file) writeFileSync(file, JSON.stringify(c, null, 2), { mode: 0o600 });
  return c;
}

export async function startInProcess(dir: string, credentials: Credentials, o: Partial<StartOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({ workspace: dir, credentials, passphrase: () => PASSPHRASE, port: 0, mounts: await pcaMounts(), log: () => undefined, ...o });
}

// ---- the real binary -----------------------------------------------------------------------

export interface Spawned {
  child: ChildProcess;
  url: string;
  port: number;
  report: Record<string, unknown>;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `ccmkit emulator --json` and waits for its start-up line. */
export function spawnEmulator(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Spawned> {
  const child = spawn(BIN, ['emulator', '--json', ...args], { env: { ...process.env, CCMKIT_PASSPHRASE: PASSPHRASE, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 30_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const report = JSON.parse(line) as Record<string, unknown>;
      resolve({ child, url: report.url as string, port: report.port as number, report, stderr: () => err, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before starting: ${err}`));
    });
  });
}

// ---- a signing client ------------------------------------------------------------------------

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: any;
}

export interface CallOptions {
  query?: [string, string][];
  /** An object is sent as compact JSON; a Buffer or string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How to authenticate: the permanent key (default), the temporary key, a token, or not at all. */
  auth?: 'aksk' | 'temporary' | { token: string } | 'none';
  /** Sign at this instant (default now). */
  at?: Date;
  /** Change the request after signing (tests of tampering). */
  tamper?: (r: { method: string; path: string; query: string; headers: Record<string, string>; body: Buffer }) => void;
  ca?: string | Buffer;
}

export function bodyBytes(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly credentials: Credentials,
    readonly ca?: string | Buffer,
  ) {}

  async call(method: string, path: string, o: CallOptions = {}): Promise<Reply> {
    const url = new URL(this.baseUrl);
    const host = url.host;
    const body = bodyBytes(o.body);
    const query = new URLSearchParams(o.query ?? []).toString().replace(/\+/g, '%20');
    const headers: Record<string, string> = { 'content-type': 'application/json', host, ...(o.headers ?? {}) };
    const auth = o.auth ?? 'aksk';
    if (auth === 'aksk' || auth === 'temporary') {
      const k = this.credentials.access_keys[auth === 'aksk' ? 0 : 1]!;
      if (!('x-domain-id' in Object.fromEntries(Object.entries(headers).map(([a, b]) => [a.toLowerCase(), b])))) headers['X-Domain-Id'] = this.credentials.domain_id;
      if (k.security_token) headers['X-Security-Token'] = k.security_token;
      headers['X-Sdk-Date'] ??= formatSdkDate(o.at ?? new Date());
      Object.assign(headers, signRequest({ method, path, query: o.query ?? [], headers, body }, { ak: k.access, sk: k.secret, at: o.at ?? new Date() }));
    } else if (auth !== 'none') {
      headers['X-Auth-Token'] = auth.token;
    }
    const r = { method, path, query, headers, body };
    o.tamper?.(r);
    return send(this.baseUrl, r.method, r.path + (r.query ? `?${r.query}` : ''), r.headers, r.body, o.ca ?? this.ca);
  }

  async token(): Promise<string> {
    const c = this.credentials;
    const r = await this.call('POST', '/v3/auth/tokens', {
      auth: 'none',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: c.user.name, password: c.user.password, domain: { name: c.domain_name } } } }, scope: { domain: { name: c.domain_name } } } },
    });
    if (r.status !== 201) throw new Error(`token login failed: ${r.status} ${r.raw.toString()}`);
    return r.headers['x-subject-token'] as string;
  }
}

/** One HTTP request with exactly these headers and body bytes (Node adds only Content-Length and Connection). */
export function send(base: string, method: string, pathAndQuery: string, headers: Record<string, string>, body: Buffer, ca?: string | Buffer): Promise<Reply> {
  const url = new URL(base);
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (body.length || method === 'POST' || method === 'PUT') h['content-length'] = body.length;
    const r = req({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers: h, agent: false, ca, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = raw.length && /json/.test(String(res.headers['content-type'])) ? JSON.parse(raw.toString()) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, json });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

// ---- certificates to import ------------------------------------------------------------------

export interface ImportMaterial {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
  body: { name: string; certificate: string; certificate_chain: string; private_key: string };
}

const DAY = 86_400_000;

/** A leaf + intermediate + root valid around the real clock (the emulator checks expiry against it). */
export function importMaterial(cn = 'www.example.com', o: { alg?: 'EC256' | 'RSA2048'; keyFormat?: 'pkcs8' | 'pkcs1' | 'sec1'; name?: string; sans?: string[] } = {}): ImportMaterial {
  const nb = new Date(Date.now() - DAY);
  const na = new Date(Date.now() + 365 * DAY);
  const root = issue({ cn: 'Emulator Test Root', ca: true, key: key('EC256', 901), notBefore: nb, notAfter: new Date(na.getTime() + DAY) });
  const intermediate = issue({ cn: 'Emulator Test CA', ca: true, pathLength: 0, issuer: root, key: key('EC256', 902), notBefore: nb, notAfter: new Date(na.getTime() + DAY) });
  const leafKey = key(o.alg ?? 'EC256');
  const leaf = issue({ cn, issuer: intermediate, key: leafKey, notBefore: nb, notAfter: na, sans: (o.sans ?? [cn]).map((v) => ({ type: 'DNS' as const, value: v })) });
  const fmt = o.keyFormat ?? 'pkcs8';
  const keyText = leafKey.export({ type: fmt, format: 'pem' } as never).toString();
  return {
    root,
    intermediate,
    leaf,
    body: { name: o.name ?? cn.replace(/[^A-Za-z0-9_.-]/g, '_'), certificate: pem('CERTIFICATE', leaf.der), certificate_chain: pem('CERTIFICATE', intermediate.der), private_key: keyText },
  };
}

export function credentialsFile(dir: string): { file: string; credentials: Credentials } {
  const file = join(dir, 'creds.json');
  return { file, credentials: makeCredentials(file) };
}
