import { CcmError, usageError } from '../../engine/errors.js';
import { inspectObject, publicKeyError, type Inspected } from '../../service/inspect.js';
import { parseArgs } from '../args.js';
import { out, passwordFrom, printError, printJson } from '../io.js';
import { loadFiles } from '../load.js';

export const help = `Usage: ccmkit inspect FILE... [--password P | --passphrase-file F] [--json]

Lists every object found in the files: certificates, CSRs, CRLs, private and
public keys, and keystores, with kind, subject, issuer, serial (hex), validity,
key algorithm (and CCM's name for it), SANs and SHA-256 fingerprints.

Objects are named FILE#n, n counting the objects of the file from 1.
The password (or $CCMKIT_PASSPHRASE) opens encrypted private keys.

Options:
  --json                 {"objects":[...],"errors":[...]}
  --password P           password of encrypted keys (visible in ps: prefer the next two)
  --passphrase-file F    read the password from the first line of F
  -h, --help             this help

Examples:
  ccmkit inspect bundle.pem
  ccmkit inspect --json server.crt server.key | jq '.objects[].public_key_sha256'

Exit codes:
  0  every object was read
  1  an object is malformed or could not be opened
  2  a file is missing or a usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' }, password: { type: 'string' }, 'passphrase-file': { type: 'string' } });
  if (p.positionals.length === 0) throw usageError('inspect needs at least one FILE');
  const json = p.bool.has('json');
  const password = passwordFrom(p);
  const loaded = loadFiles(p.positionals);
  const objects: Inspected[] = [];
  const errors: CcmError[] = [...loaded.missing.map((m) => m.error), ...loaded.problems.map((m) => m.error)];
  for (const obj of loaded.objects) {
    try {
      const o = inspectObject(obj, password);
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
    for (const o of objects) printHuman(o);
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
  row('key INVALID', o.public_key_problem);
  row('note', o.note);
}
