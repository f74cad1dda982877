import { validatePcaIssueCsr } from '../../ccm/validate-pca-issue-csr.js';
import { usageError } from '../../engine/errors.js';
import { parseArgs, parseAt } from '../args.js';
import { printResult, readBody } from '../validation-io.js';

export const help = `Usage: ccmkit validate pca-issue-csr BODY.json [--at ISO8601] [--json]

Checks a PCA "Issuing a certificate via CSR" body (POST /v1/private-certificates/csr,
ccm-api-reference.txt 4.2.2.3) offline: issuer_id (PCA.00020201), csr at most 5120
characters and a CSR whose signature verifies (PCA.00020401) with a CCM key algorithm
(PCA.00020102), hash (PCA.00020103), DN (PCA.00020101) and SANs (PCA.00020110/111/112),
validity at most 20 years (PCA.00020109), type ENTITY_CERT|INTERMEDIATE_CA
(PCA.00020001) and path_length 0-6 (PCA.00020203). csr create --body pca-issue runs
the same check before printing. BODY.json may be - for standard input.

Options:
  --at ISO8601   time of the check (validity.start_from may not be more than 5 minutes before it)
  --json         {"valid","status","error_code","error_msg","findings":[...]}
  -h, --help     this help

Examples:
  ccmkit csr create --key sub.key --cn "Issuing CA" --ca --body pca-issue \\
      --issuer-id 2cb2878b-6cd1-460d-bd25-afe655159bdc --validity YEAR:5 > issue.json
  ccmkit validate pca-issue-csr issue.json

Exit codes:
  0  PCA would accept the request (warnings may remain)
  1  PCA would refuse it
  2  usage error, or BODY.json cannot be read`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' }, at: { type: 'string' } });
  if (p.positionals.length !== 1) throw usageError('validate pca-issue-csr needs exactly one BODY.json');
  const read = readBody(p.positionals[0]!, 'pca.body.shape');
  const json = p.bool.has('json');
  return printResult('result' in read ? read.result : validatePcaIssueCsr(read.body, { at: parseAt(p.str.get('at'), () => new Date()) }), json);
}
