import { PROFILES, PURPOSES, certBag, describeChainProblem, verifyChainReport } from '../../api/chain.js';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { WorkBudget } from '../../api/inputs.js';
import { parseArgs, parseAt } from '../args.js';
import { AT, JSON_FLAG, parseEnum } from '../flags.js';
import { now, out, printJson } from '../io.js';
import { openFiles, secretsFrom } from '../load.js';
import { secretFlags } from '../secrets.js';

export const help = `Usage: ccmkit chain verify LEAF --roots F [--untrusted F] [--at ISO8601] [--hostname H | --ip IP]
                           [--purpose P] [--profile rfc5280|webpki] [--max-depth N] [--json]

Verifies LEAF's certificate chain the way a TLS client does (RFC 5280 path
validation): signatures, validity at --at (whole seconds), basicConstraints
cA, pathLenConstraint (self-issued CAs do not count), keyCertSign, unknown
critical extensions, name constraints (DNS, IPv4/IPv6 ranges, directory
names, email, URI; permitted and excluded, on the subject and every SAN),
extended key usage for --purpose (on the leaf, and on every CA that has one),
signature algorithms (SHA-1 and weaker are refused, as OpenSSL does at its
default security level), the --profile rules, revocation by any CRLs given
with the roots or intermediates (a CRL with the issuer's name that its key
does not verify is an error), and, when asked, the host name or IP against
the leaf's SANs (wildcards match the leftmost label only; the subject CN is
not used). Each failure names the rule (RFC or CA/B BR section) and the
certificate.

Only --roots anchor the chain; --untrusted certificates may be used as
intermediates. The first certificate of LEAF is the leaf; further certificates
in LEAF are used as intermediates too. Every file may be PEM, DER, PFX/P12,
JKS/JCEKS (truststores such as cacerts are read without a password), PKCS#7
or a zip. In a keystore holding a key, the leaf is that key's certificate. Names from the
certificates are printed with control characters escaped.

Options:
  --roots F        trusted roots (required; may be repeated)
  --untrusted F    intermediates (may be repeated)
  --passphrase-file F  password of protected inputs (PFX); or $CCMKIT_PASSPHRASE
  --at ISO8601     check validity at this instant (default: now)
  --hostname H     the leaf must name H in a DNS SAN
  --ip IP          the leaf must name IP in an IP SAN
  --purpose P      serverAuth | clientAuth | codeSigning | emailProtection | any (any case);
                   default serverAuth with --hostname/--ip, otherwise any
  --profile P      rfc5280 (default): what RFC 5280 requires of certificates;
                   webpki: adds the CA/Browser Forum Baseline Requirements (key types and
                   sizes, signature algorithms, EKU, SAN/CN, AKI of roots, public-suffix wildcards)
  --max-depth N    most intermediates between leaf and root (default 8)
  --json           {"valid":bool,"reason":...,"chain":[...],"anchor":...,"problems":[{"kind","certificate","hint","rule"}]}
  -h, --help       this help

Examples:
  ccmkit chain verify server.crt --roots root.pem --untrusted chain.pem --hostname www.example.com
  ccmkit chain verify fullchain.pem --roots root.pem --at 2027-01-01T00:00:00Z --json
  ccmkit chain verify client.crt --roots corp-root.pem --purpose clientAuth
  ccmkit chain verify server.crt --roots root.pem --untrusted chain.pem --hostname shop.example.com --profile webpki

Exit codes:
  0  the chain is valid
  1  the chain is invalid (the reason is printed), or a file is missing or unreadable
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    ...secretFlags('input'),
    ...JSON_FLAG,
    roots: { type: 'multi' },
    untrusted: { type: 'multi' },
    ...AT,
    hostname: { type: 'string' },
    ip: { type: 'string' },
    'max-depth': { type: 'string' },
    purpose: { type: 'string' },
    profile: { type: 'string' },
  });
  if (p.positionals.length !== 1) throw usageError('chain verify needs exactly one LEAF file');
  const rootPaths = p.multi.get('roots');
  if (!rootPaths) throw usageError('chain verify needs --roots F (the trusted roots)');
  if (p.str.has('hostname') && p.str.has('ip')) throw usageError('give --hostname or --ip, not both');
  let maxDepth: number | undefined;
  const md = p.str.get('max-depth');
  if (md !== undefined) {
    if (!/^\d{1,3}$/.test(md)) throw usageError(`--max-depth must be a whole number from 0 to 999, not "${md}"`);
    maxDepth = Number(md);
  }
  const purposeFlag = p.str.get('purpose');
  const purpose = purposeFlag === undefined ? undefined : parseEnum('purpose', purposeFlag, PURPOSES);
  const profileFlag = p.str.get('profile');
  const profile = profileFlag === undefined ? 'rfc5280' : parseEnum('profile', profileFlag, PROFILES);
  const json = p.bool.has('json');
  const at = parseAt(p.str.get('at'), now);

  const open = { secrets: secretsFrom(p), budget: new WorkBudget() };
  const leafLoaded = await openFiles(p.positionals, open);
  const rootsLoaded = await openFiles(rootPaths, open);
  const untrustedLoaded = await openFiles(p.multi.get('untrusted') ?? [], open);
  const missing = [...leafLoaded.missing, ...rootsLoaded.missing, ...untrustedLoaded.missing];
  if (missing.length) throw missing[0]!.error;
  const problems = [...leafLoaded.problems, ...rootsLoaded.problems, ...untrustedLoaded.problems];
  if (problems.length) throw problems[0]!.error;
  const leafBag = certBag(leafLoaded.objects);
  // A keystore's leaf is the certificate of its key entry, wherever the store put it.
  const keyed = leafLoaded.containers.flatMap((c) => c.entries.filter((e) => e.entry_type === 'PrivateKeyEntry' && e.certificates.length > 0));
  if (keyed.length > 0) {
    const first = keyed[0]!.certificates[0]!.source;
    leafBag.certs.sort((a, b) => (a.source === first ? -1 : b.source === first ? 1 : 0));
  }
  const [leaf, ...extra] = leafBag.certs;
  if (!leaf) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `no certificate found in ${p.positionals[0]}.`);
  const untrusted = certBag(untrustedLoaded.objects);
  untrusted.certs.push(...extra);
  untrusted.crls.push(...leafBag.crls);

  const ip = p.str.get('ip');
  const hostname = p.str.get('hostname');
  const r = verifyChainReport(leaf, certBag(rootsLoaded.objects), untrusted, {
    at,
    ...(hostname !== undefined ? { hostname } : {}),
    ...(ip !== undefined ? { ip } : {}),
    ...(maxDepth !== undefined ? { maxDepth } : {}),
    ...(purpose !== undefined ? { purpose } : {}),
    profile,
  });
  if (json) printJson(r);
  else {
    out(`${leaf.source}: ${r.valid ? 'OK' : 'INVALID'}${r.reason ? `: ${r.reason}` : ''}`);
    r.chain.forEach((c, i) => out(`  ${i}: ${c.subject || '(empty subject)'}  [sha256 ${c.sha256.slice(0, 16)}...]${i === r.chain.length - 1 && r.anchor === 'trusted' ? ' (trusted root)' : ''}`));
    for (const pr of r.problems.slice(1)) out(`  also: ${describeChainProblem(pr, r.chain)}`);
  }
  return r.valid ? 0 : 1;
}
