// An offline-CA workspace for in-process tests: pinned clock, real CSPRNG,
// a cheap KDF (the passphrase check itself is tested in test/store), and
// helpers for the request bodies PCA takes.
import { randomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { buildCsr, subjectAltNameExt, keyUsageExt, extKeyUsageExt, type ExtensionInput } from '../../src/engine/builder.js';
import { toPem } from '../../src/engine/pem.js';
import type { KeyUsageName } from '../../src/engine/extensions.js';
import { createContext, PCA_MIGRATIONS, type PcaContext, type PcaResponse } from '../../src/service/pca/index.js';
import { newKdfRecord } from '../../src/store/vault.js';
import { initWorkspace, type Workspace } from '../../src/store/workspace.js';
import { key } from './pki.js';

export const PASS = 'test workspace passphrase';

export interface TestWs {
  ws: Workspace;
  ctx: PcaContext;
  /** The pinned clock, in ms; move it to test EXPIRED and scheduled deletion. */
  clock: { t: number };
}

let n = 0;

export function testWorkspace(parent: string, settings: Record<string, string | undefined> = {}, at = Date.parse('2025-06-01T00:00:00Z')): TestWs {
  const dir = join(parent, `ws-${process.pid}-${++n}`);
  const all: Record<string, string | undefined> = { kdf: JSON.stringify(newKdfRecord(PASS, randomBytes, 1000)), crl_base_url: 'http://crl.example.test/pca', ...settings };
  const defined = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  const ws = initWorkspace(dir, defined, { at: new Date(at), migrations: PCA_MIGRATIONS });
  const clock = { t: at };
  const ctx = createContext(ws, { now: () => new Date(clock.t), random: randomBytes, passphrase: () => PASS });
  return { ws, ctx, clock };
}

export const DN = { common_name: 'Test Root CA', country: 'CN', state: 'Guangdong', locality: 'Shenzhen', organization: 'ccmkit test', organizational_unit: 'PKI' };

export function rootBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'ROOT', key_algorithm: 'EC256', signature_algorithm: 'SHA256', distinguished_name: DN, validity: { type: 'YEAR', value: 10 }, ...over };
}

export function subBody(issuer: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'SUBORDINATE',
    issuer_id: issuer,
    key_algorithm: 'EC256',
    signature_algorithm: 'SHA256',
    distinguished_name: { ...DN, common_name: 'Test Issuing CA' },
    validity: { type: 'YEAR', value: 5 },
    ...over,
  };
}

export function applyBody(issuer: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer_id: issuer,
    key_algorithm: 'EC256',
    signature_algorithm: 'SHA256',
    distinguished_name: { common_name: 'www.example.test' },
    validity: { type: 'DAY', value: 90 },
    subject_alternative_names: [{ type: 'DNS', value: 'www.example.test' }],
    ...over,
  };
}

/** A CSR PEM for `cn` with optional requested extensions. */
export function csrPem(cn: string, o: { key?: KeyObject; sans?: string[]; keyUsage?: KeyUsageName[]; eku?: string[] } = {}): string {
  const exts: ExtensionInput[] = [];
  if (o.sans?.length) exts.push(subjectAltNameExt(o.sans.map((v) => ({ type: 'DNS', value: v }))));
  if (o.keyUsage) exts.push(keyUsageExt(o.keyUsage));
  if (o.eku) exts.push(extKeyUsageExt(o.eku));
  const der = buildCsr({ subject: [['C', 'CN'], ['O', 'ccmkit test'], ['CN', cn]], key: o.key ?? key('EC256', 7), extensions: exts });
  return toPem('CERTIFICATE REQUEST', der);
}

export function issueBody(issuer: string, cn: string, over: Record<string, unknown> = {}, csrOpts: Parameters<typeof csrPem>[1] = {}): Record<string, unknown> {
  return { issuer_id: issuer, csr: csrPem(cn, { sans: [cn], ...csrOpts }), validity: { type: 'DAY', value: 30 }, ...over };
}

export function idOf(r: PcaResponse): string {
  const b = r.body as { ca_id?: string; certificate_id?: string };
  return (b.ca_id ?? b.certificate_id)!;
}

/** The error a call throws, as {status, code}; fails when it does not throw. */
export function refusal(f: () => unknown): { status: number; code: string; message: string } {
  try {
    f();
  } catch (e) {
    const c = e as { status?: number; code?: string; message: string };
    if (c.status === undefined) throw e;
    return { status: c.status, code: c.code!, message: c.message };
  }
  throw new Error('expected a refusal, got success');
}
