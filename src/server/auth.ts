// Authentication, as the real gateway does it: AK/SK signatures
// (SDK-HMAC-SHA256, src/sync/signing.ts) or an IAM token (X-Auth-Token, from
// POST /v3/auth/tokens, seed 2.1/2.2).
//
// AK/SK checks, in order: a well-formed Authorization header; a known access
// key; X-Sdk-Date within 15 minutes of the server's clock; the signature,
// rebuilt from what was received; X-Domain-Id present and the key's domain
// (the SDKs call CCM with global credentials: X-Domain-Id, never a project);
// a temporary key's X-Security-Token present, equal and signed.
// X-Project-Id is accepted and ignored (project-scoped credentials send it).
//
// Tokens are stateless: base64url(claims) "." base64url(HMAC-SHA256). The
// key is derived from the credentials file's secrets, so tokens survive an
// emulator restart and die when the credentials change.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue, verifySignature, readAuthorization, type ReceivedRequest } from '../sync/signing.js';
import type { AccessKey, Credentials } from './credentials.js';

/** The gateway's clock-skew window. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Seed 2.2: "The validity period of a token is 24 hours." */
export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export interface Principal {
  /** How the request authenticated. */
  method: 'aksk' | 'token';
  /** The access key id (not secret), or the token's user name. */
  id: string;
  domainId: string;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; why: string };

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

export class Authenticator {
  private readonly keys: Map<string, AccessKey>;
  private readonly tokenKey: Buffer;

  constructor(
    readonly credentials: Credentials,
    private readonly now: () => Date,
    readonly tokenTtlMs = DEFAULT_TOKEN_TTL_MS,
  ) {
    this.keys = new Map(credentials.access_keys.map((k) => [k.access, k]));
    const secrets = [credentials.user.password, ...credentials.access_keys.map((k) => k.secret)].join('\n');
    this.tokenKey = createHmac('sha256', secrets).update(`ccmkit emulator token key v1\n${credentials.domain_id}`).digest();
  }

  /**
   * Authenticates a request: AK/SK when it has an Authorization header, else
   * its X-Auth-Token. `requireDomain` is false only for IAM's own domain
   * lookup (the SDK calls it before it knows the domain id).
   */
  authenticate(req: ReceivedRequest, requireDomain = true): AuthResult {
    if (headerValue(req.headers, 'authorization') !== undefined) return this.aksk(req, requireDomain);
    const token = headerValue(req.headers, 'x-auth-token');
    if (token !== undefined) return this.token(token.trim());
    return { ok: false, why: 'no Authorization (AK/SK signature) or X-Auth-Token header.' };
  }

  private aksk(req: ReceivedRequest, requireDomain: boolean): AuthResult {
    const pre = readAuthorization(req);
    if ('ok' in pre) return { ok: false, why: `${pre.detail}.` };
    const key = this.keys.get(pre.auth.access);
    if (!key) return { ok: false, why: 'the access key does not exist.' };
    const skew = Math.abs(this.now().getTime() - pre.date.getTime());
    if (skew > MAX_SKEW_MS) return { ok: false, why: `X-Sdk-Date is ${Math.round(skew / 60000)} minutes away from the server's time (at most 15 are allowed): check the client's clock.` };
    const check = verifySignature(req, key.secret);
    if (!check.ok) return { ok: false, why: check.why === 'bad-signature' ? 'verify aksk signature fail' : `${check.detail}.` };
    const domain = headerValue(req.headers, 'x-domain-id')?.trim();
    if (domain === undefined) {
      if (requireDomain) return { ok: false, why: 'X-Domain-Id is required: CCM is called with global credentials (the account id).' };
    } else if (domain !== this.credentials.domain_id) {
      return { ok: false, why: 'X-Domain-Id is not the domain of this access key.' };
    }
    const sent = headerValue(req.headers, 'x-security-token');
    if (key.security_token !== undefined) {
      if (sent === undefined) return { ok: false, why: 'this is a temporary access key: X-Security-Token is required.' };
      if (!check.signedHeaders.includes('x-security-token')) return { ok: false, why: 'X-Security-Token must be one of the SignedHeaders.' };
      if (!safeEqual(sent.trim(), key.security_token)) return { ok: false, why: 'the security token is not the one of this access key.' };
      if (key.expires_at !== undefined && Date.parse(key.expires_at) <= this.now().getTime()) return { ok: false, why: 'the temporary access key has expired.' };
    } else if (sent !== undefined) {
      return { ok: false, why: 'X-Security-Token was sent with a permanent access key.' };
    }
    return { ok: true, principal: { method: 'aksk', id: key.access, domainId: this.credentials.domain_id } };
  }

  // ---- tokens ------------------------------------------------------------------------

  /** A new token for the account's user; `methods` as IAM reports them. */
  issueToken(methods: string[]): { token: string; issuedAt: Date; expiresAt: Date } {
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + this.tokenTtlMs);
    const claims = { v: 1, sub: this.credentials.user.name, dom: this.credentials.domain_id, iat: issuedAt.getTime(), exp: expiresAt.getTime(), m: methods };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const mac = createHmac('sha256', this.tokenKey).update(body).digest('base64url');
    // IAM tokens are long base64 strings starting "MII" (a CMS blob); the prefix keeps ours recognisable as tokens.
    return { token: `MIIccmkit.${body}.${mac}`, issuedAt, expiresAt };
  }

  private token(token: string): AuthResult {
    const m = /^MIIccmkit\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return { ok: false, why: 'decrypt token fail' };
    const want = createHmac('sha256', this.tokenKey).update(m[1]!).digest();
    const got = Buffer.from(m[2]!, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, why: 'decrypt token fail' };
    let claims: { sub?: unknown; dom?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { ok: false, why: 'decrypt token fail' };
    }
    if (typeof claims.exp !== 'number' || claims.exp <= this.now().getTime()) return { ok: false, why: 'the token has expired.' };
    return { ok: true, principal: { method: 'token', id: String(claims.sub), domainId: String(claims.dom) } };
  }

  // ---- token login (POST /v3/auth/tokens) ------------------------------------------------

  /** Checks a password login. */
  checkPassword(name: string, password: string, domain: { id?: string; name?: string }): boolean {
    const c = this.credentials;
    const domainOk = (domain.id !== undefined && domain.id === c.domain_id) || (domain.name !== undefined && domain.name === c.domain_name);
    // Compare everything, always: no early exit that would time the user name.
    const userOk = safeEqual(name, c.user.name);
    const passOk = safeEqual(password, c.user.password);
    return domainOk && userOk && passOk;
  }

  /** Checks an AK/SK login (IAM's hw_ak_sk method). */
  checkAkSk(access: string, secret: string): boolean {
    const key = this.keys.get(access);
    const ok = safeEqual(secret, key?.secret ?? '\u0000never');
    if (!key || !ok) return false;
    return key.expires_at === undefined || Date.parse(key.expires_at) > this.now().getTime();
  }
}
