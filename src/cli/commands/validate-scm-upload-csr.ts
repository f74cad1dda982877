import { usageError } from '../../api/errors.js';
import { validateScmUploadCsr } from '../../api/validate.js';
import { parseArgs } from '../args.js';
import { JSON_FLAG } from '../flags.js';
import { validateAll } from '../validation-io.js';

export const help = `Usage: ccmkit validate scm-upload-csr BODY.json... [--json]

Checks an SCM "Upload CSR" body (POST /v3/scm/csr/upload, seed scm-upload-csr.txt)
offline: name a string of at most 63 characters and csr a string of at most 2555
(SCM.0005), csr one PEM CSR whose signature verifies (SCM.0034). private_key is
better omitted: the seed's 63-character limit cannot hold any key, so a key there
is a warning; over 4096 characters, unreadable (SCM.0012) or not the CSR's key
(SCM.0014) it is an error. An over-long RSA CSR gets EC384 as its fix.

Many bodies: give several files, or a file of JSON lines (NDJSON, one body per
line, named FILE#n); each gets its own result. - reads standard input.

Options:
  --json      {"valid","status","error_code","error_msg","findings":[...]}; with
              several bodies one such object per line, with "source"
  -h, --help  this help

Examples:
  ccmkit csr create --key k.pem --cn www.example.com --body scm-upload --name www > upload.json
  ccmkit validate scm-upload-csr upload.json
  ccmkit validate scm-upload-csr --json uploads.ndjson | jq -r 'select(.valid|not) .source'

Exit codes:
  0  SCM would accept every request (warnings may remain)
  1  SCM would refuse one, or a file is missing or unreadable
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG });
  if (p.positionals.length === 0) throw usageError('validate scm-upload-csr needs at least one BODY.json');
  return validateAll(p.positionals, 'scm-upload-csr.body.json', validateScmUploadCsr, p.bool.has('json'));
}
