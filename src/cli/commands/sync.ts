// ccmkit sync pull | status | sign | queue | plan | push: the air-gapped
// round trip between a workspace and CCM.
//
//   online    sync pull    CCM's inventory (and PENDING CAs' CSRs) into the workspace
//   offline   sync sign    a local CA signs a pulled CSR; the certificate is queued
//             sync queue   queue a CA certificate signed elsewhere, or a certificate for SCM
//   online    sync plan    what push would do, asking CCM (reads only)
//             sync push    upload the queue; nothing already present is sent twice
//
// Thin: flags -> ccmkit/sync (pull, plan, push) and ccmkit/pca -> report.

import { randomBytes } from 'node:crypto';
import { parseCsrOrFail, parseValidityArg } from '../../api/csr.js';
import { CcmError, usageError } from '../../api/errors.js';
import { readInput, toPem } from '../../api/inputs.js';
import { createContext, exportCa, exportCert, issueCsrBatch, openWorkspace, PCA_MIGRATIONS, type PcaContext, type PcaResponse, type Workspace } from '../../api/pca.js';
import { pemSha256, plan, pull, push, SyncCode, SYNC_MIGRATIONS, type PlanItem, type PullReport } from '../../api/sync.js';
import { analyseScmImport, validatePcaImportCa } from '../../api/validate.js';
// The exception to "the CLI imports the public API": the workspace's sync tables (mirror
// rows for `sync status`, the outbox `sync queue`/`sync sign` fill). They are the CLI's
// bookkeeping; the library's round trip is pull/plan/push, which open these tables themselves.
// eslint-disable-next-line no-restricted-imports
import { SyncStore } from '../../store/sync-store.js';
import { escapeControl as esc } from '../escape.js';
import { parseArgs, type FlagSpec, type Parsed } from '../args.js';
import { JSON_FLAG, parseEnum } from '../flags.js';
import { now, out, printJson, readInputFile } from '../io.js';
import { onePositional, WORKSPACE, workspaceDir } from '../pca-io.js';
import { REMOTE_EXIT, REMOTE_FLAGS, REMOTE_HELP, withClient } from '../remote-io.js';
import { secretFlags, secretOrPrompt } from '../secrets.js';
import { progress, type Progress, type ProgressOptions } from '../progress.js';
import { readBody } from '../validation-io.js';

type Cmd = { help: string; run: (argv: string[]) => Promise<number> };

const WS_FLAGS: FlagSpec = { ...WORKSPACE, ...JSON_FLAG, ...secretFlags('input') };

const WS_HELP = `  --workspace DIR        the workspace (default $CCMKIT_WORKSPACE, else ./ccmkit-workspace)
  --passphrase-file F    the workspace passphrase (or $CCMKIT_PASSPHRASE, or a prompt); asked
                         only when a key is sealed or opened
  --passphrase P         the same on the command line (works, warns: visible in ps)`;

function help(name: string, usage: string, text: string, options: string, examples: string, exit: string, remote: boolean): string {
  return `Usage: ccmkit sync ${name} ${usage}

${text}

Options:
${options}${WS_HELP}
  --json                 the report as JSON
  -h, --help             this help
${remote ? `\n${REMOTE_HELP}\n` : ''}
Examples:
${examples}

Exit codes:
${exit}
  2  usage error`;
}

interface Opened {
  ws: Workspace;
  ctx: PcaContext;
  store: SyncStore;
}

async function withWorkspace<T>(p: Parsed, fn: (o: Opened) => Promise<T> | T): Promise<T> {
  const ws = openWorkspace(workspaceDir(p), { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
  try {
    const ctx = createContext(ws, { now: () => new Date(), random: randomBytes, passphrase: () => secretOrPrompt(p, 'input', true, 'Workspace passphrase') });
    return await fn({ ws, ctx, store: new SyncStore(ws) });
  } finally {
    ws.close();
  }
}

// ---- pull -------------------------------------------------------------------------------------

/** One bar whose label follows the phase sync pull reports (list, downloads...). */
function phasedProgress(o: ProgressOptions): { report: (label: string, done: number, total: number) => void; end: () => void } {
  let cur: Progress | undefined;
  let curLabel = '';
  return {
    report(label, done, total) {
      if (label !== curLabel) {
        cur?.end();
        cur = progress(label, o);
        curLabel = label;
      }
      cur!.update(done, total);
    },
    end() {
      cur?.end();
    },
  };
}

function listingLine(l: { listed: number; total: number; changed: number; gone: number; complete: boolean; resumed_from: number }): string {
  return `${l.total} listed${l.resumed_from ? ` (resumed at ${l.resumed_from})` : ''}, ${l.changed} new or changed${l.gone ? `, ${l.gone} gone` : ''}${l.complete ? '' : ' (listing incomplete: run again)'}`;
}

export const pullCmd: Cmd = {
  help: help(
    'pull',
    '[--service scm|pca] [--with-keys] [--pca-pem] [--concurrency N] [--workspace DIR] [connection] [--json]',
    `Records CCM's inventory in the workspace (its sync tables; the workspace's own
CAs are untouched):
  SCM   every certificate (list item as SCM sent it) and its certificate PEM
  PCA   every CA; the certificate of ACTIVED/EXPIRED CAs; the CSR of each PENDING CA
        (for "sync sign"); every private certificate's list item (--pca-pem: its PEM too)
Keys are never stored unless --with-keys: SCM's export answers with the key
(there is no certificate-only download), and ccmkit drops it. With
--with-keys it is sealed under the workspace passphrase like every other key.

Incremental: what is recorded is not downloaded again; only list pages are
read (50 per page for SCM, 1,000 for PCA: the API maxima). Resumable: a pull
that is interrupted continues where it stopped when run again. At most 4
requests are in flight. A certificate CCM no longer lists is marked gone.
Progress (a count and a bar) shows on a terminal only.`,
    `  --service S            scm or pca only (default both; a region without SCM or PCA skips it)
  --with-keys            keep SCM private keys (sealed; asks for the workspace passphrase)
  --pca-pem              also download every PCA certificate's PEM (one request each)
  --concurrency N        requests in flight, 1 to 4 (default 4)
`,
    `  ccmkit sync pull --region cn-north-4
  ccmkit sync pull --endpoint http://127.0.0.1:8443 --credentials creds.json --service pca --json`,
    `  0  pulled (every listing complete, every download done)
${REMOTE_EXIT.replace('  1  CCM refused', '  1  some downloads were refused (listed), or CCM refused')}`,
    true,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, { ...WS_FLAGS, ...REMOTE_FLAGS, service: { type: 'string' }, 'with-keys': { type: 'bool' }, 'pca-pem': { type: 'bool' }, concurrency: { type: 'string' } });
    if (p.positionals.length) throw usageError('sync pull takes no arguments');
    const service = p.str.has('service') ? parseEnum('service', p.str.get('service')!, ['scm', 'pca'] as const) : undefined;
    const concText = p.str.get('concurrency');
    if (concText !== undefined && !/^[1-4]$/.test(concText)) throw usageError('--concurrency must be 1 to 4');
    const json = p.bool.has('json');
    return withWorkspace(p, ({ ws, ctx }) =>
      withClient(
        p,
        async (c) => {
          const want = { scm: service !== 'pca', pca: service !== 'scm' };
          const skipped: string[] = [];
          for (const s of ['scm', 'pca'] as const) {
            if (!want[s]) continue;
            try {
              c.endpoint(s);
            } catch (e) {
              // Without --service, a region that lacks a service skips it (SCM is in fewer regions than PCA).
              if (service || !(e instanceof CcmError) || e.code !== SyncCode.ENDPOINT) throw e;
              want[s] = false;
              skipped.push(`${s.toUpperCase()}: ${e.message}`);
            }
          }
          if (!want.scm && !want.pca) throw new CcmError(400, SyncCode.ENDPOINT, `nothing to pull: ${skipped.join(' ')}`);
          if (p.bool.has('with-keys')) ctx.vault.unlock();
          const bar = phasedProgress({ json });
          let report: PullReport;
          try {
            report = await pull(c, ws, {
              scm: want.scm,
              pca: want.pca,
              withKeys: p.bool.has('with-keys'),
              seal: (k) => ctx.vault.seal(k),
              pcaPem: p.bool.has('pca-pem'),
              concurrency: concText ? Number(concText) : 4,
              progress: bar.report,
            });
          } finally {
            bar.end();
          }
          const failed = [...(report.scm?.failed ?? []), ...(report.pca_cas?.failed ?? []), ...(report.pca_certs?.failed ?? [])];
          if (json) printJson({ ...report, skipped });
          else {
            for (const s of skipped) process.stderr.write(`ccmkit: skipped ${s}\n`);
            if (report.scm) out(`SCM certificates: ${listingLine(report.scm)}; ${report.scm.exported} downloaded${report.scm.keys ? ` (${report.scm.keys} keys kept, sealed)` : ''}`);
            if (report.pca_cas) out(`PCA CAs: ${listingLine(report.pca_cas)}; ${report.pca_cas.exported} CA certificates and ${report.pca_cas.csrs} CSRs downloaded`);
            if (report.pca_certs) out(`PCA certificates: ${listingLine(report.pca_certs)}${p.bool.has('pca-pem') ? `; ${report.pca_certs.exported} downloaded` : ''}`);
            out(`${report.requests} requests, ${report.retries} retries, ${(report.ms / 1000).toFixed(1)} s`);
            for (const f of failed) process.stderr.write(`ccmkit: not downloaded: ${esc(f)}\n`);
          }
          const incomplete = [report.scm, report.pca_cas, report.pca_certs].some((l) => l && !l.complete);
          return failed.length || incomplete ? 1 : 0;
        },
        { maxSockets: concText ? Number(concText) : 4 },
      ),
    );
  },
};

// ---- status (offline) --------------------------------------------------------------------------

export const statusCmd: Cmd = {
  help: help(
    'status',
    '[--workspace DIR] [--json]',
    `What the workspace holds of CCM (as of the last pull), and the upload queue.
Offline: reads the workspace only.`,
    '',
    '  ccmkit sync status\n  ccmkit sync status --json | jq .outbox',
    '  0  shown\n  1  the workspace cannot be used',
    false,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, WS_FLAGS);
    if (p.positionals.length) throw usageError('sync status takes no arguments');
    return withWorkspace(p, ({ ws, store }) => {
      const counts = ws.read(() => store.counts());
      const runs = ws.read(() => (['scm', 'pca-ca', 'pca-cert'] as const).map((ph) => store.getRun(ph)).filter((r) => r !== undefined));
      const box = ws.read(() => store.outbox());
      const pendingCas = ws.read(() => store.allCas().filter((c) => c.status === 'PENDING' && c.gone_at === null));
      const outbox = box.map((r) => ({ id: r.id, kind: r.kind, target: r.target, sha256: r.sha256, state: r.state, origin: r.origin, remote_id: r.remote_id, result: r.result }));
      if (p.bool.has('json')) {
        printJson({ mirror: counts, pulls: runs, pending_cas: pendingCas.map((c) => ({ ca_id: c.ca_id, common_name: c.common_name, csr: c.csr !== null })), outbox });
        return 0;
      }
      out(`SCM certificates: ${counts.scm} (${counts.scm_pem} with PEM, ${counts.scm_keys} with keys)`);
      out(`PCA CAs: ${counts.cas}; PCA certificates: ${counts.certs} (${counts.cert_pem} with PEM); gone: ${counts.gone}`);
      for (const r of runs) out(`  last ${r.phase} pull: ${new Date(r.started_at).toISOString()}${r.done_at ? '' : ` (unfinished at offset ${r.next_offset}: run sync pull again)`} from ${esc(r.endpoint)}`);
      for (const c of pendingCas) out(`  PENDING CA ${c.ca_id} ${esc(c.common_name)}${c.csr ? ': CSR pulled, ready for sync sign' : ': no CSR yet (sync pull)'}`);
      out(`Outbox: ${box.filter((r) => r.state === 'pending').length} pending, ${box.filter((r) => r.state === 'done').length} done`);
      for (const r of outbox) out(`  #${r.id} ${r.state.padEnd(7)} ${r.kind.padEnd(13)} -> ${esc(r.target)}  sha256 ${r.sha256.slice(0, 16)}...  ${esc(r.origin)}${r.remote_id ? `  [${esc(r.remote_id)}]` : ''}${r.result && r.state === 'pending' ? `  last: ${esc(r.result.slice(0, 120))}` : ''}`);
      return 0;
    });
  },
};

// ---- sign (offline) -----------------------------------------------------------------------------

export const signCmd: Cmd = {
  help: help(
    'sign',
    'REMOTE_CA_ID --issuer LOCAL_CA_ID --validity T:N [--path-length N] [--workspace DIR] [--json]',
    `Offline: a CA of this workspace signs the CSR of a PENDING PCA CA that "sync
pull" recorded, and the certificate is queued for "sync push" (which imports
it into that CA: pca-import-ca-certificate.txt). The signing is PCA's own
"issue a certificate via CSR" with type INTERMEDIATE_CA (4.2.2.3), so the
certificate has what PCA gives a subordinate (CA:TRUE, path length, keyCertSign
and cRLSign, SKI/AKI). The queued chain is the issuer's, up to its root.
Signing the same CSR again queues a second certificate; "sync queue --drop"
removes one.`,
    `  --issuer ID            the local CA that signs (ACTIVED, in this workspace)
  --validity T:N         YEAR:5, MONTH:6, DAY:90 or HOUR:24 (within the issuer's validity)
  --path-length N        the subordinate's path length, 0 to 6 (default 0)
`,
    `  ccmkit sync sign 3f1c0e2a-... --issuer 9b7d4e10-... --validity YEAR:5 --path-length 0`,
    '  0  signed and queued\n  1  refused (the CA was not pulled, is not PENDING, the issuer cannot sign it), or the\n     workspace cannot be used',
    false,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, { ...WS_FLAGS, issuer: { type: 'string' }, validity: { type: 'string' }, 'path-length': { type: 'string' } });
    const remoteId = onePositional(p, 'REMOTE_CA_ID', 'sync sign').toLowerCase();
    const issuer = p.str.get('issuer');
    if (!issuer) throw usageError('sync sign needs --issuer LOCAL_CA_ID');
    const vText = p.str.get('validity');
    if (!vText) throw usageError('sync sign needs --validity T:N (e.g. YEAR:5)');
    const validity = parseValidityArg(vText);
    if (!validity) throw usageError(`--validity "${esc(vText).slice(0, 30)}" is not T:N (YEAR:5, MONTH:6, DAY:90, HOUR:24)`);
    const pl = p.str.get('path-length');
    if (pl !== undefined && !/^[0-6]$/.test(pl)) throw usageError('--path-length must be 0 to 6');
    return withWorkspace(p, ({ ws, ctx, store }) => {
      const ca = ws.read(() => store.caById(remoteId));
      if (!ca) throw new CcmError(404, SyncCode.NOT_PULLED, `no PCA CA ${remoteId} in this workspace's mirror: run "ccmkit sync pull" first (or check the ID with "ccmkit sync status").`);
      if (ca.status !== 'PENDING' || !ca.csr) throw new CcmError(403, SyncCode.NOT_PULLED, `PCA CA ${remoteId} was ${ca.status}${ca.status === 'PENDING' ? ' without its CSR' : ''} at the last pull: only a PENDING CA's CSR can be signed. Run "ccmkit sync pull" to refresh.`);
      const body = { issuer_id: issuer, csr: ca.csr.replace(/\r\n/g, '\n'), validity, type: 'INTERMEDIATE_CA', path_length: pl === undefined ? 0 : Number(pl) };
      let res: PcaResponse | CcmError | undefined;
      issueCsrBatch(ctx, [body], (_i, r) => (res = r));
      if (res instanceof CcmError) throw res;
      const certId = (res!.body as { certificate_id: string }).certificate_id;
      const exp = exportCa(ctx, { params: { ca_id: certId } }).body as { certificate: string; certificate_chain: string };
      const certificate = exp.certificate.replace(/\r\n/g, '\n') + '\n';
      const chain = exp.certificate_chain.replace(/\r\n/g, '\n') + '\n';
      const sha = pemSha256(certificate)!;
      const q = ws.tx(() => store.enqueue({ kind: 'pca-ca-import', target: remoteId, sha256: sha, certificate, certificate_chain: chain, private_key: null, origin: `sync sign by local CA ${issuer} (local certificate ${certId})` }, now().getTime()));
      if (p.bool.has('json')) printJson({ outbox_id: q.id, remote_ca_id: remoteId, local_certificate_id: certId, sha256: sha, certificate });
      else out(`signed PCA CA ${remoteId} (${esc(ca.common_name)}) with local CA ${issuer}: local certificate ${certId}, sha256 ${sha}; queued as #${q.id} for "sync push"`);
      return 0;
    });
  },
};

// ---- queue (offline) ----------------------------------------------------------------------------

function pemText(path: string): string {
  const bytes = readInputFile(path);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN')) return text;
  const r = readInput(bytes, path);
  if (!r.objects.length) throw r.problems[0]?.error ?? new CcmError(400, 'CCMKIT.0004', `${path}: nothing readable.`, path);
  return r.objects.map((o) => toPem(o.kind === 'private-key' ? 'PRIVATE KEY' : 'CERTIFICATE', o.der)).join('');
}

export const queueCmd: Cmd = {
  help: help(
    'queue',
    '--ca REMOTE_CA_ID --certificate F [--certificate-chain F]\n       ccmkit sync queue --scm BODY.json | --scm --name N --certificate F [--certificate-chain F] --private-key F\n       ccmkit sync queue --scm-cert LOCAL_CERT_ID [--name N]\n       ccmkit sync queue --drop N   [--workspace DIR] [--json]',
    `Offline: adds an upload to the workspace's outbox for "sync push".
  --ca ID          a CA certificate signed outside ccmkit for a PENDING PCA CA
                   (checked against the CSR "sync pull" recorded, as PCA will:
                   the same pre-flight as "ccmkit validate pca-import-ca")
  --scm            a certificate and its key for SCM: the same input forms and
                   pre-flight as "ccmkit validate scm-import"
  --scm-cert ID    a certificate this workspace issued with its key ("cert apply"),
                   for SCM
  --drop N         remove item N from the outbox
The key of an SCM upload is stored sealed under the workspace passphrase. The
same certificate for the same target is queued once.`,
    `  --certificate F        the certificate (PEM or DER)
  --certificate-chain F  its issuers, intermediate > ... > root
  --private-key F        the key (--scm)
  --name N               the SCM certificate name (default: from the body, or the CN)
`,
    `  ccmkit sync queue --ca 3f1c0e2a-... --certificate sub.pem --certificate-chain root.pem
  ccmkit sync queue --scm --name www_example --certificate www.pem --certificate-chain ca.pem --private-key www.key
  ccmkit sync queue --scm-cert 6434f74f-2d13-4e6a-89eb-93ee313f1a43`,
    '  0  queued (or already queued)\n  1  refused by the pre-flight, or the workspace cannot be used',
    false,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, {
      ...WS_FLAGS,
      ca: { type: 'string' },
      scm: { type: 'bool' },
      'scm-cert': { type: 'string' },
      drop: { type: 'string' },
      name: { type: 'string' },
      certificate: { type: 'string' },
      'certificate-chain': { type: 'string' },
      'private-key': { type: 'string' },
    });
    const modes = [p.str.has('ca'), p.bool.has('scm'), p.str.has('scm-cert'), p.str.has('drop')].filter(Boolean).length;
    if (modes !== 1) throw usageError('sync queue needs exactly one of --ca ID, --scm, --scm-cert ID, --drop N');
    const json = p.bool.has('json');
    return withWorkspace(p, ({ ws, ctx, store }) => {
      const report = (q: { id: number; added: boolean }, what: string, sha: string): number => {
        if (json) printJson({ outbox_id: q.id, added: q.added, sha256: sha });
        else out(q.added ? `queued #${q.id}: ${what}` : `already queued as #${q.id}: ${what}`);
        return 0;
      };
      if (p.str.has('drop')) {
        const n = p.str.get('drop')!;
        if (!/^\d{1,12}$/.test(n)) throw usageError('--drop takes an outbox item number');
        const gone = ws.tx(() => store.dropFromOutbox(Number(n)));
        if (!gone) throw new CcmError(404, SyncCode.NOT_PULLED, `no outbox item #${n}.`);
        if (json) printJson({ dropped: Number(n) });
        else out(`dropped #${n}`);
        return 0;
      }
      if (p.str.has('ca')) {
        const remoteId = p.str.get('ca')!.toLowerCase();
        if (p.positionals.length) throw usageError('sync queue --ca takes no other arguments');
        const certFile = p.str.get('certificate');
        if (!certFile) throw usageError('sync queue --ca needs --certificate F');
        const body: Record<string, string> = { certificate: pemText(certFile) };
        if (p.str.has('certificate-chain')) body.certificate_chain = pemText(p.str.get('certificate-chain')!);
        const ca = ws.read(() => store.caById(remoteId));
        if (!ca) throw new CcmError(404, SyncCode.NOT_PULLED, `no PCA CA ${remoteId} in this workspace's mirror: run "ccmkit sync pull" first.`);
        // PCA's own import pre-flight, against the CSR PCA exported: what PCA would refuse is not queued.
        const csr = ca.csr ? readInput(Buffer.from(ca.csr, 'utf8'), 'csr').objects.find((o) => o.kind === 'csr') : undefined;
        const v = validatePcaImportCa(body, csr ? parseCsrOrFail(csr.der, `the CSR of CA ${remoteId}`) : undefined);
        if (!v.valid) throw new CcmError(v.status, v.error_code!, `not queued: PCA would answer ${v.status} ${v.error_code}: ${v.error_msg}`);
        const sha = pemSha256(body.certificate)!;
        const q = ws.tx(() => store.enqueue({ kind: 'pca-ca-import', target: remoteId, sha256: sha, certificate: body.certificate!, certificate_chain: body.certificate_chain ?? '', private_key: null, origin: `file ${certFile}` }, now().getTime()));
        return report(q, `CA certificate ${sha.slice(0, 16)}... for PCA CA ${remoteId}`, sha);
      }
      let body: Record<string, unknown>;
      let origin: string;
      if (p.str.has('scm-cert')) {
        const id = p.str.get('scm-cert')!;
        const e = exportCert(ctx, { params: { certificate_id: id }, body: { is_compressed: 'false', type: 'OTHER' } }).body as { certificate: string; certificate_chain: string; private_key?: string };
        if (!e.private_key) throw new CcmError(400, 'SCM.0059', `local certificate ${id} was issued from a CSR: its key is not in this workspace, and SCM needs it.`);
        const cn = ((ctx.store.getCert(id.toLowerCase())?.common_name as string | undefined) ?? 'certificate').replace(/[^A-Za-z0-9_.-]/g, '_');
        body = { name: p.str.get('name') ?? cn.slice(0, 63).padEnd(3, '_'), certificate: e.certificate, certificate_chain: e.certificate_chain, private_key: e.private_key };
        origin = `local certificate ${id}`;
      } else {
        const fromFlags = p.str.has('certificate') || p.str.has('private-key');
        if (fromFlags) {
          if (!p.str.has('certificate') || !p.str.has('private-key')) throw usageError('sync queue --scm needs --certificate F and --private-key F (or a BODY.json)');
          body = { name: p.str.get('name') ?? '', certificate: pemText(p.str.get('certificate')!), private_key: pemText(p.str.get('private-key')!) };
          if (p.str.has('certificate-chain')) body.certificate_chain = pemText(p.str.get('certificate-chain')!);
          origin = `file ${p.str.get('certificate')}`;
        } else {
          const file = onePositional(p, 'BODY.json', 'sync queue --scm');
          const read = readBody(file, 'scm-import.body.shape');
          if ('result' in read) throw new CcmError(read.result.status, read.result.error_code!, `not queued: ${read.result.error_msg}`);
          body = read.body as Record<string, unknown>;
          if (p.str.has('name')) body.name = p.str.get('name');
          origin = `file ${file}`;
        }
      }
      const a = analyseScmImport(body, { at: now() });
      if (!a.result.valid) throw new CcmError(a.result.status, a.result.error_code!, `not queued: SCM would answer ${a.result.status} ${a.result.error_code}: ${a.result.error_msg}`);
      const sha = pemSha256(String(body.certificate))!;
      const sealed = ctx.vault.seal(a.key!.keyObject);
      const chain = a.others.map((c) => toPem('CERTIFICATE', c.der)).join('');
      const leafPem = toPem('CERTIFICATE', a.leaf!.der);
      const q = ws.tx(() => store.enqueue({ kind: 'scm-import', target: a.name!, sha256: sha, certificate: leafPem, certificate_chain: chain, private_key: sealed, origin }, now().getTime()));
      return report(q, `certificate ${sha.slice(0, 16)}... for SCM as "${esc(a.name!)}"`, sha);
    });
  },
};

// ---- plan and push (online) -------------------------------------------------------------------

function planLine(i: PlanItem): string {
  const verb = i.action === 'import' ? 'IMPORT ' : i.action === 'present' ? 'SKIP   ' : 'BLOCKED';
  return `  #${i.id} ${verb} ${i.kind.padEnd(13)} ${esc(i.detail)}  (sha256 ${i.sha256.slice(0, 16)}..., ${esc(i.origin)})`;
}

export const planCmd: Cmd = {
  help: help(
    'plan',
    '[--workspace DIR] [connection] [--json]',
    `Shows exactly what "sync push" would do now, item by item, asking CCM (reads
only; nothing is sent that changes anything):
  IMPORT   the upload push would send
  SKIP     CCM already has this certificate (same SHA-256): push records it as done
  BLOCKED  push cannot do it (the PCA CA is no longer PENDING, or gone)`,
    '',
    '  ccmkit sync plan --region cn-north-4\n  ccmkit sync plan --json | jq \'.[] | select(.action == "import")\'',
    `  0  planned\n${REMOTE_EXIT}`,
    true,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, { ...WS_FLAGS, ...REMOTE_FLAGS });
    if (p.positionals.length) throw usageError('sync plan takes no arguments');
    return withWorkspace(p, ({ ws }) =>
      withClient(p, async (c) => {
        const items = await plan(c, ws);
        if (p.bool.has('json')) printJson(items);
        else {
          out(items.length ? `sync push would:` : 'the outbox is empty: nothing to push');
          for (const i of items) out(planLine(i));
          const n = (a: string): number => items.filter((i) => i.action === a).length;
          if (items.length) out(`${n('import')} to import, ${n('present')} already in CCM, ${n('blocked')} blocked`);
        }
        return 0;
      }),
    );
  },
};

export const pushCmd: Cmd = {
  help: help(
    'push',
    '[--workspace DIR] [--passphrase-file F] [connection] [--json]',
    `Uploads the outbox: CA certificates into their PENDING PCA CAs first (seed
pca-import-ca-certificate.txt; the CA becomes ACTIVED), then certificates into
SCM. Before each upload CCM is asked whether it already has that certificate
(SHA-256): if so the item is recorded as done and nothing is sent. A push that
was interrupted, run again, finishes the job and duplicates nothing; a lost
answer is resolved the same way before anything is re-sent.
"sync plan" shows the same decisions without sending anything.`,
    '',
    '  ccmkit sync push --region cn-north-4\n  ccmkit sync push --endpoint https://127.0.0.1:8443 --ca-bundle ws/emulator-tls-ca.pem --credentials creds.json',
    `  0  every item imported or already present\n${REMOTE_EXIT.replace('  1  CCM refused', '  1  an item was refused or blocked (the others were still pushed), or CCM refused')}`,
    true,
  ),
  run: async (argv) => {
    const p = parseArgs(argv, { ...WS_FLAGS, ...REMOTE_FLAGS });
    if (p.positionals.length) throw usageError('sync push takes no arguments');
    const json = p.bool.has('json');
    return withWorkspace(p, ({ ws, ctx }) =>
      withClient(p, async (c) => {
        const bar = progress('sync push', { json });
        let items;
        try {
          items = await push(c, ws, {
            openKey: (sealed, what) => {
              const k = ctx.vault.open(sealed, what);
              return k.export({ type: 'pkcs8', format: 'pem' }).toString();
            },
            progress: bar.update,
          });
        } finally {
          bar.end();
        }
        if (json) printJson(items);
        else {
          if (!items.length) out('the outbox is empty: nothing to push');
          for (const i of items) {
            const what = i.outcome === 'imported' ? `imported${i.remote_id ? ` (${esc(i.remote_id)})` : ''}` : i.outcome === 'already-present' ? `already in CCM (${esc(i.remote_id ?? '')}): nothing sent` : i.outcome === 'blocked' ? `BLOCKED: ${esc(i.error_msg ?? '')}` : `REFUSED: ${esc(i.error_msg ?? '')}`;
            out(`  #${i.id} ${i.kind.padEnd(13)} -> ${esc(i.target)}: ${what}`);
          }
          if (items.length) out(`${c.stats.requests} requests, ${c.stats.retries} retries`);
        }
        return items.some((i) => i.outcome === 'refused' || i.outcome === 'blocked') ? 1 : 0;
      }),
    );
  },
};
