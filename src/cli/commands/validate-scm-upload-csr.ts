import { validateScmUploadCsr } from '../../ccm/validate-scm-upload-csr.js';
import { usageError } from '../../engine/errors.js';
import { parseArgs } from '../args.js';
import { printResult, readBody } from '../validation-io.js';

export const help = `Usage: ccmkit validate scm-upload-csr BODY.json [--json]

Checks an SCM "Upload CSR" body (POST /v3/scm/csr/upload, seed scm-upload-csr.txt)
offline: name a string of at most 63 characters and csr a string of at most 2555
(SCM.0005), csr one PEM CSR whose signature verifies (SCM.0034). private_key is
better omitted: the seed's 63-character limit cannot hold any key, so a key there
is a warning; over 4096 characters, unreadable (SCM.0012) or not the CSR's key
(SCM.0014) it is an error. An over-long RSA CSR gets EC384 as its fix.
BODY.json may be - for standard input.

Options:
  --json      {"valid","status","error_code","error_msg","findings":[...]}
  -h, --help  this help

Examples:
  ccmkit csr create --key k.pem --cn www.example.com --body scm-upload --name www > upload.json
  ccmkit validate scm-upload-csr upload.json
  ccmkit validate scm-upload-csr --json upload.json | jq -r .error_code

Exit codes:
  0  SCM would accept the request (warnings may remain)
  1  SCM would refuse it
  2  usage error, or BODY.json cannot be read`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' } });
  if (p.positionals.length !== 1) throw usageError('validate scm-upload-csr needs exactly one BODY.json');
  const read = readBody(p.positionals[0]!, 'scm-upload-csr.body.json');
  const json = p.bool.has('json');
  return printResult('result' in read ? read.result : validateScmUploadCsr(read.body), json);
}
