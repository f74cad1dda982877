// ccmkit cert apply | issue-csr | list | show | export | revoke | delete | quota
// Thin: read the body or flags, call the PCA service, print its answer.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CCM_REVOCATION_REASONS, isCcmReason } from '../../api/crl.js';
import { CcmError, usageError } from '../../api/errors.js';
import { EXPORT_TYPES } from '../../api/export.js';
import { applyCert, BatchInputError, certQuota, deleteCert, exportCert, issueCsrBatch, issueCsrBatchParallel, listCerts, publishCrl, revokeCert, revokeMany, showCert, type CertBody, type PcaResponse } from '../../api/pca.js';
import { FORCE, OUT, parseEnum } from '../flags.js';
import { out, printJson } from '../io.js';
import { esc, intFlag, isoOrDash, noPositionals, onePositional, pcaCommand, printResponse, readBodyFile, withPca } from '../pca-io.js';
import { readSecret, secretFlags } from '../secrets.js';
import { fileChunks, writeFileAtomic, writeStdout } from '../write.js';

const EXIT = (ok: string): string => `Exit codes:
  0  ${ok}
  1  PCA's refusal (printed with its status and code: 400 bad request, 403
     PCA.00030201 not in a state that allows it or PCA.00030001 quota, 404 not
     found), or the workspace cannot be used (missing, locked, wrong
     passphrase, disk full)
  2  usage error`;

const cmd = pcaCommand('cert', EXIT);

function showCertHuman(b: CertBody): void {
  out(`${b.certificate_id}  ${b.status}  ${esc(b.distinguished_name.common_name ?? '')}`);
  out(`  issuer           ${esc(b.issuer_name)} (${b.issuer_id})`);
  out(`  key              ${b.key_algorithm}${b.gen_mode === 'GENERATE' ? ' (made and kept in the workspace)' : ' (from a CSR: the key is not here)'}, signed with ${b.signature_algorithm}`);
  out(`  serial           ${b.serial_number} (hex ${BigInt(b.serial_number).toString(16).toUpperCase()})`);
  out(`  valid            ${isoOrDash(b.not_before)} .. ${isoOrDash(b.not_after)}`);
  out(`  created          ${isoOrDash(b.create_time)}`);
}

/** NDJSON lines of a file, each with its line number; blank lines are skipped. Never holds the whole file. */
function* ndjson(path: string): Generator<{ line: number; value: unknown }> {
  const { chunks } = fileChunks(path);
  let carry = '';
  let line = 0;
  const parse = (text: string): { line: number; value: unknown } | undefined => {
    line++;
    const t = text.replace(/\r$/, '');
    if (!t.trim()) return undefined;
    try {
      return { line, value: JSON.parse(t) };
    } catch (e) {
      return { line, value: new BatchInputError(new CcmError(400, 'PCA.00020001', `line ${line} is not valid JSON (${(e as Error).message.slice(0, 60)}). Incorrect parameter.`)) };
    }
  };
  for (const c of chunks) {
    const parts = (carry + c.toString('utf8')).split('\n');
    carry = parts.pop()!;
    for (const t of parts) {
      const r = parse(t);
      if (r) yield r;
    }
  }
  const r = parse(carry);
  if (r) yield r;
}

function errorLine(e: CcmError): Record<string, unknown> {
  return { status: e.status, error_code: e.code, error_msg: e.message };
}

export const apply = cmd(
  'apply',
  'BODY.json [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Applying for a Certificate" (POST /v1/private-certificates, 4.2.2.2), offline:
ccmkit makes the key (key_algorithm) and keeps it encrypted in the workspace;
"cert export" hands it out. BODY.json is PCA's body ('-' reads standard input),
checked by the same pre-flight as "ccmkit validate pca-apply-cert". DN fields
not given are inherited from the issuing CA. Prints {"certificate_id": ...}.`,
  `  ccmkit cert apply www.json
  ccmkit cert apply www.json --json | jq -r .certificate_id`,
  'issued',
  {},
  (p) =>
    withPca(p, ({ ctx }) => {
      const r = applyCert(ctx, { body: readBodyFile(onePositional(p, 'BODY.json', 'cert apply')) });
      return printResponse(p, r, (b) => {
        out(`issued certificate ${b.certificate_id}`);
        showCertHuman(showCert(ctx, { params: { certificate_id: b.certificate_id as string } }).body as CertBody);
      });
    }),
);

export const issueCsr = cmd(
  'issue-csr',
  'BODY.json | --batch FILE.ndjson [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Issuing a certificate via CSR" (POST /v1/private-certificates/csr, 4.2.2.3),
offline. BODY.json is PCA's body {"issuer_id", "csr", "validity" [, "type",
"path_length"]}, checked by the same pre-flight as "ccmkit validate
pca-issue-csr". The certificate has no key in the workspace. With type
INTERMEDIATE_CA the result is a subordinate CA certificate (not listed, no
quota; "ca show" and "ca export" find it by the returned ID).

--batch reads one body per line (NDJSON) and prints one line per body, in
order, as soon as it is stored: {"line": n, "certificate_id": ...} or
{"line": n, "status", "error_code", "error_msg"}. Certificates are committed
in groups; a line is printed only after its group is on disk, so every ID
printed is in the workspace even if the process is killed.`,
  `  ccmkit cert issue-csr issue.json
  ccmkit csr create --key k.pem --subject-json s.json --body pca-issue --issuer-id ID --validity DAY:90 > issue.json
  ccmkit cert issue-csr --batch bodies.ndjson > issued.ndjson`,
  'issued (with --batch: every line issued)',
  { batch: { type: 'string' }, 'commit-every': { type: 'string' }, workers: { type: 'string' } },
  (p) =>
    withPca(p, async ({ ctx }) => {
      const batch = p.str.get('batch');
      if (batch === undefined) {
        const body = readBodyFile(onePositional(p, 'BODY.json', 'cert issue-csr'));
        let res: PcaResponse | CcmError | undefined;
        issueCsrBatch(ctx, [body], (_i, r) => (res = r));
        if (res instanceof CcmError) throw res;
        return printResponse(p, res!, (b) => out(`issued certificate ${b.certificate_id}`));
      }
      noPositionals(p, 'cert issue-csr --batch');
      const lines: number[] = [];
      const bodies = (function* () {
        for (const l of ndjson(batch)) {
          lines.push(l.line);
          yield l.value;
        }
      })();
      let pending: string[] = [];
      // Results of a group arrive together after its commit; they are written in one go.
      const flush = (): void => {
        if (pending.length) writeStdout([Buffer.from(pending.join(''), 'utf8')]);
        pending = [];
      };
      const totals = await issueCsrBatchParallel(
        ctx,
        bodies,
        (i, r) => {
          const line = lines[i]!;
          pending.push(JSON.stringify(r instanceof CcmError ? { line, ...errorLine(r) } : { line, ...(r.body as object) }) + '\n');
        },
        {
          onCommit: flush,
          group: Number(intFlag(p, 'commit-every', 1, 100_000) ?? 1000),
          ...(p.str.has('workers') ? { workers: Number(intFlag(p, 'workers', 1, 16)) } : {}),
        },
      );
      flush();
      if (!p.bool.has('json')) process.stderr.write(`ccmkit: ${totals.issued} issued, ${totals.failed} refused\n`);
      return totals.failed ? 1 : 0;
    }),
  '  --batch FILE.ndjson    one body per line; one result line per body\n  --commit-every N       with --batch: certificates per transaction (default 1000; each commit is one fsync)\n  --workers N            with --batch: threads that verify CSRs and sign (default: one per core; 1 = none)\n',
);

const CERT_STATUSES = ['ISSUED', 'REVOKED', 'EXPIRED'] as const;

export const list = cmd(
  'list',
  '[--status ISSUED|REVOKED|EXPIRED] [--name TEXT] [--limit N] [--offset N]\n                       [--sort-key K] [--sort-dir ASC|DESC] [--workspace DIR] [--json]',
  `PCA "Querying the List of Private Certificates" (GET /v1/private-certificates, 4.2.2.1):
{"total": n, "certificates": [...]}, newest first by default; --limit 1000 at
most (default 10). Sort keys: create_time, common_name, issuer_name, not_after.
EXPIRED is derived from the clock at read time.`,
  `  ccmkit cert list --status revoked
  ccmkit cert list --name example.com --sort-key not_after --sort-dir asc --limit 50 --json`,
  'listed',
  { status: { type: 'string' }, name: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'sort-key': { type: 'string' }, 'sort-dir': { type: 'string' } },
  (p) =>
    withPca(
      p,
      ({ ctx }) => {
        noPositionals(p, 'cert list');
        const q: Record<string, string | undefined> = {
          limit: intFlag(p, 'limit', 0, 1000),
          offset: intFlag(p, 'offset', 0, 2 ** 31 - 1),
          name: p.str.get('name'),
          status: p.str.has('status') ? parseEnum('status', p.str.get('status')!, CERT_STATUSES) : undefined,
          sort_key: p.str.has('sort-key') ? parseEnum('sort-key', p.str.get('sort-key')!, ['create_time', 'common_name', 'issuer_name', 'not_after'] as const) : undefined,
          sort_dir: p.str.has('sort-dir') ? parseEnum('sort-dir', p.str.get('sort-dir')!, ['ASC', 'DESC'] as const) : undefined,
        };
        return printResponse(p, listCerts(ctx, { query: q }), (b) => {
          const certs = b.certificates as CertBody[];
          out(`${b.total} certificate(s)${certs.length < (b.total as number) ? `, showing ${certs.length}` : ''}`);
          for (const c of certs) out(`  ${c.certificate_id}  ${c.status.padEnd(7)} ${isoOrDash(c.not_after).padEnd(20)} ${esc(c.distinguished_name.common_name ?? '')}  (${esc(c.issuer_name)})`);
        });
      },
      { readonly: true },
    ),
);

export const show = cmd('show', 'ID [--workspace DIR] [--json]', 'PCA "Querying Certificate Details" (GET /v1/private-certificates/{certificate_id}, 4.2.2.6).', '  ccmkit cert show 6434f74f-2d13-4e6a-89eb-93ee313f1a43', 'shown', {}, (p) =>
  withPca(p, ({ ctx }) => printResponse(p, showCert(ctx, { params: { certificate_id: onePositional(p, 'certificate ID', 'cert show') } }), (b) => showCertHuman(b as unknown as CertBody)), { readonly: true }),
);

export const quota = cmd('quota', '[--workspace DIR] [--json]', `PCA "Querying the Private Certificate Quota" (GET /v1/private-certificates/quotas, 4.2.2.5).
The quota is the workspace setting certificate_quota (default 100,000).`, '  ccmkit cert quota', 'shown', {}, (p) =>
  withPca(
    p,
    ({ ctx }) => {
      noPositionals(p, 'cert quota');
      return printResponse(p, certQuota(ctx), (b) => {
        const r = (b.quotas as { resources: { used: number; quota: number }[] }).resources[0]!;
        out(`certificates: ${r.used} used of ${r.quota}`);
      });
    },
    { readonly: true },
  ),
);

export const del = cmd('delete', 'ID [--workspace DIR] [--json]', `PCA "Deleting a Certificate" (DELETE /v1/private-certificates/{certificate_id}, 4.2.2.7).
A deleted certificate is gone from lists and lookups; if it was revoked it
stays on its CA's CRL.`, '  ccmkit cert delete 6434f74f-2d13-4e6a-89eb-93ee313f1a43', 'deleted (PCA answers 204)', {}, (p) =>
  withPca(p, ({ ctx }) => {
    const id = onePositional(p, 'certificate ID', 'cert delete');
    return printResponse(p, deleteCert(ctx, { params: { certificate_id: id } }), () => out(`certificate ${id}: deleted`));
  }),
);

const REASONS = Object.keys(CCM_REVOCATION_REASONS) as (keyof typeof CCM_REVOCATION_REASONS)[];

export const revoke = cmd(
  'revoke',
  'ID [--reason R] | --batch FILE.ndjson [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Revoking a Certificate" (POST /v1/private-certificates/{certificate_id}/revoke,
4.2.2.9). The issuing CA's CRL is rebuilt in the same transaction (and written
to crl/ after it commits). R is one of CCM's nine reasons (any case; default
UNSPECIFIED):
  ${REASONS.join('\n  ')}
--batch reads {"certificate_id": ..., "reason": ...} per line and prints one
result line per input line after its group committed.`,
  `  ccmkit cert revoke 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --reason keyCompromise
  ccmkit cert revoke --batch revocations.ndjson`,
  'revoked (PCA answers 204; with --batch: every line revoked)',
  { reason: { type: 'string' }, batch: { type: 'string' } },
  (p) =>
    withPca(p, ({ ctx }) => {
      const batch = p.str.get('batch');
      if (batch === undefined) {
        const id = onePositional(p, 'certificate ID', 'cert revoke');
        const body = p.str.has('reason') ? { reason: parseEnum('reason', p.str.get('reason')!, REASONS) } : {};
        return printResponse(p, revokeCert(ctx, { params: { certificate_id: id }, body }), () => out(`certificate ${id}: revoked; the CA's CRL was rebuilt`));
      }
      noPositionals(p, 'cert revoke --batch');
      if (p.str.has('reason')) throw usageError('--reason is per line with --batch');
      ctx.vault.unlock();
      let failed = 0;
      let done = 0;
      const flushGroup = (group: { line: number; id?: string; reason?: string; error?: CcmError }[]): void => {
        const valid = group.filter((g) => !g.error);
        const errors = new Map<number, CcmError>();
        const crls = revokeMany(ctx, valid.map((g) => ({ id: g.id!, reason: g.reason! })), (i, e) => errors.set(i, e));
        for (const c of crls) publishCrl(ctx, c);
        const lines: string[] = [];
        let vi = 0;
        for (const g of group) {
          // revokeMany numbers its refusals by position among the valid lines.
          const e = g.error !== undefined ? g.error : errors.get(vi++);
          if (e) failed++;
          else done++;
          lines.push(JSON.stringify(e ? { line: g.line, certificate_id: g.id ?? null, ...errorLine(e) } : { line: g.line, certificate_id: g.id, status: 204 }) + '\n');
        }
        writeStdout([Buffer.from(lines.join(''), 'utf8')]);
      };
      let group: { line: number; id?: string; reason?: string; error?: CcmError }[] = [];
      for (const l of ndjson(batch)) {
        const v = l.value;
        if (v instanceof BatchInputError) group.push({ line: l.line, error: v.error });
        else {
          const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
          const id = typeof o.certificate_id === 'string' ? o.certificate_id.toLowerCase() : undefined;
          const reason = o.reason === undefined || o.reason === null ? 'UNSPECIFIED' : o.reason;
          if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) group.push({ line: l.line, error: new CcmError(400, 'PCA.00020301', `line ${l.line}: certificate_id is missing or not a certificate ID. Invalid certificate ID.`) });
          else if (typeof reason !== 'string' || !isCcmReason(reason)) group.push({ line: l.line, id, error: new CcmError(400, 'PCA.00020001', `line ${l.line}: reason is not a CCM revocation reason. Incorrect parameter.`) });
          else group.push({ line: l.line, id, reason });
        }
        if (group.length >= 256) {
          flushGroup(group);
          group = [];
        }
      }
      if (group.length) flushGroup(group);
      if (!p.bool.has('json')) process.stderr.write(`ccmkit: ${done} revoked, ${failed} refused\n`);
      return failed ? 1 : 0;
    }),
  '  --reason R             revocation reason (see above)\n  --batch FILE.ndjson    one {"certificate_id","reason"} per line\n',
);

export const exportCmd = cmd(
  'export',
  'ID --type APACHE|NGINX|IIS|TOMCAT|OTHER [--compressed] [-o PATH [--force]]\n                         [--out-password-file F] [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Exporting a Certificate" (POST /v1/private-certificates/{certificate_id}/export,
4.2.2.8): ISSUED certificates only. With --compressed, PCA's zip
<name>_<type>.zip (the same bundles "ccmkit export" makes):
  APACHE  server.key, chain.crt, server.crt
  NGINX   server.key, server.crt (leaf, then chain)
  IIS     server.pfx, keystorePass.txt
  TOMCAT  server.jks, keystorePass.txt
  OTHER   server.key, chain.pem, server.pem
written into PATH when it is a folder (default the current folder), else to
PATH. Without --compressed, PCA's JSON body {"certificate", "certificate_chain",
"private_key"} (\\r\\n line breaks; APACHE, NGINX and OTHER only) is printed,
or written to PATH. Certificates issued from a CSR have no key: CCM's key-less
sets. Anything holding a key is written 0600.

The export password (PCA's "password", 1-32 bytes) protects server.key and
the keystores: --out-password-file F, $CCMKIT_OUT_PASSWORD, or --out-password
P. Without it keystorePass.txt holds a random 20-character password.`,
  `  ccmkit cert export 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --type nginx --compressed -o /etc/nginx/tls/
  ccmkit cert export 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --type other --json > cert.json
  CCMKIT_OUT_PASSWORD=S3cret ccmkit cert export ID --type iis --compressed`,
  'exported',
  { type: { type: 'string' }, compressed: { type: 'bool' }, ...OUT, ...FORCE, ...secretFlags('output') },
  (p) =>
    withPca(p, ({ ctx }) => {
      const id = onePositional(p, 'certificate ID', 'cert export');
      const t = p.str.get('type');
      if (!t) throw usageError('cert export needs --type APACHE|NGINX|IIS|TOMCAT|OTHER');
      const type = parseEnum('type', t, EXPORT_TYPES);
      const compressed = p.bool.has('compressed');
      const password = readSecret(p, 'output');
      const body: Record<string, unknown> = { is_compressed: compressed ? 'true' : 'false', type };
      if (password !== undefined) body.password = password;
      const r = exportCert(ctx, { params: { certificate_id: id }, body });
      const target = p.str.get('out');
      if (!compressed) {
        const json = JSON.stringify(r.body, null, 2) + '\n';
        if (target) {
          writeFileAtomic(target, Buffer.from(json), Boolean((r.body as { private_key?: string }).private_key), p.bool.has('force'));
          if (p.bool.has('json')) printJson({ file: target });
          else out(`wrote ${esc(target)}`);
        } else process.stdout.write(json);
        return 0;
      }
      const zip = r.body as Buffer;
      const intoDir = target === undefined || target.endsWith('/') || (existsSync(target) && statSync(target).isDirectory());
      const path = intoDir ? join(target ?? '.', r.filename!) : target;
      // The zip holds the key or keystore password unless the certificate came from a CSR.
      const secret = ctx.store.getCert(id)?.private_key !== null;
      writeFileAtomic(path, zip, secret, p.bool.has('force'));
      if (p.bool.has('json')) printJson({ file: path, bytes: zip.length });
      else out(`wrote ${esc(path)} (${zip.length} bytes${secret ? ', mode 0600' : ''})`);
      return 0;
    }),
  `  --type T               APACHE, NGINX, IIS, TOMCAT or OTHER (any case)
  --compressed           the zip (PCA's is_compressed "true"); default the JSON body
  -o, --out PATH         where to write: a folder for the zip, or a file
  --force                replace an existing file
  --out-password-file F  the export password (first line of F), or $CCMKIT_OUT_PASSWORD
  --out-password P       the same on the command line (works, warns)
`,
);
