// The two IAM APIs a CCM client needs (seed 2.1/2.2 and the SDKs' domain
// lookup, ../shared/notes/ccm-api.md):
//
//   POST /v3/auth/tokens   password or AK/SK ("hw_ak_sk") login; the token comes
//                          back in X-Subject-Token (201), later sent as X-Auth-Token
//   GET  /v3/auth/domains  the account's domain (the SDK asks when it has a
//                          region but no domain id); AK/SK, no X-Domain-Id needed

import { isObject } from '../ccm/validation.js';
import type { Authenticator } from './auth.js';
import { iamError } from './errors.js';
import type { Route, ServiceResponse } from './router.js';

function reply(e: { status: number; body: unknown }): ServiceResponse {
  return { status: e.status, body: e.body };
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;

export function tokenLogin(auth: Authenticator, body: unknown): ServiceResponse {
  const c = auth.credentials;
  if (!isObject(body) || !isObject(body.auth) || !isObject(body.auth.identity)) return reply(iamError(400, 'The request body must be {"auth": {"identity": {...}, "scope": {...}}}.'));
  const identity = body.auth.identity;
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) return reply(iamError(400, 'auth.identity.methods must list "password" or "hw_ak_sk".'));
  let ok = false;
  if (methods.includes('password')) {
    const user = isObject(identity.password) && isObject(identity.password.user) ? identity.password.user : undefined;
    const domain = user && isObject(user.domain) ? user.domain : undefined;
    if (!user || !str(user.name) || !str(user.password) || !domain || (!str(domain.name) && !str(domain.id))) {
      return reply(iamError(400, 'auth.identity.password.user needs name, password and domain {name or id}.'));
    }
    ok = auth.checkPassword(user.name, user.password, { id: str(domain.id) ? domain.id : undefined, name: str(domain.name) ? domain.name : undefined });
  } else if (methods.includes('hw_ak_sk')) {
    const aksk = isObject(identity.hw_ak_sk) ? identity.hw_ak_sk : undefined;
    const access = aksk && isObject(aksk.access) ? aksk.access.key : undefined;
    const secret = aksk && isObject(aksk.secret) ? aksk.secret.key : undefined;
    if (!str(access) || !str(secret)) return reply(iamError(400, 'auth.identity.hw_ak_sk needs access.key and secret.key.'));
    ok = auth.checkAkSk(access, secret);
  } else {
    return reply(iamError(400, 'auth.identity.methods must list "password" or "hw_ak_sk".'));
  }
  if (!ok) return reply(iamError(401, 'The username or password is wrong.'));

  const scope = isObject(body.auth.scope) ? body.auth.scope : {};
  const t = auth.issueToken(methods.includes('password') ? ['password'] : ['hw_ak_sk']);
  const token: Record<string, unknown> = {
    expires_at: t.expiresAt.toISOString().replace('Z', '000Z'),
    issued_at: t.issuedAt.toISOString().replace('Z', '000Z'),
    methods: methods.includes('password') ? ['password'] : ['hw_ak_sk'],
    user: { domain: { id: c.domain_id, name: c.domain_name }, id: c.user.id, name: c.user.name, password_expires_at: '' },
    roles: [{ id: '0', name: 'te_admin' }],
    catalog: [],
  };
  if (isObject(scope.project)) {
    const p = scope.project;
    token.project = { domain: { id: c.domain_id, name: c.domain_name }, id: str(p.id) ? p.id : '0'.repeat(32), name: str(p.name) ? p.name : 'default' };
  } else {
    token.domain = { id: c.domain_id, name: c.domain_name };
  }
  return { status: 201, body: { token }, headers: { 'X-Subject-Token': t.token } };
}

export function iamRoutes(auth: Authenticator): Route[] {
  return [
    { method: 'POST', path: '/v3/auth/tokens', service: 'iam', public: true, seed: '2.1, 2.2', handle: (req) => tokenLogin(auth, req.body) },
    {
      method: 'GET',
      path: '/v3/auth/domains',
      service: 'iam',
      domainOptional: true,
      seed: 'notes/ccm-api.md "Regions" (SDK domain lookup)',
      handle: () => ({ status: 200, body: { domains: [{ id: auth.credentials.domain_id, name: auth.credentials.domain_name, enabled: true, description: '' }] } }),
    },
  ];
}
