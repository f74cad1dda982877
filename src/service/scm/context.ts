// What every SCM operation gets (the workspace, a clock, a CSPRNG, the key
// vault) and the SCM errors it answers with (ccm-api-reference.txt A.2.1).

import { CcmError } from '../../engine/errors.js';
import { ScmStore } from '../../store/scm-store.js';
import { GroupCommit } from './group-commit.js';
import type { KeyVault, Random } from '../../store/vault.js';
import type { Workspace } from '../../store/workspace.js';

/** A request as the HTTP front splits it: path parameters, query parameters (decoded), the parsed JSON body. */
export interface ScmRequest {
  params?: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** SCM's HTTP status and JSON body. */
export interface ScmResponse {
  status: number;
  body?: unknown;
}

export interface ScmContext {
  ws: Workspace;
  store: ScmStore;
  now: () => Date;
  random: Random;
  /** Seals and opens the private keys of imported certificates and CSRs. */
  vault: KeyVault;
  /** The account's domain id, reported as a certificate's domain_id. */
  domainId: string;
  /** Imports share transactions (and fsyncs) when they arrive together. */
  commits: GroupCommit;
}

export function createScmContext(ws: Workspace, o: { now: () => Date; random: Random; vault: KeyVault; domainId: string }): ScmContext {
  return { ws, store: new ScmStore(ws), now: o.now, random: o.random, vault: o.vault, domainId: o.domainId, commits: new GroupCommit(ws) };
}

/** 400 SCM.0005 "Incorrect request parameter." (A.2.1), with what was wrong. */
export function badParameter(detail: string, field?: string): CcmError {
  return new CcmError(400, 'SCM.0005', `Incorrect request parameter: ${detail}`, field);
}

const CERT_ID = /^scs\d{13}$/;
const CSR_ID = /^[0-9a-f]{32}$/;

function shown(s: string): string {
  return JSON.stringify(s.replace(/[^\x20-\x7e]/g, '?').slice(0, 40));
}

/** The {certificate_id} path parameter: "scs" + 13 digits (seed: 16 characters), else 400 SCM.0008 "Abnormal certificate ID". */
export function certIdParam(id: string | undefined): string {
  if (typeof id !== 'string' || !CERT_ID.test(id)) throw new CcmError(400, 'SCM.0008', `Abnormal certificate ID: ${shown(String(id ?? ''))} is not "scs" followed by 13 digits.`, 'certificate_id');
  return id;
}

/** The {csr_id} path parameter: 32 hex digits (scm-upload-csr.txt "id ... Minimum: 32 Maximum: 32"). */
export function csrIdParam(id: string | undefined): string {
  if (typeof id !== 'string' || !CSR_ID.test(id)) throw badParameter(`csr_id ${shown(String(id ?? ''))} is not 32 hexadecimal digits.`, 'csr_id');
  return id;
}

/** 404 SCM.0094 "Resource not found." (A.2.1). */
export function notFound(kind: 'certificate' | 'CSR', id: string): CcmError {
  return new CcmError(404, 'SCM.0094', `Resource not found: no ${kind} ${id}.`);
}

/** `YYYY-MM-DD HH:mm:ss.0` in UTC: SCM's certificate time fields are such strings (4.1.1 "2021-05-27 16:46:25.0"). */
export function scmTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  // Java's Timestamp.toString: the fraction without trailing zeros, ".0" when there is none.
  const ms3 = d.getUTCMilliseconds();
  const frac = ms3 === 0 ? '0' : String(ms3).padStart(3, '0').replace(/0+$/, '');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${frac}`;
}
