// SCM v3 CSR operations (scm-upload-csr.txt; the other CSR endpoints as the
// official SDKs model them, ../shared/notes/ccm-api.md "SCM CSR endpoints").
//
// Upload runs `ccmkit validate scm-upload-csr`'s pre-flight. Create makes the
// key here (one of CCM's algorithms, from the CSPRNG), builds the CSR with
// the same builder and read-back checks as `ccmkit csr create`, and keeps
// the key sealed by the workspace vault; GET .../private-key hands it back.

import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createCsr as buildCheckedCsr, type SanInput } from '../../ccm/csr-request.js';
import { isIP } from '../../ccm/domains.js';
import { readCsrString } from '../../ccm/csr-bodies.js';
import { isObject, typeName } from '../../ccm/validation.js';
import { validateScmUploadCsr } from '../../ccm/validate-scm-upload-csr.js';
import { CcmError } from '../../engine/errors.js';
import { parsePem, toPem, unescapeJsonPem } from '../../engine/pem.js';
import { parsePrivateKey, sniffPrivateKey } from '../../engine/privatekey.js';
import { parseSpki } from '../../engine/publickey.js';
import type { ScmCsrRow } from '../../store/scm-store.js';
import { openKeyPem } from './certificates.js';
import { badParameter, csrIdParam, notFound, type ScmContext, type ScmRequest, type ScmResponse } from './context.js';

function newCsrId(ctx: ScmContext): string {
  return ctx.random(16).toString('hex');
}

// ---- upload (scm-upload-csr.txt) ------------------------------------------------------------

export function uploadCsr(ctx: ScmContext, req: ScmRequest): ScmResponse {
  const v = validateScmUploadCsr(req.body);
  if (!v.valid) throw new CcmError(v.status, v.error_code!, v.error_msg!);
  const b = req.body as Record<string, unknown>;
  const csrText = unescapeJsonPem(b.csr as string);
  const read = readCsrString(csrText);
  if (!('csr' in read)) throw new CcmError(400, 'SCM.0034', `Csr parse error: csr ${read.problem}.`);
  let sealed: Buffer | null = null;
  let format: ScmCsrRow['key_format'] = null;
  if (typeof b.private_key === 'string' && b.private_key.trim() !== '') {
    // The pre-flight has already proven that it parses, is not encrypted and belongs to the CSR.
    const block = parsePem(unescapeJsonPem(b.private_key))[0]!;
    const f = sniffPrivateKey(block.der);
    const info = parsePrivateKey(block.der);
    format = f === 'pkcs1' || f === 'sec1' ? f : 'pkcs8';
    sealed = ctx.vault.seal(info.keyObject);
  }
  const nowMs = ctx.now().getTime();
  const row: ScmCsrRow = {
    id: newCsrId(ctx),
    name: b.name as string,
    source: 'UPLOAD',
    domain_name: read.csr.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? null,
    sans: (read.csr.extensions.subjectAltNames ?? []).map((s) => s.value).join(';') || null,
    private_key_algo: null,
    usage: null,
    company_country: null,
    company_province: null,
    company_city: null,
    company_name: null,
    csr: toPem('CERTIFICATE REQUEST', read.csr.der),
    private_key: sealed,
    key_format: format,
    create_time: nowMs,
    update_time: nowMs,
  };
  ctx.ws.tx(() => ctx.store.insertCsr(row));
  return { status: 200, body: { id: row.id, name: row.name, create_time: row.create_time } };
}

// ---- create, with the key made here ---------------------------------------------------------

/** SCM's private_key_algo names for the four key algorithms CCM (and ccmkit) support. */
const KEY_ALGOS: Record<string, () => KeyObject> = {
  RSA_2048: () => generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey,
  RSA_4096: () => generateKeyPairSync('rsa', { modulusLength: 4096, publicExponent: 0x10001 }).privateKey,
  EC_P256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  EC_P384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
};

function optString(b: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = b[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw badParameter(`${field} must be a string, not ${typeName(v)}.`, field);
  if ([...v].length > max) throw badParameter(`${field} is longer than ${max} characters.`, field);
  if (/[\x00-\x1f\x7f]/.test(v)) throw badParameter(`${field} holds control characters.`, field);
  return v;
}

function sansOf(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  const list = typeof v === 'string' ? v.split(/[;,]/) : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  if (!list) throw badParameter(`sans must be a string ("a.example.com;b.example.com") or a list of strings, not ${typeName(v)}.`, 'sans');
  const out = list.map((s) => s.trim()).filter((s) => s !== '');
  if (out.length > 100) throw badParameter('sans holds more than 100 names.', 'sans');
  return out;
}

export function createCsr(ctx: ScmContext, req: ScmRequest): ScmResponse {
  const b = req.body;
  if (!isObject(b)) throw badParameter(`the body is ${typeName(b)}, not a JSON object.`);
  const name = optString(b, 'name', 63);
  if (name === undefined) throw badParameter('name is required (1 to 63 characters).', 'name');
  const domain = optString(b, 'domain_name', 255);
  if (domain === undefined) throw badParameter('domain_name is required.', 'domain_name');
  const algoName = typeof b.private_key_algo === 'string' ? b.private_key_algo.toUpperCase() : undefined;
  const make = algoName ? KEY_ALGOS[algoName] : undefined;
  if (!make) throw badParameter(`private_key_algo must be one of ${Object.keys(KEY_ALGOS).join(', ')}.`, 'private_key_algo');
  const sans = sansOf(b.sans);
  const usage = optString(b, 'usage', 64);
  const country = optString(b, 'company_country', 2);
  const province = optString(b, 'company_province', 128);
  const city = optString(b, 'company_city', 128);
  const company = optString(b, 'company_name', 64);

  const names = [domain, ...sans.filter((s) => s !== domain)];
  const sanInput: SanInput[] = names.map((n) => ({ type: isIP(n) ? 'IP' : 'DNS', value: n }));
  const key = make();
  const pk = parseSpki(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  let der: Buffer;
  try {
    der = buildCheckedCsr({ subject: { common_name: domain, country, state: province, locality: city, organization: company }, sans: sanInput }, key, pk).der;
  } catch (e) {
    // The CSR checks speak PCA's codes; the same problem in an SCM request is SCM's parameter error.
    if (e instanceof CcmError) throw badParameter(e.message);
    throw e;
  }
  const nowMs = ctx.now().getTime();
  const row: ScmCsrRow = {
    id: newCsrId(ctx),
    name,
    source: 'CREATE',
    domain_name: domain,
    sans: sans.join(';'),
    private_key_algo: algoName!,
    usage: usage ?? null,
    company_country: country ?? null,
    company_province: province ?? null,
    company_city: city ?? null,
    company_name: company ?? null,
    csr: toPem('CERTIFICATE REQUEST', der),
    private_key: ctx.vault.seal(key),
    key_format: 'pkcs8',
    create_time: nowMs,
    update_time: nowMs,
  };
  ctx.ws.tx(() => ctx.store.insertCsr(row));
  return { status: 200, body: csrRecord(row, false) };
}

// ---- list, show, delete, private key -------------------------------------------------------

function csrRecord(r: ScmCsrRow, withCsr: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    domain_name: r.domain_name ?? '',
    sans: r.sans ?? '',
    private_key_algo: r.private_key_algo ?? '',
    usage: r.usage ?? '',
    company_country: r.company_country ?? '',
    company_province: r.company_province ?? '',
    company_city: r.company_city ?? '',
    company_name: r.company_name ?? '',
    create_time: r.create_time,
    update_time: r.update_time,
  };
  if (withCsr) out.csr = r.csr;
  return out;
}

export function listCsrs(ctx: ScmContext, req: ScmRequest): ScmResponse {
  const q = req.query ?? {};
  const num = (name: string, dflt: number, min: number, max: number): number => {
    const v = q[name];
    if (v === undefined || v === '') return dflt;
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw badParameter(`${name} must be an integer from ${min} to ${max}.`, name);
    return Number(v);
  };
  const limit = num('limit', 10, 1, 50);
  const offset = num('offset', 0, 0, 1_000_000_000);
  const { rows, total } = ctx.store.listCsrs(limit, offset, q.name);
  return { status: 200, body: { csr_list: rows.map((r) => csrRecord(r, false)), total } };
}

function loadCsr(ctx: ScmContext, req: ScmRequest): ScmCsrRow {
  const id = csrIdParam(req.params?.csr_id);
  const r = ctx.store.getCsr(id);
  if (!r) throw notFound('CSR', id);
  return r;
}

export function showCsr(ctx: ScmContext, req: ScmRequest): ScmResponse {
  return { status: 200, body: csrRecord(loadCsr(ctx, req), true) };
}

export function csrPrivateKey(ctx: ScmContext, req: ScmRequest): ScmResponse {
  const r = loadCsr(ctx, req);
  if (!r.private_key || !r.key_format) throw new CcmError(400, 'SCM.0059', `The certificate private key is empty: CSR ${r.id} was uploaded without its private key.`);
  return { status: 200, body: { private_key: openKeyPem(ctx, r.private_key, r.key_format, `CSR ${r.id}`) } };
}

export function deleteCsr(ctx: ScmContext, req: ScmRequest): ScmResponse {
  const id = csrIdParam(req.params?.csr_id);
  const gone = ctx.ws.tx(() => ctx.store.deleteCsr(id));
  if (!gone) throw notFound('CSR', id);
  return { status: 204 };
}
