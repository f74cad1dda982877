// The emulator's account: who may call it, and with what.
//
// One JSON file, 0600, made by `ccmkit emulator init-credentials`:
//
//   { "version": 1,
//     "domain_id": "<32 hex>", "domain_name": "ccmkit-emulator",
//     "user": { "id": "<32 hex>", "name": "...", "password": "..." },
//     "access_keys": [
//       { "access": "<AK>", "secret": "<SK>" },                                   permanent
//       { "access": "<AK>", "secret": "<SK>", "security_token": "<token>" } ] }    temporary
//
// The domain id is what clients send as X-Domain-Id (global services, no
// project). The user name and password are for IAM token login (seed 2.2);
// each access key signs SDK-HMAC-SHA256 requests, and a temporary one must
// also send its X-Security-Token (signed). Every secret comes from the CSPRNG.
// A file readable by group or others is refused, as ssh refuses a loose key.

import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { CcmError, LocalCode } from '../engine/errors.js';

export interface AccessKey {
  access: string;
  secret: string;
  /** Temporary credentials: the X-Security-Token the requests must carry (and sign). */
  security_token?: string;
  /** Temporary credentials: ISO 8601 instant after which the key is refused. */
  expires_at?: string;
}

export interface Credentials {
  version: 1;
  domain_id: string;
  domain_name: string;
  user: { id: string; name: string; password: string };
  access_keys: AccessKey[];
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
export function randomString(n: number, alphabet: string, random: (n: number) => Buffer = randomBytes): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < n) {
    for (const b of random(n * 2)) {
      if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

export interface NewCredentialsOptions {
  domainId?: string;
  domainName?: string;
  userName?: string;
  random?: (n: number) => Buffer;
}

/**
 * A fresh account: AKs shaped like Huawei's (20 upper-case alphanumerics),
 * 40-character SKs, a 24-character password and a long security token.
 */
export function newCredentials(o: NewCredentialsOptions = {}): Credentials {
  const random = o.random ?? randomBytes;
  return {
    version: 1,
    domain_id: o.domainId ?? random(16).toString('hex'),
    domain_name: o.domainName ?? 'ccmkit-emulator',
    user: { id: random(16).toString('hex'), name: o.userName ?? 'ccmkit-admin', password: randomString(24, ALNUM, random) },
    access_keys: [
      { access: randomString(20, UPPER_ALNUM, random), secret: randomString(40, ALNUM, random) },
      { access: randomString(20, UPPER_ALNUM, random), secret: randomString(40, ALNUM, random), security_token: randomString(344, ALNUM, random) },
    ],
  };
}

const DOMAIN_ID = /^[0-9a-f]{32}$/;

function bad(file: string, why: string): CcmError {
  return new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${file}: not an emulator credentials file (${why}). Make one with: ccmkit emulator init-credentials -o ${file}`, file);
}

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 4096 && !/[\x00-\x1f\x7f]/.test(v);
}

/** Checks the shape of parsed credentials; `file` names it in errors. */
export function checkCredentials(v: unknown, file: string): Credentials {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(file, 'not a JSON object');
  const c = v as Record<string, unknown>;
  if (c.version !== 1) throw bad(file, 'version is not 1');
  if (typeof c.domain_id !== 'string' || !DOMAIN_ID.test(c.domain_id)) throw bad(file, 'domain_id must be 32 lower-case hex digits');
  if (!str(c.domain_name)) throw bad(file, 'domain_name is missing');
  const u = c.user as Record<string, unknown> | undefined;
  if (!u || !str(u.id) || !str(u.name) || !str(u.password)) throw bad(file, 'user needs id, name and password');
  if (!Array.isArray(c.access_keys) || c.access_keys.length === 0) throw bad(file, 'access_keys is empty');
  const seen = new Set<string>();
  for (const k of c.access_keys as unknown[]) {
    const a = k as Record<string, unknown>;
    if (!a || !str(a.access) || !str(a.secret)) throw bad(file, 'each access key needs access and secret');
    if (!/^[A-Za-z0-9]+$/.test(a.access)) throw bad(file, 'an access key id is not alphanumeric');
    if (seen.has(a.access)) throw bad(file, 'an access key id is listed twice');
    seen.add(a.access);
    if (a.security_token !== undefined && !str(a.security_token)) throw bad(file, 'security_token must be a string');
    if (a.expires_at !== undefined && (typeof a.expires_at !== 'string' || Number.isNaN(Date.parse(a.expires_at)))) throw bad(file, 'expires_at must be an ISO 8601 time');
  }
  return v as Credentials;
}

/** Reads a credentials file; refuses one that group or others can read. */
export function loadCredentials(file: string): Credentials {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${file} is not a file.`, file);
    if ((st.mode & 0o077) !== 0) {
      // A refused input (exit 1), like a key file ssh will not use.
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}): it holds secret keys. Run: chmod 600 ${file}`, file);
    }
    if (st.size > 1024 * 1024) throw bad(file, 'larger than 1 MiB');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CcmError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CcmError(400, LocalCode.INPUT_UNREADABLE, `${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}. Make one with: ccmkit emulator init-credentials -o ${file}`, file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(file, 'not JSON');
  }
  return checkCredentials(parsed, file);
}
