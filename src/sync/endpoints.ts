// Where each service lives (../shared/notes/ccm-api.md "Endpoints and
// identity" and "Regions"): a region maps to
//   SCM  https://scm.{region}.myhuaweicloud.com
//   PCA  https://ccm.{region}.myhuaweicloud.com   (sa-brazil-1: https://ccm.myhuaweicloud.com)
//   IAM  https://iam.myhuaweicloud.com            (global; HUAWEICLOUD_SDK_IAM_ENDPOINT overrides)
// A per-service endpoint overrides the region. A trailing "/" is dropped:
// the SDK would otherwise sign "//v1/..." while it sends "/v1/...", and the
// gateway refuses the signature.

import { CcmError } from '../engine/errors.js';
import { SyncCode } from './errors.js';

/**
 * The three services the client talks to.
 *
 * @example
 * ```ts
 * const url = client.endpoint('pca' satisfies ServiceName);
 * ```
 */
export type ServiceName = 'scm' | 'pca' | 'iam';

/**
 * PCA's endpoint in each region the official SDKs list.
 *
 * @example
 * ```ts
 * Object.keys(PCA_REGIONS); // ['cn-north-4', 'ap-southeast-3', ...]
 * ```
 */
export const PCA_REGIONS: Readonly<Record<string, string>> = {
  'cn-north-4': 'https://ccm.cn-north-4.myhuaweicloud.com',
  'ap-southeast-3': 'https://ccm.ap-southeast-3.myhuaweicloud.com',
  'eu-west-101': 'https://ccm.eu-west-101.myhuaweicloud.com',
  'ru-moscow-1': 'https://ccm.ru-moscow-1.myhuaweicloud.com',
  'my-kualalumpur-1': 'https://ccm.my-kualalumpur-1.myhuaweicloud.com',
  'sa-brazil-1': 'https://ccm.myhuaweicloud.com',
};

/**
 * SCM's endpoint in each region the official SDKs list (fewer than PCA's).
 *
 * @example
 * ```ts
 * 'ap-southeast-3' in SCM_REGIONS; // false: no SCM there
 * ```
 */
export const SCM_REGIONS: Readonly<Record<string, string>> = {
  'cn-north-4': 'https://scm.cn-north-4.myhuaweicloud.com',
  'ap-southeast-1': 'https://scm.ap-southeast-1.myhuaweicloud.com',
  'my-kualalumpur-1': 'https://scm.my-kualalumpur-1.myhuaweicloud.com',
};

/**
 * IAM's global endpoint (token login, the account lookup).
 *
 * @example
 * ```ts
 * resolveEndpoints({ region: 'cn-north-4' }).iam.href === `${DEFAULT_IAM_ENDPOINT}/`; // true
 * ```
 */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';

/**
 * What {@link resolveEndpoints} builds the endpoints from: a region, and
 * overrides (one URL for all, or one per service).
 *
 * @example
 * ```ts
 * const o: EndpointOptions = { region: 'cn-north-4', pca: 'https://ccm.example.internal' };
 * ```
 */
export interface EndpointOptions {
  region?: string | undefined;
  /** One URL for every service (the emulator serves SCM, PCA and IAM on one port). */
  endpoint?: string | undefined;
  scm?: string | undefined;
  pca?: string | undefined;
  iam?: string | undefined;
}

/**
 * The base URL of each service, checked and normalised.
 *
 * @example
 * ```ts
 * const e: Endpoints = resolveEndpoints({ endpoint: 'http://127.0.0.1:8443' });
 * ```
 */
export interface Endpoints {
  scm?: URL;
  pca?: URL;
  iam: URL;
  region?: string;
}

/**
 * An endpoint URL, checked and normalised: http or https, no query, no
 * fragment, no credentials in it, trailing slashes dropped (a path prefix
 * such as http://host:port/pca is kept: it is both sent and signed).
 *
 * @example
 * ```ts
 * normaliseEndpoint('https://scm.cn-north-4.myhuaweicloud.com/', 'SCM').href; // 'https://scm.cn-north-4.myhuaweicloud.com/'
 * ```
 */
export function normaliseEndpoint(text: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new CcmError(400, SyncCode.ENDPOINT, `${what} "${text.slice(0, 80)}" is not a URL (e.g. https://scm.cn-north-4.myhuaweicloud.com).`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new CcmError(400, SyncCode.ENDPOINT, `${what} must be an http:// or https:// URL, not ${u.protocol}`);
  if (u.username || u.password) throw new CcmError(400, SyncCode.ENDPOINT, `${what} must not carry a user or password: credentials come from the environment or a profile file.`);
  if (u.search || u.hash) throw new CcmError(400, SyncCode.ENDPOINT, `${what} must not have a query or fragment.`);
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

/**
 * The base URL of each service, from the region and the overrides
 * (overrides win). IAM: `o.iam`, else `o.endpoint`, else
 * HUAWEICLOUD_SDK_IAM_ENDPOINT in `env` (default: none read), else
 * {@link DEFAULT_IAM_ENDPOINT}. Throws CCMKIT.0204 on a bad URL or region.
 *
 * @example
 * ```ts
 * const endpoints = resolveEndpoints({ region: 'cn-north-4' });
 * const local = resolveEndpoints({ endpoint: 'http://127.0.0.1:8443' }); // the emulator: SCM, PCA and IAM on one port
 * ```
 */
export function resolveEndpoints(o: EndpointOptions, env: Readonly<Record<string, string | undefined>> = {}): Endpoints {
  const region = o.region?.trim().toLowerCase();
  if (region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new CcmError(400, SyncCode.ENDPOINT, `--region "${o.region!.slice(0, 40)}" is not a region name (e.g. cn-north-4).`);
  const pick = (service: 'scm' | 'pca', table: Readonly<Record<string, string>>): URL | undefined => {
    const own = o[service] ?? o.endpoint;
    if (own !== undefined) return normaliseEndpoint(own, `--${service}-endpoint`);
    if (region === undefined) return undefined;
    const url = table[region];
    return url ? new URL(url) : undefined;
  };
  const iamText = o.iam ?? o.endpoint ?? env.HUAWEICLOUD_SDK_IAM_ENDPOINT ?? DEFAULT_IAM_ENDPOINT;
  return { scm: pick('scm', SCM_REGIONS), pca: pick('pca', PCA_REGIONS), iam: normaliseEndpoint(iamText, '--iam-endpoint'), region };
}

/** The base URL of a service, or a clear error naming the regions that have it. */
export function endpointOf(e: Endpoints, service: ServiceName): URL {
  if (service === 'iam') return e.iam;
  const url = e[service];
  if (url) return url;
  const table = service === 'scm' ? SCM_REGIONS : PCA_REGIONS;
  const label = service === 'scm' ? 'SCM' : 'PCA (ccm)';
  if (e.region) {
    throw new CcmError(400, SyncCode.ENDPOINT, `${label} has no endpoint in region ${e.region}: it is offered in ${Object.keys(table).join(', ')}. Give --${service}-endpoint URL for another one.`);
  }
  throw new CcmError(400, SyncCode.ENDPOINT, `no ${label} endpoint: give --region (${Object.keys(table).join(', ')}), --endpoint URL or --${service}-endpoint URL.`);
}

/** base + path (the base's own path prefix kept). */
export function joinUrl(base: URL, path: string): URL {
  const u = new URL(base.href);
  u.pathname = base.pathname.replace(/\/+$/, '') + path;
  return u;
}
