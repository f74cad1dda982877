// ccmkit ca ... --remote and cert ... --remote: the offline CA's commands,
// sent to PCA itself. Same subcommands, same flags, same request bodies
// (PCA_ROUTES gives each its method and path), so a script can move between
// the workspace and the cloud by adding --remote. Thin: flags -> request ->
// ccmkit/sync's pcaCall -> PCA's answer.

import { existsSync, statSync } from 'node:fs';
import { CCM_REVOCATION_REASONS } from '../../api/crl.js';
import { usageError } from '../../api/errors.js';
import { EXPORT_TYPES } from '../../api/export.js';
import { toPem } from '../../api/inputs.js';
import { pcaCall, type CallResult, type PcaRemoteRequest } from '../../api/sync.js';
import { escapeControl as esc } from '../escape.js';
import { parseArgs, type FlagSpec, type Parsed } from '../args.js';
import { FORCE, JSON_FLAG, OUT, parseEnum } from '../flags.js';
import { out, printJson, readInputFile } from '../io.js';
import { intFlag, isoOrDash, noPositionals, onePositional, readBodyFile } from '../pca-io.js';
import { REMOTE_EXIT, REMOTE_FLAGS, REMOTE_HELP, withClient } from '../remote-io.js';
import { readSecret, secretFlags } from '../secrets.js';
import { writeFile, writeFiles } from '../write.js';

type Cmd = { help: string; run: (argv: string[]) => Promise<number> };
type Method = 'GET' | 'POST' | 'DELETE';

const CA = '/v1/private-certificate-authorities';
const CERT = '/v1/private-certificates';
const REASONS = Object.keys(CCM_REVOCATION_REASONS) as (keyof typeof CCM_REVOCATION_REASONS)[];

interface Def {
  usage: string;
  text: string;
  options?: string;
  flags?: FlagSpec;
  example: string;
  /** The request, from the flags. */
  request: (p: Parsed) => { method: Method; path: string; req: PcaRemoteRequest };
  /** Prints the answer without --json (and writes files); returns the exit code. */
  print?: (p: Parsed, r: CallResult) => number | Promise<number>;
}

const BASE_FLAGS: FlagSpec = { ...JSON_FLAG, ...REMOTE_FLAGS, remote: { type: 'bool' } };

function certText(f: string): string {
  const bytes = readInputFile(f);
  // The body carries PEM (pca-import-ca-certificate.txt: "must be in PEM format"); DER is converted.
  return bytes[0] === 0x30 ? toPem('CERTIFICATE', bytes) : bytes.toString('utf8');
}

function idOf(p: Parsed, what: string, name: string): string {
  return onePositional(p, what, name);
}

function body(r: CallResult): Record<string, unknown> {
  return (r.json ?? {}) as Record<string, unknown>;
}

function dn(b: Record<string, unknown>): string {
  const d = (b.distinguished_name ?? {}) as Record<string, unknown>;
  return esc(String(d.common_name ?? ''));
}

function done(msg: string): (p: Parsed, r: CallResult) => number {
  return (p, r) => {
    if (p.bool.has('json')) printJson(r.json ?? {});
    else out(msg + (r.recovered ? ' (the first answer was lost; PCA shows it done)' : ''));
    return 0;
  };
}

async function writeOrPrint(p: Parsed, pem: string, r: CallResult): Promise<number> {
  const file = p.str.get('out');
  if (file) await writeFile(file, pem, { force: p.bool.has('force') });
  if (p.bool.has('json')) printJson(r.json ?? {});
  else if (file) out(`wrote ${esc(file)}`);
  else process.stdout.write(pem);
  return 0;
}

function listQuery(p: Parsed, statuses: readonly string[], sortKeys: readonly string[], withType: boolean): Record<string, string | undefined> {
  return {
    limit: intFlag(p, 'limit', 0, 1000),
    offset: intFlag(p, 'offset', 0, 2 ** 31 - 1),
    name: p.str.get('name'),
    status: p.str.has('status') ? parseEnum('status', p.str.get('status')!, statuses) : undefined,
    type: withType && p.str.has('type') ? parseEnum('type', p.str.get('type')!, ['ROOT', 'SUBORDINATE'] as const) : undefined,
    sort_key: p.str.has('sort-key') ? parseEnum('sort-key', p.str.get('sort-key')!, sortKeys) : undefined,
    sort_dir: p.str.has('sort-dir') ? parseEnum('sort-dir', p.str.get('sort-dir')!, ['ASC', 'DESC'] as const) : undefined,
  };
}

const LIST_FLAGS: FlagSpec = { status: { type: 'string' }, name: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'sort-key': { type: 'string' }, 'sort-dir': { type: 'string' } };

const CA_DEFS: Record<string, Def> = {
  create: {
    usage: 'BODY.json --remote',
    text: `PCA "Creating a CA" (POST ${CA}, 4.2.1.2) on PCA itself. BODY.json is the same body
"ccmkit ca create" takes. Not re-sent when its answer is lost (it may have been made).`,
    example: 'ccmkit ca create --remote --region cn-north-4 sub-pending.json --json | jq -r .ca_id',
    request: (p) => ({ method: 'POST', path: CA, req: { body: readBodyFile(onePositional(p, 'BODY.json', 'ca create')) } }),
    print: (p, r) => done(`created CA ${String(body(r).ca_id)}`)(p, r),
  },
  list: {
    usage: '[--status S] [--type T] [--name TEXT] [--limit N] [--offset N] [--sort-key K] [--sort-dir D] --remote',
    text: `PCA "Querying the CA List" (GET ${CA}, 4.2.1.1) on PCA itself.`,
    flags: { ...LIST_FLAGS, type: { type: 'string' } },
    example: 'ccmkit ca list --remote --region cn-north-4 --status pending',
    request: (p) => {
      noPositionals(p, 'ca list');
      return { method: 'GET', path: CA, req: { query: listQuery(p, ['PENDING', 'ACTIVED', 'DISABLED', 'DELETED', 'EXPIRED'], ['create_time', 'common_name', 'ca_type', 'type', 'not_after'], true) } };
    },
    print: (p, r) => {
      const b = body(r);
      if (p.bool.has('json')) return printJson(b), 0;
      const cas = (b.certificate_authorities ?? []) as Record<string, unknown>[];
      out(`${String(b.total)} CA(s)${cas.length < Number(b.total) ? `, showing ${cas.length}` : ''}`);
      for (const c of cas) out(`  ${esc(String(c.ca_id))}  ${esc(String(c.type)).padEnd(11)} ${esc(String(c.status)).padEnd(8)} ${esc(String(c.key_algorithm ?? '')).padEnd(7)} ${isoOrDash(c.not_after as number).padEnd(20)} ${dn(c)}`);
      return 0;
    },
  },
  show: {
    usage: 'ID --remote',
    text: `PCA "Querying CA Details" (GET ${CA}/{ca_id}, 4.2.1.4) on PCA itself.`,
    example: 'ccmkit ca show --remote 4c0e772e-a30c-4029-b929-b7acb04143f7',
    request: (p) => ({ method: 'GET', path: `${CA}/{ca_id}`, req: { params: { ca_id: idOf(p, 'CA ID', 'ca show') } } }),
    print: (p, r) => {
      const b = body(r);
      if (p.bool.has('json')) return printJson(b), 0;
      out(`${esc(String(b.ca_id))}  ${esc(String(b.type))} CA, ${esc(String(b.status))}  ${dn(b)}`);
      for (const k of ['issuer_name', 'key_algorithm', 'signature_algorithm', 'path_length', 'serial_number', 'gen_mode']) if (b[k] !== undefined && b[k] !== null) out(`  ${k.padEnd(20)} ${esc(String(b[k]))}`);
      out(`  ${'valid'.padEnd(20)} ${isoOrDash(b.not_before as number)} .. ${isoOrDash(b.not_after as number)}`);
      return 0;
    },
  },
  quota: {
    usage: '--remote',
    text: `PCA "Querying the CA Quota" (GET ${CA}/quotas, 4.2.1.3) on PCA itself.`,
    example: 'ccmkit ca quota --remote --json',
    request: (p) => (noPositionals(p, 'ca quota'), { method: 'GET', path: `${CA}/quotas`, req: {} }),
    print: quotaPrint('CAs'),
  },
  csr: {
    usage: 'ID [-o FILE [--force]] --remote',
    text: `PCA "Exporting a CSR of a CA" (GET ${CA}/{ca_id}/csr, 4.2.1.7): a PENDING CA's CSR.`,
    options: '  -o, --out FILE         write the PEM CSR to FILE\n  --force                replace an existing FILE\n',
    flags: { ...OUT, ...FORCE },
    example: 'ccmkit ca csr --remote 4c0e772e-a30c-4029-b929-b7acb04143f7 -o sub.csr',
    request: (p) => ({ method: 'GET', path: `${CA}/{ca_id}/csr`, req: { params: { ca_id: idOf(p, 'CA ID', 'ca csr') } } }),
    print: (p, r) => writeOrPrint(p, String(body(r).csr ?? '').replace(/\r\n/g, '\n').replace(/\n*$/, '\n'), r),
  },
  import: {
    usage: 'ID --certificate F [--certificate-chain F] --remote',
    text: `PCA "Importing a CA Certificate" (POST ${CA}/{ca_id}/import, seed
pca-import-ca-certificate.txt) on PCA itself. If the answer is lost, the CA is
looked at: ACTIVED with this certificate means done; still PENDING, it is sent again.`,
    options: '  --certificate F        the CA certificate (PEM; DER is converted)\n  --certificate-chain F  its issuers, intermediate > ... > root\n',
    flags: { certificate: { type: 'string' }, 'certificate-chain': { type: 'string' } },
    example: 'ccmkit ca import --remote 4c0e772e-a30c-4029-b929-b7acb04143f7 --certificate sub.pem --certificate-chain root.pem',
    request: (p) => {
      const id = idOf(p, 'CA ID', 'ca import');
      const c = p.str.get('certificate');
      if (!c) throw usageError('ca import needs --certificate F');
      const b: Record<string, string> = { certificate: certText(c) };
      if (p.str.has('certificate-chain')) b.certificate_chain = certText(p.str.get('certificate-chain')!);
      return { method: 'POST', path: `${CA}/{ca_id}/import`, req: { params: { ca_id: id }, body: b } };
    },
    print: (p, r) => done(`CA ${p.positionals[0]}: certificate imported, ACTIVED`)(p, r),
  },
  activate: {
    usage: 'ID BODY.json --remote',
    text: `PCA "Activating a CA" (POST ${CA}/{ca_id}/activate, 4.2.1.6) on PCA itself; BODY.json
is PCA's {"issuer_id", "path_length", "signature_algorithm", "validity"}.`,
    example: 'ccmkit ca activate --remote 4c0e772e-a30c-4029-b929-b7acb04143f7 activate.json',
    request: (p) => {
      if (p.positionals.length !== 2) throw usageError('ca activate needs ID and BODY.json');
      return { method: 'POST', path: `${CA}/{ca_id}/activate`, req: { params: { ca_id: p.positionals[0]! }, body: readBodyFile(p.positionals[1]!) } };
    },
    print: (p, r) => done(`CA ${p.positionals[0]}: ACTIVED`)(p, r),
  },
  disable: transition('disable'),
  enable: transition('enable'),
  restore: transition('restore'),
  delete: {
    usage: 'ID --pending-days N --remote',
    text: `PCA "Deleting a Private CA" (DELETE ${CA}/{ca_id}?pending_days=N, 4.2.1.5) on PCA itself.`,
    options: '  --pending-days N       days until deletion, 7 to 30 (PCA requires it)\n',
    flags: { 'pending-days': { type: 'string' } },
    example: 'ccmkit ca delete --remote 4c0e772e-a30c-4029-b929-b7acb04143f7 --pending-days 7',
    request: (p) => {
      const id = idOf(p, 'CA ID', 'ca delete');
      const days = p.str.get('pending-days');
      if (days === undefined) throw usageError('ca delete needs --pending-days N (7 to 30)');
      return { method: 'DELETE', path: `${CA}/{ca_id}`, req: { params: { ca_id: id }, query: { pending_days: days } } };
    },
    print: (p, r) => done(`CA ${p.positionals[0]}: deleted (scheduled unless it was PENDING)`)(p, r),
  },
  revoke: {
    usage: 'ID [--reason R] --remote',
    text: `PCA "Revoking a subordinate CA" (POST ${CA}/{ca_id}/revoke, 4.2.1.13) on PCA itself.
R is one of CCM's nine reasons (any case).`,
    options: '  --reason R             revocation reason\n',
    flags: { reason: { type: 'string' } },
    example: 'ccmkit ca revoke --remote 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --reason key_compromise',
    request: (p) => ({ method: 'POST', path: `${CA}/{ca_id}/revoke`, req: { params: { ca_id: idOf(p, 'CA ID', 'ca revoke') }, body: p.str.has('reason') ? { reason: parseEnum('reason', p.str.get('reason')!, REASONS) } : {} } }),
    print: (p, r) => done(`CA ${p.positionals[0]}: revoked`)(p, r),
  },
  export: {
    usage: 'ID [-o FILE [--force]] --remote',
    text: `PCA "Exporting a CA Certificate" (POST ${CA}/{ca_id}/export, 4.2.1.10) on PCA itself:
the certificate then its chain, as PEM (or PCA's JSON with --json).`,
    options: '  -o, --out FILE         write the certificate and its chain (PEM) to FILE\n  --force                replace an existing FILE\n',
    flags: { ...OUT, ...FORCE },
    example: 'ccmkit ca export --remote 4c0e772e-a30c-4029-b929-b7acb04143f7 -o issuing-ca.pem',
    request: (p) => ({ method: 'POST', path: `${CA}/{ca_id}/export`, req: { params: { ca_id: idOf(p, 'CA ID', 'ca export') } } }),
    print: (p, r) => {
      const b = body(r) as { certificate?: string; certificate_chain?: string };
      const cert = String(b.certificate ?? '');
      const chain = String(b.certificate_chain ?? '');
      const pem = (cert + '\n' + (chain && chain !== cert ? chain + '\n' : '')).replace(/\r\n/g, '\n').replace(/\n{2,}/g, '\n');
      return writeOrPrint(p, pem, r);
    },
  },
};

function transition(name: 'disable' | 'enable' | 'restore'): Def {
  return {
    usage: 'ID --remote',
    text: `PCA "${name[0]!.toUpperCase() + name.slice(1)} a CA" (POST ${CA}/{ca_id}/${name}) on PCA itself.`,
    example: `ccmkit ca ${name} --remote 4c0e772e-a30c-4029-b929-b7acb04143f7`,
    request: (p) => ({ method: 'POST', path: `${CA}/{ca_id}/${name}`, req: { params: { ca_id: idOf(p, 'CA ID', `ca ${name}`) } } }),
    print: (p, r) => done(`CA ${p.positionals[0]}: ${name}d`)(p, r),
  };
}

function quotaPrint(what: string): (p: Parsed, r: CallResult) => number {
  return (p, r) => {
    const b = body(r);
    if (p.bool.has('json')) return printJson(b), 0;
    const res = ((b.quotas as { resources?: { used: number; quota: number }[] })?.resources ?? [])[0];
    out(res ? `${what}: ${res.used} used of ${res.quota}` : `${what}: no quota in the answer`);
    return 0;
  };
}

const CERT_DEFS: Record<string, Def> = {
  apply: {
    usage: 'BODY.json --remote',
    text: `PCA "Applying for a Certificate" (POST ${CERT}, 4.2.2.2) on PCA itself (PCA makes the key).`,
    example: 'ccmkit cert apply --remote www.json --json | jq -r .certificate_id',
    request: (p) => ({ method: 'POST', path: CERT, req: { body: readBodyFile(onePositional(p, 'BODY.json', 'cert apply')) } }),
    print: (p, r) => done(`issued certificate ${String(body(r).certificate_id)}`)(p, r),
  },
  'issue-csr': {
    usage: 'BODY.json --remote',
    text: `PCA "Issuing a certificate via CSR" (POST ${CERT}/csr, 4.2.2.3) on PCA itself.
(--batch is a workspace feature: it runs locally only.)`,
    example: 'ccmkit cert issue-csr --remote issue.json',
    request: (p) => ({ method: 'POST', path: `${CERT}/csr`, req: { body: readBodyFile(onePositional(p, 'BODY.json', 'cert issue-csr')) } }),
    print: (p, r) => done(`issued certificate ${String(body(r).certificate_id)}`)(p, r),
  },
  list: {
    usage: '[--status S] [--name TEXT] [--limit N] [--offset N] [--sort-key K] [--sort-dir D] --remote',
    text: `PCA "Querying the List of Private Certificates" (GET ${CERT}, 4.2.2.1) on PCA itself.`,
    flags: LIST_FLAGS,
    example: 'ccmkit cert list --remote --status revoked --limit 50',
    request: (p) => {
      noPositionals(p, 'cert list');
      return { method: 'GET', path: CERT, req: { query: listQuery(p, ['ISSUED', 'REVOKED', 'EXPIRED'], ['create_time', 'common_name', 'issuer_name', 'not_after'], false) } };
    },
    print: (p, r) => {
      const b = body(r);
      if (p.bool.has('json')) return printJson(b), 0;
      const certs = (b.certificates ?? []) as Record<string, unknown>[];
      out(`${String(b.total)} certificate(s)${certs.length < Number(b.total) ? `, showing ${certs.length}` : ''}`);
      for (const c of certs) out(`  ${esc(String(c.certificate_id))}  ${esc(String(c.status)).padEnd(7)} ${isoOrDash(c.not_after as number).padEnd(20)} ${dn(c)}  (${esc(String(c.issuer_name ?? ''))})`);
      return 0;
    },
  },
  show: {
    usage: 'ID --remote',
    text: `PCA "Querying Certificate Details" (GET ${CERT}/{certificate_id}, 4.2.2.6) on PCA itself.`,
    example: 'ccmkit cert show --remote 6434f74f-2d13-4e6a-89eb-93ee313f1a43',
    request: (p) => ({ method: 'GET', path: `${CERT}/{certificate_id}`, req: { params: { certificate_id: idOf(p, 'certificate ID', 'cert show') } } }),
    print: (p, r) => {
      const b = body(r);
      if (p.bool.has('json')) return printJson(b), 0;
      out(`${esc(String(b.certificate_id))}  ${esc(String(b.status))}  ${dn(b)}`);
      for (const k of ['issuer_name', 'issuer_id', 'key_algorithm', 'signature_algorithm', 'serial_number', 'gen_mode']) if (b[k] !== undefined && b[k] !== null) out(`  ${k.padEnd(20)} ${esc(String(b[k]))}`);
      out(`  ${'valid'.padEnd(20)} ${isoOrDash(b.not_before as number)} .. ${isoOrDash(b.not_after as number)}`);
      return 0;
    },
  },
  quota: {
    usage: '--remote',
    text: `PCA "Querying the Private Certificate Quota" (GET ${CERT}/quotas, 4.2.2.5) on PCA itself.`,
    example: 'ccmkit cert quota --remote',
    request: (p) => (noPositionals(p, 'cert quota'), { method: 'GET', path: `${CERT}/quotas`, req: {} }),
    print: quotaPrint('certificates'),
  },
  delete: {
    usage: 'ID --remote',
    text: `PCA "Deleting a Certificate" (DELETE ${CERT}/{certificate_id}, 4.2.2.7) on PCA itself.`,
    example: 'ccmkit cert delete --remote 6434f74f-2d13-4e6a-89eb-93ee313f1a43',
    request: (p) => ({ method: 'DELETE', path: `${CERT}/{certificate_id}`, req: { params: { certificate_id: idOf(p, 'certificate ID', 'cert delete') } } }),
    print: (p, r) => done(`certificate ${p.positionals[0]}: deleted`)(p, r),
  },
  revoke: {
    usage: 'ID [--reason R] --remote',
    text: `PCA "Revoking a Certificate" (POST ${CERT}/{certificate_id}/revoke, 4.2.2.9) on PCA itself.
(--batch is a workspace feature: it runs locally only.)`,
    options: '  --reason R             revocation reason (any case)\n',
    flags: { reason: { type: 'string' } },
    example: 'ccmkit cert revoke --remote 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --reason superseded',
    request: (p) => ({ method: 'POST', path: `${CERT}/{certificate_id}/revoke`, req: { params: { certificate_id: idOf(p, 'certificate ID', 'cert revoke') }, body: p.str.has('reason') ? { reason: parseEnum('reason', p.str.get('reason')!, REASONS) } : {} } }),
    print: (p, r) => done(`certificate ${p.positionals[0]}: revoked`)(p, r),
  },
  export: {
    usage: 'ID --type APACHE|NGINX|IIS|TOMCAT|OTHER [--compressed] [-o PATH [--force]] [--out-password-file F] --remote',
    text: `PCA "Exporting a Certificate" (POST ${CERT}/{certificate_id}/export, 4.2.2.8) on PCA
itself. With --compressed PCA answers with a zip, written as a file: into PATH
when it is a folder (default the current folder, named <ID>_<type>.zip or as
PCA's Content-Disposition names it), else to PATH. Without it, PCA's JSON is
printed or written to PATH. Files that may hold a key are written 0600.`,
    options: `  --type T               APACHE, NGINX, IIS, TOMCAT or OTHER (any case)
  --compressed           the zip (is_compressed "true"); default the JSON body
  -o, --out PATH         a folder for the zip, or a file
  --force                replace an existing file
  --out-password-file F  PCA's export "password" (first line of F), or $CCMKIT_OUT_PASSWORD
`,
    flags: { type: { type: 'string' }, compressed: { type: 'bool' }, ...OUT, ...FORCE, ...secretFlags('output') },
    example: 'ccmkit cert export --remote 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --type nginx --compressed -o ./tls/',
    request: (p) => {
      const id = idOf(p, 'certificate ID', 'cert export');
      const t = p.str.get('type');
      if (!t) throw usageError('cert export needs --type APACHE|NGINX|IIS|TOMCAT|OTHER');
      const b: Record<string, unknown> = { is_compressed: p.bool.has('compressed') ? 'true' : 'false', type: parseEnum('type', t, EXPORT_TYPES) };
      const password = readSecret(p, 'output');
      if (password !== undefined) b.password = password;
      return { method: 'POST', path: `${CERT}/{certificate_id}/export`, req: { params: { certificate_id: id }, body: b } };
    },
    print: async (p, r) => {
      const target = p.str.get('out');
      const id = p.positionals[0]!;
      if (!p.bool.has('compressed')) {
        const json = JSON.stringify(r.json ?? {}, null, 2) + '\n';
        if (!target) return process.stdout.write(json), 0;
        await writeFile(target, json, { secret: Boolean((r.json as { private_key?: string })?.private_key), force: p.bool.has('force') });
        if (p.bool.has('json')) printJson({ file: target });
        else out(`wrote ${esc(target)}`);
        return 0;
      }
      const zip = r.raw;
      const intoDir = target === undefined || target.endsWith('/') || (existsSync(target) && statSync(target).isDirectory());
      const fallback = `${id}_${String(p.str.get('type')).toLowerCase()}.zip`;
      // A zip may hold a key or keystore password: written as a secret.
      let path: string;
      if (intoDir) path = (await writeFiles([{ name: r.filename ?? fallback, data: zip, secret: true }], { folder: target ?? '.', force: p.bool.has('force') }))[0]!;
      else {
        path = target!;
        await writeFile(path, zip, { secret: true, force: p.bool.has('force') });
      }
      if (p.bool.has('json')) printJson({ file: path, bytes: zip.length });
      else out(`wrote ${esc(path)} (${zip.length} bytes, mode 0600)`);
      return 0;
    },
  },
};

function build(group: 'ca' | 'cert', name: string, d: Def): Cmd {
  return {
    help: `Usage: ccmkit ${group} ${name} ${d.usage} [connection] [--json]

${d.text}

Options:
  --remote               send it to PCA (without it, the workspace answers: ccmkit ${group} ${name} --help)
${d.options ?? ''}  --json                 print PCA's response body (errors: {"status","error_code","error_msg",
                         "http_status","request_id","response"})
  -h, --help             this help

${REMOTE_HELP}

Examples:
  ${d.example}

Exit codes:
  0  done
${REMOTE_EXIT}
  2  usage error`,
    run: async (argv) => {
      const p = parseArgs(argv, { ...BASE_FLAGS, ...(d.flags ?? {}) });
      const { method, path, req } = d.request(p);
      return withClient(p, async (c) => {
        const r = await pcaCall(c, method, path, req);
        if (d.print) return d.print(p, r);
        printJson(r.json ?? {});
        return 0;
      });
    },
  };
}

/** The remote form of `ca NAME` / `cert NAME`, or undefined when it has none. */
export function remoteCommand(command: string): Cmd | undefined {
  const [group, name] = command.split(' ') as ['ca' | 'cert', string];
  const d = (group === 'ca' ? CA_DEFS : group === 'cert' ? CERT_DEFS : {})[name];
  return d ? build(group, name, d) : undefined;
}
