// Request bodies that carry a CSR to CCM, and the reading of a CSR out of one.
//
// Line breaks: 4.2.2.3 accepts "\r\n or \n" in place of newlines. ccmkit
// writes "\n" (one character per line, which matters against SCM's 2555-
// character csr limit) and no trailing newline, like the seed's example and
// like Terraform, which trims trailing newlines before sending. JSON.stringify
// turns each newline into the two characters \n on the wire.

import type { KeyObject } from 'node:crypto';
import { parseCsr, type Csr } from '../engine/csr.js';
import { verifySignature } from '../engine/signature.js';
import { parsePem, PemError, toPem, unescapeJsonPem } from '../engine/pem.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';

/** A CSR as the string field of a CCM request body. */
export function csrBodyString(der: Uint8Array): string {
  return toPem('CERTIFICATE REQUEST', der, '\n').replace(/\n$/, '');
}

/** Above this many characters a csr field is not parsed at all (every limit is far below). */
const PARSE_CAP = 64 * 1024;

/** A csr string parsed, its signature not yet checked (parseCsrString). */
export type ParsedCsrString = { csr: Csr } | { problem: string };

/**
 * What readCsrString does before the signature check: the size cap, PEM and
 * DER parsing. A batch issuer parses first, imports the keys together the
 * cheaper asynchronous way, then finishes each with readCsrString(text, pre).
 */
export function parseCsrString(text: string): ParsedCsrString {
  if (text.length > PARSE_CAP) return { problem: `is ${text.length} characters, too long to be a CSR` };
  if (!text.trim()) return { problem: 'is empty' };
  let blocks;
  try {
    blocks = parsePem(unescapeJsonPem(text));
  } catch (e) {
    if (e instanceof PemError) return { problem: e.message };
    throw e;
  }
  if (blocks.length === 0) return { problem: 'holds no PEM block (-----BEGIN CERTIFICATE REQUEST-----)' };
  if (blocks.length > 1) return { problem: `holds ${blocks.length} PEM blocks; exactly one CSR is expected` };
  const b = blocks[0]!;
  if (b.label !== 'CERTIFICATE REQUEST' && b.label !== 'NEW CERTIFICATE REQUEST') return { problem: `holds a "${b.label}" block, not a CERTIFICATE REQUEST` };
  try {
    return { csr: parseCsr(b.der) };
  } catch (e) {
    return { problem: `is not a PKCS#10 request (${String((e as Error).message).slice(0, 100)})` };
  }
}

/** parseCsrString's answer for `text`, with the CSR's public key when the caller has imported it already. */
export interface PreparsedCsr {
  text: string;
  parsed: ParsedCsrString;
  key?: KeyObject;
}

/**
 * The CSR in a body's csr string, or why there is none. Accepts real newlines
 * (CR LF or LF) and literal backslash escapes, and both PEM labels. `pre`,
 * when it is for this very string, saves parsing it again; its key, when
 * given, is the CSR's own public key (publicKeyObjectRaw), used for the
 * signature check instead of importing it here.
 */
export function readCsrString(text: string, pre?: PreparsedCsr): { csr: Csr } | { problem: string } {
  const parsed = pre && pre.text === text ? pre.parsed : parseCsrString(text);
  if ('problem' in parsed) return parsed;
  const csr = parsed.csr;
  const v = verifySignature(csr.signatureAlgorithm, csr.publicKey, csr.info, csr.signature, pre?.text === text ? pre.key : undefined);
  if (!v.valid) return { problem: `has an invalid self-signature (${v.reason})` };
  if (csr.problems.length) return { problem: `is malformed (${csr.problems[0]})` };
  return { csr };
}

/**
 * The body of SCM "Upload CSR" (POST /v3/scm/csr/upload).
 *
 * @example
 * ```ts
 * const body: ScmUploadCsrBody = { name: 'www', csr: '-----BEGIN CERTIFICATE REQUEST-----\n...' };
 * ```
 */
export interface ScmUploadCsrBody {
  /** The CSR's name in SCM (at most 63 characters). */
  name: string;
  /** The CSR, PEM. */
  csr: string;
}

export function scmUploadCsrBody(name: string, der: Uint8Array): ScmUploadCsrBody {
  return { name, csr: csrBodyString(der) };
}

/**
 * The body of PCA "Issuing a certificate via CSR" (POST /v1/private-certificates/csr, 4.2.2.3).
 *
 * @example
 * ```ts
 * const body: PcaIssueCsrBody = { csr, issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', validity: { type: 'YEAR', value: 1 } };
 * ```
 */
export interface PcaIssueCsrBody {
  /** The CSR, PEM (at most 5120 characters). */
  csr: string;
  /** The issuing CA's id. */
  issuer_id: string;
  /** YEAR, MONTH, DAY or HOUR, and how many; start_from in epoch milliseconds. */
  validity: { type: string; value: number; start_from?: number };
  /** ENTITY_CERT (default) or INTERMEDIATE_CA. */
  type?: 'ENTITY_CERT' | 'INTERMEDIATE_CA';
  /** INTERMEDIATE_CA: the path length, 0-6. */
  path_length?: number;
}

/** The body of POST /v1/private-certificates/csr (4.2.2.3), fields in the seed's table order. */
export function pcaIssueCsrBody(o: {
  der: Uint8Array;
  issuerId: string;
  validity: { type: string; value: number };
  type?: 'ENTITY_CERT' | 'INTERMEDIATE_CA';
  pathLength?: number;
}): PcaIssueCsrBody {
  const body: PcaIssueCsrBody = { csr: csrBodyString(o.der), issuer_id: o.issuerId, validity: { type: o.validity.type, value: o.validity.value } };
  if (o.type) body.type = o.type;
  if (o.pathLength !== undefined) body.path_length = o.pathLength;
  return body;
}

/**
 * A validity written as `TYPE:VALUE` (`YEAR:1`, `day:90`); undefined when it
 * is not of that shape. Shape only: CCM's limits are checked by
 * {@link validatePcaIssueCsr}.
 *
 * @example
 * ```ts
 * parseValidityArg('year:1'); // { type: 'YEAR', value: 1 }
 * ```
 */
export function parseValidityArg(s: string): { type: string; value: number } | undefined {
  const m = /^([A-Za-z]+):(\d{1,9})$/.exec(s);
  if (!m) return undefined;
  return { type: m[1]!.toUpperCase(), value: Number(m[2]) };
}

/** Warnings for fields the operation does not define (CCM may ignore or refuse them). */
export function unknownFieldFindings(body: Record<string, unknown>, known: readonly string[], bodyRule: string): Finding[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => finding(bodyRule, `Unknown field "${k.slice(0, 40)}".`, `Remove it; the operation defines ${known.join(', ')}.`, 'warning', k.slice(0, 40)));
}
