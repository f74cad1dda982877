// `ccmkit emulator`: a local CCM. Opens a workspace (its SCM and PCA tables),
// unlocks its key vault once, and serves SCM v3, PCA v1 and the IAM token
// API on 127.0.0.1 over HTTP or HTTPS, behind AK/SK and token authentication.
// The PCA endpoints are the offline CA's own operations (src/service/pca),
// so the CLI and the emulator cannot disagree.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createScmContext } from '../service/scm/context.js';
import { SCM_ROUTES } from '../service/scm/routes.js';
import { SCM_MIGRATIONS } from '../store/scm-schema.js';
import { KeyVault, parseKdfRecord } from '../store/vault.js';
import { openWorkspace, type Workspace } from '../store/workspace.js';
import type { Migration } from '../store/migrations.js';
import { Authenticator, DEFAULT_TOKEN_TTL_MS } from './auth.js';
import type { Credentials } from './credentials.js';
import type { FaultInjector } from './faults.js';
import { createEmulatorServer, type AccessLogLine, type EmulatorServer } from './http.js';
import { iamRoutes } from './iam.js';
import { EMULATOR_MIGRATIONS, tlsMaterial } from './tls.js';
import type { Route } from './router.js';

/** The workspace setting that holds the key vault's KDF record (written by `workspace init`). */
const KDF_SETTING = 'kdf';

/**
 * A front door onto another service's operations: the routes, and the
 * migrations its tables need. The PCA service plugs in through this.
 */
export interface ServiceMount {
  migrations: readonly Migration[];
  routes: (ws: Workspace, o: { now: () => Date; random: (n: number) => Buffer; vault: KeyVault; passphrase: () => string | undefined }) => Route[];
}

export interface StartOptions {
  workspace: string;
  credentials: Credentials;
  /** The workspace passphrase (asked once, at start: the vault is unlocked before the port opens). */
  passphrase: () => string | undefined;
  port: number;
  host?: string;
  /** Serve HTTPS with a certificate from the workspace's TLS root (server/tls.ts). */
  tls?: boolean;
  faults?: FaultInjector;
  tokenTtlMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  log?: (line: AccessLogLine) => void;
  onInternalError?: (e: unknown, requestId: string) => void;
  now?: () => Date;
  mounts?: readonly ServiceMount[];
}

export interface RunningEmulator {
  url: string;
  address: AddressInfo;
  workspace: Workspace;
  server: EmulatorServer;
  routes: readonly Route[];
  /** With tls: the root certificate clients trust, as published in the workspace. */
  caFile?: string;
  /** Graceful stop: in-flight requests finish, then the database is closed. */
  stop(graceMs?: number): Promise<void>;
}

export async function startEmulator(o: StartOptions): Promise<RunningEmulator> {
  const now = o.now ?? (() => new Date());
  const mounts = o.mounts ?? [];
  const ws = openWorkspace(o.workspace, { migrations: [...mounts.flatMap((m) => m.migrations), ...SCM_MIGRATIONS, ...EMULATOR_MIGRATIONS] });
  try {
    const vault = new KeyVault(parseKdfRecord(ws.setting(KDF_SETTING), ws.dir), o.passphrase, randomBytes);
    // A wrong passphrase is refused now, not on the first import.
    vault.unlock();
    const tls = o.tls ? tlsMaterial(ws, vault, now(), randomBytes) : undefined;
    const auth = new Authenticator(o.credentials, now, o.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS);
    const scm = createScmContext(ws, { now, random: randomBytes, vault, domainId: o.credentials.domain_id });
    const routes: Route[] = [
      ...iamRoutes(auth),
      ...SCM_ROUTES.map((r): Route => ({ method: r.method, path: r.path, service: 'scm', seed: r.seed, handle: (req) => r.op(scm, req) })),
      ...mounts.flatMap((m) => m.routes(ws, { now, random: randomBytes, vault, passphrase: o.passphrase })),
    ];
    const server = createEmulatorServer({
      routes,
      auth,
      log: o.log,
      onInternalError: o.onInternalError,
      faults: o.faults,
      tls: tls && { key: tls.key, cert: tls.cert },
      headersTimeoutMs: o.headersTimeoutMs,
      bodyTimeoutMs: o.bodyTimeoutMs,
    });
    const address = await server.listen(o.port, o.host ?? '127.0.0.1');
    const url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
    let stopped: Promise<void> | undefined;
    return {
      url,
      address,
      workspace: ws,
      server,
      routes,
      caFile: tls?.caFile,
      stop(graceMs?: number): Promise<void> {
        stopped ??= server.stop(graceMs).then(() => ws.close());
        return stopped;
      },
    };
  } catch (e) {
    ws.close();
    throw e;
  }
}
