import { parseValidityArg, dnFromJson, parseSanArg, type CsrRequest, csrCreate, type BodyRequest } from '../../api/csr.js';
import { CcmError, usageError } from '../../api/errors.js';
import type { DistinguishedName } from '../../api/inputs.js';
import { readPrivateKey, KEY_ALGORITHMS } from '../../api/key.js';
import { parseJson } from '../../api/validate.js';
import { parseArgs } from '../args.js';
import { FORCE, JSON_FLAG, OUT, enumKey, parseEnum } from '../flags.js';
import { err, out, printJson, readInputFile } from '../io.js';
import { printFindings } from '../report.js';
import { secretFlags, withInputSecrets } from '../secrets.js';
import { checkTargets, writeFile } from '../write.js';

export const help = `Usage: ccmkit csr create --key F (--subject-json DN.json | --cn CN [DN options])
                         [--san TYPE:VALUE]... [--key-usage U,...] [--extended-key-usage E,...]
                         [--ca [--path-length N]] [--hash SHA256|SHA384|SHA512] [--algorithm ALG]
                         [--body scm-upload --name N | --body pca-issue --issuer-id ID --validity T:V
                          [--type ENTITY_CERT|INTERMEDIATE_CA]] [-o F [--force]] [--passphrase-file F] [--json]

Makes a PKCS#10 CSR signed with the private key F, within CCM's rules: DN
fields with CCM's names and limits (common_name 1-64, country [A-Za-z]{2},
state/locality 1-128, organization/organizational_unit 1-64: PCA.00020101),
CCM's key algorithms (PCA.00020102) and hashes (PCA.00020103), and CCM's SAN
rules (PCA.00020110/00020111/00020112: IPv4 only, at most 20). The CSR is read back with
ccmkit's own parser and its signature verified before anything is written.

With --body, prints the request body instead of the PEM, validated first:
  scm-upload  SCM "Upload CSR" (POST /v3/scm/csr/upload): {"name","csr"}.
              private_key is never included: the key stays on this machine.
  pca-issue   PCA "issue a certificate via CSR" (POST /v1/private-certificates/csr):
              {"csr","issuer_id","validity":{"type","value"},"type"?,"path_length"?}.
The csr string uses \\n line breaks (JSON-escaped), no trailing newline.

Options:
  --key F                 the private key (PEM/DER, PKCS#8/PKCS#1/SEC1, encrypted or not;
                          - reads standard input)
  --passphrase-file F     opens an encrypted --key (first line of F); or
                          $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P          the same on the command line (works, but warns: visible in ps)
  --algorithm ALG         fail unless the key is ALG (RSA2048, RSA4096, EC256, EC384; any case)
  --subject-json F        {"common_name":..,"country":..,"state":..,"locality":..,
                          "organization":..,"organizational_unit":..} (CCM's names)
  --cn, --country, --state, --locality, --organization, --organizational-unit
                          the same fields as flags (not together with --subject-json)
  --san TYPE:VALUE        DNS:www.example.com, DNS:*.example.com, IP:192.0.2.1,
                          EMAIL:ops@example.com, URI:https://example.com/ (repeatable)
  --key-usage LIST        digitalSignature,keyEncipherment,... (comma-separated)
  --extended-key-usage L  serverAuth,clientAuth,codeSigning,emailProtection,... or OIDs
  --ca                    request a subordinate CA (basicConstraints CA:TRUE, critical;
                          key usage defaults to digitalSignature,keyCertSign,cRLSign)
  --path-length N         CA path length 0..6 (PCA.00020203); also the body's path_length
  --hash H                SHA256 (default), SHA384 or SHA512 (any case)
  --body KIND             scm-upload or pca-issue (see above)
  --name N                scm-upload: the CSR's name (at most 63 characters)
  --issuer-id ID          pca-issue: the parent CA's id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)
  --validity T:V          pca-issue: YEAR:1, MONTH:6, DAY:90 or HOUR:24 (at most 20 years)
  --type T                pca-issue: ENTITY_CERT (default) or INTERMEDIATE_CA (default with --ca)
  -o, --out F             write to F instead of standard output (refuses to overwrite)
  --force                 replace an existing F (atomically)
  --json                  print {"csr","file","subject","key_algorithm",...,"warnings"}
                          (with --body the body itself is printed)
  -h, --help              this help

Examples:
  ccmkit key generate --algorithm EC256 -o server.key
  ccmkit csr create --key server.key --cn www.example.com --country CN --organization Example \\
      --san DNS:www.example.com --san DNS:example.com --extended-key-usage serverAuth -o server.csr
  ccmkit csr create --key sub.key --subject-json sub-dn.json --ca --path-length 0 \\
      --body pca-issue --issuer-id 2cb2878b-6cd1-460d-bd25-afe655159bdc --validity YEAR:5 > issue.json
  ccmkit csr create --key server.key --cn www.example.com --san DNS:www.example.com \\
      --body scm-upload --name www-2026 > upload.json

Exit codes:
  0  the CSR (or body) was written
  1  a CCM rule is broken (the CCM error code is printed), the key is missing or
     cannot be read, or the output exists (without --force) or cannot be written
  2  usage error`;

const DN_FLAGS: [string, keyof DistinguishedName][] = [
  ['cn', 'common_name'],
  ['country', 'country'],
  ['state', 'state'],
  ['locality', 'locality'],
  ['organization', 'organization'],
  ['organizational-unit', 'organizational_unit'],
];

const list = (vals: string[] | undefined): string[] | undefined => vals?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    key: { type: 'string' },
    ...secretFlags('input'),
    algorithm: { type: 'string' },
    'subject-json': { type: 'string' },
    ...Object.fromEntries(DN_FLAGS.map(([f]) => [f, { type: 'string' as const }])),
    san: { type: 'multi' },
    'key-usage': { type: 'multi' },
    'extended-key-usage': { type: 'multi' },
    ca: { type: 'bool' },
    'path-length': { type: 'string' },
    hash: { type: 'string' },
    body: { type: 'string' },
    name: { type: 'string' },
    'issuer-id': { type: 'string' },
    validity: { type: 'string' },
    type: { type: 'string' },
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"`);
  const keyFile = p.str.get('key');
  if (!keyFile) throw usageError('--key is required (make one with: ccmkit key generate --algorithm EC256 --out server.key)');

  // --- subject ---
  const dnFlags = DN_FLAGS.filter(([f]) => p.str.has(f));
  let subject: DistinguishedName;
  const sj = p.str.get('subject-json');
  if (sj !== undefined) {
    if (dnFlags.length) throw usageError(`give --subject-json or --${dnFlags[0]![0]}, not both`);
    let v: unknown;
    try {
      v = parseJson(readInputFile(sj).toString('utf8'));
    } catch (e) {
      if (e instanceof CcmError) throw e;
      throw new CcmError(400, 'PCA.00020101', `${sj} is not JSON. Incorrect certificate distinguished name.`, sj);
    }
    subject = dnFromJson(v);
  } else {
    if (!p.str.has('cn')) throw usageError('give --cn (and optionally --country --state --locality --organization --organizational-unit) or --subject-json');
    subject = Object.fromEntries(dnFlags.map(([f, field]) => [field, p.str.get(f)!]));
  }

  // --- extensions ---
  const ca = p.bool.has('ca');
  const plText = p.str.get('path-length');
  let pathLength: number | undefined;
  if (plText !== undefined) {
    if (!/^\d{1,3}$/.test(plText)) throw new CcmError(400, 'PCA.00020203', `--path-length "${plText.slice(0, 20)}" is not an integer. Invalid CA path length. The value range is [0, 6].`);
    pathLength = Number(plText);
  }
  const request: CsrRequest = { subject, sans: (p.multi.get('san') ?? []).map(parseSanArg), ca };
  const ku = list(p.multi.get('key-usage'));
  const eku = list(p.multi.get('extended-key-usage'));
  if (ku) request.keyUsage = ku;
  if (eku) request.extendedKeyUsage = eku;
  if (pathLength !== undefined) request.pathLength = pathLength;
  const hash = p.str.get('hash');
  // Any case, "sha-256" too; a hash CCM does not take goes on to be refused with PCA.00020103.
  if (hash !== undefined) request.hash = ['SHA256', 'SHA384', 'SHA512'].find((h) => enumKey(h) === enumKey(hash)) ?? hash.toUpperCase();

  // --- body ---
  const body = bodyRequest(p.str, ca, pathLength);

  const file = p.str.get('out');
  const toStdout = file === undefined || file === '-';
  if (!toStdout) checkTargets([file], { force: p.bool.has('force'), inputs: [keyFile] });

  // --- key, build, check ---
  const keyBytes = readInputFile(keyFile);
  const key = withInputSecrets(p, (s) => readPrivateKey(keyBytes, keyFile === '-' ? 'stdin' : keyFile, s.input));
  const alg = p.str.get('algorithm');
  const expectedAlgorithm = alg === undefined ? undefined : (KEY_ALGORITHMS.find((a) => enumKey(a) === enumKey(alg)) ?? alg.toUpperCase());
  const res = csrCreate({ key, request, at: new Date(), ...(expectedAlgorithm !== undefined ? { expectedAlgorithm } : {}), ...(body ? { body } : {}) });

  const text = res.body ? JSON.stringify(res.body, null, 2) + '\n' : res.pem;
  if (!toStdout) await writeFile(file, text, { force: p.bool.has('force') });
  if (p.bool.has('json') && !res.body) {
    printJson({
      csr: res.pem,
      file: toStdout ? null : file,
      subject: res.report.subject,
      distinguished_name: res.report.distinguished_name,
      key_algorithm: res.report.ccm_key_algorithm,
      signature_algorithm: res.report.signature_algorithm,
      subject_alternative_names: res.report.subject_alternative_names,
      key_usage: res.report.key_usage,
      extended_key_usage: res.report.extended_key_usage,
      basic_constraints: res.report.basic_constraints,
      warnings: res.warnings,
    });
  } else if (toStdout) {
    process.stdout.write(text);
  } else {
    out(`${file}: ${res.body ? `${body!.kind} request body` : 'CSR'} for ${res.report.subject} (${res.report.ccm_key_algorithm}, ${res.report.signature_algorithm}), signature verified`);
  }
  if (res.warnings.length && !p.bool.has('json')) {
    // Warnings go to stderr so that stdout stays a clean PEM or JSON document.
    printFindings(res.warnings, '  ', err);
  }
  return 0;
}

function bodyRequest(str: Map<string, string>, ca: boolean, pathLength: number | undefined): BodyRequest | undefined {
  const kindText = str.get('body');
  const kind = kindText === undefined ? undefined : parseEnum('body', kindText, ['scm-upload', 'pca-issue'] as const);
  const only = (flags: string[], forKind: string): void => {
    for (const f of flags) if (str.has(f) && kind !== forKind) throw usageError(`--${f} is for --body ${forKind}`);
  };
  only(['name'], 'scm-upload');
  only(['issuer-id', 'validity', 'type'], 'pca-issue');
  if (kind === undefined) return undefined;
  if (kind === 'scm-upload') {
    const name = str.get('name');
    if (name === undefined) throw usageError('--body scm-upload needs --name N (the CSR name SCM lists, at most 63 characters)');
    return { kind, name };
  }
  if (kind === 'pca-issue') {
    const issuerId = str.get('issuer-id');
    const validityText = str.get('validity');
    if (issuerId === undefined) throw usageError('--body pca-issue needs --issuer-id ID (the parent CA id)');
    if (validityText === undefined) throw usageError('--body pca-issue needs --validity TYPE:VALUE, e.g. YEAR:1');
    const validity = parseValidityArg(validityText);
    if (!validity) throw new CcmError(400, 'PCA.00020109', `--validity "${validityText.slice(0, 30)}" is not TYPE:VALUE such as YEAR:1. Invalid validity period type or value. Only year, month, or day supported.`);
    const typeText = str.get('type');
    const type = typeText !== undefined ? parseEnum('type', typeText, ['ENTITY_CERT', 'INTERMEDIATE_CA'] as const) : ca ? 'INTERMEDIATE_CA' : undefined;
    if (type === 'INTERMEDIATE_CA' && !ca) throw usageError('--type INTERMEDIATE_CA needs --ca, so that the CSR itself requests a CA');
    if (type === 'ENTITY_CERT' && ca) throw usageError('--ca requests a CA: use --type INTERMEDIATE_CA (the default with --ca), or drop --ca');
    const r: BodyRequest = { kind, issuerId, validity };
    if (type) r.type = type;
    if (pathLength !== undefined) r.pathLength = pathLength;
    return r;
  }
  return undefined;
}
