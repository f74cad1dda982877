import { WorkBudget } from '../../engine/budget.js';
import { CcmError, usageError } from '../../engine/errors.js';
import { inspectObject, type Inspected } from '../../service/inspect.js';
import { listContainer, type ContainerListing } from '../../service/keystore-listing.js';
import { parseArgs } from '../args.js';
import { out, printError, printJson } from '../io.js';
import { printListing } from '../keystore-print.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';

export const help = `Usage: ccmkit inspect FILE... [--password P | --passphrase-file F] [--json]

Lists every object found in the files: certificates, CSRs, CRLs, private and
public keys, and keystores, with kind, subject, issuer, serial (hex), validity,
key algorithm (and CCM's name for it), SANs and SHA-256 fingerprints.

Objects are named FILE#n, n counting the objects of the file from 1.

Keystores and bags are opened and listed the way "keytool -list -v" lists
them: PFX/P12 (incl. PBMAC1 and Windows BER), JKS, JCEKS, PKCS#7 (.p7b) and
zips (each file of the zip; files holding no PKI object are skipped and
named). Each entry shows alias, entry type, creation date, chain length and,
per certificate, owner, issuer, serial, validity and SHA-1/SHA-256
fingerprints; what they hold is then listed as FILE#1/... objects. A JKS or
JCEKS without its password is listed with its integrity NOT verified, as
keytool does; JCEKS secret-key entries are listed, not read. A PFX needs its
password (asked for on a terminal when none is given).
The password (or $CCMKIT_PASSPHRASE) also opens encrypted private keys.

Options:
  --json                 {"objects":[...],"errors":[...]}; a keystore is an object
                         with "keystore":{"type","integrity","entries":[...]}
  --password P           password of keystores and encrypted keys (visible in ps:
                         prefer the next one or $CCMKIT_PASSPHRASE)
  --passphrase-file F    read the password from the first line of F
  --key-passphrase-file F  a JKS/JCEKS key entry's own password (display only
                         needs the store password)
  -h, --help             this help

Examples:
  ccmkit inspect bundle.pem
  ccmkit inspect --json server.crt server.key | jq '.objects[].public_key_sha256'
  ccmkit inspect server.jks --passphrase-file storepass.txt
  ccmkit inspect cacerts                 # truststore, listed without a password
  ccmkit inspect chain.p7b shop_iis.zip

Exit codes:
  0  every object was read
  1  an object is malformed or could not be opened
  2  a file is missing or a usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' }, password: { type: 'string' }, ...secretFlags('input', 'key') });
  if (p.positionals.length === 0) throw usageError('inspect needs at least one FILE');
  const json = p.bool.has('json');
  const secrets = secretsFrom(p, { input: 'password' });
  const budget = new WorkBudget();
  const loaded = await openFiles(p.positionals, { secrets, budget });
  const password = secrets.input(false);
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
      objects.push(inspectObject(item.object, password, budget));
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
  if (loaded.missing.length) return 2;
  return errors.length ? 1 : 0;
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
  if (o.this_update) row('updates', `${o.this_update} .. ${o.next_update ?? '(no nextUpdate)'}`);
  if (o.revoked_count !== undefined) row('revoked', String(o.revoked_count));
  if (o.key_algorithm) row('key', `${o.key_algorithm}${o.ccm_key_algorithm ? ` (CCM: ${o.ccm_key_algorithm})` : ''}${o.key_format ? `, ${o.key_format}` : ''}`);
  if (o.is_ca !== undefined) row('CA', o.is_ca ? 'yes' : 'no');
  if (o.subject_alternative_names?.length) row('SANs', o.subject_alternative_names.map((s) => `${s.type}:${s.value}`).join(', '));
  if (o.signature_algorithm) row('signature', `${o.signature_algorithm}${o.signature_valid === undefined ? '' : o.signature_valid ? ', valid' : ', INVALID'}`);
  row('sha256', o.sha256);
  row('key sha256', o.public_key_sha256);
  row('note', o.note);
}
