// The work of `csr parse` on a run of input objects, as finished text: parse
// each CSR, verify its signature, build CCM's report, and render it (one JSON
// line, or the human block). The same function runs on the main thread and in
// worker threads (csr-parse-worker.ts), so a batch split across threads prints
// exactly what one thread would, in the same order.

import { csrReport, parseCsrOrFail, type Csr, type CsrReport, type SignatureVerdict as VerifyResult } from '../api/csr.js';
import { CcmError } from '../api/errors.js';
import type { ObjectKind } from '../api/inputs.js';
import { hasErrors } from '../api/validate.js';
// Two batch-only internals the public API does not offer (issue 16's speed work):
// verifyCsrs imports EC keys by WebCrypto's raw route for a whole chunk, and
// pemLength sizes the report's PEM without encoding it.
// eslint-disable-next-line no-restricted-imports
import { verifyCsrs } from '../engine/csr.js';
// eslint-disable-next-line no-restricted-imports
import { pemLength } from '../engine/pem.js';
import { escapeControl } from './escape.js';
import { printFindings } from './report.js';

export interface CsrJob {
  source: string;
  kind: ObjectKind;
  der: Uint8Array;
}

/** What to print, and the exit code it implies (0 every CSR fine, 1 a CSR refused or an input that is not one). */
export interface Rendered {
  out: string;
  err: string;
  worst: number;
}

/** Verifies the parsed CSRs, in order, with verifyCsrSignature's verdicts. */
export type Verifier = (csrs: Csr[]) => VerifyResult[] | Promise<VerifyResult[]>;

/** In this thread (no libuv pool: submitting a job costs about what an RSA verify does), EC keys imported the cheaper async way. */
export const verifyInThread: Verifier = verifyCsrs;

export function renderCsrs(jobs: readonly CsrJob[], json: boolean, verify: Verifier): Rendered | Promise<Rendered> {
  const parsed: (Csr | CcmError)[] = new Array(jobs.length);
  const csrs: Csr[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    if (job.kind !== 'csr') {
      parsed[i] = new CcmError(400, 'PCA.00020401', `Incorrect certificate signature request. ${job.source} is a ${job.kind}, not a CSR.`, job.source);
      continue;
    }
    try {
      const csr = parseCsrOrFail(job.der, job.source);
      parsed[i] = csr;
      csrs.push(csr);
    } catch (e) {
      if (!(e instanceof CcmError)) throw e;
      parsed[i] = e;
    }
  }
  const verdicts = verify(csrs);
  return verdicts instanceof Promise ? verdicts.then((v) => render(jobs, parsed, v, json)) : render(jobs, parsed, verdicts, json);
}

function render(jobs: readonly CsrJob[], parsed: (Csr | CcmError)[], verdicts: VerifyResult[], json: boolean): Rendered {
  let out = '';
  let err = '';
  let worst = 0;
  let v = 0;
  for (let i = 0; i < jobs.length; i++) {
    const item = parsed[i]!;
    if (item instanceof CcmError) {
      if (json) out += errorJson(item);
      else err += errorHuman(item);
      // docs/conventions.md: an input that is not a CSR is exit 1, like a CSR outside policy.
      worst = 1;
      continue;
    }
    // The PEM length CCM would count (its 5,120-character limit), computed rather than encoded.
    const report = csrReport(item, pemLength('CERTIFICATE REQUEST', item.der.length), verdicts[v++]);
    if (hasErrors(report.findings)) worst = 1;
    if (json) out += JSON.stringify({ source: jobs[i]!.source, ...report }) + '\n';
    else out += human(jobs[i]!.source, report);
  }
  return { out, err, worst };
}

/** A CCM error body line, as printError prints it with --json. */
export function errorJson(e: CcmError): string {
  return JSON.stringify({ status: e.status, ...e.body() }) + '\n';
}

/** The human error line, as printError prints it to stderr (control characters escaped). */
export function errorHuman(e: CcmError): string {
  return escapeControl(`ccmkit: ${e.code}: ${e.message}`) + '\n';
}

function human(source: string, r: CsrReport): string {
  const lines: string[] = [];
  // As io.ts out() prints: certificates carry attacker-chosen text, shown with control characters escaped.
  const out = (s: string): void => {
    lines.push(escapeControl(s));
  };
  const ok = !hasErrors(r.findings);
  out(`${source}: CSR ${ok ? 'OK' : 'REJECTED'}`);
  out(`  subject              ${r.subject || '(empty)'}`);
  out(`  key                  ${r.key_algorithm} ${r.key_algorithm_length}${r.ccm_key_algorithm ? ` (CCM: ${r.ccm_key_algorithm})` : ' (not a CCM key algorithm)'}`);
  out(`  signature            ${r.signature_algorithm}, ${r.signature_valid ? 'valid' : 'INVALID'}`);
  if (r.subject_alternative_names.length) out(`  SANs                 ${r.subject_alternative_names.map((s) => `${s.type}:${s.value}`).join(', ')}`);
  if (r.key_usage) out(`  key usage            ${r.key_usage.join(', ')}`);
  if (r.extended_key_usage) out(`  extended key usage   ${r.extended_key_usage.join(', ')}`);
  if (r.basic_constraints) out(`  basic constraints    CA:${r.basic_constraints.ca ? 'TRUE' : 'FALSE'}${r.basic_constraints.path_length !== undefined ? `, pathlen:${r.basic_constraints.path_length}` : ''}`);
  printFindings(r.findings, '  ', out);
  return lines.join('\n') + '\n';
}
