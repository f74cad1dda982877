import { usageError } from '../../api/errors.js';
import { EXPORT_TYPES, type Pkcs12Profile, chainWarnings, defaultBundleName, exportBody, exportZip, gatherMaterial, materialFromExportJson, resolveMaterial, type Resolved } from '../../api/export.js';
import { WorkBudget } from '../../api/inputs.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, FORCE, JSON_FLAG, OUT, parseEnum } from '../flags.js';
import { now, out, printJson, readInputFile, warn } from '../io.js';
import { readSecret, secretFlags } from '../secrets.js';
import { secretsFrom } from '../load.js';
import { checkTargets, writeFiles } from '../write.js';
import { join } from 'node:path';

export const help = `Usage: ccmkit export --type APACHE|NGINX|IIS|TOMCAT|OTHER
         (--certificate F [--certificate-chain F] [--private-key F] | --from-export CCM_EXPORT.json)
         [--name N] [--out-password-file F] [--pfx-profile legacy|modern] [--alias A]
         [-o DIR] [--force] [--format zip|json] [--at ISO8601] [--json]

Packs a certificate the way CCM's "Exporting a Certificate" does
(ccm-api-reference 4.2.2.8) and writes DIR/<name>_<type lower-case>.zip:

  APACHE  server.key, chain.crt, server.crt
  NGINX   server.key, server.crt (leaf, then chain)
  IIS     server.pfx, keystorePass.txt
  TOMCAT  server.jks, keystorePass.txt
  OTHER   server.key, chain.pem, server.pem

Without a private key (a certificate issued from a CSR) the zip holds CCM's
key-less set: chain.crt + server.crt (APACHE, IIS, TOMCAT), server.crt
(NGINX), chain.pem + cert.pem (OTHER).

keystorePass.txt holds a random 20-character password from a CSPRNG. With an
output password (--out-password-file F or $CCMKIT_OUT_PASSWORD) the key
(server.key) or keystore is protected with it instead and no keystorePass.txt
is written. The chain is always ordered leaf, intermediate > ... > root,
whatever order the inputs have.

Warnings (stderr, and "warnings" with --json): an expired or not-yet-valid
certificate, an incomplete chain (no issuer for its last certificate).

Options:
  --type T                   APACHE, NGINX, IIS, TOMCAT or OTHER (any case)
  --certificate F            the leaf (may also hold the chain and the key; PEM, DER,
                             JSON, PFX, JKS, JCEKS, PKCS#7 or a zip)
  --certificate-chain F      intermediates and root
  --private-key F            the leaf's key (PEM/DER, or a PFX/JKS holding it)
  --from-export F            the JSON body CCM's SCM or PCA export returned
                             (entire_certificate / certificate / certificate_chain / private_key)
  --passphrase-file F        opens an encrypted input key or keystore (first line of F);
                             or $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P             the same on the command line (works, but warns: visible in ps)
  --key-passphrase-file F    an input JKS/JCEKS key entry's own password; or $CCMKIT_KEY_PASSPHRASE
  --key-passphrase P         the same on the command line (warns)
  --out-password-file F      protect server.key / the keystore with this password
                             (first line of F, 1-32 bytes); or $CCMKIT_OUT_PASSWORD
  --out-password P           the same on the command line (works, but warns)
  --name N                   bundle name (default: the leaf's CN)
  --pfx-profile P            IIS keystore: legacy (3DES, SHA-1 MAC; default, Windows
                             Server 2016 imports it) or modern (AES-256, SHA-256 MAC)
  --alias A                  TOMCAT: the JKS alias, lower-cased (default tomcat)
  -o, --out DIR              folder for the zip (default: current folder; created,
                             0700 when the zip holds a key or password)
  --force                    replace an existing zip (atomically)
  --format F                 zip (default): write the zip; json: print CCM's
                             non-compressed JSON export body instead (certificate,
                             certificate_chain, private_key with \\r\\n); APACHE, NGINX
                             and OTHER only, as in CCM
  --at ISO8601               the instant chains are ordered and checked at, and the
                             zip's and JKS's timestamps (default: now)
  --json                     report as JSON: {"file","mode","files":[...],"chain","warnings"}
  -h, --help                 this help

Key files and keystores (and any zip holding them) are written 0600, through a
temporary file linked or renamed into place: a failure never leaves a partial
zip or an empty folder.

Examples:
  ccmkit export --type NGINX --certificate leaf.pem --certificate-chain chain.pem --private-key leaf.key
  ccmkit export --type IIS --from-export scm-export.json --name shop -o out/
  CCMKIT_OUT_PASSWORD='S3cret!' ccmkit export --type TOMCAT --certificate bundle.pem --private-key k.pem --alias shop
  ccmkit export --type OTHER --from-export pca-export.json --format json

Exit codes:
  0  the bundle was written (or printed)
  1  the inputs were rejected (key does not match, wrong password, unreadable
     chain...), a file is missing or unreadable, or the zip exists (without
     --force) or cannot be written
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    type: { type: 'string' },
    certificate: { type: 'string' },
    'certificate-chain': { type: 'string' },
    'private-key': { type: 'string' },
    'from-export': { type: 'string' },
    name: { type: 'string' },
    ...secretFlags('input', 'key', 'output'),
    'pfx-profile': { type: 'string' },
    alias: { type: 'string' },
    format: { type: 'string' },
    ...AT,
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"; inputs are given with --certificate / --from-export`);
  const typeArg = p.str.get('type');
  if (!typeArg) throw usageError('export needs --type APACHE|NGINX|IIS|TOMCAT|OTHER');
  const type = parseEnum('type', typeArg, EXPORT_TYPES);
  const profile: Pkcs12Profile = parseEnum('pfx-profile', p.str.get('pfx-profile') ?? 'legacy', ['legacy', 'modern'] as const);
  const format = parseEnum('format', p.str.get('format') ?? 'zip', ['zip', 'json'] as const);
  if (p.str.has('pfx-profile') && type !== 'IIS') throw usageError('--pfx-profile applies to --type IIS only');
  if (p.str.has('alias') && type !== 'TOMCAT') throw usageError('--alias applies to --type TOMCAT only');
  if (format === 'json' && (p.str.has('out') || p.bool.has('force'))) throw usageError('--format json prints the body on stdout; -o/--force are for --format zip');
  const fromExport = p.str.get('from-export');
  const cert = p.str.get('certificate');
  if (fromExport && (cert || p.str.has('certificate-chain') || p.str.has('private-key'))) throw usageError('give --from-export or --certificate/--certificate-chain/--private-key, not both');
  if (!fromExport && !cert) throw usageError('export needs --certificate F or --from-export F');
  const password = readSecret(p, 'output');
  const at = parseAt(p.str.get('at'), now);
  // Keystores, PKCS#7 bags and zips are opened with the input passphrase (asked for on a terminal when one
  // needs it); one key-derivation budget covers every keystore and key this run reads.
  const open = { secrets: secretsFrom(p), budget: new WorkBudget() };
  let resolved: Resolved;
  if (fromExport) resolved = resolveMaterial(await materialFromExportJson(readInputFile(fromExport).toString('utf8'), fromExport === '-' ? 'stdin' : fromExport, open), at);
  else {
    const files = [cert!, p.str.get('certificate-chain'), p.str.get('private-key')].filter((f): f is string => f !== undefined);
    resolved = resolveMaterial(await gatherMaterial(files.map((f) => ({ name: f === '-' ? 'stdin' : f, bytes: readInputFile(f) })), open), at);
  }
  const name = p.str.get('name') ?? defaultBundleName(resolved.leaf);
  if (!/^[^/\\\0]{1,128}$/.test(name) || name === '.' || name === '..') throw usageError('--name must be 1-128 characters without / or \\');
  const opts = { type, name, password, pfxProfile: profile, alias: p.str.get('alias'), at };
  const warnings = [...resolved.warnings, ...chainWarnings(resolved.leaf, resolved.chain, at)];
  if (resolved.unrelated.length) warnings.push(`${resolved.unrelated.length} certificate(s) not on the leaf's chain were left out.`);
  if (format === 'json') {
    printJson(exportBody(resolved, opts));
    for (const w of warnings) warn(w);
    return 0;
  }
  const res = exportZip(resolved, opts);
  const dir = p.str.get('out') ?? '.';
  const path = join(dir, res.zipName);
  checkTargets([path], { force: p.bool.has('force') });
  await writeFiles([{ name: res.zipName, data: res.zip, secret: res.secret }], { folder: dir, force: p.bool.has('force') });
  for (const w of warnings) warn(w);
  const chain = [resolved.leaf, ...resolved.chain].map((c) => c.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? c.serial);
  if (p.bool.has('json')) {
    printJson({
      file: path,
      mode: res.secret ? '0600' : '0644',
      files: res.bundle.files.map((f) => ({ name: f.name, size: f.data.length, secret: f.secret })),
      chain,
      private_key: !!resolved.key,
      warnings,
    });
    return 0;
  }
  out(`wrote ${path}${res.secret ? ' (mode 0600)' : ''}`);
  for (const f of res.bundle.files) out(`  ${f.name.padEnd(18)}${f.data.length} bytes${f.secret ? ', secret' : ''}`);
  out(`  chain: ${chain.join(' > ')}`);
  if (!resolved.key) out("  no private key given: CCM's key-less file set");
  return 0;
}
