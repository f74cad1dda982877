import { analyseScmImport, fixScmImport } from '../../ccm/scm-import.js';
import { finding } from '../../ccm/rules.js';
import { toResult } from '../../ccm/validation.js';
import { LocalCode, CcmError, usageError } from '../../engine/errors.js';
import { readInput } from '../../engine/input.js';
import { toPem } from '../../engine/pem.js';
import { parseArgs, parseAt } from '../args.js';
import { out, passwordFrom, readInputFile } from '../io.js';
import { printResult, readBody } from '../validation-io.js';
import { writeFileAtomic } from '../write.js';

export const help = `Usage: ccmkit validate scm-import BODY.json [options]
       ccmkit validate scm-import --name N --certificate F [--certificate-chain F] --private-key F [options]

Says, offline, what SCM's "Importing a Certificate" (POST /v3/scm/certificates/import)
would answer: every finding, and the first error with CCM's HTTP status, error_code
and error_msg. Checks the name (SCM.0032), field types and lengths (SCM.0005;
certificate <= 4096, certificate_chain <= 8192, private_key <= 4096 characters,
counted after JSON unescaping), that certificate and chain parse (SCM.0006,
SCM.0031, SCM.0013), that the chain links to the leaf in order (SCM.0013), that the
key parses and is not password-protected (SCM.0012) and matches (SCM.0014), expiry
(SCM.0042), the bound domain and its format (SCM.0009, SCM.0070), and duplicates.

Options:
  --at ISO8601           time of the check (default: now)
  --existing SHA256      fingerprint of a certificate already in SCM (repeatable)
  --fix -o FIXED.json    write a corrected body (the leaf picked by its key, split from
                         the chain, chain ordered, line breaks normalised, key decrypted),
                         then validate it; nothing is written if it would be worse
  --password P           with --fix: the key's password (or --passphrase-file, $CCMKIT_PASSPHRASE)
  --json                 {"valid","status","error_code","error_msg","findings":[...]}

Examples:
  ccmkit validate scm-import body.json
  ccmkit validate scm-import --name www_example --certificate fullchain.pem --private-key key.pem
  ccmkit validate scm-import body.json --fix --passphrase-file pw.txt -o fixed.json

Exit codes:
  0  CCM would accept the request
  1  CCM would refuse it (or --fix found nothing it can fix)
  2  usage error`;

/** A file as CCM wants it in a body: PEM text (DER and base64 inputs are converted). */
function pemOf(path: string): string {
  const bytes = readInputFile(path);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN')) return text;
  const r = readInput(bytes, path);
  if (r.objects.length === 0) throw r.problems[0]?.error ?? new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${path}: nothing readable.`);
  return r.objects.map((o) => toPem(o.kind === 'private-key' ? 'PRIVATE KEY' : 'CERTIFICATE', o.der)).join('');
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    json: { type: 'bool' },
    name: { type: 'string' },
    certificate: { type: 'string' },
    'certificate-chain': { type: 'string' },
    'private-key': { type: 'string' },
    at: { type: 'string' },
    existing: { type: 'multi' },
    fix: { type: 'bool' },
    output: { type: 'string', short: 'o' },
    password: { type: 'string' },
    'passphrase-file': { type: 'string' },
  });
  const json = p.bool.has('json');
  const at = parseAt(p.str.get('at'), () => new Date());
  const fromFiles = p.str.has('certificate') || p.str.has('private-key') || p.str.has('name');
  if (fromFiles && p.positionals.length) throw usageError('give BODY.json or --name/--certificate/--private-key, not both');
  if (!fromFiles && p.positionals.length !== 1) throw usageError('validate scm-import needs BODY.json (or --name, --certificate and --private-key)');
  if (p.bool.has('fix') !== p.str.has('output')) throw usageError('--fix and -o FIXED.json go together');

  let body: unknown;
  if (fromFiles) {
    if (!p.str.has('certificate') || !p.str.has('private-key')) throw usageError('--certificate and --private-key are both needed');
    body = { name: p.str.get('name') ?? '', certificate: pemOf(p.str.get('certificate')!), private_key: pemOf(p.str.get('private-key')!) };
    if (p.str.has('certificate-chain')) (body as Record<string, unknown>).certificate_chain = pemOf(p.str.get('certificate-chain')!);
  } else {
    const read = readBody(p.positionals[0]!, 'scm-import.body.shape');
    if ('result' in read) return printResult(read.result, json);
    body = read.body;
  }
  const opts = { at, existingFingerprints: (p.multi.get('existing') ?? []).map((f) => f.replace(/:/g, '').toLowerCase()), password: passwordFrom(p) };

  if (!p.bool.has('fix')) return printResult(analyseScmImport(body, opts).result, json);

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
  const target = p.str.get('output')!;
  writeFileAtomic(target, Buffer.from(JSON.stringify(fixed.body, null, 2) + '\n'), true, true);
  if (!json) {
    out(`wrote ${target}${fixed.changes.length ? `: ${fixed.changes.join('; ')}` : ' (nothing needed fixing)'}`);
  }
  return printResult(analyseScmImport(fixed.body, { ...opts, password: undefined }).result, json);
}
