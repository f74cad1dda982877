// ccmkit ca create | list | show | csr | import | activate | disable | enable |
//        restore | delete | revoke | export | quota
// Thin: read the body or flags, call the PCA service, print its answer.

import { CCM_REVOCATION_REASONS } from '../../api/crl.js';
import { usageError } from '../../api/errors.js';
import { toPem } from '../../api/inputs.js';
import { activateCa, caQuota, createCa, deleteCa, disableCa, enableCa, exportCa, exportCaCsr, importCaCertificate, listCas, restoreCa, revokeCa, showCa, type CaBody } from '../../api/pca.js';
import { FORCE, OUT, parseEnum } from '../flags.js';
import { out, readInputFile } from '../io.js';
import { esc, intFlag, isoOrDash, noPositionals, onePositional, pcaCommand, type PcaCmd, printResponse, readBodyFile, withPca } from '../pca-io.js';
import { writeFileAtomic } from '../write.js';

const EXIT = (ok: string): string => `Exit codes:
  0  ${ok}
  1  PCA's refusal (printed with its status and code: 400 bad request, 403
     PCA.00030201 not in a state that allows it, 404 not found), or the
     workspace cannot be used (missing, locked, wrong passphrase, disk full)
  2  usage error`;

type Cmd = PcaCmd;

function showCaHuman(b: CaBody): void {
  out(`${b.ca_id}  ${b.type} CA, ${b.status}${b.gen_mode !== 'GENERATE' ? ` (${b.gen_mode})` : ''}`);
  const dn = b.distinguished_name;
  out(`  subject          ${esc(['C=' + (dn.country ?? ''), 'ST=' + (dn.state ?? ''), 'L=' + (dn.locality ?? ''), 'O=' + (dn.organization ?? ''), 'OU=' + (dn.organizational_unit ?? ''), 'CN=' + (dn.common_name ?? '')].filter((x) => !x.endsWith('=')).join(', '))}`);
  out(`  issuer           ${b.issuer_id ? `${esc(b.issuer_name ?? '')} (${b.issuer_id})` : b.type === 'ROOT' ? '(self-signed)' : esc(b.issuer_name ?? '(none yet)')}`);
  out(`  key              ${b.key_algorithm}${b.signature_algorithm ? `, signs with ${b.signature_algorithm}` : ''}`);
  out(`  path length      ${b.type === 'ROOT' ? `${b.path_length} (not limited)` : (b.path_length ?? '-')}`);
  out(`  serial           ${b.serial_number ?? '-'}${b.serial_number ? ` (hex ${BigInt(b.serial_number).toString(16).toUpperCase()})` : ''}`);
  out(`  valid            ${isoOrDash(b.not_before)} .. ${isoOrDash(b.not_after)}`);
  out(`  created          ${isoOrDash(b.create_time)}${b.delete_time ? `, deleted at ${isoOrDash(b.delete_time)}` : ''}`);
  const c = b.crl_configuration;
  out(`  CRL              ${c.enabled ? `published as ${esc(c.crl_name ?? '')}.crl every ${c.valid_days ?? 7} days${c.crl_dis_point ? `, ${esc(c.crl_dis_point)}` : ''}` : 'not published'}`);
}

const simple = pcaCommand('ca', EXIT);

function transition(name: string, text: string, op: typeof disableCa): Cmd {
  return simple(name, 'ID [--workspace DIR] [--json]', text, `  ccmkit ca ${name} 4c0e772e-a30c-4029-b929-b7acb04143f7`, `the CA is ${name}d (PCA answers 204)`, {}, (p) =>
    withPca(p, ({ ctx }) => {
      const id = onePositional(p, 'CA ID', `ca ${name}`);
      return printResponse(p, op(ctx, { params: { ca_id: id } }), () => out(`CA ${id}: ${name}d`));
    }),
  );
}

export const create = simple(
  'create',
  'BODY.json [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Creating a CA" (POST /v1/private-certificate-authorities, 4.2.1.2), offline.
BODY.json is PCA's own request body ('-' reads standard input). Three cases:
  a root             type ROOT with key_algorithm, signature_algorithm, validity
  a subordinate      type SUBORDINATE with issuer_id (a local ACTIVED CA),
                     signature_algorithm, validity [, path_length, key_usages]
  a PENDING CA       type SUBORDINATE without issuer_id, signature_algorithm
                     and validity: its CSR is exported with "ca csr", then it is
                     activated ("ca activate") or an outside CA's certificate is
                     imported ("ca import")
The body is checked by the same pre-flight as "ccmkit validate pca-create-ca".
The key is made here and stored encrypted under the workspace passphrase.
Prints {"ca_id": ...}.`,
  `  ccmkit ca create root.json
  ccmkit ca create sub.json --json | jq -r .ca_id
  echo '{"type":"SUBORDINATE","key_algorithm":"EC256","distinguished_name":{...}}' | ccmkit ca create -`,
  'the CA was created',
  {},
  (p) =>
    withPca(p, ({ ctx }) => {
      const body = readBodyFile(onePositional(p, 'BODY.json', 'ca create'));
      const r = createCa(ctx, { body });
      const id = (r.body as { ca_id: string }).ca_id;
      return printResponse(p, r, () => {
        const b = showCa(ctx, { params: { ca_id: id } }).body as CaBody;
        out(`created CA ${id} (${b.type}, ${b.status})`);
        showCaHuman(b);
      });
    }),
);

const STATUSES = ['PENDING', 'ACTIVED', 'DISABLED', 'DELETED', 'EXPIRED'] as const;

export const list = simple(
  'list',
  '[--status S] [--type ROOT|SUBORDINATE] [--name TEXT] [--limit N] [--offset N]\n                     [--sort-key K] [--sort-dir ASC|DESC] [--workspace DIR] [--json]',
  `PCA "Querying the CA List" (GET /v1/private-certificate-authorities, 4.2.1.1):
{"total": n, "certificate_authorities": [...]}, newest first by default.
EXPIRED is derived from the clock at read time.`,
  `  ccmkit ca list
  ccmkit ca list --status actived --type root --json
  ccmkit ca list --name Issuing --sort-key not_after --sort-dir asc`,
  'listed',
  { status: { type: 'string' }, type: { type: 'string' }, name: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'sort-key': { type: 'string' }, 'sort-dir': { type: 'string' } },
  (p) =>
    withPca(
      p,
      ({ ctx }) => {
        noPositionals(p, 'ca list');
        const q: Record<string, string | undefined> = {
          limit: intFlag(p, 'limit', 0, 1000),
          offset: intFlag(p, 'offset', 0, 2 ** 31 - 1),
          name: p.str.get('name'),
          status: p.str.has('status') ? parseEnum('status', p.str.get('status')!, STATUSES) : undefined,
          type: p.str.has('type') ? parseEnum('type', p.str.get('type')!, ['ROOT', 'SUBORDINATE'] as const) : undefined,
          sort_key: p.str.has('sort-key') ? parseEnum('sort-key', p.str.get('sort-key')!, ['create_time', 'common_name', 'ca_type', 'type', 'not_after'] as const) : undefined,
          sort_dir: p.str.has('sort-dir') ? parseEnum('sort-dir', p.str.get('sort-dir')!, ['ASC', 'DESC'] as const) : undefined,
        };
        const r = listCas(ctx, { query: q });
        return printResponse(p, r, (b) => {
          const cas = b.certificate_authorities as CaBody[];
          out(`${b.total} CA(s)${cas.length < (b.total as number) ? `, showing ${cas.length}` : ''}`);
          for (const c of cas) out(`  ${c.ca_id}  ${c.type.padEnd(11)} ${c.status.padEnd(8)} ${c.key_algorithm.padEnd(7)} ${isoOrDash(c.not_after).padEnd(20)} ${esc(c.distinguished_name.common_name ?? '')}`);
        });
      },
      { readonly: true },
    ),
);

export const show = simple('show', 'ID [--workspace DIR] [--json]', 'PCA "Querying CA Details" (GET /v1/private-certificate-authorities/{ca_id}, 4.2.1.4).', '  ccmkit ca show 4c0e772e-a30c-4029-b929-b7acb04143f7 --json', 'shown', {}, (p) =>
  withPca(p, ({ ctx }) => printResponse(p, showCa(ctx, { params: { ca_id: onePositional(p, 'CA ID', 'ca show') } }), (b) => showCaHuman(b as unknown as CaBody)), { readonly: true }),
);

export const quota = simple('quota', '[--workspace DIR] [--json]', `PCA "Querying the CA Quota" (GET /v1/private-certificate-authorities/quotas, 4.2.1.3).
The quota is the workspace setting ca_quota (default 100).`, '  ccmkit ca quota --json', 'shown', {}, (p) =>
  withPca(
    p,
    ({ ctx }) => {
      noPositionals(p, 'ca quota');
      return printResponse(p, caQuota(ctx), (b) => {
        const r = (b.quotas as { resources: { used: number; quota: number }[] }).resources[0]!;
        out(`CAs: ${r.used} used of ${r.quota}`);
      });
    },
    { readonly: true },
  ),
);

export const csr = simple(
  'csr',
  'ID [-o FILE [--force]] [--workspace DIR] [--json]',
  `PCA "Exporting a CSR of a CA" (GET /v1/private-certificate-authorities/{ca_id}/csr,
4.2.1.7): the CSR of a PENDING CA, for an outside CA to sign. Prints the PEM
(or writes it to FILE); --json prints PCA's {"csr": ...} with \\r\\n line breaks.`,
  `  ccmkit ca csr 4c0e772e-a30c-4029-b929-b7acb04143f7 -o sub.csr
  openssl x509 -req -in sub.csr -CA root.pem -CAkey root.key -days 1825 -extfile ca.ext -out sub.pem`,
  'the CSR was printed or written',
  { ...OUT, ...FORCE },
  (p) =>
    withPca(
      p,
      ({ ctx }) => {
        const r = exportCaCsr(ctx, { params: { ca_id: onePositional(p, 'CA ID', 'ca csr') } });
        const pem = (r.body as { csr: string }).csr.replace(/\r\n/g, '\n') + '\n';
        const file = p.str.get('out');
        if (file) writeFileAtomic(file, Buffer.from(pem), false, p.bool.has('force'));
        return printResponse(p, r, () => (file ? out(`wrote ${esc(file)}`) : process.stdout.write(pem)));
      },
      { readonly: true },
    ),
  '  -o, --out FILE         write the PEM CSR to FILE\n  --force                replace an existing FILE\n',
);

export const importCert = simple(
  'import',
  'ID --certificate F [--certificate-chain F] [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Importing a CA Certificate" (POST /v1/private-certificate-authorities/{ca_id}/import,
seed pca-import-ca-certificate.txt): the certificate an outside CA issued for
this PENDING CA's CSR. It must carry the CA's own CSR key (403 PCA.00030301
otherwise; the CA key proves it by signing), and a given chain must be
complete, intermediate > ... > root (400 PCA.00020403). The CA becomes ACTIVED
with gen_mode IMPORT. The same pre-flight as "ccmkit validate pca-import-ca".`,
  `  ccmkit ca import 4c0e772e-a30c-4029-b929-b7acb04143f7 --certificate sub.pem --certificate-chain root.pem`,
  'the certificate was imported (PCA answers 204)',
  { certificate: { type: 'string' }, 'certificate-chain': { type: 'string' } },
  (p) =>
    withPca(p, ({ ctx }) => {
      const id = onePositional(p, 'CA ID', 'ca import');
      const certFile = p.str.get('certificate');
      if (!certFile) throw usageError('ca import needs --certificate F');
      const text = (f: string): string => {
        const bytes = readInputFile(f);
        // The body carries PEM (the seed page: "must be in PEM format"); a DER file is converted here.
        return bytes[0] === 0x30 ? toPem('CERTIFICATE', bytes) : bytes.toString('utf8');
      };
      const body: Record<string, string> = { certificate: text(certFile) };
      const chainFile = p.str.get('certificate-chain');
      if (chainFile) body.certificate_chain = text(chainFile);
      return printResponse(p, importCaCertificate(ctx, { params: { ca_id: id }, body }), () => out(`CA ${id}: certificate imported, ACTIVED`));
    }),
  '  --certificate F        the CA certificate (PEM; DER is converted)\n  --certificate-chain F  its issuers, intermediate > ... > root\n',
);

export const activate = simple(
  'activate',
  'ID BODY.json [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Activating a CA" (POST /v1/private-certificate-authorities/{ca_id}/activate,
4.2.1.6): a PENDING CA is signed by a local ACTIVED CA. BODY.json is PCA's body
{"issuer_id", "path_length", "signature_algorithm", "validity"}, all mandatory.`,
  `  ccmkit ca activate 4c0e772e-a30c-4029-b929-b7acb04143f7 activate.json`,
  'the CA is ACTIVED (PCA answers 204)',
  {},
  (p) =>
    withPca(p, ({ ctx }) => {
      if (p.positionals.length !== 2) throw usageError('ca activate needs ID and BODY.json');
      const [id, file] = p.positionals as [string, string];
      return printResponse(p, activateCa(ctx, { params: { ca_id: id }, body: readBodyFile(file) }), () => out(`CA ${id}: ACTIVED`));
    }),
);

export const disable = transition('disable', `PCA "Disabling a Private CA" (POST .../{ca_id}/disable, 4.2.1.8): ACTIVED or EXPIRED -> DISABLED.\nA disabled CA issues nothing.`, disableCa);
export const enable = transition('enable', `PCA "Enabling a Private CA" (POST .../{ca_id}/enable, 4.2.1.9): DISABLED -> ACTIVED.\nA revoked CA cannot be enabled again.`, enableCa);
export const restore = transition('restore', `PCA "Restoring a CA" (POST .../{ca_id}/restore, 4.2.1.12): DELETED (before its deletion\ntime) -> DISABLED.`, restoreCa);

export const del = simple(
  'delete',
  'ID --pending-days N [--workspace DIR] [--json]',
  `PCA "Deleting a Private CA" (DELETE /v1/private-certificate-authorities/{ca_id}?pending_days=N,
4.2.1.5). A PENDING CA is deleted at once; a DISABLED CA becomes DELETED and
is gone after N days (7-30) unless restored ("ca restore").`,
  '  ccmkit ca delete 4c0e772e-a30c-4029-b929-b7acb04143f7 --pending-days 7',
  'deleted or scheduled (PCA answers 204)',
  { 'pending-days': { type: 'string' } },
  (p) =>
    withPca(p, ({ ctx }) => {
      const id = onePositional(p, 'CA ID', 'ca delete');
      const days = p.str.get('pending-days');
      if (days === undefined) throw usageError('ca delete needs --pending-days N (7 to 30)');
      return printResponse(p, deleteCa(ctx, { params: { ca_id: id }, query: { pending_days: days } }), () => out(`CA ${id}: deleted (scheduled after ${days} days unless it was PENDING)`));
    }),
  '  --pending-days N       days until deletion, 7 to 30 (PCA requires it)\n',
);

const REASONS = Object.keys(CCM_REVOCATION_REASONS) as (keyof typeof CCM_REVOCATION_REASONS)[];

export const revoke = simple(
  'revoke',
  'ID [--reason R] [--workspace DIR] [--passphrase-file F] [--json]',
  `PCA "Revoking a subordinate CA" (POST .../{ca_id}/revoke, 4.2.1.13). The CA's
issuer's CRL is rebuilt in the same transaction and written to crl/. The
revoked CA becomes DISABLED and cannot be enabled again.
R is one of CCM's nine reasons (any case; default UNSPECIFIED):
  ${REASONS.join('\n  ')}`,
  '  ccmkit ca revoke 6434f74f-2d13-4e6a-89eb-93ee313f1a43 --reason key_compromise',
  'revoked (PCA answers 204)',
  { reason: { type: 'string' } },
  (p) =>
    withPca(p, ({ ctx }) => {
      const id = onePositional(p, 'CA ID', 'ca revoke');
      const body = p.str.has('reason') ? { reason: parseEnum('reason', p.str.get('reason')!, REASONS) } : {};
      return printResponse(p, revokeCa(ctx, { params: { ca_id: id }, body }), () => out(`CA ${id}: revoked${p.str.has('reason') ? ` (${(body as { reason: string }).reason})` : ''}; its issuer's CRL was rebuilt`));
    }),
  '  --reason R             revocation reason (see above)\n',
);

export const exportCaCmd = simple(
  'export',
  'ID [-o FILE [--force]] [--workspace DIR] [--json]',
  `PCA "Exporting a CA Certificate" (POST .../{ca_id}/export, 4.2.1.10): ACTIVED or
EXPIRED. Prints the certificate then its chain (intermediate > ... > root) as
PEM, or writes them to FILE; --json prints PCA's {"certificate",
"certificate_chain"} with \\r\\n line breaks (a root's chain is itself).`,
  `  ccmkit ca export 4c0e772e-a30c-4029-b929-b7acb04143f7 -o issuing-ca.pem
  ccmkit ca export 4c0e772e-a30c-4029-b929-b7acb04143f7 --json | jq -r .certificate`,
  'exported',
  { ...OUT, ...FORCE },
  (p) =>
    withPca(
      p,
      ({ ctx }) => {
        const id = onePositional(p, 'CA ID', 'ca export');
        const r = exportCa(ctx, { params: { ca_id: id } });
        const b = r.body as { certificate: string; certificate_chain: string };
        const isRoot = b.certificate === b.certificate_chain;
        const pem = (b.certificate + '\r\n' + (isRoot ? '' : b.certificate_chain + '\r\n')).replace(/\r\n/g, '\n');
        const file = p.str.get('out');
        if (file) writeFileAtomic(file, Buffer.from(pem), false, p.bool.has('force'));
        return printResponse(p, r, () => (file ? out(`wrote ${esc(file)}`) : process.stdout.write(pem)));
      },
      { readonly: true },
    ),
  '  -o, --out FILE         write the certificate and its chain (PEM) to FILE\n  --force                replace an existing FILE\n',
);
