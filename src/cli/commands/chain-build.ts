import { PROFILES, PURPOSES, buildChainReport, ccmChainBody, certBag, chainCertificates, describeChainProblem, summariseCertificate } from '../../api/chain.js';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { toPem, WorkBudget } from '../../api/inputs.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, FORCE, JSON_FLAG, OUT, parseEnum } from '../flags.js';
import { err, now, out, printError, printJson } from '../io.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';
import { progress } from '../progress.js';
import { checkTargets, writeFile } from '../write.js';

export const help = `Usage: ccmkit chain build FILE... [--roots F] [--at ISO8601] [--purpose P] [--profile rfc5280|webpki]
                          [--format pem|ccm] [--no-root] [-o F [--force]] [--json]

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

A chain is valid when every link verifies and it passes the same checks as
\`chain verify\`: validity, CA constraints, name constraints, extended key
usage for --purpose, signature algorithms and the --profile rules; each
problem names the rule and the certificate.

Preference when a leaf has several chains: valid at --at, then ends in a
trusted anchor, then intermediates that outlive the leaf, then shorter, then
later expiry. For a chain that stops short, the missing issuer is named (DN and
authority key id).

Notes on standard error are one summary, however many leaves: chains with the
same outcome are counted together. On a terminal, a batch that takes more
than a second shows a progress bar there (never in pipes or under --json).

Options:
  --roots F          trusted roots (any of the formats above; may be repeated)
  --passphrase-file F  password of protected inputs (PFX); or $CCMKIT_PASSPHRASE
  --at ISO8601       check validity at this instant (default: now), whole seconds
  --purpose P        serverAuth | clientAuth | codeSigning | emailProtection | any (default any)
  --profile P        rfc5280 (default) or webpki (adds the CA/Browser Forum Baseline Requirements)
  --format pem|ccm   pem (default): leaf then issuers, PEM;
                     ccm: {"certificate": "<leaf PEM>", "certificate_chain": "<intermediate ... root PEM>"}
                     one JSON object per leaf, ready for an SCM import body
  --no-root          leave the self-signed root out of the output
  -o, --out F        write the chains to F instead of standard output
  --force            replace an existing F (atomically)
  --json             the report: {"chains":[{"leaf","certificates","anchor","complete","valid","best","problems"}],
                      "missing_issuers":[{"for","issuer","authority_key_id"}],"unused":[...],"errors":[...]}
                     (on stdout; the chains themselves go to -o when given)
  -h, --help         this help

Examples:
  ccmkit chain build bundle.pem
  ccmkit chain build leaf.crt intermediates/*.crt --no-root -o fullchain.pem
  ccmkit chain build --format ccm server.crt ca-bundle.pem
  ccmkit chain build --json --roots corporate-root.pem *.pem | jq '.missing_issuers'
  ccmkit chain build --purpose serverAuth --profile webpki bundle.pem
  ccmkit chain build server.crt --roots /etc/ssl/certs/java/cacerts

Exit codes:
  0  every leaf has a complete chain
  1  a leaf has no complete chain, an input certificate is unreadable, no leaf
     was found, a file is missing, or the output exists (without --force)
  2  usage error`;

/** Up to three names, then "and N more". */
function some(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...secretFlags('input'),
    ...JSON_FLAG,
    roots: { type: 'multi' },
    ...AT,
    format: { type: 'string' },
    'no-root': { type: 'bool' },
    purpose: { type: 'string' },
    profile: { type: 'string' },
    ...OUT,
    ...FORCE,
  });
  if (p.positionals.length === 0) throw usageError('chain build needs at least one FILE');
  const json = p.bool.has('json');
  const format = parseEnum('format', p.str.get('format') ?? 'pem', ['pem', 'ccm'] as const);
  const outPath = p.str.get('out') === '-' ? undefined : p.str.get('out');
  // Without -o, stdout carries either the chains or the report, never both.
  if (json && p.str.has('format') && !outPath) throw usageError('--json prints the report on stdout; with --format, write the chains with -o F');
  const at = parseAt(p.str.get('at'), now);
  const noRoot = p.bool.has('no-root');
  const purposeFlag = p.str.get('purpose');
  const purpose = purposeFlag === undefined ? 'any' : parseEnum('purpose', purposeFlag, PURPOSES);
  const profileFlag = p.str.get('profile');
  const profile = profileFlag === undefined ? 'rfc5280' : parseEnum('profile', profileFlag, PROFILES);
  if (outPath) checkTargets([outPath], { force: p.bool.has('force'), inputs: [...p.positionals, ...(p.multi.get('roots') ?? [])] });

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
    return 1;
  }
  const bag = certBag(loaded.objects);
  const roots = rootsLoaded ? certBag(rootsLoaded.objects) : undefined;
  if (roots && roots.certs.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in --roots.');
  if (bag.certs.length === 0) {
    for (const pr of problems) printError(pr.error, json);
    throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in the input.');
  }
  const bar = progress('building chains', { json });
  const { result, report } = buildChainReport(bag, { at, ...(roots ? { roots: roots.certs } : {}), crls: bag.crls, purpose, profile, onLeaf: (d, t) => bar.update(d, t) });
  bar.end();
  report.errors.unshift(...problems.map((pr) => ({ source: pr.source, error_code: pr.error.code, error_msg: pr.error.message })));
  if (result.leaves.length === 0) {
    report.errors.push({ error_code: 'PCA.00020403', error_msg: 'Incorrect certificate chain. No leaf certificate found in the input.' });
  }

  const chains: string[] = [];
  for (const l of result.leaves) {
    const best = l.chains[0];
    if (!best) continue;
    if (format === 'ccm') chains.push(JSON.stringify(ccmChainBody(best, noRoot)) + '\n');
    else chains.push(chainCertificates(best, noRoot).map((d) => toPem('CERTIFICATE', d)).join(''));
  }
  if (outPath) await writeFile(outPath, chains.join(''), { force: p.bool.has('force') });

  if (json) printJson(report);
  else {
    if (!outPath) {
      process.stdout.write(chains.join(''));
      if (format === 'pem' && result.leaves.length === 0) out('');
    }
    summariseLeaves(result.leaves);
    for (const e of report.errors) err(`ccmkit: ${e.error_code}: ${e.error_msg}`);
    if (report.unused.length) err(`ccmkit: ${report.unused.length} certificate(s) of the input are in no chain: ${some(report.unused.map((u) => u.source ?? u.sha256))}`);
    if (outPath) out(`wrote ${outPath}: ${chains.length} chain(s)`);
  }
  return report.complete && report.errors.length === 0 ? 0 : 1;
}

type Leaves = ReturnType<typeof buildChainReport>['result']['leaves'];

/**
 * A problem as a summary line. A problem of the leaf itself leaves the
 * certificate out (the group's head names the leaves), so that leaves with the
 * same outcome share one line; a problem of a CA names the CA.
 */
function outcomeLine(pr: Parameters<typeof describeChainProblem>[0], leaf: string, chain: Parameters<typeof describeChainProblem>[1]): string {
  if (pr.certificate !== leaf) return describeChainProblem(pr, chain);
  return `${pr.kind}: ${pr.hint}${pr.rule ? ` [${pr.rule}]` : ''}`;
}

/**
 * One stderr line per distinct outcome (5,000 leaves under one self-signed
 * root give one line, not 5,000), naming up to three leaves of each.
 */
function summariseLeaves(leaves: Leaves): void {
  // Grouped by the outcome without the leaf's identity; a group of one prints
  // its lines in full (every problem naming its certificate).
  const groups = new Map<string, { lines: string[]; names: string[] }>();
  for (const l of leaves) {
    const best = l.chains[0];
    if (!best) continue;
    const name = l.leaf.source ?? l.leaf.sha256;
    let short: string[];
    let full: string[];
    if (!best.complete || best.problems.length) {
      const head = `${best.complete ? 'complete' : 'INCOMPLETE'} (anchor: ${best.anchor})`;
      const chain = best.certificates.map(summariseCertificate);
      short = [head, ...best.problems.map((pr) => `  ${outcomeLine(pr, l.leaf.sha256, chain)}`)];
      full = [head, ...best.problems.map((pr) => `  ${describeChainProblem(pr, chain)}`)];
    } else if (best.anchor === 'self-signed-in-input') {
      short = full = ['complete, anchored by a self-signed root found in the input (not checked against a trust store; give --roots to)'];
    } else continue;
    const key = JSON.stringify(short);
    const g = groups.get(key);
    if (g) {
      g.names.push(name);
      g.lines = short;
    } else groups.set(key, { lines: full, names: [name] });
  }
  for (const { lines, names } of groups.values()) {
    const [head, ...rest] = lines;
    err(names.length === 1 ? `ccmkit: chain of ${names[0]}: ${head}` : `ccmkit: ${names.length} chains (${some(names)}): ${head}`);
    for (const r of rest) err(r);
  }
}
