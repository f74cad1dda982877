import { validateScmUploadCsrBytes } from '../../ccm/validate-scm-upload-csr.js';
import { runValidate, validateHelp } from './validate-common.js';

export const help = validateHelp(
  'scm-upload-csr',
  'SCM "Upload CSR" (POST /v3/scm/csr/upload, seed scm-upload-csr.txt): name <= 63 characters, csr <= 2555 characters and a CSR that parses and verifies (SCM.0005, SCM.0034); private_key is better omitted (see docs/keys-csrs.md)',
  `ccmkit csr create --key k.pem --cn www.example.com --body scm-upload --name www > upload.json
  ccmkit validate scm-upload-csr upload.json --json`,
);

export async function run(argv: string[]): Promise<number> {
  return runValidate(argv, 'scm-upload-csr', validateScmUploadCsrBytes);
}
