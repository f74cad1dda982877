import { CcmError, LocalCode, usageError } from '../../engine/errors.js';
import { toPem } from '../../engine/pem.js';
import { buildReport, ccmBody, certBag, chainForOutput } from '../../service/chain.js';
import { parseArgs, parseAt } from '../args.js';
import { out, printError, printJson, printJsonLine } from '../io.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';
import { WorkBudget } from '../../engine/budget.js';

export const help = `Usage: ccmkit chain build FILE... [--roots F] [--at ISO8601] [--format pem|ccm] [--no-root] [--json]

Builds, from an unordered bag of certificates (leaves, intermediates, roots,
duplicates, unrelated certificates, in any order, over several files), every
chain from each leaf to an anchor, verifying each signature, and prints the
best chain of each leaf in the order CCM wants: the leaf, then each issuer
(certificate_chain = intermediate > ... > root; CCM answers PCA.00020403
"Incorrect certificate chain" otherwise).

FILE and --roots F may be PEM, DER, PFX/P12, JKS/JCEKS (a truststore such as
Java's cacerts is read without its password, as keytool lists it), PKCS#7
(.p7b) or a zip; their certificates join the bag.

Trust: with --roots only the certificates of F anchor a chain. Without it,
self-signed CA certificates found in the input anchor (private PKIs), and the
chain's anchor is reported as "self-signed-in-input".

Preference when a leaf has several chains: valid at --at, then ends in a
trusted anchor, then intermediates that outlive the leaf, then shorter, then
later expiry. For a chain that stops short, the missing issuer is named (DN and
authority key id).

Options:
  --roots F          trusted roots (any of the formats above; may be repeated)
  --passphrase-file F  password of protected inputs (PFX); or $CCMKIT_PASSPHRASE
  --at ISO8601       check validity at this instant (default: now), whole seconds
  --format pem|ccm   pem (default): leaf then issuers, PEM;
                     ccm: {"certificate": "<leaf PEM>", "certificate_chain": "<intermediate ... root PEM>"}
                     one JSON object per leaf, ready for an SCM import body
  --no-root          leave the self-signed root out of the output
  --json             {"chains":[{"leaf","certificates","anchor","complete","valid","best","problems"}],
                      "missing_issuers":[{"for","issuer","authority_key_id"}],"unused":[...],"errors":[...]}
  -h, --help         this help

Examples:
  ccmkit chain build bundle.pem
  ccmkit chain build leaf.crt intermediates/*.crt --no-root > fullchain.pem
  ccmkit chain build --format ccm server.crt ca-bundle.pem
  ccmkit chain build --json --roots corporate-root.pem *.pem | jq '.missing_issuers'
  ccmkit chain build server.crt --roots /etc/ssl/certs/java/cacerts

Exit codes:
  0  every leaf has a complete chain
  1  a leaf has no complete chain, an input certificate is unreadable, or no leaf was found
  2  a file is missing or a usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...secretFlags('input'),
    json: { type: 'bool' },
    roots: { type: 'multi' },
    at: { type: 'string' },
    format: { type: 'string' },
    'no-root': { type: 'bool' },
  });
  if (p.positionals.length === 0) throw usageError('chain build needs at least one FILE');
  const json = p.bool.has('json');
  const format = p.str.get('format') ?? 'pem';
  if (format !== 'pem' && format !== 'ccm') throw usageError(`--format must be pem or ccm, not "${format}"`);
  if (json && p.str.has('format')) throw usageError('--json prints the chain report; give either --json or --format');
  const at = parseAt(p.str.get('at'), () => new Date());
  const noRoot = p.bool.has('no-root');

  // Keystores, truststores (a JKS cacerts lists without its password), PKCS#7 bags and zips are opened;
  // one key-derivation budget covers all of them.
  const open = { secrets: secretsFrom(p), budget: new WorkBudget() };
  const loaded = await openFiles(p.positionals, open);
  const rootPaths = p.multi.get('roots');
  const rootsLoaded = rootPaths ? await openFiles(rootPaths, open) : undefined;
  const missing = [...loaded.missing, ...(rootsLoaded?.missing ?? [])];
  const problems = [...loaded.problems, ...(rootsLoaded?.problems ?? [])];
  if (missing.length) {
    for (const m of missing) printError(m.error, json);
    return 2;
  }
  const bag = certBag(loaded.objects);
  const roots = rootsLoaded ? certBag(rootsLoaded.objects) : undefined;
  if (roots && roots.certs.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in --roots.');
  if (bag.certs.length === 0) {
    for (const pr of problems) printError(pr.error, json);
    throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in the input.');
  }
  const { result, report } = buildReport(bag, { at, ...(roots ? { roots: roots.certs } : {}), crls: bag.crls });
  report.errors.unshift(...problems.map((pr) => ({ source: pr.source, error_code: pr.error.code, error_msg: pr.error.message })));
  if (result.leaves.length === 0) {
    report.errors.push({ error_code: 'PCA.00020403', error_msg: 'Incorrect certificate chain. No leaf certificate found in the input.' });
  }

  if (json) printJson(report);
  else {
    for (const l of result.leaves) {
      const best = l.chains[0];
      if (!best) continue;
      if (format === 'ccm') printJsonLine(ccmBody(best, noRoot));
      else process.stdout.write(chainForOutput(best, noRoot).map((d) => toPem('CERTIFICATE', d)).join(''));
      if (!best.complete || best.problems.length) {
        process.stderr.write(`ccmkit: chain of ${l.leaf.source ?? l.leaf.sha256}: ${best.complete ? 'complete' : 'INCOMPLETE'} (anchor: ${best.anchor})\n`);
        for (const pr of best.problems) process.stderr.write(`  ${pr.kind}: ${pr.hint}\n`);
      } else if (best.anchor === 'self-signed-in-input') {
        process.stderr.write(`ccmkit: chain of ${l.leaf.source ?? l.leaf.sha256}: complete, anchored by a self-signed root found in the input (not checked against a trust store; give --roots to)\n`);
      }
    }
    for (const e of report.errors) process.stderr.write(`ccmkit: ${e.error_code}: ${e.error_msg}\n`);
    if (report.unused.length) process.stderr.write(`ccmkit: ${report.unused.length} certificate(s) of the input are in no chain: ${report.unused.map((u) => u.source ?? u.sha256).join(', ')}\n`);
  }
  if (!json && format === 'pem' && result.leaves.length === 0) out('');
  return report.complete && report.errors.length === 0 ? 0 : 1;
}
