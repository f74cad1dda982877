import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { loadCredentials, newCredentials } from '../../server/credentials.js';
import { startEmulator } from '../../server/emulator.js';
import { FaultInjector, parseFaults } from '../../server/faults.js';
import { pcaMounts } from '../../server/pca-mount.js';
import { parseArgs } from '../args.js';
import { FORCE, JSON_FLAG, OUT } from '../flags.js';
import { out, printJsonLine } from '../io.js';
import { workspaceDir } from '../pca-io.js';
import { writeFile } from '../write.js';
import { secretFlags, secretOrPrompt } from '../secrets.js';

export const help = `Usage: ccmkit emulator --credentials F [--workspace DIR] [--port 8443] [--tls]
                       [--faults SPEC [--faults-seed N]] [--token-ttl SECONDS]
                       [--header-timeout SECONDS] [--body-timeout SECONDS]
                       [--passphrase-file F] [--json]
       ccmkit emulator init-credentials -o FILE [--force] [--json]

A local CCM: serves the SCM v3 and PCA v1 APIs, and IAM's token API, on
127.0.0.1 only, with the same paths, authentication, bodies and error codes
as Huawei Cloud, over a workspace (ccmkit workspace init). Huawei's official
SDK clients work against it with an endpoint override. The PCA endpoints are
the offline CA's operations (the same ones "ccmkit ca ..." and "cert ..." run).

Authentication is always on, as on the real service: SDK-HMAC-SHA256 (AK/SK)
signatures with X-Domain-Id, temporary keys with a signed X-Security-Token,
or X-Auth-Token from POST /v3/auth/tokens (password or hw_ak_sk login).
The account comes from --credentials F (made by "emulator init-credentials").

One JSON access-log line per request goes to standard error (no bodies, no
secrets). SIGTERM or SIGINT stops it gracefully: requests in flight finish,
then the workspace database is closed.

Options:
  --credentials F        the account file (0600; a looser mode is refused). Required.
  --workspace DIR        the workspace (default $CCMKIT_WORKSPACE, else ./ccmkit-workspace);
                         never created here
  --port N               TCP port on 127.0.0.1 (default 8443; 0 picks a free one)
  --tls                  HTTPS, with a server certificate from the workspace's own TLS
                         root; prints the root's PEM file for clients (--ca-bundle)
  --faults SPEC          inject faults, for testing clients (grammar below)
  --faults-seed N        seed of the fault probabilities (default random, printed)
  --token-ttl SECONDS    lifetime of IAM tokens (default 86400, as IAM's 24 hours)
  --header-timeout S     a client must send its headers within S seconds (default 10)
  --body-timeout S       ... and its body within S seconds (default 30); else 408
  --passphrase-file F    the workspace passphrase (or $CCMKIT_PASSPHRASE, or a prompt)
  --json                 print the start-up report as one JSON line
                         {"url","port","workspace","tls","ca_file","faults_seed"}
  -h, --help             this help

Fault SPEC (comma-separated rules, each ACTION[=ARG]@WHEN[~FILTER]):
  ACTION  delay=MS     wait MS milliseconds, then answer normally
          429[=S]      throttled, with Retry-After: S (default 1); nothing is done
          500          internal error; nothing is done
          503[=S]      unavailable (Retry-After: S when given); nothing is done
          drop         close the connection before handling the request
          drop-after   handle the request (an import IS stored), then close the
                       connection without answering
          truncate     handle the request, then send half of the answer and close
  WHEN    25% or 0.25  with that probability       #N    the Nth matching request
          #N-M         requests N to M              #N+   the Nth and every later one
          *N           every Nth (N, 2N, 3N, ...)
  FILTER  METHOD, :/path-prefix or METHOD:/path-prefix; only matching requests
          are counted and faulted
  Each rule counts its own matching requests; delays add up; of the other
  actions, the first rule that fires wins.

Examples:
  ccmkit emulator init-credentials -o creds.json
  ccmkit emulator --workspace ws --credentials creds.json --passphrase-file pass.txt
  ccmkit emulator --workspace ws --credentials creds.json --port 0 --tls --json
  ccmkit emulator --credentials creds.json --faults '429=2@#1,drop-after@#3~POST:/v3/scm/certificates/import'
  ccmkit emulator --credentials creds.json --faults 'delay=500@20%,503@5%' --faults-seed 7

Exit codes:
  0  stopped by SIGTERM or SIGINT
  1  could not start: no workspace, wrong passphrase, unreadable credentials,
     port in use
  2  usage error (a bad --faults SPEC or --port, no --credentials flag)`;

export const initHelp = `Usage: ccmkit emulator init-credentials -o FILE [--force] [--domain-id ID] [--user NAME] [--json]

Creates the emulator's account file, mode 0600: a domain id (X-Domain-Id), a
user name and password (IAM token login), one permanent access key (AK/SK)
and one temporary access key with its security token (X-Security-Token).
Every secret comes from the CSPRNG. Nothing secret is printed: read the file.

Options:
  -o, --out FILE   where to write it (refuses to overwrite without --force)
  --force          replace an existing FILE
  --domain-id ID   use this domain id (32 lower-case hex digits) instead of a random one
  --user NAME      the IAM user name (default ccmkit-admin)
  --json           print {"file","domain_id","domain_name","user","access_keys":[AK...]}
  -h, --help       this help

Examples:
  ccmkit emulator init-credentials -o creds.json
  export HUAWEICLOUD_SDK_AK=$(jq -r '.access_keys[0].access' creds.json)

Exit codes:
  0  written
  1  FILE exists (without --force) or cannot be written
  2  usage error`;

function seconds(flag: string, v: string | undefined, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > max) throw usageError(`--${flag} must be a number of seconds, more than 0 and at most ${max}`);
  return Number(v) * 1000;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...JSON_FLAG,
    workspace: { type: 'string' },
    credentials: { type: 'string' },
    port: { type: 'string' },
    tls: { type: 'bool' },
    faults: { type: 'string' },
    'faults-seed': { type: 'string' },
    'token-ttl': { type: 'string' },
    'header-timeout': { type: 'string' },
    'body-timeout': { type: 'string' },
    ...secretFlags('input'),
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"`);
  const json = p.bool.has('json');
  const credFile = p.str.get('credentials');
  if (credFile === undefined) throw usageError('--credentials F is required: the emulator never runs without authentication (make one with: ccmkit emulator init-credentials -o F)');
  const portText = p.str.get('port') ?? '8443';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw usageError(`--port must be 0..65535, not "${portText.slice(0, 20)}"`);
  const seedText = p.str.get('faults-seed');
  if (seedText !== undefined && !/^\d{1,10}$/.test(seedText)) throw usageError('--faults-seed must be a whole number');
  if (seedText !== undefined && !p.str.has('faults')) throw usageError('--faults-seed goes with --faults');
  const faultRules = p.str.has('faults') ? parseFaults(p.str.get('faults')!) : undefined;
  const seed = seedText !== undefined ? Number(seedText) >>> 0 : randomBytes(4).readUInt32BE(0);
  const tokenTtlMs = seconds('token-ttl', p.str.get('token-ttl'), 86_400_000, 10 * 365 * 86400);
  const headersTimeoutMs = seconds('header-timeout', p.str.get('header-timeout'), 10_000, 3600);
  const bodyTimeoutMs = seconds('body-timeout', p.str.get('body-timeout'), 30_000, 3600);
  const workspace = resolve(workspaceDir(p));

  const credentials = loadCredentials(credFile);
  let emu;
  try {
    emu = await startEmulator({
      workspace,
      credentials,
      passphrase: () => secretOrPrompt(p, 'input', true, 'Workspace passphrase'),
      port: Number(portText),
      tls: p.bool.has('tls'),
      faults: faultRules ? new FaultInjector(faultRules, seed) : undefined,
      tokenTtlMs,
      headersTimeoutMs,
      bodyTimeoutMs,
      mounts: await pcaMounts(),
      log: (line) => process.stderr.write(JSON.stringify(line) + '\n'),
      onInternalError: (e, id) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), request_id: id, internal_error: String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300) }) + '\n'),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CcmError(500, LocalCode.OUTPUT, `port ${portText} on 127.0.0.1 is in use: choose another with --port (0 picks a free one).`);
    if (code === 'EACCES') throw new CcmError(500, LocalCode.OUTPUT, `port ${portText} needs privileges: choose one above 1023.`);
    throw e;
  }
  const report = { url: emu.url, port: emu.address.port, workspace, tls: Boolean(emu.caFile), ca_file: emu.caFile ?? null, faults_seed: faultRules ? seed : null, pid: process.pid };
  if (json) printJsonLine(report);
  else {
    out(`ccmkit emulator: serving SCM v3, PCA v1 and IAM tokens at ${emu.url} (workspace ${workspace})`);
    if (emu.caFile) out(`CA certificate for clients: ${emu.caFile}`);
    if (faultRules) out(`faults: ${faultRules.map((r) => r.text).join(', ')} (seed ${seed})`);
    out('Stop with Ctrl-C or SIGTERM.');
  }

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) {
        // A second signal: stop waiting for slow clients.
        process.stderr.write(`ccmkit emulator: ${sig} again, closing every connection now\n`);
        emu.server.server.closeAllConnections();
        return;
      }
      stopping = true;
      process.stderr.write(`ccmkit emulator: ${sig}, stopping (requests in flight finish)\n`);
      void emu.stop(10_000).then(() => done(0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

export async function runInitCredentials(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...OUT, ...FORCE, ...JSON_FLAG, 'domain-id': { type: 'string' }, user: { type: 'string' } });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"`);
  const file = p.str.get('out');
  if (file === undefined) throw usageError('-o FILE is required');
  const domainId = p.str.get('domain-id');
  if (domainId !== undefined && !/^[0-9a-f]{32}$/.test(domainId)) throw usageError('--domain-id must be 32 lower-case hex digits');
  const user = p.str.get('user');
  if (user !== undefined && !/^[A-Za-z0-9_.@-]{1,64}$/.test(user)) throw usageError('--user must be 1-64 letters, digits, "_", ".", "@" or "-"');
  const c = newCredentials({ domainId, userName: user });
  // 0600, never over an existing file without --force (docs/conventions.md).
  await writeFile(file, JSON.stringify(c, null, 2) + '\n', { secret: true, force: p.bool.has('force') });
  const summary = { file, domain_id: c.domain_id, domain_name: c.domain_name, user: c.user.name, access_keys: c.access_keys.map((k) => k.access) };
  if (p.bool.has('json')) printJsonLine(summary);
  else out(`wrote ${file} (0600): domain ${c.domain_id}, user ${c.user.name}, access keys ${summary.access_keys.join(', ')} (the second is temporary: it needs its security token). Secrets are in the file only.`);
  return 0;
}

export const initCredentials = { help: initHelp, run: runInitCredentials };
