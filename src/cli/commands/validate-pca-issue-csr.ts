import { validatePcaIssueCsrBytes } from '../../ccm/validate-pca-issue-csr.js';
import { runValidate, validateHelp } from './validate-common.js';

export const help = validateHelp(
  'pca-issue-csr',
  'PCA "issue a certificate via CSR" (POST /v1/private-certificates/csr, ccm-api-reference.txt 4.2.2.3): issuer_id (PCA.00020201), csr <= 5120 characters and parseable (PCA.00020401), validity (PCA.00020109), type and path_length (PCA.00020001, PCA.00020203), plus CCM\'s key, hash, DN and SAN rules on the CSR',
  `ccmkit csr create --key k.pem --cn www.example.com --body pca-issue --issuer-id 2cb2878b-6cd1-460d-bd25-afe655159bdc --validity YEAR:1 > issue.json
  ccmkit validate pca-issue-csr issue.json`,
);

export async function run(argv: string[]): Promise<number> {
  return runValidate(argv, 'pca-issue-csr', validatePcaIssueCsrBytes);
}
