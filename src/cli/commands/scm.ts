// ccmkit scm import | list | show | export | delete | upload-csr: SCM v3 on
// the real API (or the emulator). Thin: flags -> a body -> ccmkit/sync ->
// CCM's answer printed (its JSON with --json).

import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { defaultBundleName, EXPORT_TYPES, exportZip, materialFromExportJson, pemFiles, resolveMaterial } from '../../api/export.js';
import { readInput, toPem } from '../../api/inputs.js';
import { scmDelete, scmExport, scmImport, scmList, scmShow, scmUploadCsr, SCM_PAGE_MAX, type ScmListItem, type ScmQuery } from '../../api/sync.js';
import { analyseScmImport, validateScmUploadCsr } from '../../api/validate.js';
import { escapeControl as esc } from '../escape.js';
import { parseArgs, type FlagSpec, type Parsed } from '../args.js';
import { FORCE, JSON_FLAG, OUT, parseEnum } from '../flags.js';
import { now, out, printJson, readInputFile } from '../io.js';
import { onePositional } from '../pca-io.js';
import { printFindings } from '../report.js';
import { REMOTE_EXIT, REMOTE_FLAGS, REMOTE_HELP, withClient } from '../remote-io.js';
import { readSecret, secretFlags } from '../secrets.js';
import { readBody } from '../validation-io.js';
import { writeFiles } from '../write.js';

type Cmd = { help: string; run: (argv: string[]) => Promise<number> };

function cmd(name: string, usage: string, text: string, options: string, examples: string, ok: string, extra: FlagSpec, go: (p: Parsed) => Promise<number>): Cmd {
  return {
    help: `Usage: ccmkit scm ${name} ${usage}

${text}

Options:
${options}  --json                 print SCM's response body (errors: {"status","error_code","error_msg",
                         "http_status","request_id","response"})
  -h, --help             this help

${REMOTE_HELP}

Examples:
${examples}

Exit codes:
  0  ${ok}
${REMOTE_EXIT}
  2  usage error`,
    run: (argv) => go(parseArgs(argv, { ...JSON_FLAG, ...REMOTE_FLAGS, ...extra })),
  };
}

/** A file as SCM wants it in a body: PEM text (DER is converted), as validate scm-import reads it. */
function pemOf(path: string, kind: 'certificate' | 'key' | 'csr'): string {
  const bytes = readInputFile(path);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN')) return text;
  const r = readInput(bytes, path);
  if (r.objects.length === 0) throw r.problems[0]?.error ?? new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${path}: nothing readable.`, path);
  const label = kind === 'key' ? 'PRIVATE KEY' : kind === 'csr' ? 'CERTIFICATE REQUEST' : 'CERTIFICATE';
  return r.objects.map((o) => toPem(o.kind === 'private-key' ? 'PRIVATE KEY' : o.kind === 'csr' ? 'CERTIFICATE REQUEST' : label, o.der)).join('');
}

function bodyFrom(p: Parsed, cmdName: string, fields: { name: string; file: string; kind: 'certificate' | 'key' | 'csr'; required: boolean }[], shapeRule: string): { body: unknown } | { invalid: ReturnType<typeof readBody> } {
  const fromFlags = fields.some((f) => p.str.has(f.name)) || p.str.has('name');
  if (fromFlags && p.positionals.length) throw usageError(`give BODY.json or --name/${fields.map((f) => '--' + f.name).join('/')}, not both`);
  if (!fromFlags) {
    const file = onePositional(p, 'BODY.json', cmdName);
    const read = readBody(file, shapeRule);
    if ('result' in read) return { invalid: read };
    return { body: read.body };
  }
  const body: Record<string, unknown> = { name: p.str.get('name') ?? '' };
  for (const f of fields) {
    const v = p.str.get(f.name);
    if (v === undefined) {
      if (f.required) throw usageError(`${cmdName} needs --${f.name} F (or a BODY.json)`);
      continue;
    }
    body[f.file] = pemOf(v, f.kind);
  }
  return { body };
}

const IMPORT_FIELDS = [
  { name: 'certificate', file: 'certificate', kind: 'certificate' as const, required: true },
  { name: 'certificate-chain', file: 'certificate_chain', kind: 'certificate' as const, required: false },
  { name: 'private-key', file: 'private_key', kind: 'key' as const, required: true },
];

export const importCmd = cmd(
  'import',
  'BODY.json | --name N --certificate F [--certificate-chain F] --private-key F\n                         [--no-preflight] [--skip-existing] [connection] [--json]',
  `SCM "Importing a Certificate" (POST /v3/scm/certificates/import, seed
scm-import-certificate.txt). The body is checked first by the same pre-flight
as "ccmkit validate scm-import": what SCM would refuse is not sent (exit 1,
with every finding); --no-preflight sends it anyway.

Input forms are those of validate scm-import: SCM's own JSON body, or PEM/DER
files (a DER certificate or key is converted to PEM). Prints {"certificate_id"}.

Nothing is imported twice by accident: if the answer is lost (429, 502, 503,
504, a reset, a timeout, a truncated answer) the import is sent again only
after SCM's list (by name, then domain) shows no certificate with the same
SHA-256 fingerprint. --skip-existing does that lookup first and, when the
certificate is there, prints its ID without importing.`,
  `  --name N               the certificate name (3-63 of A-Z a-z 0-9 _ . -)
  --certificate F        the leaf (PEM or DER)
  --certificate-chain F  its issuers
  --private-key F        the leaf's key (not password-protected: SCM refuses those)
  --no-preflight         send even what the pre-flight refuses
  --skip-existing        look for the same certificate first; if SCM has it, print its ID
`,
  `  ccmkit scm import --region cn-north-4 body.json
  ccmkit scm import --name www_example --certificate www.pem --certificate-chain ca.pem --private-key www.key
  ccmkit scm import --endpoint http://127.0.0.1:8443 --credentials creds.json body.json --json`,
  'imported (or, with --skip-existing, already there)',
  { name: { type: 'string' }, certificate: { type: 'string' }, 'certificate-chain': { type: 'string' }, 'private-key': { type: 'string' }, 'no-preflight': { type: 'bool' }, 'skip-existing': { type: 'bool' } },
  async (p) => {
    const json = p.bool.has('json');
    const got = bodyFrom(p, 'scm import', IMPORT_FIELDS, 'scm-import.body.shape');
    if ('invalid' in got) {
      const r = (got.invalid as { result: import('../../ccm/validation.js').ValidationResult }).result;
      return preflightRefused(r, json);
    }
    const body = got.body as Record<string, unknown>;
    if (!p.bool.has('no-preflight')) {
      const r = analyseScmImport(body, { at: now() }).result;
      if (!r.valid) return preflightRefused(r, json);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CcmError(400, 'SCM.0005', 'Incorrect request parameter: the body is not a JSON object.');
    return withClient(p, async (c) => {
      const res = await scmImport(c, body, { dedupe: p.bool.has('skip-existing') });
      if (json) printJson(res.existed ? { certificate_id: res.certificate_id, existed: true } : { certificate_id: res.certificate_id });
      else out(res.existed ? `already in SCM as ${res.certificate_id}: nothing imported` : `imported ${res.certificate_id}${res.recovered ? ' (the first answer was lost; SCM had stored it)' : ''}${res.requestId ? ` (X-Request-Id ${res.requestId})` : ''}`);
      return 0;
    });
  },
);

function preflightRefused(r: import('../../ccm/validation.js').ValidationResult, json: boolean): number {
  if (json) printJson({ status: r.status, error_code: r.error_code, error_msg: r.error_msg, preflight: true, findings: r.findings });
  else {
    process.stderr.write(`ccmkit: not sent: SCM would answer HTTP ${r.status} ${r.error_code}: ${r.error_msg}\n`);
    printFindings(r.findings, '  ', (l) => process.stderr.write(l + '\n'));
    process.stderr.write('ccmkit: fix the body (ccmkit validate scm-import --fix), or send it anyway with --no-preflight\n');
  }
  return 1;
}

const SCM_STATUSES = ['ALL', 'PAID', 'ISSUED', 'CHECKING', 'CANCELCHECKING', 'UNPASSED', 'EXPIRED', 'REVOKING', 'REVOKED', 'UPLOAD', 'CHECKING_ORG', 'ISSUING', 'SUPPLEMENTCHECKING'] as const;

function listLine(c: ScmListItem): string {
  return `  ${esc(String(c.id))}  ${esc(String(c.status)).padEnd(8)} ${esc(String(c.expire_time ?? '-')).padEnd(23)} ${esc(String(c.domain ?? ''))}  (${esc(String(c.name ?? ''))})`;
}

export const list = cmd(
  'list',
  '[--status S] [--content TEXT] [--limit 10|20|50] [--offset N] [--sort-key K] [--sort-dir ASC|DESC]\n                       [--all] [connection] [--json]',
  `SCM "Querying the Certificate List" (GET /v3/scm/certificates, 4.1.1):
{"certificates": [...], "total_count": n}. --all walks every page (50 at a time)
and prints them as one list.`,
  `  --status S             ${SCM_STATUSES.join(', ')} (any case)
  --content TEXT         certificates whose name or domain contains TEXT
  --limit N              10, 20 or 50 (default 10)
  --offset N             skip N certificates
  --sort-key K           certExpiredTime, certStatus or certUpdateTime
  --sort-dir D           ASC or DESC
  --all                  every page
`,
  `  ccmkit scm list --region cn-north-4
  ccmkit scm list --all --status expired --json | jq -r '.certificates[].id'`,
  'listed',
  { status: { type: 'string' }, content: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'sort-key': { type: 'string' }, 'sort-dir': { type: 'string' }, all: { type: 'bool' } },
  async (p) => {
    if (p.positionals.length) throw usageError('scm list takes no arguments');
    const q: ScmQuery = {};
    if (p.str.has('status')) q.status = parseEnum('status', p.str.get('status')!, SCM_STATUSES);
    if (p.str.has('content')) q.content = p.str.get('content')!;
    if (p.str.has('limit')) q.limit = parseEnum('limit', p.str.get('limit')!, ['10', '20', '50'] as const);
    if (p.str.has('offset')) {
      if (!/^\d{1,9}$/.test(p.str.get('offset')!)) throw usageError('--offset must be a whole number');
      q.offset = p.str.get('offset')!;
    }
    if (p.str.has('sort-key')) q.sort_key = parseEnum('sort-key', p.str.get('sort-key')!, ['certExpiredTime', 'certStatus', 'certUpdateTime'] as const);
    if (p.str.has('sort-dir')) q.sort_dir = parseEnum('sort-dir', p.str.get('sort-dir')!, ['ASC', 'DESC'] as const);
    if (p.bool.has('all') && (p.str.has('limit') || p.str.has('offset'))) throw usageError('--all walks every page: no --limit or --offset with it');
    return withClient(p, async (c) => {
      let page;
      if (p.bool.has('all')) {
        const all: ScmListItem[] = [];
        let total = 0;
        for (let offset = 0; ; offset += SCM_PAGE_MAX) {
          const pg = await scmList(c, { ...q, limit: String(SCM_PAGE_MAX), offset: String(offset) });
          all.push(...(pg.certificates ?? []));
          total = pg.total_count;
          if ((pg.certificates ?? []).length < SCM_PAGE_MAX || all.length >= total) break;
        }
        page = { certificates: all, total_count: total };
      } else page = await scmList(c, q);
      if (p.bool.has('json')) printJson(page);
      else {
        out(`${page.total_count} certificate(s)${page.certificates.length < page.total_count ? `, showing ${page.certificates.length}` : ''}`);
        for (const it of page.certificates) out(listLine(it));
      }
      return 0;
    });
  },
);

export const show = cmd(
  'show',
  'ID [connection] [--json]',
  'SCM "Querying Certificate Details" (GET /v3/scm/certificates/{certificate_id}, 4.1.3).',
  '',
  '  ccmkit scm show scs1600313391074 --region cn-north-4 --json',
  'shown',
  {},
  async (p) => {
    const id = onePositional(p, 'certificate ID', 'scm show');
    return withClient(p, async (c) => {
      const b = await scmShow(c, id);
      if (p.bool.has('json')) printJson(b);
      else {
        out(`${esc(String(b.id))}  ${esc(String(b.status))}  ${esc(String(b.name ?? ''))}`);
        for (const k of ['domain', 'sans', 'domain_type', 'signature_algorithm', 'brand', 'not_before', 'not_after', 'fingerprint', 'enterprise_project_id']) {
          if (b[k] !== undefined && b[k] !== '') out(`  ${k.padEnd(22)} ${esc(String(b[k]))}`);
        }
      }
      return 0;
    });
  },
);

export const exportCmd = cmd(
  'export',
  'ID [-o DIR] [--type APACHE|NGINX|IIS|TOMCAT|OTHER [--name N] [--out-password-file F]]\n                         [--no-key] [--force] [connection] [--json]',
  `SCM "Exporting a Certificate" (POST /v3/scm/certificates/{certificate_id}/export,
seed scm-export-certificate.txt). Writes, into DIR (default ./ID):
  server.crt, chain.crt, server.key (0600; left out with --no-key)
or, with --type, the bundle "ccmkit export" makes (DIR/<name>_<type>.zip):
  APACHE  server.key, chain.crt, server.crt       NGINX  server.key, server.crt
  IIS     server.pfx, keystorePass.txt            TOMCAT server.jks, keystorePass.txt
  OTHER   server.key, chain.pem, server.pem
SCM's answer always carries the key; --no-key keeps it off the disk. All
files are written or none; the key and anything holding it are 0600.`,
  `  -o, --out DIR          where to write (default ./ID)
  --type T               a server bundle instead of PEM files (any case)
  --name N               the bundle's name (default: SCM's name for the certificate)
  --out-password-file F  protect the bundle's key/keystore (first line of F; or
                         $CCMKIT_OUT_PASSWORD; --out-password P works and warns)
  --no-key               do not write the private key
  --force                replace existing files
`,
  `  ccmkit scm export scs1600313391074 --region cn-north-4 -o ./www
  ccmkit scm export scs1600313391074 --type nginx -o /etc/nginx/tls --force`,
  'written',
  { ...OUT, ...FORCE, type: { type: 'string' }, name: { type: 'string' }, 'no-key': { type: 'bool' }, ...secretFlags('output') },
  async (p) => {
    const id = onePositional(p, 'certificate ID', 'scm export');
    const type = p.str.has('type') ? parseEnum('type', p.str.get('type')!, EXPORT_TYPES) : undefined;
    if (!type && (p.str.has('name') || p.str.has('out-password') || p.str.has('out-password-file'))) throw usageError('--name and --out-password-file go with --type');
    if (type && p.bool.has('no-key')) throw usageError('--no-key writes PEM files; a bundle of --type carries the key (export it without --type)');
    const dir = p.str.get('out') ?? id.replace(/[^A-Za-z0-9._-]/g, '_');
    const password = type ? readSecret(p, 'output') : undefined;
    return withClient(p, async (c) => {
      const e = await scmExport(c, id);
      const at = now();
      const material = await materialFromExportJson(JSON.stringify(e), `SCM export of ${id}`);
      const resolved = resolveMaterial(material, at);
      let files: string[];
      if (type) {
        const shownName = async (): Promise<string> => {
          const s = await scmShow(c, id);
          return typeof s.name === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(s.name) ? s.name : defaultBundleName(resolved.leaf);
        };
        const name: string = p.str.get('name') ?? (await shownName());
        const res = exportZip(resolved, { type, name, password, at });
        files = await writeFiles([{ name: res.zipName, data: res.zip, secret: res.secret }], { folder: dir, force: p.bool.has('force') });
      } else {
        const wanted = pemFiles(resolved).filter((f) => !(p.bool.has('no-key') && f.secret) && f.data.length > 0);
        files = await writeFiles(wanted, { folder: dir, force: p.bool.has('force') });
      }
      if (p.bool.has('json')) printJson({ certificate_id: id, files });
      else for (const f of files) out(`wrote ${esc(f)}`);
      return 0;
    });
  },
);

export const del = cmd(
  'delete',
  'ID [connection] [--json]',
  `SCM "Deleting a Certificate" (DELETE /v3/scm/certificates/{certificate_id}, 4.1.4).
A lost answer is retried; a 404 after it means the first attempt deleted it.`,
  '',
  '  ccmkit scm delete scs1600313391074 --region cn-north-4',
  'deleted',
  {},
  async (p) => {
    const id = onePositional(p, 'certificate ID', 'scm delete');
    return withClient(p, async (c) => {
      const r = await scmDelete(c, id);
      if (p.bool.has('json')) printJson(r.json ?? {});
      else out(`deleted ${esc(id)}${r.recovered ? ' (the first answer was lost; SCM no longer has it)' : ''}`);
      return 0;
    });
  },
);

export const uploadCsr = cmd(
  'upload-csr',
  'BODY.json | --name N --csr F [--private-key F] [--no-preflight] [connection] [--json]',
  `SCM "Uploading a CSR" (POST /v3/scm/csr/upload, seed scm-upload-csr.txt): {name,
csr[, private_key]}. Checked first by the same pre-flight as "ccmkit validate
scm-upload-csr"; --no-preflight sends it anyway. Prints SCM's {id, name,
create_time}. Not re-sent when its answer is lost (it may have been stored).`,
  `  --name N               the CSR's name
  --csr F                the CSR (PEM or DER)
  --private-key F        its key (better left out: see validate scm-upload-csr)
  --no-preflight         send even what the pre-flight refuses
`,
  `  ccmkit csr create --key k.pem --cn www.example.com --body scm-upload --name www > upload.json
  ccmkit scm upload-csr upload.json --region cn-north-4`,
  'uploaded',
  { name: { type: 'string' }, csr: { type: 'string' }, 'private-key': { type: 'string' }, 'no-preflight': { type: 'bool' } },
  async (p) => {
    const json = p.bool.has('json');
    const got = bodyFrom(
      p,
      'scm upload-csr',
      [
        { name: 'csr', file: 'csr', kind: 'csr', required: true },
        { name: 'private-key', file: 'private_key', kind: 'key', required: false },
      ],
      'scm-upload-csr.body.json',
    );
    if ('invalid' in got) return preflightRefused((got.invalid as { result: import('../../ccm/validation.js').ValidationResult }).result, json);
    if (!p.bool.has('no-preflight')) {
      const r = validateScmUploadCsr(got.body);
      if (!r.valid) return preflightRefused(r, json);
    }
    return withClient(p, async (c) => {
      const r = await scmUploadCsr(c, got.body);
      const b = (r.json ?? {}) as Record<string, unknown>;
      if (json) printJson(b);
      else out(`uploaded CSR ${esc(String(b.id ?? '?'))} (${esc(String(b.name ?? ''))})`);
      return 0;
    });
  },
);
