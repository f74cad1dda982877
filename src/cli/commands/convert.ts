import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { chainWarnings, gatherMaterial, p7bFrom, pemFiles, resolveMaterial, scmImportBody } from '../../api/export.js';
import { WorkBudget, toPem } from '../../api/inputs.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, FORCE, JSON_FLAG, OUT, parseEnum } from '../flags.js';
import { now, out, printJson, readInputFile, warn } from '../io.js';
import { secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';
import { checkTargets, writeFile, writeFiles } from '../write.js';

export const help = `Usage: ccmkit convert FILE... --to scm-import --name N [-o FILE] [--passphrase-file F] [--alias A] [--json]
       ccmkit convert FILE... --to pem -o DIR [--passphrase-file F] [--alias A] [--json]
       ccmkit convert FILE... --to p7b [--format pem|der] [-o FILE] [--passphrase-file F] [--json]

The reverse of export: reads what a server or CCM gave you and turns it into
an SCM import body or plain PEM files.

FILE may be a PFX/P12 (AES, 3DES or RC2 bags, PBMAC1, BER as Windows writes
it, with or without a password), a JKS or JCEKS keystore, a PKCS#7 bag
(.p7b/.p7c, PEM or DER), a zip (CCM's exports, or any zip: files holding no
certificate or key are skipped and named; entries that would escape the
folder are refused; keystorePass.txt inside it is used as the password), PEM
or DER files in any order, or a CCM export JSON body. Use - for standard input.

The leaf is the certificate holding the private key (never by position or
name); the chain is then ordered issuer by issuer.

  --to scm-import   prints the body of SCM "Importing a Certificate":
                    {"name","certificate","certificate_chain","private_key"}
                    with the leaf, the ordered chain and the unencrypted key;
                    -o FILE writes it instead (mode 0600)
  --to pem          writes DIR/server.crt, DIR/chain.crt and DIR/server.key (0600;
                    DIR is created 0700 when missing)
  --to p7b          a PKCS#7 certificate bag (certs-only SignedData, as Windows
                    and openssl crl2pkcs7 write it): the leaf and its chain in
                    issuing order when there is a leaf, else every certificate
                    in input order (truststores, read without their password);
                    keys are never written. PEM ("-----BEGIN PKCS7-----") on
                    stdout or -o FILE; --format der writes DER (needs -o)

Warnings (stderr): a keystore protected with a broken cipher (RC2-40, RC4),
an expired or not-yet-valid certificate, an incomplete chain.

Options:
  --to T                     scm-import, pem or p7b (any case)
  --format F                 p7b: pem (default) or der
  --name N                   certificate name for scm-import (3-63 of A-Z a-z 0-9 _ - .)
  --passphrase-file F        opens keystores and encrypted keys (first line of F); or
                             $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P             the same on the command line (works, but warns: visible in ps)
  --key-passphrase-file F    a JKS/JCEKS key entry's own password, when it differs
                             from the store's; or $CCMKIT_KEY_PASSPHRASE
  --key-passphrase P         the same on the command line (warns)
  --alias A                  with several key entries in a JKS/JCEKS, the one to take
  -o, --out PATH             FILE for scm-import and p7b, DIR for pem
  --force                    replace existing output files (atomically, all or none)
  --at ISO8601               the instant chains are ordered and checked at (default: now)
  --json                     a JSON report: {"files":[...],...} (scm-import without -o
                             prints the body, which is JSON already)
  -h, --help                 this help

Output files are written to temporary names and then linked or renamed into
place: a failure (or Ctrl-C) never leaves partial files, and an input is never
overwritten.

Examples:
  ccmkit convert server.pfx --passphrase-file keystorePass.txt --to scm-import --name shop
  ccmkit convert shop_tomcat.zip --to pem -o pem/
  ccmkit convert leaf.pem root.pem inter.pem leaf.key --to scm-import --name shop -o import.json
  ccmkit convert server.pfx --passphrase-file pw.txt --to p7b -o chain.p7b

Exit codes:
  0  converted
  1  the input was rejected (wrong password, corrupt keystore, key/certificate
     mismatch...), SCM would refuse the --to scm-import body (e.g. SCM.0042,
     expired at --at), a file is missing or unreadable, or an output exists
     (without --force) or cannot be written
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    to: { type: 'string' },
    name: { type: 'string' },
    ...secretFlags('input', 'key'),
    alias: { type: 'string' },
    format: { type: 'string' },
    ...AT,
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
  });
  if (p.positionals.length === 0) throw usageError('convert needs at least one FILE');
  const toText = p.str.get('to');
  if (toText === undefined) throw usageError('convert needs --to scm-import, --to pem or --to p7b');
  const to = parseEnum('to', toText, ['scm-import', 'pem', 'p7b'] as const);
  if (p.str.has('format') && to !== 'p7b') throw usageError('--format applies to --to p7b');
  const format = parseEnum('format', p.str.get('format') ?? 'pem', ['pem', 'der'] as const);
  const output = p.str.get('out');
  const name = p.str.get('name');
  const force = p.bool.has('force');
  const json = p.bool.has('json');
  if (to === 'scm-import' && !name) throw usageError('--to scm-import needs --name N (3-63 letters, digits, "_", "-", ".", as SCM requires)');
  if (to === 'pem' && (!output || output === '-')) throw usageError('--to pem needs -o DIR');
  if (to === 'p7b' && format === 'der' && (!output || output === '-')) throw usageError('--to p7b --format der needs -o FILE');
  if ((to === 'scm-import' || to === 'p7b') && output && output !== '-') checkTargets([output], { force, inputs: p.positionals });
  if (to === 'pem') checkTargets(['server.crt', 'chain.crt'].map((f) => join(output!, f)), { force, inputs: p.positionals });
  const inputs = p.positionals.map((f) => ({ name: f === '-' ? 'stdin' : f, bytes: readInputFile(f) }));
  const at = parseAt(p.str.get('at'), now);
  const alias = p.str.get('alias');
  // Containers are opened with the one passphrase (asked for on a terminal when one needs it) and one
  // work budget. A p7b holds no key: truststores are then read without their password, as keytool lists them.
  const material = await gatherMaterial(inputs, { secrets: secretsFrom(p), budget: new WorkBudget(), needKeys: to !== 'p7b', ...(alias !== undefined ? { alias } : {}) });
  if (to === 'p7b') {
    const bag = p7bFrom(material, at);
    for (const w of material.warnings) warn(w);
    const data = format === 'der' ? bag.der : Buffer.from(toPem('PKCS7', bag.der));
    if (output && output !== '-') {
      await writeFile(output, data, { force });
      if (json) printJson({ file: output, certificates: bag.certificates, leaf_first: bag.ordered, warnings: material.warnings });
      else out(`wrote ${output}: ${bag.certificates} certificate(s)${bag.ordered ? ', leaf first' : ''}`);
    } else if (json) printJson({ p7b: data.toString(), certificates: bag.certificates, leaf_first: bag.ordered, warnings: material.warnings });
    else process.stdout.write(data);
    return 0;
  }
  const resolved = resolveMaterial(material, at);
  const warnings = [...resolved.warnings, ...chainWarnings(resolved.leaf, resolved.chain, at)];
  if (resolved.unrelated.length) warnings.push(`${resolved.unrelated.length} certificate(s) not on the leaf's chain were left out.`);
  for (const w of warnings) warn(w);
  if (to === 'scm-import') {
    const body = scmImportBody(resolved, name!, at);
    if (output && output !== '-') {
      await writeFile(output, JSON.stringify(body, null, 2) + '\n', { secret: true, force });
      if (json) printJson({ file: output, mode: '0600', chain_length: resolved.chain.length, warnings });
      else out(`wrote ${output} (mode 0600)`);
    } else printJson(body);
    return 0;
  }
  const files = pemFiles(resolved);
  if (!resolved.key && existsSync(join(output!, 'server.key'))) {
    // A folder holding the new certificate beside an old key would pair them wrongly.
    throw new CcmError(409, LocalCode.OUTPUT, `${join(output!, 'server.key')} exists and the input holds no private key: it would not belong to the new server.crt. Remove it, or write to another folder.`, output);
  }
  const written = await writeFiles(files, { folder: output!, force });
  if (json) printJson({ files: written, chain_length: resolved.chain.length, private_key: !!resolved.key, warnings });
  else {
    for (const w of written) out(`wrote ${w}`);
    if (!resolved.key) out('no private key in the input: server.key not written');
  }
  return 0;
}
