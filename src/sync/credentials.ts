// Who the client is, and where that came from. In order:
//
//   1. --credentials F [--profile NAME]: a profile file (below), or the
//      emulator's account file (ccmkit emulator init-credentials).
//   2. The official SDK's environment variables: HUAWEICLOUD_SDK_AK,
//      HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_DOMAIN_ID, HUAWEICLOUD_SDK_SECURITY_TOKEN
//      (../shared/notes/ccm-api.md).
//   3. The default profile file: $CCMKIT_CREDENTIALS, else
//      ~/.config/ccmkit/credentials.json, when it exists.
//
// A profile file is JSON, mode 0600 (a looser mode is refused, as ssh
// refuses a loose key: it holds secrets):
//
//   { "profiles": {
//       "default": { "ak": "...", "sk": "...", "domain_id": "...", "region": "cn-north-4" },
//       "temp":    { "ak": "...", "sk": "...", "security_token": "...", "domain_id": "..." },
//       "ops":     { "user": "...", "password": "...", "domain_name": "...", "auth": "token" } } }
//
// A profile may also name "region", "scm_endpoint", "pca_endpoint",
// "iam_endpoint", "project" (token scope) and "auth" ("aksk" or "token").
// Secrets stay inside this module and the signer: `describeCredentials()` names the
// source and the AK only (an access key id is an identifier, not a secret).
//
// The library (ccmkit/sync) takes credentials as a plain object. Only the
// helpers named for it read anything: `readCredentialsFile` a file,
// `loadClientCredentials` the environment and files (the CLI's precedence);
// `credentialsFromEnv` reads the env object it is given, never process.env.

import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CcmError } from '../engine/errors.js';
import { SyncCode } from './errors.js';

/**
 * How requests are authenticated: `aksk` signs each one (SDK-HMAC-SHA256);
 * `token` logs in to IAM once and sends X-Auth-Token.
 *
 * @example
 * ```ts
 * const client = new CcmClient({ credentials, endpoints, auth: 'token' satisfies AuthMethod });
 * ```
 */
export type AuthMethod = 'aksk' | 'token';

/**
 * An access key pair; with `securityToken`, a temporary one.
 *
 * @example
 * ```ts
 * const aksk: AkSk = { ak: 'HPUA...', sk: secretFromYourVault };
 * ```
 */
export interface AkSk {
  ak: string;
  sk: string;
  /** Temporary credentials: sent (and signed) as X-Security-Token. */
  securityToken?: string | undefined;
}

/**
 * An IAM user login (for `auth: 'token'`).
 *
 * @example
 * ```ts
 * const password: Password = { user: 'ops', password: fromYourVault, domainName: 'my-account' };
 * ```
 */
export interface Password {
  user: string;
  password: string;
  /** The account (domain) the user belongs to, by name or id. */
  domainName?: string | undefined;
}

/**
 * Who the client is: an AK/SK, an IAM user, or both, and the account
 * (domain) id. A plain object: build it from wherever you keep secrets.
 *
 * @example
 * ```ts
 * const credentials: ClientCredentials = {
 *   aksk: { ak: process.env.MY_AK!, sk: process.env.MY_SK! },
 *   domainId: '0a1b2c...', // else the client asks IAM once
 * };
 * ```
 */
export interface ClientCredentials {
  aksk?: AkSk | undefined;
  password?: Password | undefined;
  domainId?: string | undefined;
  /** Token scope: a project name (seed 2.2 asks for a project-scoped token); else the domain. */
  project?: string | undefined;
  /** What the profile asks for; the CLI's --auth wins. */
  auth?: AuthMethod | undefined;
  /** Settings a profile may carry besides secrets. */
  region?: string | undefined;
  endpoints?: { scm?: string; pca?: string; iam?: string } | undefined;
  /** Where these came from, for messages: "environment (HUAWEICLOUD_SDK_AK)", "profile ops in F" (default "the credentials given"). */
  source?: string | undefined;
}

/**
 * Where {@link loadClientCredentials} looks.
 *
 * @example
 * ```ts
 * const o: CredentialOptions = { file: 'creds.json', profile: 'ops' };
 * ```
 */
export interface CredentialOptions {
  file?: string | undefined;
  profile?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

function credError(message: string): CcmError {
  return new CcmError(400, SyncCode.CREDENTIALS, message);
}

/** The default profile file: $CCMKIT_CREDENTIALS, else ~/.config/ccmkit/credentials.json. */
export function defaultProfileFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCMKIT_CREDENTIALS) return env.CCMKIT_CREDENTIALS;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'ccmkit', 'credentials.json');
}

const SAFE = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && !/[\x00-\x1f\x7f]/.test(v);

/** Reads a credentials file, refusing one that group or others may read. Never quotes its content. */
function readSecretFile(file: string): unknown {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw credError(`${file} is not a file.`);
    if ((st.mode & 0o077) !== 0) throw credError(`${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}): it holds secret keys, so ccmkit will not use it. Run: chmod 600 ${file}`);
    if (st.size > 1024 * 1024) throw credError(`${file} is larger than 1 MiB: not a credentials file.`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CcmError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw credError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable')}.`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // Never echo the parser's message: it may quote part of a secret.
    throw credError(`${file} is not valid JSON.`);
  }
}

/**
 * Credentials from one profile of a profile file, as a parsed object
 * (`ak`, `sk`, `security_token`, `user`, `password`, `domain_name`,
 * `domain_id`, `project`, `region`, `auth`, `scm_endpoint`, ...), checked.
 * Reads nothing. Throws a CcmError (CCMKIT.0203) that never quotes a value.
 *
 * @example
 * ```ts
 * const c = credentialsFromProfile(JSON.parse(textFromYourSecretStore), 'vault entry ccm/prod');
 * ```
 */
export function credentialsFromProfile(p: Record<string, unknown>, source = 'the profile given'): ClientCredentials {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw credError(`${source} is not a profile (a JSON object).`);
  const c: ClientCredentials = { source };
  const str = (k: string): string | undefined => {
    const v = p[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (!SAFE(v, k === 'security_token' ? 1 << 20 : 4096)) throw credError(`${source}: "${k}" must be a non-empty string without control characters.`);
    return v;
  };
  const ak = str('ak');
  const sk = str('sk');
  if ((ak === undefined) !== (sk === undefined)) throw credError(`${source}: "ak" and "sk" go together.`);
  if (ak && sk) c.aksk = { ak, sk, securityToken: str('security_token') };
  else if (str('security_token')) throw credError(`${source}: "security_token" needs "ak" and "sk".`);
  const user = str('user');
  const password = str('password');
  if ((user === undefined) !== (password === undefined)) throw credError(`${source}: "user" and "password" go together.`);
  if (user && password) c.password = { user, password, domainName: str('domain_name') };
  c.domainId = str('domain_id');
  c.project = str('project');
  c.region = str('region');
  const auth = str('auth');
  if (auth !== undefined) {
    if (auth !== 'aksk' && auth !== 'token') throw credError(`${source}: "auth" is "aksk" or "token".`);
    c.auth = auth;
  }
  const ep = { scm: str('scm_endpoint'), pca: str('pca_endpoint'), iam: str('iam_endpoint') };
  if (ep.scm || ep.pca || ep.iam) c.endpoints = ep;
  if (!c.aksk && !c.password) throw credError(`${source} has neither "ak"/"sk" nor "user"/"password".`);
  if (c.password && !c.password.domainName && !c.domainId) throw credError(`${source}: a user login needs "domain_name" or "domain_id" (the account the user belongs to).`);
  return c;
}

/** The emulator's account file (src/server/credentials.ts): its first permanent key, or with profile "temporary" its first temporary one. */
function fromEmulatorAccount(v: Record<string, unknown>, file: string, profile: string | undefined): ClientCredentials {
  const keys = Array.isArray(v.access_keys) ? (v.access_keys as Record<string, unknown>[]) : [];
  const user = (v.user ?? {}) as Record<string, unknown>;
  const wantTemp = profile === 'temporary';
  if (profile !== undefined && profile !== 'default' && !wantTemp) throw credError(`${file} is an emulator account file: its profiles are "default" (the permanent key) and "temporary".`);
  const k = keys.find((x) => (x.security_token !== undefined) === wantTemp);
  const c: ClientCredentials = { source: `${file} (emulator account${wantTemp ? ', temporary key' : ''})`, domainId: SAFE(v.domain_id) ? v.domain_id : undefined };
  if (k && SAFE(k.access) && SAFE(k.secret)) c.aksk = { ak: k.access, sk: k.secret, securityToken: SAFE(k.security_token, 1 << 20) ? k.security_token : undefined };
  if (SAFE(user.name) && SAFE(user.password)) c.password = { user: user.name, password: user.password, domainName: SAFE(v.domain_name) ? v.domain_name : undefined };
  if (!c.aksk && !c.password) throw credError(`${file} has no usable access key or user.`);
  return c;
}

/**
 * Reads a profile file (or the emulator's account file) and returns one
 * profile's credentials. Does I/O: the file is read, and refused when group
 * or others may read it (mode 0600 required, as ssh requires of keys).
 *
 * @example
 * ```ts
 * const credentials = readCredentialsFile('/etc/ccmkit/credentials.json', 'ops');
 * ```
 */
export function readCredentialsFile(file: string, profile?: string): ClientCredentials {
  const v = readSecretFile(file);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw credError(`${file} is not a credentials file (a JSON object with "profiles").`);
  const o = v as Record<string, unknown>;
  if (o.version === 1 && Array.isArray(o.access_keys)) return fromEmulatorAccount(o, file, profile);
  const profiles = o.profiles;
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) throw credError(`${file} is not a credentials file: it has no "profiles" object.`);
  const name = profile ?? 'default';
  const p = (profiles as Record<string, unknown>)[name];
  if (!p || typeof p !== 'object' || Array.isArray(p)) {
    const names = Object.keys(profiles).slice(0, 20).join(', ');
    throw credError(`${file} has no profile "${name.slice(0, 64)}"${names ? ` (it has: ${names})` : ''}.`);
  }
  return credentialsFromProfile(p as Record<string, unknown>, `profile ${name} in ${file}`);
}

/**
 * Credentials from the official SDK's variables (HUAWEICLOUD_SDK_AK, _SK,
 * _DOMAIN_ID, _SECURITY_TOKEN) in the object given; undefined when neither
 * AK nor SK is set. Reads only that object: pass `process.env` yourself.
 *
 * @example
 * ```ts
 * const credentials = credentialsFromEnv(process.env);
 * if (!credentials) throw new Error('set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK');
 * ```
 */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): ClientCredentials | undefined {
  const ak = env.HUAWEICLOUD_SDK_AK;
  const sk = env.HUAWEICLOUD_SDK_SK;
  if (!ak && !sk) return undefined;
  if (!ak || !sk) throw credError(`HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK go together (only ${ak ? 'the AK' : 'the SK'} is set).`);
  if (!SAFE(ak) || !SAFE(sk)) throw credError('HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK must not hold control characters.');
  const token = env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined;
  const domainId = env.HUAWEICLOUD_SDK_DOMAIN_ID || undefined;
  return { aksk: { ak, sk, securityToken: token }, domainId, source: 'environment (HUAWEICLOUD_SDK_AK/SK)' };
}

/**
 * The CLI's way to find credentials, by the precedence at the top of this
 * module: `file`, else the SDK's environment variables, else the default
 * profile file. Does I/O: reads `o.env` (default `process.env`) and files.
 * A clear CcmError (CCMKIT.0203) when there are none.
 *
 * @example
 * ```ts
 * const credentials = loadClientCredentials({ profile: 'ops' });
 * ```
 */
export function loadClientCredentials(o: CredentialOptions = {}): ClientCredentials {
  const env = o.env ?? process.env;
  if (o.file !== undefined) return readCredentialsFile(o.file, o.profile);
  if (o.profile === undefined) {
    const e = credentialsFromEnv(env);
    if (e) return e;
  }
  const dflt = defaultProfileFile(env);
  let exists = false;
  try {
    exists = statSync(dflt).isFile();
  } catch {
    exists = false;
  }
  if (exists) return readCredentialsFile(dflt, o.profile ?? env.CCMKIT_PROFILE);
  throw credError(
    `no credentials: set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_DOMAIN_ID, or give --credentials F (a 0600 profile file), or create ${dflt}.`,
  );
}

/**
 * The auth method to use: the one asked for, else the credentials', else
 * AK/SK when there is a key, else a token from the user login.
 *
 * @example
 * ```ts
 * chooseAuth({ password: { user: 'ops', password: pw, domainName: 'acct' } }); // 'token'
 * ```
 */
export function chooseAuth(c: ClientCredentials, flag?: AuthMethod): AuthMethod {
  const m = flag ?? c.auth ?? (c.aksk ? 'aksk' : 'token');
  if (m === 'aksk' && !c.aksk) throw credError(`${sourceOf(c)} has no AK/SK; use --auth token (IAM login with the user and password).`);
  return m;
}

/**
 * Credentials handed to the client in code are checked as a file's are: a
 * value with a control character would otherwise land in a signed header.
 * Throws CCMKIT.0203 naming the field, never its value.
 */
export function checkCredentials(c: ClientCredentials): void {
  const where = sourceOf(c);
  if (!c || typeof c !== 'object') throw credError('credentials must be an object with "aksk" or "password".');
  const field = (v: unknown, name: string, max = 4096): void => {
    if (!SAFE(v, max)) throw credError(`${where}: ${name} must be a non-empty string without control characters.`);
  };
  if (c.aksk !== undefined) {
    field(c.aksk?.ak, 'aksk.ak');
    field(c.aksk?.sk, 'aksk.sk');
    if (c.aksk.securityToken !== undefined) field(c.aksk.securityToken, 'aksk.securityToken', 1 << 20);
  }
  if (c.password !== undefined) {
    field(c.password?.user, 'password.user');
    field(c.password?.password, 'password.password');
    if (c.password.domainName !== undefined) field(c.password.domainName, 'password.domainName');
  }
  for (const k of ['domainId', 'project'] as const) if (c[k] !== undefined) field(c[k], k);
  if (!c.aksk && !c.password) throw credError(`${where} has neither an AK/SK ("aksk") nor a user login ("password").`);
}

/** Where credentials came from, for messages. */
function sourceOf(c: ClientCredentials): string {
  return c.source ?? 'the credentials given';
}

/**
 * What may be shown about credentials: where they came from and the access
 * key id (an identifier, not a secret). Never a secret.
 *
 * @example
 * ```ts
 * console.error(describeCredentials(credentials, chooseAuth(credentials))); // "AK HPUA... from environment (...)"
 * ```
 */
export function describeCredentials(c: ClientCredentials, method: AuthMethod): string {
  if (method === 'aksk' && c.aksk) return `AK ${c.aksk.ak}${c.aksk.securityToken ? ' (temporary)' : ''} from ${sourceOf(c)}`;
  if (c.password) return `IAM token for user ${c.password.user} from ${sourceOf(c)}`;
  return `IAM token (AK/SK login, AK ${c.aksk?.ak ?? '?'}) from ${sourceOf(c)}`;
}

/** Every secret value, for tests and for scrubbing: never printed. */
export function secretsOf(c: ClientCredentials): string[] {
  return [c.aksk?.sk, c.aksk?.securityToken, c.password?.password].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
