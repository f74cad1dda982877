import { CcmError, usageError } from '../../api/errors.js';
import { WorkBudget, inspectObject, publicKeyError, type Inspected, listContainer, type ContainerListing } from '../../api/inputs.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, JSON_FLAG } from '../flags.js';
import { now, out, printError, printJson } from '../io.js';
import { printListing } from '../keystore-print.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';

export const help = `Usage: ccmkit inspect FILE... [--passphrase-file F] [--at ISO8601] [--json]

Lists every object found in the files: certificates, CSRs, CRLs, private and
public keys, and keystores, with kind, subject, issuer, serial (hex), validity
and expiry status (days left), key algorithm (and CCM's name for it), SANs,
key usage and extended key usage, and fingerprints: SHA-256 (hex and
colon form) and the SHA-1 thumbprint as Windows shows it.

Objects are named FILE#n, n counting the objects of the file from 1; - reads
standard input (named stdin#n). Text taken from the files (names, SANs) is
printed with control characters escaped.

Keystores and bags are opened and listed the way "keytool -list -v" lists
them: PFX/P12 (incl. PBMAC1 and Windows BER), JKS, JCEKS, PKCS#7 (.p7b) and
zips (each file of the zip; files holding no PKI object are skipped and
named). Each entry shows alias, entry type, creation date, chain length and,
per certificate, owner, issuer, serial, validity and SHA-1/SHA-256
fingerprints; what they hold is then listed as FILE#1/... objects. A JKS or
JCEKS without its password is listed with its integrity NOT verified, as
keytool does; JCEKS secret-key entries are listed, not read. A PFX needs its
password (asked for on a terminal when none is given).

Options:
  --passphrase-file F    opens keystores and encrypted private keys (first line
                         of F); or $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P         the same on the command line (works, but warns: visible in ps)
  --key-passphrase-file F  a JKS/JCEKS key entry's own password (listing needs
                         only the store's); or $CCMKIT_KEY_PASSPHRASE
  --at ISO8601           the instant expiry is judged at (default: now)
  --json                 {"objects":[...],"errors":[...]}; a keystore is an object
                         with "keystore":{"type","integrity","entries":[...]}
  -h, --help             this help

Examples:
  ccmkit inspect bundle.pem
  ccmkit inspect --json server.crt server.key | jq '.objects[].public_key_sha256'
  ccmkit inspect --json server.crt | jq -r '.objects[0].sha1_thumbprint'
  ccmkit inspect server.jks --passphrase-file storepass.txt
  ccmkit inspect /etc/ssl/certs/java/cacerts     # a truststore, without its password
  ccmkit inspect chain.p7b shop_iis.zip

Exit codes:
  0  every object was read
  1  a file is missing or unreadable, or an object is malformed or could not be opened
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, ...AT, ...secretFlags('input', 'key') });
  if (p.positionals.length === 0) throw usageError('inspect needs at least one FILE');
  const json = p.bool.has('json');
  const at = parseAt(p.str.get('at'), now);
  const secrets = secretsFrom(p);
  const budget = new WorkBudget();
  const loaded = await openFiles(p.positionals, { secrets, budget });
  const encrypted = loaded.objects.some((o) => o.kind === 'private-key' && (o.keyFormat === 'encrypted-pkcs8' || o.legacyPem !== undefined));
  const password = secrets.input(encrypted);
  const objects: (Inspected | ContainerListing)[] = [];
  const listed = new Set<string>();
  const errors: CcmError[] = [...loaded.missing.map((m) => m.error), ...loaded.problems.map((m) => m.error)];
  for (const item of loaded.items) {
    if (item.kind === 'container') {
      objects.push(listContainer(item.container));
      if (item.container.type !== 'ZIP') listed.add(item.container.source);
      continue;
    }
    try {
      const o = inspectObject(item.object, password, at, budget);
      objects.push(o);
      const invalid = publicKeyError(o);
      if (invalid) errors.push(invalid);
    } catch (e) {
      if (e instanceof CcmError) errors.push(e);
      else throw e;
    }
  }
  if (json) {
    printJson({ objects, errors: errors.map((e) => ({ status: e.status, ...e.body() })) });
  } else {
    for (const o of objects) {
      if ('keystore' in o) printListing(o);
      // A keystore's certificates were shown in its listing; its keys and anything else are shown here.
      else if (!(o.kind === 'certificate' && o.container !== undefined && listed.has(o.container))) printHuman(o);
    }
    for (const s of loaded.skipped) if (s.label.startsWith('no ')) out(`${s.source}  skipped: ${s.label}`);
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
