// What every PCA operation gets: the workspace, a clock, a CSPRNG and the key
// vault, all from its caller (the CLI passes the real ones, the emulator its
// own, tests pin the clock), and what it returns: PCA's HTTP status and body.
//
// Requests are what PCA receives over HTTP, already split: path parameters,
// query parameters (strings, as on the wire) and the parsed JSON body.

import type { KeyObject } from 'node:crypto';
import { rule } from '../../ccm/rules.js';
import type { ValidationResult } from '../../ccm/validation.js';
import type { Certificate } from '../../engine/certificate.js';
import { CcmError } from '../../engine/errors.js';
import { PcaStore } from '../../store/pca-store.js';
import { KeyVault, parseKdfRecord, type Random } from '../../store/vault.js';
import type { Workspace } from '../../store/workspace.js';

/**
 * A PCA request as PCA receives it over HTTP, already split: path parameters, query parameters (strings, as on the wire) and the parsed JSON body.
 *
 * @example
 * ```ts
 * const r = showCa(ctx, { params: { ca_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc' } });
 * const page = listCerts(ctx, { query: { limit: '10', offset: '0', status: 'ISSUED' } });
 * const made = createCa(ctx, { body: { type: 'ROOT', key_algorithm: 'EC384', ... } });
 * ```
 */
export interface PcaRequest {
  params?: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * PCA's answer: its HTTP status and JSON body (or, for exports, a zip's bytes with its content type and file name). Refusals are thrown as CcmError with PCA's status and code.
 *
 * @example
 * ```ts
 * const r = createCa(ctx, { body });
 * if (r.status === 200) console.log((r.body as { ca_id: string }).ca_id);
 * ```
 */
export interface PcaResponse {
  status: number;
  /** JSON body, or the bytes of a zip (then contentType and filename are set). */
  body?: unknown;
  contentType?: string;
  filename?: string;
}

/**
 * What every PCA operation runs with: an open workspace, the clock, the
 * CSPRNG and the key vault. Make one with {@link createContext} per process
 * (it caches opened CA keys); its other fields are the service's own.
 *
 * @example
 * ```ts
 * const ctx: PcaContext = createContext(openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS }), { now: () => new Date(), random: randomBytes, passphrase: () => process.env.CA_PASSPHRASE });
 * ```
 */
export interface PcaContext {
  /** @internal */
  ws: Workspace;
  /** @internal */
  store: PcaStore;
  /** The time of the operation: every EXPIRED, create_time and notBefore comes from it. */
  now: () => Date;
  /** The CSPRNG: serial numbers, IDs, keys' salts. */
  random: Random;
  /** @internal */
  vault: KeyVault;
  /** CA keys opened in this process, by ca_id: a CA key is decrypted once per process, not once per certificate. @internal */
  caKeys: Map<string, KeyObject>;
  /** CA certificates parsed in this process, by ca_id and DER (a re-imported CA gets a new entry). @internal */
  caCerts: Map<string, Certificate>;
}

/**
 * What an operation needs from its caller: the clock, the CSPRNG, and the workspace passphrase (asked only when a CA or certificate key is needed).
 *
 * @example
 * ```ts
 * const o: ContextOptions = { now: () => new Date(), random: randomBytes, passphrase: () => process.env.CA_PASSPHRASE };
 * ```
 */
export interface ContextOptions {
  now: () => Date;
  random: Random;
  /** Asked once, and only when an operation needs a private key. */
  passphrase: () => string | undefined;
}

/**
 * Workspace settings the PCA service reads.
 *
 * @example
 * ```ts
 * ws.setting(SETTING.CRL_BASE_URL); // 'http://crl.example.com/' or undefined
 * ```
 */
export const SETTING = {
  KDF: 'kdf',
  CA_QUOTA: 'ca_quota',
  CERTIFICATE_QUOTA: 'certificate_quota',
  CRL_BASE_URL: 'crl_base_url',
} as const;

/**
 * A PCA context for one process over an open workspace: operations cache opened CA keys in it.
 *
 * @example
 * ```ts
 * const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS });
 * const ctx = createContext(ws, { now: () => new Date(), random: randomBytes, passphrase: () => process.env.CA_PASSPHRASE });
 * ```
 */
export function createContext(ws: Workspace, o: ContextOptions): PcaContext {
  const vault = new KeyVault(parseKdfRecord(ws.setting(SETTING.KDF), ws.dir), o.passphrase, o.random);
  return { ws, store: new PcaStore(ws), now: o.now, random: o.random, vault, caKeys: new Map(), caCerts: new Map() };
}

/** The time of an operation in whole milliseconds. */
export function nowMs(ctx: PcaContext): number {
  return ctx.now().getTime();
}

/** A version 4 UUID from the context's CSPRNG (RFC 9562 4.4): PCA's IDs are UUIDs. */
export function uuid(random: Random): string {
  const b = Buffer.from(random(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- PCA's errors (ccm-api-reference.txt A.2.2, via the rules table) ---------------------

/** A CcmError for a broken rule of src/ccm/rules.ts: its status, code and CCM message, with our detail first. */
export function ruleError(id: string, detail: string, field?: string): CcmError {
  const r = rule(id);
  return new CcmError(r.status, r.error_code, `${detail} ${r.error_msg}`, field);
}

/** The first error of a pre-flight result, as PCA would answer it. */
export function fromValidation(v: ValidationResult): CcmError {
  const f = v.findings.find((x) => x.severity === 'error');
  if (!f) return new CcmError(500, 'PCA.00000001', 'validation failed without a finding. Unknown error. Please contact technical support.');
  return new CcmError(v.status, f.code, f.message, f.field);
}

export function badParameter(message: string, field?: string): CcmError {
  return ruleError('pca.body.shape', message, field);
}

export function notFound(kind: 'CA' | 'certificate', id: string): CcmError {
  return ruleError('pca.not_found', `${kind} ${id} is not found.`);
}

export function issuerNotFound(id: string): CcmError {
  return ruleError('pca.issuer_not_found', `issuer CA ${id} is not found.`, 'issuer_id');
}

/** 403 PCA.00030201 with the rule that refused (A.2.2 lists them). */
export function notAllowed(what: string): CcmError {
  return ruleError('pca.state', what);
}

export function quotaExceeded(kind: 'CA' | 'certificate', quota: number): CcmError {
  return ruleError('pca.quota', `the workspace's ${kind} quota of ${quota} is used up.`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The {ca_id} path parameter: a UUID (400 PCA.00020201 otherwise). */
export function caIdParam(req: PcaRequest): string {
  const id = req.params?.ca_id;
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new CcmError(400, 'PCA.00020201', `ca_id ${JSON.stringify(String(id ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 40))} is not a CA ID. Invalid CA ID. Valid CA IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx format.`, 'ca_id');
  }
  return id.toLowerCase();
}

/** The {certificate_id} path parameter: a UUID (400 PCA.00020301 otherwise). */
export function certIdParam(req: PcaRequest): string {
  const id = req.params?.certificate_id;
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new CcmError(
      400,
      'PCA.00020301',
      `certificate_id ${JSON.stringify(String(id ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 40))} is not a certificate ID. Invalid certificate ID. Valid certificate IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx format.`,
      'certificate_id',
    );
  }
  return id.toLowerCase();
}
