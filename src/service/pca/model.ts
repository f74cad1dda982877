// Rows -> PCA's response objects, with the statuses PCA reports.
//
// CertificateAuthorities (ccm-api-reference.txt 4.2.1.1 Table 4-40, 4.2.1.4
// Table 4-70) and Certificates (4.2.2.1 Table 4-151, 4.2.2.6): IDs are UUIDs,
// times epoch milliseconds, absent values null, status names PCA's own
// (including ACTIVED).

import type { DistinguishedName } from '../../engine/name.js';
import type { CaRow, CertRow } from '../../store/pca-store.js';

/**
 * A CA's status as PCA names it (ACTIVED is PCA's spelling); EXPIRED is derived from not_after.
 *
 * @example
 * ```ts
 * if ((showCa(ctx, { params: { ca_id } }).body as CaBody).status === 'ACTIVED') issue();
 * ```
 */
export type CaStatusName = 'PENDING' | 'ACTIVED' | 'DISABLED' | 'DELETED' | 'EXPIRED';
/**
 * A certificate's status as PCA names it.
 *
 * @example
 * ```ts
 * const s: CertStatusName = (showCert(ctx, { params: { certificate_id } }).body as CertBody).status;
 * ```
 */
export type CertStatusName = 'ISSUED' | 'REVOKED' | 'EXPIRED';

/** EXPIRED is derived at read time: an ACTIVED CA past its not_after (never stored, never stale). */
export function caStatus(r: Pick<CaRow, 'status' | 'not_after'>, now: number): CaStatusName {
  if (r.status === 'ACTIVED' && r.not_after !== null && r.not_after < now) return 'EXPIRED';
  return r.status;
}

export function certStatus(r: Pick<CertRow, 'status' | 'not_after'>, now: number): CertStatusName {
  if (r.status === 'ISSUED' && r.not_after < now) return 'EXPIRED';
  return r.status;
}

/** A CA whose scheduled deletion time has passed is gone: every operation answers 404. */
export function caGone(r: Pick<CaRow, 'status' | 'delete_time'>, now: number): boolean {
  return r.status === 'DELETED' && r.delete_time !== null && r.delete_time <= now;
}

/**
 * A CA's crl_configuration, as PCA's bodies carry it.
 *
 * @example
 * ```ts
 * const cfg: CrlConfiguration = { enabled: true, crl_name: 'root', valid_days: 7 };
 * ```
 */
export interface CrlConfiguration {
  enabled: boolean;
  crl_name?: string | null;
  obs_bucket_name?: string | null;
  valid_days?: number | null;
}

/**
 * A CA as PCA's responses carry it (4.2.1.4 Table 4-70): times in epoch milliseconds, absent values null.
 *
 * @example
 * ```ts
 * const ca = showCa(ctx, { params: { ca_id: caId } }).body as CaBody;
 * console.log(ca.status, ca.not_after, ca.distinguished_name.common_name);
 * ```
 */
export interface CaBody {
  ca_id: string;
  type: string;
  status: CaStatusName;
  path_length: number | null;
  issuer_id: string | null;
  issuer_name: string | null;
  key_algorithm: string;
  signature_algorithm: string | null;
  freeze_flag: number;
  gen_mode: string;
  serial_number: string | null;
  create_time: number;
  delete_time: number | null;
  not_before: number | null;
  not_after: number | null;
  distinguished_name: Required<{ [K in keyof DistinguishedName]: string | null }>;
  crl_configuration: { enabled: boolean; crl_name: string | null; obs_bucket_name: string | null; valid_days: number | null; crl_dis_point: string | null };
}

/**
 * A certificate as PCA's responses carry it (4.2.2.6): times in epoch milliseconds, absent values null.
 *
 * @example
 * ```ts
 * const c = showCert(ctx, { params: { certificate_id } }).body as CertBody;
 * console.log(c.status, c.serial_number, c.not_after);
 * ```
 */
export interface CertBody {
  certificate_id: string;
  status: CertStatusName;
  issuer_id: string;
  issuer_name: string;
  key_algorithm: string;
  signature_algorithm: string;
  freeze_flag: number;
  gen_mode: string;
  serial_number: string;
  create_time: number;
  delete_time: number | null;
  not_before: number;
  not_after: number;
  distinguished_name: Required<{ [K in keyof DistinguishedName]: string | null }>;
}

export function dnBody(json: string): CaBody['distinguished_name'] {
  const dn = JSON.parse(json) as DistinguishedName;
  return {
    country: dn.country ?? null,
    state: dn.state ?? null,
    locality: dn.locality ?? null,
    organization: dn.organization ?? null,
    organizational_unit: dn.organizational_unit ?? null,
    common_name: dn.common_name ?? null,
  };
}

export function parseCrlConfiguration(json: string | null): CrlConfiguration | undefined {
  return json ? (JSON.parse(json) as CrlConfiguration) : undefined;
}

/** The CRL file name: crl_name, else the CA's own ID (4.2.1.2 Table 4-52 NOTE). */
export function crlName(caId: string, cfg: CrlConfiguration | undefined): string {
  return cfg?.crl_name || caId;
}

/** The CRL's file name in crl/ and in its URL: <crl_name>.crl, with anything but [A-Za-z0-9._-] replaced by _. */
export function crlFileName(caId: string, cfg: CrlConfiguration | undefined): string {
  return `${crlName(caId, cfg).replace(/[^A-Za-z0-9._-]/g, '_')}.crl`;
}

/** Where the CA's CRL is published: the workspace's crl_base_url + <crl_name>.crl, when CRL publication is enabled. */
export function crlDistributionPoint(caId: string, cfg: CrlConfiguration | undefined, baseUrl: string | undefined): string | null {
  if (!cfg?.enabled || !baseUrl) return null;
  return `${baseUrl.replace(/\/+$/, '')}/${crlFileName(caId, cfg)}`;
}

export function caBody(r: CaRow, now: number, crlBaseUrl: string | undefined): CaBody {
  const cfg = parseCrlConfiguration(r.crl_configuration);
  return {
    ca_id: r.ca_id,
    type: r.type,
    status: caStatus(r, now),
    // 4.2.1.1 Table 4-40: "the path length of the generated root CA certificate is not limited, but this field is set to 7".
    path_length: r.path_length,
    issuer_id: r.issuer_id,
    issuer_name: r.issuer_name,
    key_algorithm: r.key_algorithm,
    signature_algorithm: r.signature_algorithm,
    freeze_flag: r.freeze_flag,
    gen_mode: r.gen_mode,
    serial_number: r.serial_number,
    create_time: r.create_time,
    delete_time: r.delete_time,
    not_before: r.not_before,
    not_after: r.not_after,
    distinguished_name: dnBody(r.distinguished_name),
    crl_configuration: {
      enabled: cfg?.enabled ?? false,
      crl_name: cfg?.enabled ? crlName(r.ca_id, cfg) : (cfg?.crl_name ?? null),
      obs_bucket_name: cfg?.obs_bucket_name ?? null,
      valid_days: cfg?.valid_days ?? null,
      crl_dis_point: crlDistributionPoint(r.ca_id, cfg, crlBaseUrl),
    },
  };
}

export function certBody(r: Omit<CertRow, 'certificate' | 'private_key'>, now: number): CertBody {
  return {
    certificate_id: r.certificate_id,
    status: certStatus(r, now),
    issuer_id: r.issuer_id,
    issuer_name: r.issuer_name,
    key_algorithm: r.key_algorithm,
    signature_algorithm: r.signature_algorithm,
    freeze_flag: 0,
    gen_mode: r.gen_mode,
    serial_number: r.serial_number,
    create_time: r.create_time,
    delete_time: r.delete_time,
    not_before: r.not_before,
    not_after: r.not_after,
    distinguished_name: dnBody(r.distinguished_name),
  };
}
