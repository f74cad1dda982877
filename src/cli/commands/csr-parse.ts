import { csrReport, parseCsrOrFail, type CsrReport, verifyCsrBatch, type Csr } from '../../api/csr.js';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { toPem } from '../../api/inputs.js';
import { hasErrors } from '../../api/validate.js';
import { parseArgs } from '../args.js';
import { JSON_FLAG } from '../flags.js';
import { out, printError, printJsonLine } from '../io.js';
import { openFiles } from '../load.js';
import { printFindings } from '../report.js';

export const help = `Usage: ccmkit csr parse FILE... [--json]

Parses PKCS#10 CSRs into CCM's "Parsing a CSR" response
(POST /v1/private-certificates/csr/parse, ccm-api-reference 4.2.2.4), and adds
subject_alternative_names, key_usage, extended_key_usage, basic_constraints,
signature_valid and findings (CCM policy problems with their error codes).

FILE may be PEM (one or many blocks, "CERTIFICATE REQUEST" or
"NEW CERTIFICATE REQUEST"), DER, a JSON body such as {"csr": "..."}, or a zip
of such files (files holding no PKI object are skipped and named).
Use - for standard input.

Options:
  --json     one JSON object per CSR, one per line, each with a "source" field
  -h, --help this help

Examples:
  ccmkit csr parse server.csr
  ccmkit csr parse --json *.csr | jq -r 'select(.signature_valid|not) .source'
  echo '{"csr":"-----BEGIN CERTIFICATE REQUEST-----\\n..."}' | ccmkit csr parse -

Exit codes:
  0  every CSR parsed, has a valid signature and fits CCM's policy
  1  a CSR's signature is invalid or it is outside CCM's policy, an input is
     not a CSR at all, or a file is missing or unreadable
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG });
  if (p.positionals.length === 0) throw usageError('csr parse needs at least one FILE');
  const json = p.bool.has('json');
  // Zips of CSRs are opened (files holding no PKI object skipped); other containers hold no CSR.
  const loaded = await openFiles(p.positionals, {});
  let worst = 0;
  // docs/conventions.md: a missing file or an input that is not a CSR is exit 1, like a CSR outside policy.
  const fail = (e: CcmError): void => {
    printError(e, json);
    worst = 1;
  };
  for (const m of loaded.missing) fail(m.error);
  for (const pr of loaded.problems) fail(pr.error);
  // Parse everything first, then verify the whole batch on the thread pool, then print in input order.
  const parsed: ({ source: string; csr: Csr; pemLength: number } | { source: string; error: CcmError })[] = [];
  for (const obj of loaded.objects) {
    if (obj.kind !== 'csr') {
      parsed.push({ source: obj.source, error: new CcmError(400, 'PCA.00020401', `Incorrect certificate signature request. ${obj.source} is a ${obj.kind}, not a CSR.`, obj.source) });
      continue;
    }
    try {
      parsed.push({ source: obj.source, csr: parseCsrOrFail(obj.der, obj.source), pemLength: toPem('CERTIFICATE REQUEST', obj.der).length });
    } catch (e) {
      if (!(e instanceof CcmError)) throw e;
      parsed.push({ source: obj.source, error: e });
    }
  }
  const okOnes = parsed.filter((p): p is { source: string; csr: Csr; pemLength: number } => 'csr' in p);
  const verdicts = await verifyCsrBatch(okOnes.map((p) => p.csr));
  const verdictOf = new Map(okOnes.map((p, i) => [p, verdicts[i]!]));
  for (const item of parsed) {
    if ('error' in item) {
      fail(item.error);
      continue;
    }
    const report = csrReport(item.csr, item.pemLength, verdictOf.get(item));
    if (hasErrors(report.findings)) worst = Math.max(worst, 1);
    if (json) printJsonLine({ source: item.source, ...report });
    else printHuman(item.source, report);
  }
  if (!json) for (const s of loaded.skipped) if (s.label.startsWith('no ')) process.stderr.write(`ccmkit: note: ${s.source} skipped: ${s.label}\n`);
  if (loaded.objects.length === 0 && worst === 0) {
    fail(new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no CSR found in the input.'));
  }
  return worst;
}

function printHuman(source: string, r: CsrReport): void {
  const ok = !hasErrors(r.findings);
  out(`${source}: CSR ${ok ? 'OK' : 'REJECTED'}`);
  out(`  subject              ${r.subject || '(empty)'}`);
  out(`  key                  ${r.key_algorithm} ${r.key_algorithm_length}${r.ccm_key_algorithm ? ` (CCM: ${r.ccm_key_algorithm})` : ' (not a CCM key algorithm)'}`);
  out(`  signature            ${r.signature_algorithm}, ${r.signature_valid ? 'valid' : 'INVALID'}`);
  if (r.subject_alternative_names.length) out(`  SANs                 ${r.subject_alternative_names.map((s) => `${s.type}:${s.value}`).join(', ')}`);
  if (r.key_usage) out(`  key usage            ${r.key_usage.join(', ')}`);
  if (r.extended_key_usage) out(`  extended key usage   ${r.extended_key_usage.join(', ')}`);
  if (r.basic_constraints) out(`  basic constraints    CA:${r.basic_constraints.ca ? 'TRUE' : 'FALSE'}${r.basic_constraints.path_length !== undefined ? `, pathlen:${r.basic_constraints.path_length}` : ''}`);
  printFindings(r.findings);
}
