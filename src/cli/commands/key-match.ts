import { usageError } from '../../api/errors.js';
import { WorkBudget } from '../../api/inputs.js';
import { matchKeyPairs } from '../../api/key.js';
import { parseArgs } from '../args.js';
import { JSON_FLAG } from '../flags.js';
import { out, printError, printJson } from '../io.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';

export const help = `Usage: ccmkit key match FILE... [--passphrase-file F] [--json]

Says which private key belongs to which certificate or CSR, by public-key
equality (never by names or file order), and proves each pair by signing
with the key and verifying with the certificate's public key.
Everything is read from all FILEs together, in any order and any format:
PEM, DER, PFX/P12, JKS, JCEKS, PKCS#7 and zips (their keys and certificates
are matched like any other); - reads standard input.

Options:
  --passphrase-file F    opens encrypted keys (first line of F); or
                         $CCMKIT_PASSPHRASE, or a prompt on a terminal
  --passphrase P         the same on the command line (works, but warns: visible in ps)
  --key-passphrase-file F  a JKS/JCEKS key entry's own password, when it differs
                         from the store's; or $CCMKIT_KEY_PASSPHRASE
  --json                 {"pairs":[{"key":"a.pem#1","certificate":"b.pem#2"}],
                          "unmatched_keys":[],"unmatched_certificates":[], ...}
  -h, --help             this help

Examples:
  ccmkit key match server.key fullchain.pem
  ccmkit key match --json *.pem *.key
  ccmkit key match server.pfx --passphrase-file pw.txt

Exit codes:
  0  every private key has its certificate (or CSR)
  1  a key has no certificate, fails its proof, or cannot be read; a file is
     missing or unreadable
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, ...secretFlags('input', 'key') });
  if (p.positionals.length === 0) throw usageError('key match needs at least one FILE');
  const json = p.bool.has('json');
  // Keystores, PKCS#7 bags and zips are opened; the passphrase is asked for only when one needs it.
  const secrets = secretsFrom(p);
  const budget = new WorkBudget();
  const loaded = await openFiles(p.positionals, { secrets, budget, needKeys: true });
  const r = matchKeyPairs(loaded.objects, secrets, budget);
  const errors = [...loaded.missing.map((m) => m.error), ...loaded.problems.map((m) => m.error), ...r.errors];
  const keyCount = r.unmatched_keys.length + new Set(r.pairs.map((x) => x.key)).size;
  if (json) {
    printJson({
      pairs: r.pairs,
      unmatched_keys: r.unmatched_keys,
      unmatched_certificates: r.unmatched_certificates,
      unmatched_csrs: r.unmatched_csrs,
      failed_proofs: r.failed_proofs,
      errors: errors.map((e) => ({ status: e.status, ...e.body() })),
    });
  } else {
    for (const pair of r.pairs) out(`${pair.key}  matches  ${pair.certificate ?? pair.csr}${pair.csr ? ' (CSR)' : ''}`);
    for (const k of r.unmatched_keys) out(`${k}  has no certificate or CSR in the input`);
    for (const f of r.failed_proofs) out(`${f.key}  has the public key of ${f.with} but cannot sign for it (corrupt private key)`);
    if (r.unmatched_certificates.length) out(`certificates without a key: ${r.unmatched_certificates.join(', ')}`);
    if (r.unmatched_csrs.length) out(`CSRs without a key: ${r.unmatched_csrs.join(', ')}`);
    for (const e of errors) printError(e, false);
  }
  if (keyCount === 0 && errors.length === 0) {
    if (!json) out('no private key found in the input');
    return 1;
  }
  return r.unmatched_keys.length || r.failed_proofs.length || errors.length ? 1 : 0;
}
