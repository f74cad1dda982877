// ccmkit's command dispatcher. Commands are imported lazily so that start-up
// costs only what the chosen command needs.

import { CcmError, LocalCode } from '../engine/errors.js';

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
  convert: { summary: 'PFX, JKS, JCEKS, CCM zips, PEM or export JSON -> SCM import body or PEM files', load: () => import('./commands/convert.js') },
  'crl build': { summary: 'build and sign a v2 CRL (or a delta CRL) with CCM revocation reasons', load: () => import('./commands/crl-build.js') },
  'crl inspect': { summary: 'print a CRL: number, dates, entries with CCM reason names', load: () => import('./commands/crl-inspect.js') },
  'crl check': { summary: 'is a certificate revoked? exit 0 no, 1 yes', load: () => import('./commands/crl-check.js') },
};

const VERSION = '0.1.0';

export const mainHelp = `ccmkit ${VERSION}: an offline PKI toolkit with Huawei Cloud Certificate Manager (CCM) semantics.

Usage: ccmkit COMMAND [ARGS] [--json]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(24)}${c.summary}`)
  .join('\n')}

Run "ccmkit COMMAND --help" for a command's options, examples and exit codes.

Every command takes --json; errors are CCM error bodies {"error_code","error_msg"}.
Exit codes: 0 success, 1 rejected input or failed check, 2 usage error.`;

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
      process.stdout.write(`Usage: ccmkit ${argv[0]} SUBCOMMAND [ARGS] [--json]\n\n${group.map(([n, c]) => `  ${n.padEnd(24)}${c.summary}`).join('\n')}\n`);
      return 0;
    }
    if (!found) {
      const group = Object.keys(COMMANDS).filter((n) => n.startsWith(argv[0] + ' '));
      const hint = group.length ? ` Did you mean: ${group.join(', ')}?` : ' Run "ccmkit --help" for the list.';
      throw new CcmError(400, LocalCode.USAGE, `unknown command "${argv.slice(0, 2).join(' ')}".${hint}`);
    }
    const mod = await COMMANDS[found.name]!.load();
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      process.stdout.write(mod.help + '\n');
      return 0;
    }
    return await mod.run(found.rest);
  } catch (e) {
    if (e instanceof CcmError) {
      if (json) process.stdout.write(JSON.stringify({ status: e.status, ...e.body() }) + '\n');
      else process.stderr.write(`ccmkit: ${e.code}: ${e.message}\n`);
      return e.code === LocalCode.USAGE ? 2 : e.code === LocalCode.INPUT_UNREADABLE ? 2 : 1;
    }
    // A bug, not a user error: say so plainly, without a stack unless asked.
    const msg = (e as Error)?.message ?? String(e);
    process.stderr.write(`ccmkit: internal error: ${msg.split('\n')[0]}\n`);
    // --json readers get an error body even then, never an empty stdout.
    if (json) process.stdout.write(JSON.stringify({ status: 500, error_code: 'CCMKIT.0009', error_msg: `internal error: ${msg.split('\n')[0]!.slice(0, 200)}` }) + '\n');
    if (process.env.CCMKIT_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 70;
  }
}
