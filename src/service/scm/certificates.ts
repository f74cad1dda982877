// SCM v3 certificate operations over a workspace (ccm-api-reference.txt 4.1,
// scm-import-certificate.txt, scm-export-certificate.txt).
//
// Import runs the same pre-flight as `ccmkit validate scm-import`
// (src/ccm/scm-import.ts): a body it rejects gets the same status, code and
// message here. What SCM computes from the certificate (domain, SANs, domain
// type, signature algorithm, dates) is read from the parsed leaf.

import { analyseScmImport } from '../../ccm/scm-import.js';
import { sha256Fingerprint, type Certificate } from '../../engine/certificate.js';
import { CcmError } from '../../engine/errors.js';
import { commonNames } from '../../engine/name.js';
import { toPem } from '../../engine/pem.js';
import type { ScmCertRow, ScmSortKey } from '../../store/scm-store.js';
import { RawJson } from '../raw-json.js';
import { badParameter, certIdParam, notFound, scmTime, type ScmContext, type ScmRequest as ServiceRequest, type ScmResponse as ServiceResponse } from './context.js';

// ---- what SCM derives from a certificate -------------------------------------------------

interface Domains {
  domain: string;
  sans: string[];
  domain_type: 'SINGLE_DOMAIN' | 'WILDCARD' | 'MULTI_DOMAIN';
  domain_count: number;
  wildcard_count: number;
}

/** The bound domain (the CN, else the first SAN), the other names, and SCM's domain type. */
export function domainsOf(leaf: Certificate): Domains {
  const names: string[] = [];
  for (const s of leaf.extensions.subjectAltNames ?? []) if ((s.type === 'DNS' || s.type === 'IP') && !names.includes(s.value)) names.push(s.value);
  const cn = commonNames(leaf.subject)[0];
  const domain = cn ?? names[0] ?? '';
  const all = [domain, ...names.filter((n) => n !== domain)].filter((n) => n !== '');
  const wildcard = all.filter((n) => n.startsWith('*.')).length;
  return {
    domain,
    sans: all.slice(1),
    domain_type: all.length > 1 ? 'MULTI_DOMAIN' : wildcard ? 'WILDCARD' : 'SINGLE_DOMAIN',
    domain_count: Math.max(1, all.length),
    wildcard_count: wildcard,
  };
}

function brandOf(leaf: Certificate): string {
  const attrs = leaf.issuer.rdns.flat();
  const o = attrs.find((a) => a.type === 'O')?.value ?? attrs.find((a) => a.type === 'CN')?.value ?? '';
  return o.toUpperCase().slice(0, 255);
}

/** Whole months between two instants, as SCM's validity_period counts them. */
function months(fromMs: number, toMs: number): number {
  const a = new Date(fromMs);
  const b = new Date(toMs);
  let m = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  if (b.getUTCDate() < a.getUTCDate()) m--;
  return Math.max(0, m);
}

/** EXPIRED is derived from the clock, never stored stale. */
function statusOf(r: { status: string; not_after: number }, nowMs: number): string {
  return r.not_after < nowMs ? 'EXPIRED' : r.status;
}

type StaticFields = Pick<ScmCertRow, 'id' | 'name' | 'domain' | 'sans' | 'signature_algorithm' | 'brand' | 'domain_type' | 'not_before' | 'not_after' | 'domain_count' | 'wildcard_count' | 'description' | 'enterprise_project_id'>;

/** The list item (4.1.1 CertificateDetail) but status and domain_id, which are added when it is read. */
function staticItem(r: StaticFields): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    domain: r.domain,
    sans: r.sans,
    signature_algorithm: r.signature_algorithm,
    deploy_support: true,
    type: '',
    brand: r.brand,
    expire_time: scmTime(r.not_after),
    domain_type: r.domain_type,
    validity_period: months(r.not_before, r.not_after),
    domain_count: r.domain_count,
    wildcard_count: r.wildcard_count,
    description: r.description,
    enterprise_project_id: r.enterprise_project_id,
  };
}

function listItem(ctx: ScmContext, r: ScmCertRow, nowMs: number): Record<string, unknown> {
  return { ...staticItem(r), status: statusOf(r, nowMs), domain_id: ctx.domainId };
}

// ---- import (4.1.2, scm-import-certificate.txt) -------------------------------------------

export async function importCertificate(ctx: ScmContext, req: ServiceRequest): Promise<ServiceResponse> {
  const at = ctx.now();
  const body = req.body;
  let a = analyseScmImport(body, { at });
  if (a.result.valid && a.leaf) {
    // duplicate_check (seed: true = "The same certificate can be uploaded"): ask the pre-flight
    // again with the fingerprint on record, so a duplicate gets exactly its answer.
    const fp = sha256Fingerprint(a.leaf);
    if (ctx.store.ws.read(() => ctx.store.idByFingerprint(fp)) !== undefined) a = analyseScmImport(body, { at, existingFingerprints: [fp] });
  }
  if (!a.result.valid) throw new CcmError(a.result.status, a.result.error_code!, a.result.error_msg!);
  const b = body as Record<string, unknown>;
  for (const f of ['enc_certificate', 'enc_private_key'] as const) {
    if (typeof b[f] === 'string' && b[f] !== '') {
      // SM2 dual certificates need SM2 signatures, which Node's OpenSSL does not offer.
      throw new CcmError(400, 'SCM.0403', `Encrypt cert is not sm2 signature algorithm: ${f} (SM2 dual certificates) is not supported by the ccmkit emulator.`, f);
    }
  }
  const leaf = a.leaf!;
  const key = a.key!;
  const fingerprint = sha256Fingerprint(leaf);
  const d = domainsOf(leaf);
  const sealed = ctx.vault.seal(key.keyObject);
  const nowMs = at.getTime();
  const eps = typeof b.enterprise_project_id === 'string' && b.enterprise_project_id !== '' ? b.enterprise_project_id.slice(0, 64) : '0';
  const id = await ctx.commits.run(() => {
    // Re-checked inside the write transaction: another request may have imported it meanwhile.
    if (b.duplicate_check !== true && ctx.store.idByFingerprint(fingerprint) !== undefined) {
      const again = analyseScmImport(body, { at, existingFingerprints: [fingerprint] }).result;
      throw new CcmError(again.status, again.error_code ?? 'SCM.0005', again.error_msg ?? 'This certificate is already in SCM.');
    }
    const newId = ctx.store.nextCertId(nowMs);
    const fields: StaticFields = {
      id: newId,
      name: a.name!,
      domain: d.domain,
      sans: d.sans.join(';'),
      signature_algorithm: leaf.signatureAlgorithm.name.toUpperCase(),
      brand: brandOf(leaf),
      domain_type: d.domain_type,
      not_before: leaf.notBefore.getTime(),
      not_after: leaf.notAfter.getTime(),
      domain_count: d.domain_count,
      wildcard_count: d.wildcard_count,
      description: '',
      enterprise_project_id: eps,
    };
    ctx.store.insertCert({
      ...fields,
      status: 'UPLOAD',
      fingerprint,
      serial_number: leaf.serial,
      create_time: nowMs,
      update_time: nowMs,
      certificate: toPem('CERTIFICATE', leaf.der),
      certificate_chain: a.others.map((c) => toPem('CERTIFICATE', c.der)).join(''),
      private_key: sealed,
      key_format: key.format === 'pkcs1' || key.format === 'sec1' ? key.format : 'pkcs8',
      item_json: JSON.stringify(staticItem(fields)),
    });
    return newId;
  });
  return { status: 200, body: { certificate_id: id } };
}

// ---- list (4.1.1) -------------------------------------------------------------------------

const STATUSES = ['ALL', 'PAID', 'ISSUED', 'CHECKING', 'CANCELCHECKING', 'UNPASSED', 'EXPIRED', 'REVOKING', 'REVOKED', 'UPLOAD', 'CHECKING_ORG', 'ISSUING', 'SUPPLEMENTCHECKING'];
const SORT_KEYS: ScmSortKey[] = ['certExpiredTime', 'certStatus', 'certUpdateTime'];

function intParam(q: Record<string, string | undefined>, name: string, dflt: number, min: number, max: number): number {
  const v = q[name];
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw badParameter(`${name} must be an integer from ${min} to ${max}.`, name);
  return Number(v);
}

export function listCertificates(ctx: ScmContext, req: ServiceRequest): ServiceResponse {
  const q = req.query ?? {};
  // 4.1.1 Table 4-1: limit 10, 20 or 50 ("Minimum: 10 Maximum: 50", default 10); offset >= 0.
  const limit = intParam(q, 'limit', 10, 10, 50);
  const offset = intParam(q, 'offset', 0, 0, 1_000_000_000);
  const dir = (q.sort_dir ?? 'DESC').toUpperCase();
  if (dir !== 'ASC' && dir !== 'DESC') throw badParameter('sort_dir must be ASC or DESC.', 'sort_dir');
  const sortKey = SORT_KEYS.find((k) => k.toLowerCase() === (q.sort_key ?? 'certUpdateTime').toLowerCase());
  if (!sortKey) throw badParameter(`sort_key must be one of ${SORT_KEYS.join(', ')}.`, 'sort_key');
  const status = (q.status ?? 'ALL').toUpperCase();
  if (!STATUSES.includes(status)) throw badParameter(`status must be one of ${STATUSES.join(', ')}.`, 'status');
  if (q.deploy_support !== undefined && !/^(true|false)$/i.test(q.deploy_support)) throw badParameter('deploy_support must be true or false.', 'deploy_support');
  if (q.expired_days_since !== undefined) intParam(q, 'expired_days_since', 0, 0, 1_000_000);
  const nowMs = ctx.now().getTime();
  const eps = q.enterprise_project_id && q.enterprise_project_id !== 'all_granted_eps' ? q.enterprise_project_id : undefined;
  // Every imported certificate can be deployed: deploy_support=false matches none of them.
  if (q.deploy_support?.toLowerCase() === 'false') return { status: 200, body: { certificates: [], total_count: 0 } };
  const { rows, total } = ctx.store.listCerts({ status: status === 'ALL' ? undefined : status, content: q.content, enterpriseProjectId: eps, sortKey, sortDir: dir, limit, offset, nowMs });
  // The page is the stored items joined, each completed with its derived status and the domain id.
  const tail = (status: string): string => `,"status":${JSON.stringify(status)},"domain_id":${JSON.stringify(ctx.domainId)}}`;
  const items = rows.map((r) => r.item_json.slice(0, -1) + tail(statusOf(r, nowMs)));
  return { status: 200, body: new RawJson(`{"certificates":[${items.join(',')}],"total_count":${total}}`) };
}

// ---- show (4.1.3) -------------------------------------------------------------------------

function load(ctx: ScmContext, req: ServiceRequest): ScmCertRow {
  const id = certIdParam(req.params?.certificate_id);
  const r = ctx.store.getCert(id);
  if (!r) throw notFound('certificate', id);
  return r;
}

export function showCertificate(ctx: ScmContext, req: ServiceRequest): ServiceResponse {
  const r = load(ctx, req);
  const nowMs = ctx.now().getTime();
  return {
    status: 200,
    body: {
      ...listItem(ctx, r, nowMs),
      order_id: '',
      push_support: 'ON',
      revoke_reason: '',
      issue_time: scmTime(r.not_before),
      not_before: scmTime(r.not_before),
      not_after: scmTime(r.not_after),
      validation_method: '',
      multi_domain_type: '',
      fingerprint: r.fingerprint,
      shared: false,
      application_info: '',
      authentification: [],
    },
  };
}

// ---- export (4.1.5, scm-export-certificate.txt) ----------------------------------------------

export function exportCertificate(ctx: ScmContext, req: ServiceRequest): ServiceResponse {
  // The SDK sends no body, Terraform sends {}: both are fine, and nothing in a body changes the answer.
  const r = load(ctx, req);
  const privateKey = openKeyPem(ctx, r.private_key, r.key_format, `certificate ${r.id}`);
  return {
    status: 200,
    body: {
      entire_certificate: r.certificate + r.certificate_chain,
      certificate: r.certificate,
      certificate_chain: r.certificate_chain,
      private_key: privateKey,
      enc_certificate: '',
      enc_private_key: '',
    },
  };
}

// ---- delete (4.1.4) -------------------------------------------------------------------------

export function deleteCertificate(ctx: ScmContext, req: ServiceRequest): ServiceResponse {
  const id = certIdParam(req.params?.certificate_id);
  const gone = ctx.ws.tx(() => ctx.store.deleteCert(id));
  if (!gone) throw notFound('certificate', id);
  return { status: 204 };
}

/** A sealed key as SCM hands it back: PEM in the form it was given in (PKCS#1, SEC1 or PKCS#8). */
export function openKeyPem(ctx: ScmContext, sealed: Buffer, format: 'pkcs1' | 'sec1' | 'pkcs8', what: string): string {
  const key = ctx.vault.open(sealed, what);
  const der = key.export({ type: format, format: 'der' });
  try {
    return toPem(format === 'pkcs1' ? 'RSA PRIVATE KEY' : format === 'sec1' ? 'EC PRIVATE KEY' : 'PRIVATE KEY', der);
  } finally {
    der.fill(0);
  }
}
