import { usageError } from '../../api/errors.js';
import { validatePcaIssueCsr } from '../../api/validate.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, JSON_FLAG } from '../flags.js';
import { now } from '../io.js';
import { validateAll } from '../validation-io.js';

export const help = `Usage: ccmkit validate pca-issue-csr BODY.json... [--at ISO8601] [--json]

Checks a PCA "Issuing a certificate via CSR" body (POST /v1/private-certificates/csr,
ccm-api-reference.txt 4.2.2.3) offline: issuer_id (PCA.00020201), csr at most 5120
characters and a CSR whose signature verifies (PCA.00020401) with a CCM key algorithm
(PCA.00020102), hash (PCA.00020103), DN (PCA.00020101) and SANs (PCA.00020110/111/112),
validity at most 20 years (PCA.00020109), type ENTITY_CERT|INTERMEDIATE_CA
(PCA.00020001) and path_length 0-6 (PCA.00020203). csr create --body pca-issue runs
the same check before printing.

Many bodies: give several files, or a file of JSON lines (NDJSON, one body per
line, named FILE#n); each gets its own result. - reads standard input.

Options:
  --at ISO8601   time of the check (validity.start_from may not be more than 5 minutes before it)
  --json         {"valid","status","error_code","error_msg","findings":[...]}; with
                 several bodies one such object per line, with "source"
  -h, --help     this help

Examples:
  ccmkit csr create --key sub.key --cn "Issuing CA" --ca --body pca-issue \\
      --issuer-id 2cb2878b-6cd1-460d-bd25-afe655159bdc --validity YEAR:5 > issue.json
  ccmkit validate pca-issue-csr issue.json

Exit codes:
  0  PCA would accept every request (warnings may remain)
  1  PCA would refuse one, or a file is missing or unreadable
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, ...AT });
  if (p.positionals.length === 0) throw usageError('validate pca-issue-csr needs at least one BODY.json');
  const at = parseAt(p.str.get('at'), now);
  return validateAll(p.positionals, 'pca.body.shape', (b) => validatePcaIssueCsr(b, { at }), p.bool.has('json'));
}
