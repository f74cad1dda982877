// ccmkit's command dispatcher. Commands are imported lazily so that start-up
// costs only what the chosen command needs.

import { CcmError, LocalCode } from '../api/errors.js';
import { suggest } from './args.js';
import { printError } from './io.js';

interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  inspect: { summary: 'list every certificate, CSR, CRL, key and keystore in files', load: () => import('./commands/inspect.js') },
  'csr parse': { summary: "parse CSRs into CCM's Parsing-a-CSR response, with policy findings", load: () => import('./commands/csr-parse.js') },
  'csr create': { summary: "make a CSR within CCM's rules, or the SCM/PCA request body that carries it", load: () => import('./commands/csr-create.js') },
  'key generate': { summary: "generate a private key with one of CCM's algorithms (0600, optionally encrypted)", load: () => import('./commands/key-generate.js') },
  'key match': { summary: 'pair private keys with their certificates and CSRs', load: () => import('./commands/key-match.js') },
  'chain build': { summary: 'order an unordered bag into leaf + chain (CCM certificate_chain), naming missing issuers', load: () => import('./commands/chain-build.js') },
  'chain verify': { summary: 'verify a leaf against trusted roots (validity, CA constraints, host name, CRLs)', load: () => import('./commands/chain-verify.js') },
  'validate scm-import': { summary: "what SCM's certificate import would answer, and --fix", load: () => import('./commands/validate-scm-import.js') },
  'validate scm-upload-csr': { summary: 'pre-flight an SCM "Upload CSR" request body', load: () => import('./commands/validate-scm-upload-csr.js') },
  'validate pca-create-ca': { summary: "what PCA's create-CA would answer for a body", load: () => import('./commands/validate-pca.js').then((m) => m.createCa) },
  'validate pca-apply-cert': { summary: "what PCA's apply-for-certificate would answer for a body", load: () => import('./commands/validate-pca.js').then((m) => m.applyCert) },
  'validate pca-issue-csr': { summary: 'pre-flight a PCA "issue a certificate via CSR" request body', load: () => import('./commands/validate-pca-issue-csr.js') },
  'validate pca-import-ca': { summary: "what PCA's CA-certificate import would answer", load: () => import('./commands/validate-pca.js').then((m) => m.importCa) },
  export: { summary: "pack a certificate as CCM's APACHE/NGINX/IIS/TOMCAT/OTHER export bundle", load: () => import('./commands/export.js') },
  convert: { summary: 'PFX, JKS, JCEKS, PKCS#7, zips, PEM or export JSON -> SCM import body, PEM files or a p7b', load: () => import('./commands/convert.js') },
  'crl build': { summary: 'build and sign a v2 CRL (or a delta CRL) with CCM revocation reasons', load: () => import('./commands/crl-build.js') },
  'crl inspect': { summary: 'print a CRL: number, dates, entries with CCM reason names', load: () => import('./commands/crl-inspect.js') },
  emulator: { summary: 'a local CCM: the SCM v3 and PCA v1 APIs on 127.0.0.1, AK/SK and token auth, fault injection', load: () => import('./commands/emulator.js') },
  'emulator init-credentials': { summary: "create the emulator's account file (domain, user, AK/SK), 0600", load: () => import('./commands/emulator.js').then((m) => m.initCredentials) },
  'crl check': { summary: 'is a certificate revoked? exit 0 no, 1 yes', load: () => import('./commands/crl-check.js') },
  'crl generate': { summary: "sign a workspace CA's next CRL into its crl/ folder", load: () => import('./commands/crl-generate.js') },
  'workspace init': { summary: 'create an offline CA workspace (SQLite, keys encrypted under a passphrase)', load: () => import('./commands/workspace.js').then((m) => m.init) },
  'workspace config': { summary: 'show or set workspace settings (quotas, CRL base URL)', load: () => import('./commands/workspace.js').then((m) => m.config) },
  'workspace backup': { summary: "copy the workspace with SQLite's online backup", load: () => import('./commands/workspace.js').then((m) => m.backup) },
  'workspace check': { summary: 'check every certificate, key, serial and CRL of the workspace', load: () => import('./commands/workspace.js').then((m) => m.check) },
  'ca create': { summary: 'PCA create CA: a root, a subordinate, or a PENDING CA', load: () => import('./commands/ca.js').then((m) => m.create) },
  'ca list': { summary: 'PCA list CAs (filters, paging, sorting)', load: () => import('./commands/ca.js').then((m) => m.list) },
  'ca show': { summary: 'PCA CA details', load: () => import('./commands/ca.js').then((m) => m.show) },
  'ca csr': { summary: "PCA export a PENDING CA's CSR", load: () => import('./commands/ca.js').then((m) => m.csr) },
  'ca import': { summary: "PCA import the certificate an outside CA issued for a PENDING CA", load: () => import('./commands/ca.js').then((m) => m.importCert) },
  'ca activate': { summary: 'PCA activate a PENDING CA under a local CA', load: () => import('./commands/ca.js').then((m) => m.activate) },
  'ca disable': { summary: 'PCA disable a CA', load: () => import('./commands/ca.js').then((m) => m.disable) },
  'ca enable': { summary: 'PCA enable a disabled CA', load: () => import('./commands/ca.js').then((m) => m.enable) },
  'ca restore': { summary: 'PCA restore a CA scheduled for deletion', load: () => import('./commands/ca.js').then((m) => m.restore) },
  'ca delete': { summary: 'PCA delete a CA (at once if PENDING, else after 7-30 days)', load: () => import('./commands/ca.js').then((m) => m.del) },
  'ca revoke': { summary: "PCA revoke a subordinate CA (its issuer's CRL is rebuilt)", load: () => import('./commands/ca.js').then((m) => m.revoke) },
  'ca export': { summary: 'PCA export a CA certificate and its chain', load: () => import('./commands/ca.js').then((m) => m.exportCaCmd) },
  'ca quota': { summary: 'PCA CA quota', load: () => import('./commands/ca.js').then((m) => m.quota) },
  'cert apply': { summary: 'PCA apply for a certificate (the key is made and kept here)', load: () => import('./commands/cert.js').then((m) => m.apply) },
  'cert issue-csr': { summary: 'PCA issue a certificate from a CSR (one body, or --batch NDJSON)', load: () => import('./commands/cert.js').then((m) => m.issueCsr) },
  'cert list': { summary: 'PCA list certificates (filters, paging, sorting)', load: () => import('./commands/cert.js').then((m) => m.list) },
  'cert show': { summary: 'PCA certificate details', load: () => import('./commands/cert.js').then((m) => m.show) },
  'cert export': { summary: "PCA export a certificate as a server bundle (zip) or JSON", load: () => import('./commands/cert.js').then((m) => m.exportCmd) },
  'cert revoke': { summary: "PCA revoke a certificate (its CA's CRL is rebuilt)", load: () => import('./commands/cert.js').then((m) => m.revoke) },
  'cert delete': { summary: 'PCA delete a certificate', load: () => import('./commands/cert.js').then((m) => m.del) },
  'cert quota': { summary: 'PCA certificate quota', load: () => import('./commands/cert.js').then((m) => m.quota) },
  'scm import': { summary: 'SCM import a certificate into CCM (pre-flight first; never imported twice)', load: () => import('./commands/scm.js').then((m) => m.importCmd) },
  'scm list': { summary: "SCM list CCM's certificates (filters, paging, --all)", load: () => import('./commands/scm.js').then((m) => m.list) },
  'scm show': { summary: 'SCM certificate details from CCM', load: () => import('./commands/scm.js').then((m) => m.show) },
  'scm export': { summary: 'SCM export a certificate from CCM as PEM files or a server bundle', load: () => import('./commands/scm.js').then((m) => m.exportCmd) },
  'scm delete': { summary: 'SCM delete a certificate in CCM', load: () => import('./commands/scm.js').then((m) => m.del) },
  'scm upload-csr': { summary: 'SCM upload a CSR to CCM (pre-flight first)', load: () => import('./commands/scm.js').then((m) => m.uploadCsr) },
  'sync pull': { summary: "record CCM's inventory (SCM, PCA, PENDING CAs' CSRs) in the workspace; incremental", load: () => import('./commands/sync.js').then((m) => m.pullCmd) },
  'sync status': { summary: 'what the workspace holds of CCM, and the upload queue (offline)', load: () => import('./commands/sync.js').then((m) => m.statusCmd) },
  'sync sign': { summary: "a local CA signs a pulled PENDING PCA CA's CSR; queued for push (offline)", load: () => import('./commands/sync.js').then((m) => m.signCmd) },
  'sync queue': { summary: 'queue a CA certificate or an SCM certificate for push (offline)', load: () => import('./commands/sync.js').then((m) => m.queueCmd) },
  'sync plan': { summary: 'what sync push would do, asking CCM (reads only)', load: () => import('./commands/sync.js').then((m) => m.planCmd) },
  'sync push': { summary: 'upload the queue to CCM; nothing already there is sent twice', load: () => import('./commands/sync.js').then((m) => m.pushCmd) },
};

/** `ca ...`/`cert ...` with --remote run against PCA itself (src/cli/commands/pca-remote.ts). */
async function remoteVariant(name: string, rest: string[]): Promise<{ run: (argv: string[]) => Promise<number>; help: string } | undefined> {
  if (!/^(ca|cert) /.test(name) || !rest.includes('--remote')) return undefined;
  const m = await import('./commands/pca-remote.js');
  const cmd = m.remoteCommand(name);
  if (!cmd) throw new CcmError(400, LocalCode.USAGE, `"${name}" has no --remote form: it is a workspace operation.`);
  return cmd;
}

const VERSION = '0.1.0';
const WIDTH = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;

export const mainHelp = `ccmkit ${VERSION}: an offline PKI toolkit with Huawei Cloud Certificate Manager (CCM) semantics.

Usage: ccmkit COMMAND [ARGS] [--json]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(WIDTH)}${c.summary}`)
  .join('\n')}

Run "ccmkit COMMAND --help" for a command's options, examples and exit codes.
The ca and cert commands take --remote to send the same request to CCM's PCA
("ccmkit ca list --remote --help"); scm and sync commands talk to CCM too.

Flags mean the same in every command (docs/conventions.md): -o/--out PATH and
--force for what is written; --json for a JSON report (never changes what is
done); --passphrase-file F / $CCMKIT_PASSPHRASE for the secret that opens
inputs; --out-password-file F / $CCMKIT_OUT_PASSWORD for the one that protects
outputs; enum values in any case.

Errors are CCM error bodies {"error_code","error_msg"} (with --json, on stdout).
Exit codes: 0 success; 1 rejected input, failed check, missing or unreadable
file, or an output that exists or cannot be written; 2 usage error; 70 a bug.`;

function findCommand(argv: string[]): { name: string; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (COMMANDS[name]) return { name, rest: argv.slice(words) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(mainHelp + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version' || argv[0] === '-V') {
      process.stdout.write(VERSION + '\n');
      return 0;
    }
    const found = findCommand(argv);
    const group = Object.entries(COMMANDS).filter(([n]) => n.startsWith(argv[0] + ' '));
    if (!found && group.length && (argv[1] === '--help' || argv[1] === '-h')) {
      // "ccmkit validate --help": list the group's subcommands (without a subcommand it is a usage error, below).
      process.stdout.write(`Usage: ccmkit ${argv[0]} SUBCOMMAND [ARGS] [--json]\n\n${group.map(([n, c]) => `  ${n.padEnd(WIDTH)}${c.summary}`).join('\n')}\n`);
      return 0;
    }
    if (!found) {
      const group = Object.keys(COMMANDS).filter((n) => n.startsWith(argv[0] + ' '));
      const typed = argv.slice(0, 2).join(' ');
      const close = suggest(typed, Object.keys(COMMANDS), '') || suggest(argv[0] ?? '', Object.keys(COMMANDS), '');
      const hint = group.length ? ` Did you mean: ${group.join(', ')}?` : close ? `${close} Run "ccmkit --help" for the list.` : ' Run "ccmkit --help" for the list.';
      throw new CcmError(400, LocalCode.USAGE, `unknown command "${argv.slice(0, 2).join(' ')}".${hint}`);
    }
    const mod = (await remoteVariant(found.name, found.rest)) ?? (await COMMANDS[found.name]!.load());
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      const remoteNote = /^(ca|cert) /.test(found.name) && !found.rest.includes('--remote') && (await import('./commands/pca-remote.js')).remoteCommand(found.name) ? `\n\nWith --remote the same request goes to CCM's PCA: ccmkit ${found.name} --remote --help` : '';
      process.stdout.write(mod.help + remoteNote + '\n');
      return 0;
    }
    return await mod.run(found.rest);
  } catch (e) {
    if (e instanceof CcmError) {
      printError(e, json);
      // docs/conventions.md: 2 is a usage error only; a missing, unreadable or junk file is 1 like any rejected input.
      return e.code === LocalCode.USAGE ? 2 : 1;
    }
    // The reader of our output went away (`ccmkit crl inspect big.crl | head`): a quiet success, as for any Unix filter.
    if ((e as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
    // A bug, not a user error: say so plainly, without a stack unless asked.
    const msg = (e as Error)?.message ?? String(e);
    process.stderr.write(`ccmkit: internal error: ${msg.split('\n')[0]}\n`);
    // --json readers get an error body even then, never an empty stdout.
    if (json) process.stdout.write(JSON.stringify({ status: 500, error_code: 'CCMKIT.0009', error_msg: `internal error: ${msg.split('\n')[0]!.slice(0, 200)}` }) + '\n');
    if (process.env.CCMKIT_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 70;
  }
}
