// Issuing from a CSR (4.2.2.3), the part that needs no database: validate the
// body, check it against its issuer, build and sign. Pure over its inputs
// (the issuer's certificate and key, the time, the random bytes), so the same
// function runs in the main thread for one request and in worker threads for
// a batch (issue-pool.ts): both give the same answers.

import type { KeyObject } from 'node:crypto';
import { ccmKeyAlgorithm } from '../../ccm/algorithms.js';
import type { PreparsedCsr } from '../../ccm/csr-bodies.js';
import { validatePcaIssueCsr } from '../../ccm/validate-pca-issue-csr.js';
import type { Csr } from '../../engine/csr.js';
import { CcmError } from '../../engine/errors.js';
import { commonNames, toDistinguishedName, type DistinguishedName } from '../../engine/name.js';
import type { CaRow, CertRow } from '../../store/pca-store.js';
import {
  CA_KEY_USAGES,
  checkPathLength,
  checkWithinIssuer,
  CSR_SIGNATURE_HASH,
  ENTITY_KEY_USAGES,
  issueCertificate,
  serialFromBytes,
  validityWindow,
  type ValidityInput,
} from './contents.js';
import { fromValidation, uuid } from './context.js';

/** What signing needs to know of the issuing CA; structured-clonable (a worker receives it). */
export interface IssuerInfo {
  ca_id: string;
  type: string;
  common_name: string;
  path_length: number | null;
  not_before: number | null;
  not_after: number | null;
  /** The issuer's certificate subject, exactly. */
  subjectDer: Uint8Array;
  /** The issuer's SPKI: its key identifier becomes the AKI. */
  spki: Uint8Array;
  key: KeyObject;
  crlUrl: string | null;
}

/** The random bytes one certificate consumes, drawn by the caller from its CSPRNG. */
export interface IssueRandom {
  serial: Uint8Array;
  id: Uint8Array;
}

export function drawIssueRandom(random: (n: number) => Buffer): IssueRandom {
  return { serial: random(20), id: random(16) };
}

/** A certificate (or an INTERMEDIATE_CA) built and signed, ready to be committed. */
export interface PreparedIssue {
  issuerId: string;
  id: string;
  serialDecimal: string;
  cert?: CertRow;
  ca?: CaRow;
}

/** The issuer of a body, or why there is none; undefined when the body names no usable issuer_id (the pre-flight says so). */
export type IssuerOrError = IssuerInfo | { error: CcmError } | undefined;

/** 4.2.2.3 Table 4-151 row for an end-entity certificate. */
export function entityCertRow(
  id: string,
  issuer: { ca_id: string; common_name: string },
  dn: DistinguishedName,
  keyAlgorithm: string,
  hash: string,
  genMode: 'GENERATE' | 'CSR',
  serial: string,
  window: { notBefore: number; notAfter: number },
  der: Buffer,
  privateKey: Buffer | null,
  now: number,
): CertRow {
  return {
    certificate_id: id,
    issuer_id: issuer.ca_id,
    issuer_name: issuer.common_name,
    status: 'ISSUED',
    common_name: dn.common_name ?? '',
    distinguished_name: JSON.stringify(dn),
    key_algorithm: keyAlgorithm,
    signature_algorithm: hash,
    gen_mode: genMode,
    serial_number: serial,
    create_time: now,
    delete_time: null,
    not_before: window.notBefore,
    not_after: window.notAfter,
    certificate: der,
    private_key: privateKey,
    revoked_time: null,
    revoke_reason: null,
  };
}

/**
 * Validates one issue-via-CSR body (the same pre-flight as `validate
 * pca-issue-csr`), then checks it against its issuer and signs. Errors are
 * CcmErrors in PCA's order: the body's 400s first, then the issuer's 404/403,
 * then validity and path length against the issuer. `pre` is the body's csr
 * parsed ahead, with its key imported (the batch worker), else undefined.
 */
export function prepareFromCsr(body: unknown, issuer: IssuerOrError, now: number, rnd: IssueRandom, pre?: PreparsedCsr): PreparedIssue {
  const keep: { csr?: Csr } = {};
  const v = validatePcaIssueCsr(body, { at: new Date(now), keep, ...(pre ? { pre } : {}) });
  if (!v.valid || !keep.csr) throw fromValidation(v);
  if (!issuer) throw new Error('a valid body without a resolved issuer');
  if ('error' in issuer) throw issuer.error;
  const csr = keep.csr;
  const b = body as Record<string, unknown>;
  const window = validityWindow(b.validity as ValidityInput, now);
  checkWithinIssuer(window, issuer, issuer.common_name);
  const intermediate = b.type === 'INTERMEDIATE_CA';
  const pathLength = intermediate ? (typeof b.path_length === 'number' ? b.path_length : 0) : undefined;
  if (pathLength !== undefined) checkPathLength(pathLength, issuer);
  // 4.2.2.3: keyUsage "The parameters in the CSR are preferentially used"; the defaults otherwise.
  const requested = csr.extensions.keyUsage?.length ? csr.extensions.keyUsage : undefined;
  const usages = requested ?? (intermediate ? CA_KEY_USAGES : ENTITY_KEY_USAGES);
  const serial = serialFromBytes(rnd.serial);
  const id = uuid(() => Buffer.from(rnd.id));
  const der = issueCertificate({
    serial: serial.value,
    subject: csr.subject.der,
    issuer: Buffer.from(issuer.subjectDer),
    notBefore: window.notBefore,
    notAfter: window.notAfter,
    spki: csr.publicKey.spki,
    signingKey: issuer.key,
    issuerSpki: Buffer.from(issuer.spki),
    hash: CSR_SIGNATURE_HASH,
    ...(intermediate ? { ca: { pathLength } } : {}),
    keyUsages: usages,
    // 4.2.2.3: subject_alternative_names in the body is "reserved and ignored"; the CSR's own are used, and so is its EKU.
    ...(intermediate ? {} : { extendedKeyUsages: csr.extensions.extendedKeyUsage ?? [], sans: (csr.extensions.subjectAltNames ?? []).filter((s) => ['DNS', 'IP', 'EMAIL', 'URI'].includes(s.type)) }),
    crlUrl: issuer.crlUrl,
  });
  const dn = toDistinguishedName(csr.subject);
  const keyAlgorithm = ccmKeyAlgorithm(csr.publicKey) ?? csr.publicKey.type;
  if (!intermediate) {
    return { issuerId: issuer.ca_id, id, serialDecimal: serial.decimal, cert: entityCertRow(id, issuer, dn, keyAlgorithm, CSR_SIGNATURE_HASH, 'CSR', serial.decimal, window, der, null, now) };
  }
  // 4.2.2.3: an INTERMEDIATE_CA "does not use the CA quota", is not listed, and "cannot issue certificates as its key is on the user side".
  const ca: CaRow = {
    ca_id: id,
    type: 'SUBORDINATE',
    status: 'ACTIVED',
    listed: 0,
    issuer_id: issuer.ca_id,
    issuer_name: issuer.common_name,
    path_length: pathLength!,
    key_algorithm: keyAlgorithm,
    signature_algorithm: CSR_SIGNATURE_HASH,
    gen_mode: 'CSR',
    serial_number: serial.decimal,
    common_name: commonNames(csr.subject)[0] ?? '',
    distinguished_name: JSON.stringify(dn),
    key_usages: null,
    crl_configuration: null,
    create_time: now,
    delete_time: null,
    not_before: window.notBefore,
    not_after: window.notAfter,
    certificate: der,
    certificate_chain: null,
    csr: csr.der,
    private_key: null,
    revoked_time: null,
    revoke_reason: null,
    crl_number: 0,
    freeze_flag: 0,
  };
  return { issuerId: issuer.ca_id, id, serialDecimal: serial.decimal, ca };
}

/** A CcmError as plain data (a worker posts it), and back. */
export interface ErrorData {
  status: number;
  code: string;
  message: string;
  source?: string;
}

export function errorData(e: CcmError): ErrorData {
  return e.source === undefined ? { status: e.status, code: e.code, message: e.message } : { status: e.status, code: e.code, message: e.message, source: e.source };
}

export function errorFrom(d: ErrorData): CcmError {
  return new CcmError(d.status, d.code, d.message, d.source);
}
