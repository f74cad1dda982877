import { WorkBudget } from '../../engine/budget.js';
import { usageError } from '../../engine/errors.js';
import { toPem } from '../../engine/pem.js';
import { gather, p7bFrom, pemFiles, resolve, scmImportBody } from '../../service/export.js';
import { parseArgs } from '../args.js';
import { now, out, printJson, readInputFile } from '../io.js';
import { secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';
import { writeFileAtomic, writeFilesAtomic } from '../write.js';

export const help = `Usage: ccmkit convert FILE... --to scm-import --name N [--password P] [--alias A] [--key-password P] [-o FILE] [--json]
       ccmkit convert FILE... --to pem -o DIR [--password P] [--alias A] [--json]
       ccmkit convert FILE... --to p7b [--format pem|der] [-o FILE] [--password P]

The reverse of export: reads what a server or CCM gave you and turns it into
an SCM import body or plain PEM files.

FILE may be a PFX/P12 (AES, 3DES or RC2 bags, PBMAC1, BER as Windows writes
it, with or without a password), a JKS or JCEKS keystore, a PKCS#7 bag
(.p7b/.p7c, PEM or DER), a zip (CCM's exports, or any zip: files holding no
certificate or key are skipped and named; entries that would escape the
folder are refused; keystorePass.txt inside it is used as the password), PEM
or DER files in any order, or a CCM export JSON body. Use - for standard input.
Without a password on the command line or in the environment, a protected
input asks for it on a terminal.

The leaf is the certificate holding the private key (never by position or
name); the chain is then ordered issuer by issuer.

  --to scm-import   prints the body of SCM "Importing a Certificate":
                    {"name","certificate","certificate_chain","private_key"}
                    with the leaf, the ordered chain and the unencrypted key;
                    -o FILE writes it instead (mode 0600)
  --to pem          writes DIR/server.crt, DIR/chain.crt and DIR/server.key (0600)
  --to p7b          a PKCS#7 certificate bag (certs-only SignedData, as Windows
                    and openssl crl2pkcs7 write it): the leaf and its chain in
                    issuing order when there is a leaf, else every certificate
                    in input order (truststores); keys are never written.
                    PEM ("-----BEGIN PKCS7-----") on stdout or -o FILE;
                    --format der writes DER (needs -o)
Options:
  --to T               scm-import, pem or p7b
  --format pem|der     p7b: PEM (default) or DER
  --name N             certificate name for scm-import (3-63 of A-Z a-z 0-9 _ - .)
  --password P         password of keystores / encrypted keys (also
                       --passphrase-file F, --passphrase P or $CCMKIT_PASSPHRASE)
  --alias A            with several key entries in a JKS/JCEKS, the one to take
  --key-password P     JKS/JCEKS key password, when it differs from the store's
                       (also --key-passphrase-file F or $CCMKIT_KEY_PASSPHRASE)
  -o, --output PATH    FILE for scm-import, DIR for pem
  --force              replace existing output files
  --json               pem: print {"files":[...]} instead of text
  -h, --help           this help

Output files are written to a temporary name and renamed into place: a failure
never leaves partial files.

Examples:
  ccmkit convert server.pfx --password "$(cat keystorePass.txt)" --to scm-import --name shop
  ccmkit convert shop_tomcat.zip --to pem -o pem/
  ccmkit convert leaf.pem root.pem inter.pem leaf.key --to scm-import --name shop -o import.json
  ccmkit convert server.pfx --passphrase-file pw.txt --to p7b -o chain.p7b

Exit codes:
  0  converted
  1  the input was rejected (wrong password, corrupt keystore, key/certificate mismatch...)
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    to: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    'passphrase-file': { type: 'string' },
    alias: { type: 'string' },
    'key-password': { type: 'string' },
    ...secretFlags('input', 'key'),
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'bool' },
    json: { type: 'bool' },
  });
  if (p.positionals.length === 0) throw usageError('convert needs at least one FILE');
  const to = p.str.get('to');
  if (to !== 'scm-import' && to !== 'pem' && to !== 'p7b') throw usageError('convert needs --to scm-import, --to pem or --to p7b');
  const format = (p.str.get('format') ?? 'pem').toLowerCase();
  if (p.str.has('format') && to !== 'p7b') throw usageError('--format applies to --to p7b');
  if (format !== 'pem' && format !== 'der') throw usageError(`--format is pem or der, not "${p.str.get('format')}"`);
  const output = p.str.get('output');
  const name = p.str.get('name');
  if (to === 'scm-import' && !name) throw usageError('--to scm-import needs --name N (3-63 letters, digits, "_", "-", ".", as SCM requires)');
  if (to === 'pem' && !output) throw usageError('--to pem needs -o DIR');
  if (to === 'p7b' && format === 'der' && !output) throw usageError('--to p7b --format der needs -o FILE');
  const inputs = p.positionals.map((f) => ({ name: f === '-' ? 'stdin' : f, bytes: readInputFile(f) }));
  const alias = p.str.get('alias');
  // A p7b holds no key: truststores are then read without their password, as keytool lists them.
  const material = await gather(inputs, { secrets: secretsFrom(p, { input: 'password', key: 'key-password' }), budget: new WorkBudget(), needKeys: to !== 'p7b', ...(alias !== undefined ? { alias } : {}) });
  if (to === 'p7b') {
    const bag = p7bFrom(material, now());
    const data = format === 'der' ? bag.der : Buffer.from(toPem('PKCS7', bag.der));
    if (output) {
      writeFileAtomic(output, data, false, p.bool.has('force'));
      if (p.bool.has('json')) printJson({ files: [output], certificates: bag.certificates, leaf_first: bag.ordered });
      else out(`wrote ${output}: ${bag.certificates} certificate(s)${bag.ordered ? ', leaf first' : ''}`);
    } else if (p.bool.has('json')) printJson({ p7b: data.toString(), certificates: bag.certificates, leaf_first: bag.ordered });
    else process.stdout.write(data);
    return 0;
  }
  const resolved = resolve(material, now());
  if (resolved.unrelated.length) process.stderr.write(`ccmkit: note: ${resolved.unrelated.length} certificate(s) not on the leaf's chain were left out.\n`);
  if (to === 'scm-import') {
    const body = scmImportBody(resolved, name!, now());
    if (output) {
      writeFileAtomic(output, Buffer.from(JSON.stringify(body, null, 2) + '\n'), true, p.bool.has('force'));
      if (!p.bool.has('json')) out(`wrote ${output} (mode 0600)`);
    } else printJson(body);
    return 0;
  }
  const files = pemFiles(resolved);
  const written = writeFilesAtomic(output!, files, p.bool.has('force'));
  if (p.bool.has('json')) printJson({ files: written, chain_length: resolved.chain.length, private_key: !!resolved.key });
  else {
    for (const w of written) out(`wrote ${w}`);
    if (!resolved.key) out('no private key in the input: server.key not written');
  }
  return 0;
}
