import { pemChunks, buildCrlFromRequest, type FileBytes } from '../../api/crl.js';
import { usageError } from '../../api/errors.js';
import { hasErrors } from '../../api/validate.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, FORCE, JSON_FLAG, OUT, enumKey, parseEnum } from '../flags.js';
import { err, now, out, printJson, readInputFile } from '../io.js';
import { printFindingsTo } from '../report.js';
import { secretFlags, withInputSecrets } from '../secrets.js';
import { checkTargets, fileChunks, writeFile, writeStdout } from '../write.js';

export const help = `Usage: ccmkit crl build --ca-cert F --ca-key F --revoked FILE --crl-number N --valid-days D
           [--at ISO8601] [--base-crl F] [--freshest-crl URI]... [--signature-algorithm SHA256|SHA384|SHA512]
           [-o F [--force]] [--format pem|der] [--passphrase-file F] [--json]

Builds and signs an RFC 5280 v2 CRL for a CA whose certificate and key you
hold, the CRL a CCM private CA publishes (ccm-api-reference 4.2.1.2
crl_configuration, 4.2.2.9 revocation reasons):
  issuer       the CA certificate's subject
  thisUpdate   --at (default: now, whole seconds)
  nextUpdate   --at + --valid-days (7..30, CCM's crl_configuration.valid_days)
  extensions   authorityKeyIdentifier, cRLNumber (--crl-number), and with
               --base-crl a critical deltaCRLIndicator
  entries      serial, revocation date, reasonCode from the CCM reason
               (UNSPECIFIED is written as no reasonCode, RFC 5280 5.3.1)

FILE lists the revoked certificates, as JSON
  [{"serial_number":"4F:1A:...","revoked_at":"2025-05-01T10:00:00Z","reason":"KEY_COMPROMISE"}]
or as CSV lines  serial,revoked_at,reason  (a header line and # comments are
allowed). serial_number is hexadecimal as openssl prints it (any case, colons
allowed); revoked_at is ISO 8601 with a zone, or epoch milliseconds as CCM
returns them; reason is a CCM reason name (empty = UNSPECIFIED):
  UNSPECIFIED KEY_COMPROMISE CERTIFICATE_AUTHORITY_COMPROMISE AFFILIATION_CHANGED
  SUPERSEDED CESSATION_OF_OPERATION CERTIFICATE_HOLD PRIVILEGE_WITHDRAWN
  ATTRIBUTE_AUTHORITY_COMPROMISE

With --base-crl, FILE is still the CA's complete revoked list; ccmkit writes
the delta against the base: new serials, changed reasons, and removeFromCRL
for certificates taken off CERTIFICATE_HOLD.

The output is written atomically (temporary file, then link or rename): it is
either complete or absent, never replaces a file without --force, and never
one of the command's own inputs (--ca-key, --ca-cert, ...), even with --force.
Without -o the CRL goes to standard output (\`| head\` ends it quietly).

Options:
  --ca-cert F               the CA certificate (PEM or DER; the first certificate is used)
  --ca-key F                the CA private key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8)
  --revoked FILE            the revoked list (JSON or CSV, see above)
  --crl-number N            the CRL number (decimal, at most 20 octets)
  --valid-days D            days until nextUpdate, 7..30
  --at ISO8601              thisUpdate (default now)
  --base-crl F              build a delta CRL against this complete CRL
  --freshest-crl URI        where this complete CRL's delta CRLs are published
                            (freshestCRL, RFC 5280 5.2.6; repeatable). Relying
                            parties such as OpenSSL use a delta CRL only when the
                            complete CRL or the certificate names one
  --signature-algorithm H   SHA256 (default), SHA384 or SHA512
  -o, --out F               write the CRL to F (default: standard output)
  --force                   replace an existing F (atomically)
  --format pem|der          the CRL's encoding (default pem)
  --passphrase-file F       opens an encrypted CA key (first line of F); or
                            $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P            the same on the command line (works, but warns: visible in ps)
  --json                    a JSON summary (without -o it carries the CRL itself:
                            "crl" as PEM, or "crl_der_base64"); findings on failure
  -h, --help                this help

Examples:
  ccmkit crl build --ca-cert ca.pem --ca-key ca.key --revoked revoked.csv \\
      --crl-number 12 --valid-days 7 -o ca.crl
  ccmkit crl build --ca-cert ca.pem --ca-key ca.key --revoked revoked.json \\
      --crl-number 13 --valid-days 7 --base-crl ca.crl -o delta.crl --json
  ccmkit crl build ... --format der | openssl crl -inform DER -noout -text

Exit codes:
  0  the CRL was written
  1  an input was rejected (findings printed, with CCM error codes), a file is
     missing or unreadable, or the output exists (without --force) or cannot be
     written; nothing written
  2  usage error`;

/** --freshest-crl values must be URIs (they become GeneralName uniformResourceIdentifier). */
function freshest(uris: string[]): string[] {
  for (const u of uris) {
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/.test(u)) throw usageError(`--freshest-crl "${u.slice(0, 80)}" is not a URI (e.g. http://crl.example.com/ca-delta.crl)`);
  }
  return uris;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...JSON_FLAG,
    format: { type: 'string' },
    'ca-cert': { type: 'string' },
    'ca-key': { type: 'string' },
    revoked: { type: 'string' },
    'crl-number': { type: 'string' },
    'valid-days': { type: 'string' },
    ...AT,
    'base-crl': { type: 'string' },
    'freshest-crl': { type: 'multi' },
    'signature-algorithm': { type: 'string' },
    ...OUT,
    ...FORCE,
    ...secretFlags('input'),
  });
  if (p.positionals.length) throw usageError(`crl build takes no positional arguments (got "${p.positionals[0]}")`);
  for (const f of ['ca-cert', 'ca-key', 'revoked', 'crl-number', 'valid-days']) {
    if (!p.str.has(f)) throw usageError(`crl build needs --${f}`);
  }
  const json = p.bool.has('json');
  const der = parseEnum('format', p.str.get('format') ?? 'pem', ['pem', 'der'] as const) === 'der';
  const force = p.bool.has('force');
  const outPath = p.str.get('out') === '-' ? undefined : p.str.get('out');
  const inputPaths = ['ca-cert', 'ca-key', 'revoked', 'base-crl'].map((f) => p.str.get(f)).filter((f): f is string => f !== undefined);
  if (outPath !== undefined) checkTargets([outPath], { force, inputs: inputPaths });
  const file = (flag: string): FileBytes => {
    const path = p.str.get(flag)!;
    return { bytes: readInputFile(path), source: path };
  };
  const at = parseAt(p.str.get('at'), now);
  const caCert = file('ca-cert');
  const caKey = file('ca-key');
  const sigAlg = p.str.get('signature-algorithm');
  // Any case; a hash CCM does not take is refused by the service with PCA.00020103.
  const signatureAlgorithm = sigAlg === undefined ? undefined : (['SHA256', 'SHA384', 'SHA512'].find((h) => enumKey(h) === enumKey(sigAlg)) ?? sigAlg);
  const res = withInputSecrets(p, (s) => buildCrlFromRequest({
    caCert,
    caKey,
    password: s.input,
    revoked: (() => {
      const f = fileChunks(p.str.get('revoked')!);
      return { bytes: f.chunks, size: f.size, source: p.str.get('revoked')! };
    })(),
    crlNumber: p.str.get('crl-number')!,
    validDays: p.str.get('valid-days')!,
    at,
    ...(p.str.has('base-crl') ? { baseCrl: file('base-crl') } : {}),
    ...(p.multi.has('freshest-crl') ? { freshestCrl: freshest(p.multi.get('freshest-crl')!) } : {}),
    ...(signatureAlgorithm !== undefined ? { signatureAlgorithm } : {}),
  }));
  if (!res.crl || hasErrors(res.findings)) {
    const first = res.findings.find((f) => f.severity === 'error') ?? res.findings[0];
    if (json) printJson({ status: 400, error_code: first?.code, error_msg: first?.message, findings: res.findings });
    else {
      const n = res.findings.filter((f) => f.severity === 'error').length;
      // Findings go to stderr: standard output may be the CRL pipe.
      err(`ccmkit: CRL not built: ${n} problem(s)`);
      printFindingsTo(res.findings, err);
    }
    return 1;
  }
  const pieces = der ? res.crl.chunks : pemChunks('X509 CRL', res.crl.chunks);
  if (outPath) await writeFile(outPath, pieces, { force });
  else if (json) {
    // The report carries the CRL: stdout holds one JSON document, never a CRL and a report mixed.
    const bytes = Buffer.concat([...pieces].map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))));
    printJson({ format: der ? 'DER' : 'PEM', ...res.summary, findings: res.findings, ...(der ? { crl_der_base64: bytes.toString('base64') } : { crl: bytes.toString('latin1') }) });
    return 0;
  } else writeStdout(pieces);
  if (outPath) {
    if (json) printJson({ out: outPath, format: der ? 'DER' : 'PEM', ...res.summary, findings: res.findings });
    else {
      const s = res.summary!;
      out(`${outPath}: ${s.base_crl_number ? `delta CRL (base ${s.base_crl_number})` : 'CRL'} #${s.crl_number}, ${s.revoked_count} revoked, ${s.signature_algorithm}`);
      out(`  issuer       ${s.issuer}`);
      out(`  this update  ${s.this_update}`);
      out(`  next update  ${s.next_update}`);
      out(`  size         ${s.size} bytes DER, sha256 ${s.sha256}`);
      printFindingsTo(res.findings, out);
    }
  } else printFindingsTo(res.findings, err);
  return 0;
}
