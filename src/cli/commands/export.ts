import { parseExportType } from '../../engine/bundle.js';
import { WorkBudget } from '../../engine/budget.js';
import { usageError } from '../../engine/errors.js';
import type { Pkcs12Profile } from '../../engine/pkcs12.js';
import { defaultName, exportBody, exportZip, gather, materialFromExportJson, resolve, type Material } from '../../service/export.js';
import { parseArgs, type Parsed } from '../args.js';
import { now, out, printJson, readInputFile } from '../io.js';
import { writeFileAtomic } from '../write.js';
import { join } from 'node:path';

export const help = `Usage: ccmkit export --type APACHE|NGINX|IIS|TOMCAT|OTHER
         (--certificate F [--certificate-chain F] [--private-key F] | --from-export CCM_EXPORT.json)
         [--name N] [--password P] [--pfx-profile legacy|modern] [--alias A] [--json] [-o DIR]

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

keystorePass.txt holds a random 20-character password from a CSPRNG. With
--password the key (server.key) or keystore is protected with that password
instead and no keystorePass.txt is written. The chain is always ordered leaf,
intermediate > ... > root, whatever order the inputs have.

Options:
  --type T               APACHE, NGINX, IIS, TOMCAT or OTHER (any case)
  --certificate F        the leaf (may also hold the chain and the key; PEM, DER,
                         JSON, PFX, JKS, JCEKS, PKCS#7 or a zip)
  --certificate-chain F  intermediates and root
  --private-key F        the leaf's key (PEM/DER; encrypted keys need --key-password)
  --from-export F        the JSON body CCM's SCM or PCA export returned
                         (entire_certificate / certificate / certificate_chain / private_key)
  --name N               bundle name (default: the leaf's CN)
  --password P           protect server.key / the keystore with P (1-32 bytes)
  --passphrase-file F    read that password from the first line of F
  --key-password P       password of an encrypted input key
  --pfx-profile P        IIS keystore: legacy (3DES, SHA-1 MAC; default, Windows
                         Server 2016 imports it) or modern (AES-256, SHA-256 MAC)
  --alias A              TOMCAT: the JKS alias, lower-cased (default tomcat)
  -o, --output DIR       folder for the zip (default: current folder)
  --force                replace an existing zip
  --json                 print CCM's non-compressed JSON export body instead
                         (certificate, certificate_chain, private_key with \\r\\n);
                         APACHE, NGINX and OTHER only, as in CCM
  -h, --help             this help

Key files and keystores (and any zip holding them) are written 0600, through a
temporary file renamed into place: a failure never leaves a partial zip.

Examples:
  ccmkit export --type NGINX --certificate leaf.pem --certificate-chain chain.pem --private-key leaf.key
  ccmkit export --type IIS --from-export scm-export.json --name shop -o out/
  ccmkit export --type TOMCAT --certificate bundle.pem --private-key k.pem --alias shop --password 'S3cret!'
  ccmkit export --type OTHER --from-export pca-export.json --json

Exit codes:
  0  the bundle was written (or printed)
  1  the inputs were rejected (key does not match, wrong password, unreadable chain...)
  2  usage error`;

function exportPassword(p: Parsed): string | undefined {
  const direct = p.str.get('password');
  const file = p.str.get('passphrase-file');
  if (direct !== undefined && file !== undefined) throw usageError('give --password or --passphrase-file, not both');
  if (file !== undefined) return readInputFile(file).toString('utf8').split(/\r?\n/)[0] ?? '';
  return direct;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    type: { type: 'string' },
    certificate: { type: 'string' },
    'certificate-chain': { type: 'string' },
    'private-key': { type: 'string' },
    'from-export': { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    'passphrase-file': { type: 'string' },
    'key-password': { type: 'string' },
    'pfx-profile': { type: 'string' },
    alias: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'bool' },
    json: { type: 'bool' },
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]}"; inputs are given with --certificate / --from-export`);
  const typeArg = p.str.get('type');
  if (!typeArg) throw usageError('export needs --type APACHE|NGINX|IIS|TOMCAT|OTHER');
  const type = parseExportType(typeArg);
  const profile = p.str.get('pfx-profile') ?? 'legacy';
  if (profile !== 'legacy' && profile !== 'modern') throw usageError('--pfx-profile is legacy or modern');
  if (p.str.has('pfx-profile') && type !== 'IIS') throw usageError('--pfx-profile applies to --type IIS only');
  if (p.str.has('alias') && type !== 'TOMCAT') throw usageError('--alias applies to --type TOMCAT only');
  const fromExport = p.str.get('from-export');
  const cert = p.str.get('certificate');
  if (fromExport && (cert || p.str.has('certificate-chain') || p.str.has('private-key'))) throw usageError('give --from-export or --certificate/--certificate-chain/--private-key, not both');
  if (!fromExport && !cert) throw usageError('export needs --certificate F or --from-export F');
  const keyPassword = p.str.get('key-password');
  // One key-derivation budget for every keystore and key this run reads.
  const budget = new WorkBudget();
  let material: Material;
  if (fromExport) {
    material = await materialFromExportJson(readInputFile(fromExport).toString('utf8'), fromExport, { password: keyPassword, budget });
  } else {
    const files = [cert!, p.str.get('certificate-chain'), p.str.get('private-key')].filter((f): f is string => f !== undefined);
    material = await gather(files.map((f) => ({ name: f, bytes: readInputFile(f) })), { password: keyPassword, budget });
  }
  const at = now();
  const resolved = resolve(material, at);
  const password = exportPassword(p);
  const name = p.str.get('name') ?? defaultName(resolved.leaf);
  if (!/^[^/\\\0]{1,128}$/.test(name) || name === '.' || name === '..') throw usageError('--name must be 1-128 characters without / or \\');
  const opts = { type, name, password, pfxProfile: profile as Pkcs12Profile, alias: p.str.get('alias'), at };
  if (p.bool.has('json')) {
    printJson(exportBody(resolved, opts));
    return 0;
  }
  const res = exportZip(resolved, opts);
  const path = join(p.str.get('output') ?? '.', res.zipName);
  writeFileAtomic(path, res.zip, res.secret, p.bool.has('force'));
  out(`wrote ${path}${res.secret ? ' (mode 0600)' : ''}`);
  for (const f of res.bundle.files) out(`  ${f.name.padEnd(18)}${f.data.length} bytes${f.secret ? ', secret' : ''}`);
  out(`  chain: ${[resolved.leaf, ...resolved.chain].map((c) => c.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? c.serial).join(' > ')}`);
  if (!resolved.key) out('  no private key given: CCM\'s key-less file set');
  if (resolved.unrelated.length) process.stderr.write(`ccmkit: note: ${resolved.unrelated.length} certificate(s) not on the leaf's chain were left out.\n`);
  return 0;
}
