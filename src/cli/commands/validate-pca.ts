import { parseCsrOrFail } from '../../api/csr.js';
import { CcmError, usageError } from '../../api/errors.js';
import { readInput, WorkBudget } from '../../api/inputs.js';
import { validatePcaApplyCert, validatePcaCreateCa, validatePcaImportCa } from '../../api/validate.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, JSON_FLAG } from '../flags.js';
import { now } from '../io.js';
import { readFlattened, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';
import { printResult, validateAll } from '../validation-io.js';

const EXIT = `Exit codes:
  0  CCM would accept every request
  1  CCM would refuse one, or a file is missing or unreadable
  2  usage error`;

function bodyCommand(name: string, what: string, validate: typeof validatePcaCreateCa, examples: string) {
  return {
    help: `Usage: ccmkit validate ${name} BODY.json... [--at ISO8601] [--json]

${what}

Many bodies: give several files, or a file of JSON lines (NDJSON, one body per
line, named FILE#n); each gets its own result. - reads standard input.

Options:
  --at ISO8601   time of the check (validity.start_from may not be more than 5 minutes before it)
  --json         {"valid","status","error_code","error_msg","findings":[...]}; with
                 several bodies one such object per line, with "source"
  -h, --help     this help

Examples:
${examples}

${EXIT}`,
    async run(argv: string[]): Promise<number> {
      const p = parseArgs(argv, { ...JSON_FLAG, ...AT });
      if (p.positionals.length === 0) throw usageError(`validate ${name} needs at least one BODY.json`);
      const at = parseAt(p.str.get('at'), now);
      return validateAll(p.positionals, 'pca.body.shape', (b) => validate(b, { at }), p.bool.has('json'));
    },
  };
}

export const createCa = bodyCommand(
  'pca-create-ca',
  `Checks a PCA "Creating a CA" body (POST /v1/private-certificate-authorities, 4.2.1.2):
type (PCA.00020202), distinguished_name (PCA.00020101), key_algorithm (PCA.00020102),
signature_algorithm (PCA.00020103), validity (PCA.00020109; root <= 30 years, subordinate
<= 20), issuer_id (PCA.00020201), path_length 0-6 (PCA.00020203), key_usages, and
crl_configuration (PCA.00020204: valid_days 7-30, bucket when enabled).`,
  validatePcaCreateCa,
  '  ccmkit validate pca-create-ca root-ca.json\n  ccmkit validate pca-create-ca --json sub-ca.json | jq .error_code',
);

export const applyCert = bodyCommand(
  'pca-apply-cert',
  `Checks a PCA "Applying for a Certificate" body (POST /v1/private-certificates, 4.2.2.2):
issuer_id, key_algorithm, signature_algorithm, distinguished_name (common_name required),
validity (<= 20 years), key_usages, subject_alternative_names (at most 20; DNS PCA.00020110,
IPv4 PCA.00020111, type PCA.00020112), extended_key_usage and customized_extension.`,
  validatePcaApplyCert,
  '  ccmkit validate pca-apply-cert cert.json',
);

export const importCa = {
  help: `Usage: ccmkit validate pca-import-ca --csr F --certificate F [--certificate-chain F] [--json]

Checks a PCA "Importing a CA Certificate" request
(POST /v1/private-certificate-authorities/{ca_id}/import, pca-import-ca-certificate.txt):
certificate 1-32768 and chain 0-2097152 characters, PEM only; the certificate is a CA
certificate whose key is the one in the CA's CSR (PCA.00030301); the chain is complete
and ordered intermediate > ... > root (PCA.00020403).

Options:
  --csr F                the CSR the subordinate CA exported (4.2.1.7)
  --certificate F        the CA certificate the parent issued (PEM; a PKCS#7 bag,
                         PFX, JKS or zip is opened and sent as PEM)
  --certificate-chain F  its chain up to the root (same forms)
  --passphrase-file F    opens a protected input (first line of F); or $CCMKIT_PASSPHRASE
  --json                 {"valid","status","error_code","error_msg","findings":[...]}
  -h, --help             this help

Examples:
  ccmkit validate pca-import-ca --csr sub-ca.csr --certificate sub-ca.pem --certificate-chain root.pem

${EXIT}`,
  async run(argv: string[]): Promise<number> {
    const p = parseArgs(argv, { ...JSON_FLAG, csr: { type: 'string' }, certificate: { type: 'string' }, 'certificate-chain': { type: 'string' }, ...secretFlags('input') });
    if (!p.str.has('csr') || !p.str.has('certificate') || p.positionals.length) throw usageError('validate pca-import-ca needs --csr F and --certificate F');
    // A PKCS#7 bag, keystore or zip is opened and its certificates sent as PEM, as a user would paste them.
    const open = { secrets: secretsFrom(p), budget: new WorkBudget() };
    const csrPath = p.str.get('csr')!;
    const csrObj = readInput(await readFlattened(csrPath, open), csrPath === '-' ? 'stdin' : csrPath).objects.find((o) => o.kind === 'csr');
    if (!csrObj) throw new CcmError(400, 'PCA.00020401', `Incorrect certificate signature request. ${p.str.get('csr')} holds no CSR.`);
    const csr = parseCsrOrFail(csrObj.der, csrObj.source);
    const body: Record<string, unknown> = { certificate: (await readFlattened(p.str.get('certificate')!, open)).toString('utf8') };
    if (p.str.has('certificate-chain')) body.certificate_chain = (await readFlattened(p.str.get('certificate-chain')!, open)).toString('utf8');
    return printResult(validatePcaImportCa(body, csr), p.bool.has('json'));
  },
};
