// What the commands that talk to CCM share (scm ..., sync ..., ca/cert
// --remote): the connection flags, the client built from them, and the help
// text that documents them. Credentials never pass through here as values:
// they go from credentials.ts to the client. The library reads no
// environment of its own: the CLI hands it process.env (proxy variables,
// HUAWEICLOUD_SDK_IAM_ENDPOINT, the SDK's credential variables).

import { readFileSync } from 'node:fs';
import { CcmError, usageError } from '../api/errors.js';
import {
  CcmClient,
  chooseAuth,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  describeCredentials,
  loadClientCredentials,
  resolveEndpoints,
  SyncCode,
  type AuthMethod,
  type RequestLogLine,
} from '../api/sync.js';
import type { FlagSpec, Parsed } from './args.js';
import { parseEnum } from './flags.js';

export const REMOTE_FLAGS: FlagSpec = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'scm-endpoint': { type: 'string' },
  'pca-endpoint': { type: 'string' },
  'iam-endpoint': { type: 'string' },
  credentials: { type: 'string' },
  profile: { type: 'string' },
  auth: { type: 'string' },
  'ca-bundle': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'read-timeout': { type: 'string' },
  retries: { type: 'string' },
  verbose: { type: 'bool' },
};

export const REMOTE_HELP = `Connection (see README "Talking to CCM"):
  --region R             cn-north-4, ap-southeast-1, ap-southeast-3, ... -> https://scm.R.myhuaweicloud.com
                         and https://ccm.R.myhuaweicloud.com (or the profile's "region")
  --endpoint URL         one URL for every service (the emulator serves SCM, PCA and IAM)
  --scm-endpoint URL     per-service overrides (a trailing / is dropped)
  --pca-endpoint URL
  --iam-endpoint URL     IAM for token login (default https://iam.myhuaweicloud.com,
                         or $HUAWEICLOUD_SDK_IAM_ENDPOINT)
  --credentials F        a 0600 profile file (or the emulator's account file); default:
                         $HUAWEICLOUD_SDK_AK/_SK/_DOMAIN_ID/_SECURITY_TOKEN, else
                         $CCMKIT_CREDENTIALS or ~/.config/ccmkit/credentials.json
  --profile NAME         the profile in that file (default "default", or $CCMKIT_PROFILE)
  --auth aksk|token      sign every request with the AK/SK (default when there is one), or
                         log in to IAM once and send X-Auth-Token (re-login once on 401)
  --ca-bundle F          extra trusted roots (PEM): a TLS-inspecting proxy's, the emulator's
  --connect-timeout S    seconds to connect, tunnel and handshake (default 60)
  --read-timeout S       seconds of silence while waiting for an answer (default 120)
  --retries N            re-sends of a read or delete after 429/502/503/504/reset (default 4)
  --verbose              one line per HTTP exchange on stderr (method, path, status,
                         X-Request-Id, ms; never headers, bodies or secrets)
  HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured (CONNECT tunnel for https).`;

export const REMOTE_EXIT = `  1  CCM refused (its error body is shown as it came, with the HTTP status and
     X-Request-Id), or the network/TLS failed (CCMKIT.0201 network, CCMKIT.0202
     TLS, CCMKIT.0206 proxy), or credentials are missing or unusable (CCMKIT.0203),
     or a request that may have changed something lost its answer (CCMKIT.0207)`;

function seconds(p: Parsed, flag: string, dflt: number): number {
  const v = p.str.get(flag);
  if (v === undefined) return dflt;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 3600) throw usageError(`--${flag} must be a number of seconds, more than 0 and at most 3600`);
  return Math.round(Number(v) * 1000);
}

/** Builds the client from the connection flags. */
export function clientFrom(p: Parsed, o: { maxSockets?: number } = {}): CcmClient {
  const auth = p.str.has('auth') ? (parseEnum('auth', p.str.get('auth')!, ['aksk', 'token'] as const) as AuthMethod) : undefined;
  const retriesText = p.str.get('retries');
  if (retriesText !== undefined && (!/^\d{1,2}$/.test(retriesText) || Number(retriesText) > 20)) throw usageError('--retries must be 0 to 20');
  const connectTimeoutMs = seconds(p, 'connect-timeout', DEFAULT_CONNECT_TIMEOUT_MS);
  const readTimeoutMs = seconds(p, 'read-timeout', DEFAULT_READ_TIMEOUT_MS);
  let caBundle: string | undefined;
  const bundleFile = p.str.get('ca-bundle');
  if (bundleFile !== undefined) {
    try {
      caBundle = readFileSync(bundleFile, 'utf8');
    } catch (e) {
      throw new CcmError(400, 'CCMKIT.0002', `${bundleFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((e as NodeJS.ErrnoException).code ?? 'unreadable')}.`, bundleFile);
    }
    if (!caBundle.includes('-----BEGIN CERTIFICATE-----')) throw new CcmError(400, SyncCode.TLS, `${bundleFile} holds no PEM certificate: --ca-bundle takes the root(s) to trust, in PEM.`, bundleFile);
  }
  const credentials = loadClientCredentials({ file: p.str.get('credentials'), profile: p.str.get('profile') });
  const endpoints = resolveEndpoints({
    region: p.str.get('region') ?? credentials.region,
    endpoint: p.str.get('endpoint'),
    scm: p.str.get('scm-endpoint') ?? credentials.endpoints?.scm,
    pca: p.str.get('pca-endpoint') ?? credentials.endpoints?.pca,
    iam: p.str.get('iam-endpoint') ?? credentials.endpoints?.iam,
  }, process.env);
  const verbose = p.bool.has('verbose');
  const method = chooseAuth(credentials, auth);
  if (verbose) process.stderr.write(`ccmkit: ${describeCredentials(credentials, method)}\n`);
  return new CcmClient({
    credentials,
    endpoints,
    auth,
    caBundle,
    env: process.env,
    connectTimeoutMs,
    readTimeoutMs,
    maxSockets: o.maxSockets,
    maxAttempts: retriesText === undefined ? 5 : Number(retriesText) + 1,
    log: verbose ? (l: RequestLogLine) => process.stderr.write(`ccmkit: ${l.method} ${l.path} -> ${l.status} (${l.ms} ms${l.attempt > 1 ? `, attempt ${l.attempt}` : ''}${l.request_id ? `, X-Request-Id ${l.request_id}` : ''})\n`) : undefined,
  });
}

/** Runs `fn` with a client and closes its connections however `fn` ends. */
export async function withClient<T>(p: Parsed, fn: (c: CcmClient) => Promise<T>, o: { maxSockets?: number } = {}): Promise<T> {
  const c = clientFrom(p, o);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
