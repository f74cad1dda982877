// Pre-flight for SCM "Upload CSR" (seed scm-upload-csr.txt,
// POST /v3/scm/csr/upload): body {name, csr, private_key?}. Each rule is a
// row of rules.ts (scm-upload-csr.*); findings come in the table's field
// order, so the first error is the answer SCM would give.

import { ccmKeyAlgorithm } from './algorithms.js';
import { readCsrString, unknownFieldFindings } from './csr-bodies.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';
import { isObject, toResult, typeName, type ValidationResult } from './validation.js';
import { parsePem, PemError } from '../engine/pem.js';
import { pairProblem, pairVerdict } from '../engine/match.js';
import { parsePrivateKey, sniffPrivateKey } from '../engine/privatekey.js';
import { CcmError } from '../engine/errors.js';
import type { Csr } from '../engine/csr.js';

export const SCM_UPLOAD_CSR_LIMITS = {
  /** scm-upload-csr.txt Table 2 name "Maximum: 63". */
  name: 63,
  /** scm-upload-csr.txt Table 2 csr "Maximum: 2555". */
  csr: 2555,
  /** The seed's private_key "Maximum: 63": not enforced as written (see the rule's decision). */
  privateKeyDocumented: 63,
  /** What ccmkit enforces instead: SCM import's private_key limit (scm-import-certificate.txt). */
  privateKey: 4096,
} as const;

const FIELDS = ['name', 'csr', 'private_key'] as const;

/** Character count as CCM's limits count: Unicode code points. */
const chars = (s: string): number => [...s].length;

/**
 * What SCM's "Upload CSR" (POST /v3/scm/csr/upload) would answer to `body`:
 * name at most 63 characters and csr at most 2555 (SCM.0005), csr one PEM CSR
 * whose signature verifies (SCM.0034); a private_key, better omitted, is a
 * warning, or an error when unreadable (SCM.0012) or not the CSR's key (SCM.0014).
 *
 * @example
 * ```ts
 * const r = validateScmUploadCsr({ name: 'www', csr: readFileSync('server.csr', 'utf8') });
 * console.log(r.valid, r.findings.map((f) => f.code));
 * ```
 */
export function validateScmUploadCsr(body: unknown): ValidationResult {
  if (!isObject(body)) return toResult([finding('scm-upload-csr.body.json', `The body is ${typeName(body)}, not a JSON object.`, 'Send {"name": ..., "csr": ...}.')]);
  const b = body;
  const out: Finding[] = [];

  // name: Mandatory, String, 0..63.
  const name = b.name;
  if (name === undefined || name === null) {
    out.push(finding('scm-upload-csr.name', 'name is missing.', 'Give the CSR a name of 1-63 characters.'));
  } else if (typeof name !== 'string') {
    out.push(finding('scm-upload-csr.name', `name is ${typeName(name)}, not a string.`, 'Send name as a JSON string.'));
  } else if (chars(name) > SCM_UPLOAD_CSR_LIMITS.name) {
    out.push(finding('scm-upload-csr.name', `name is ${chars(name)} characters; SCM allows at most ${SCM_UPLOAD_CSR_LIMITS.name}.`, `Shorten name to ${SCM_UPLOAD_CSR_LIMITS.name} characters.`));
  } else if (name.length === 0) {
    out.push(finding('scm-upload-csr.name', 'name is empty; SCM lists CSRs by a name of at least 1 character.', 'Give the CSR a name.', 'warning'));
  }

  // csr: Mandatory, String, 0..2555, a CSR.
  const csrText = b.csr;
  let csr: Csr | undefined;
  if (csrText === undefined || csrText === null) {
    out.push(finding('scm-upload-csr.csr.length', 'csr is missing.', 'Put the PEM CSR in csr, newlines written as \\n.'));
  } else if (typeof csrText !== 'string') {
    out.push(finding('scm-upload-csr.csr.length', `csr is ${typeName(csrText)}, not a string.`, 'Send csr as a JSON string holding the PEM CSR.'));
  } else {
    const read = readCsrString(csrText);
    if ('csr' in read) csr = read.csr;
    const len = chars(csrText);
    if (len > SCM_UPLOAD_CSR_LIMITS.csr) {
      out.push(finding('scm-upload-csr.csr.length', `csr is ${len} characters; SCM allows at most ${SCM_UPLOAD_CSR_LIMITS.csr}.`, shortenFix(csr)));
    }
    if ('problem' in read) {
      out.push(finding('scm-upload-csr.csr.parse', `csr ${read.problem}.`, 'Send a PEM CSR made by ccmkit csr create or openssl req -new.'));
    }
  }

  // private_key: optional, documented as String 0..63 (see the rule's decision).
  const pk = b.private_key;
  if (pk !== undefined && pk !== null) out.push(...privateKeyFindings(pk, csr));

  out.push(...unknownFieldFindings(b, FIELDS, 'scm-upload-csr.body.json'));
  return toResult(out);
}

function shortenFix(csr: Csr | undefined): string {
  const alg = csr ? ccmKeyAlgorithm(csr.publicKey) : undefined;
  const sans = csr?.extensions.subjectAltNames?.length ?? 0;
  // An RSA4096 public key alone is ~730 base64 characters of the CSR, its signature another ~690;
  // an EC384 key and signature are ~130 and ~140: the same names then fit easily.
  if (alg === 'RSA4096' || alg === 'RSA2048') {
    return `Use an EC384 key instead of ${alg} (ccmkit key generate --algorithm EC384; ccmkit csr create --key ...): its key and signature are about ${alg === 'RSA4096' ? 1100 : 450} characters shorter${sans ? `, so the same ${sans} SANs fit` : ''}.`;
  }
  return `Use an EC384 key and fewer subject alternative names${sans ? ` (the CSR has ${sans})` : ''}.`;
}

function privateKeyFindings(pk: unknown, csr: Csr | undefined): Finding[] {
  const out: Finding[] = [];
  if (typeof pk !== 'string') return [finding('scm-upload-csr.private_key', `private_key is ${typeName(pk)}, not a string.`, 'Omit private_key: the key should stay on the machine that made the CSR.')];
  if (pk.length === 0) return out;
  const len = chars(pk);
  const omit = 'Omit private_key: the key should stay on the machine that made the CSR.';
  if (len > SCM_UPLOAD_CSR_LIMITS.privateKey) {
    return [finding('scm-upload-csr.private_key', `private_key is ${len} characters; ccmkit allows at most ${SCM_UPLOAD_CSR_LIMITS.privateKey} (SCM import's limit).`, omit)];
  }
  if (len > SCM_UPLOAD_CSR_LIMITS.privateKeyDocumented) out.push(
    finding(
      'scm-upload-csr.private_key',
      `private_key is ${len} characters; the seed documents at most ${SCM_UPLOAD_CSR_LIMITS.privateKeyDocumented}, which no private key fits, so SCM may refuse it.`,
      omit,
      'warning',
    ),
  );
  let der: Buffer | undefined;
  try {
    const blocks = parsePem(pk.includes('\\n') || pk.includes('\\r') ? pk.replace(/\\r\\n|\\n|\\r/g, '\n') : pk);
    der = blocks.length === 1 && /PRIVATE KEY$/.test(blocks[0]!.label) ? blocks[0]!.der : undefined;
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
  }
  if (!der) return [...out, finding('scm-upload-csr.private_key.parse', 'private_key is not one PEM private key.', omit)];
  if (sniffPrivateKey(der) === 'encrypted-pkcs8') {
    return [...out, finding('scm-upload-csr.private_key.parse', 'private_key is encrypted and the body has no password field.', omit)];
  }
  try {
    const key = parsePrivateKey(der);
    const pair = csr ? pairVerdict(key, csr.publicKey) : 'match';
    if (pair !== 'match') {
      out.push(finding('scm-upload-csr.private_key.match', `${pairProblem(pair, 'private_key', 'the CSR')}.`, 'Send the key the CSR was made with, or better, omit private_key.'));
    }
  } catch (e) {
    if (!(e instanceof CcmError)) throw e;
    out.push(finding('scm-upload-csr.private_key.parse', 'private_key could not be read as a private key.', omit));
  }
  return out;
}
