import { LocalCode, CcmError, usageError } from '../../api/errors.js';
import { keyPem, gatherMaterial, resolveMaterial } from '../../api/export.js';
import { readInput, toPem, WorkBudget, type OpenOptions } from '../../api/inputs.js';
import { analyseScmImport, fixScmImport, finding, toResult } from '../../api/validate.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, FORCE, JSON_FLAG, OUT } from '../flags.js';
import { now, out, readInputFile } from '../io.js';
import { readSecret, secretFlags, secretOrPrompt } from '../secrets.js';
import { readFlattened, secretsFrom } from '../load.js';
import { printResult, readBody, validateAll } from '../validation-io.js';
import { checkTargets, writeFile } from '../write.js';

export const help = `Usage: ccmkit validate scm-import BODY.json... [options]
       ccmkit validate scm-import --name N --certificate F [--certificate-chain F] [--private-key F] [options]
       ccmkit validate scm-import BODY.json --fix -o FIXED.json [--force] [--passphrase-file F]

Says, offline, what SCM's "Importing a Certificate" (POST /v3/scm/certificates/import)
would answer: every finding, and the first error with CCM's HTTP status, error_code
and error_msg. Checks the name (SCM.0032), field types and lengths (SCM.0005;
certificate <= 4096, certificate_chain <= 8192, private_key <= 4096 characters,
counted after JSON unescaping), that certificate and chain parse (SCM.0006,
SCM.0031, SCM.0013), that the chain links to the leaf in order (SCM.0013), that the
key parses and is not password-protected (SCM.0012) and matches (SCM.0014), expiry
(SCM.0042), the bound domain and its format (SCM.0009, SCM.0070), and duplicates.
It also warns where CCM would accept but a client would not: a certificate
not valid yet, an expired intermediate, a chain with no issuer for its last
certificate.

Many bodies: give several files, or a file of JSON lines (NDJSON, one body per
line, named FILE#n); each gets its own result. - reads standard input.

--certificate, --certificate-chain and --private-key may be PEM, DER, PFX/P12,
JKS/JCEKS, PKCS#7 or a zip. A keystore holding the key may stand alone: the
body is then its leaf, ordered chain and key, as convert --to scm-import makes.

Options:
  --at ISO8601              time of the check (default: now)
  --existing SHA256         fingerprint of a certificate already in SCM (repeatable)
  --fix                     write a corrected body (the leaf picked by its key, split
                            from the chain, chain ordered, line breaks normalised, key
                            decrypted) to -o, then validate it (one body only); nothing
                            is written if it would be worse than the input
  -o, --out FIXED.json      where --fix writes (0600: it holds the private key)
  --force                   replace an existing FIXED.json (never the input body)
  --passphrase-file F       with --fix: opens an encrypted key (first line of F); or
                            $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P            the same on the command line (works, but warns: visible in ps)
  --json                    {"valid","status","error_code","error_msg","findings":[...]};
                            with several bodies one such object per line, with "source"
  -h, --help                this help

Examples:
  ccmkit validate scm-import body.json
  ccmkit validate scm-import --name www_example --certificate fullchain.pem --private-key key.pem
  ccmkit validate scm-import body.json --fix --passphrase-file pw.txt -o fixed.json
  ccmkit validate scm-import --json bodies.ndjson | jq -c '{source, error_code}'

Exit codes:
  0  CCM would accept every request
  1  CCM would refuse one (or --fix found nothing it can fix), a file is missing
     or unreadable, or FIXED.json exists (without --force) or cannot be written
  2  usage error`;

/**
 * A file as CCM wants it in a body: PEM text (DER and base64 inputs are
 * converted; keystores, PKCS#7 bags and zips are opened and the objects of
 * `kinds` taken from them).
 */
async function pemOf(path: string, open: OpenOptions, kinds: string[]): Promise<string> {
  const bytes = await readFlattened(path, open, kinds);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN')) return text;
  const r = readInput(bytes, path === '-' ? 'stdin' : path);
  if (r.objects.length === 0) throw r.problems[0]?.error ?? new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${path}: nothing readable.`);
  return r.objects.map((o) => toPem(o.kind === 'private-key' ? 'PRIVATE KEY' : 'CERTIFICATE', o.der)).join('');
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...JSON_FLAG,
    name: { type: 'string' },
    certificate: { type: 'string' },
    'certificate-chain': { type: 'string' },
    'private-key': { type: 'string' },
    ...AT,
    existing: { type: 'multi' },
    fix: { type: 'bool' },
    ...OUT,
    ...FORCE,
    ...secretFlags('input'),
  });
  const json = p.bool.has('json');
  const at = parseAt(p.str.get('at'), now);
  const fix = p.bool.has('fix');
  const fromFiles = p.str.has('certificate') || p.str.has('private-key') || p.str.has('name');
  if (fromFiles && p.positionals.length) throw usageError('give BODY.json or --name/--certificate/--private-key, not both');
  if (!fromFiles && p.positionals.length === 0) throw usageError('validate scm-import needs BODY.json (or --name, --certificate and --private-key)');
  if (fix !== p.str.has('out')) throw usageError('--fix and -o FIXED.json go together');
  if (fix && p.positionals.length > 1) throw usageError('--fix corrects one body at a time');
  const existingFingerprints = (p.multi.get('existing') ?? []).map((f) => f.replace(/:/g, '').toLowerCase());
  const target = p.str.get('out');
  if (fix) checkTargets([target!], { force: p.bool.has('force'), inputs: [...p.positionals, ...['certificate', 'certificate-chain', 'private-key'].flatMap((f) => p.str.get(f) ?? [])] });

  if (!fromFiles && !fix) {
    // The password is not needed to judge a body: CCM refuses an encrypted key whatever it is.
    const opts = { at, existingFingerprints, password: readSecret(p, 'input') };
    return validateAll(p.positionals, 'scm-import.body.shape', (b) => analyseScmImport(b, opts).result, json);
  }

  let body: unknown;
  if (fromFiles) {
    if (!p.str.has('certificate')) throw usageError('--certificate is needed (and --private-key, unless the certificate file is a keystore holding the key)');
    const secrets = secretsFrom(p);
    const open: OpenOptions = { secrets, budget: new WorkBudget(), needKeys: true };
    const certFile = p.str.get('certificate')!;
    if (!p.str.has('private-key')) {
      // A PFX/JKS/zip holding the key: the body is what it would upload, leaf + ordered chain + key.
      const bag = await gatherMaterial([{ name: certFile === '-' ? 'stdin' : certFile, bytes: readInputFile(certFile) }], open);
      if (bag.keys.length === 0) throw usageError(`--private-key is needed: ${certFile} holds no private key`);
      const r = resolveMaterial(bag, at);
      body = { name: p.str.get('name') ?? '', certificate: toPem('CERTIFICATE', r.leaf.der), private_key: keyPem(r.key!) };
      if (r.chain.length) (body as Record<string, unknown>).certificate_chain = r.chain.map((c) => toPem('CERTIFICATE', c.der)).join('');
    } else {
      body = { name: p.str.get('name') ?? '', certificate: await pemOf(certFile, open, ['certificate']), private_key: await pemOf(p.str.get('private-key')!, open, ['private-key']) };
    }
    if (p.str.has('certificate-chain')) (body as Record<string, unknown>).certificate_chain = await pemOf(p.str.get('certificate-chain')!, open, ['certificate']);
  } else {
    const read = readBody(p.positionals[0]!, 'scm-import.body.shape');
    if ('result' in read) return printResult(read.result, json);
    body = read.body;
  }
  let password = readSecret(p, 'input');
  if (!fix) return printResult(analyseScmImport(body, { at, existingFingerprints, password }).result, json);

  // --fix decrypts the key: ask for its password on a terminal when the key turns out to be encrypted.
  if (password === undefined && analyseScmImport(body, { at, existingFingerprints }).keyEncrypted) password = secretOrPrompt(p, 'input', true, 'Enter passphrase for the private key');
  const opts = { at, existingFingerprints, password };
  const fixed = fixScmImport(body, opts);
  if (!fixed || fixed.worse) {
    // Nothing is written: a "fix" must never leave the user with a body CCM likes less than the input.
    const r = analyseScmImport(body, opts).result;
    const note = fixed?.worse ? `Nothing written: ${fixed.worse}.` : 'Nothing to fix: the body needs a readable certificate first.';
    const why = r.valid && !fixed?.worse ? r : { ...r, findings: [...r.findings, { ...finding('scm-import.body.shape', note), severity: 'info' as const }] };
    printResult(toResult(why.findings), json);
    return 1;
  }
  // Written atomically and 0600: the fixed body holds an unencrypted private key.
  await writeFile(target!, JSON.stringify(fixed.body, null, 2) + '\n', { secret: true, force: p.bool.has('force') });
  if (!json) {
    out(`wrote ${target}${fixed.changes.length ? `: ${fixed.changes.join('; ')}` : ' (nothing needed fixing)'}`);
  }
  return printResult(analyseScmImport(fixed.body, { ...opts, password: undefined }).result, json);
}
