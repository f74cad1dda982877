import { CcmError, usageError } from '../../engine/errors.js';
import { inspectObject, type Inspected } from '../../service/inspect.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, JSON_FLAG } from '../flags.js';
import { now, out, printError, printJson } from '../io.js';
import { loadFiles } from '../load.js';
import { secretFlags, secretOrPrompt } from '../secrets.js';

export const help = `Usage: ccmkit inspect FILE... [--passphrase-file F] [--at ISO8601] [--json]

Lists every object found in the files: certificates, CSRs, CRLs, private and
public keys, and keystores, with kind, subject, issuer, serial (hex), validity
and expiry status (days left), key algorithm (and CCM's name for it), SANs,
key usage and extended key usage, and fingerprints: SHA-256 (hex and
colon form) and the SHA-1 thumbprint as Windows shows it.

Objects are named FILE#n, n counting the objects of the file from 1; - reads
standard input (named stdin#n). Text taken from the files (names, SANs) is
printed with control characters escaped.

Options:
  --passphrase-file F    opens encrypted private keys (first line of F); or
                         $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P         the same on the command line (works, but warns: visible in ps)
  --at ISO8601           the instant expiry is judged at (default: now)
  --json                 {"objects":[...],"errors":[...]}
  -h, --help             this help

Examples:
  ccmkit inspect bundle.pem
  ccmkit inspect --json server.crt server.key | jq '.objects[].public_key_sha256'
  ccmkit inspect --json server.crt | jq -r '.objects[0].sha1_thumbprint'

Exit codes:
  0  every object was read
  1  a file is missing or unreadable, or an object is malformed or could not be opened
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, ...AT, ...secretFlags('input') });
  if (p.positionals.length === 0) throw usageError('inspect needs at least one FILE');
  const json = p.bool.has('json');
  const at = parseAt(p.str.get('at'), now);
  const loaded = loadFiles(p.positionals);
  const encrypted = loaded.objects.some((o) => o.kind === 'private-key' && (o.keyFormat === 'encrypted-pkcs8' || o.legacyPem !== undefined));
  const password = secretOrPrompt(p, 'input', encrypted);
  const objects: Inspected[] = [];
  const errors: CcmError[] = [...loaded.missing.map((m) => m.error), ...loaded.problems.map((m) => m.error)];
  for (const obj of loaded.objects) {
    try {
      objects.push(inspectObject(obj, password, at));
    } catch (e) {
      if (e instanceof CcmError) errors.push(e);
      else throw e;
    }
  }
  if (json) {
    printJson({ objects, errors: errors.map((e) => ({ status: e.status, ...e.body() })) });
  } else {
    for (const o of objects) printHuman(o);
    for (const e of errors) printError(e, false);
  }
  return errors.length ? 1 : 0;
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** "expires in 364 days", "EXPIRED 3 days ago", "NOT YET VALID". */
function expiryText(o: Inspected): string | undefined {
  if (o.validity_status === undefined || o.days_left === undefined) return undefined;
  if (o.validity_status === 'expired') return `EXPIRED ${o.days_left === -1 ? 'yesterday' : o.days_left === 0 ? 'today' : `${days(-o.days_left)} ago`}`;
  if (o.validity_status === 'not-yet-valid') return `NOT YET VALID (valid from ${o.not_before})`;
  return o.days_left === 0 ? 'expires today' : `expires in ${days(o.days_left)}`;
}

function printHuman(o: Inspected): void {
  out(`${o.source}  ${o.kind}${o.encrypted ? ' (encrypted)' : ''}`);
  const row = (k: string, v: string | undefined | null): void => {
    if (v !== undefined && v !== null && v !== '') out(`  ${k.padEnd(12)}${v}`);
  };
  row('subject', o.subject);
  row('issuer', o.issuer);
  row('serial', o.serial);
  if (o.not_before) row('validity', `${o.not_before} .. ${o.not_after}`);
  row('status', expiryText(o));
  if (o.this_update) row('updates', `${o.this_update} .. ${o.next_update ?? '(no nextUpdate)'}`);
  if (o.revoked_count !== undefined) row('revoked', String(o.revoked_count));
  if (o.key_algorithm) row('key', `${o.key_algorithm}${o.ccm_key_algorithm ? ` (CCM: ${o.ccm_key_algorithm})` : ''}${o.key_format ? `, ${o.key_format}` : ''}`);
  if (o.is_ca !== undefined) row('CA', o.is_ca ? 'yes' : 'no');
  if (o.subject_alternative_names?.length) row('SANs', o.subject_alternative_names.map((s) => `${s.type}:${s.value}`).join(', '));
  if (o.key_usage?.length) row('key usage', o.key_usage.join(', '));
  if (o.extended_key_usage?.length) row('ext usage', o.extended_key_usage.join(', '));
  if (o.signature_algorithm) row('signature', `${o.signature_algorithm}${o.signature_valid === undefined ? '' : o.signature_valid ? ', valid' : ', INVALID'}`);
  row('sha256', o.sha256);
  row('', o.sha256_fingerprint);
  if (o.sha1_thumbprint) row('thumbprint', `${o.sha1_thumbprint} (SHA-1, as Windows shows it)`);
  row('', o.sha1_fingerprint);
  row('key sha256', o.public_key_sha256);
  row('note', o.note);
}
