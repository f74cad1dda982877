// ccmkit crl generate --ca ID: the CA's next complete CRL, from the workspace.

import { usageError } from '../../api/errors.js';
import { generateCaCrl } from '../../api/pca.js';
import { parseArgs } from '../args.js';
import { out } from '../io.js';
import { esc, intFlag, isoOrDash, noPositionals, PCA_COMMON, printResponse, withPca, WORKSPACE_HELP } from '../pca-io.js';

export const help = `Usage: ccmkit crl generate --ca ID [--valid-days N] [--workspace DIR] [--passphrase-file F] [--json]

Signs the CA's next complete CRL (RFC 5280 v2) from the workspace: every
certificate and subordinate CA it revoked, with CCM's reasons; CRL number one
more than the last (kept in the workspace, so it only grows); thisUpdate now,
nextUpdate after the CA's crl_configuration.valid_days (7 when it has none, or
--valid-days). The CRL is recorded in the workspace and written, DER, to
DIR/crl/<crl_name>.crl (crl_name defaults to the CA ID), the file its
certificates' CRL distribution point names. Revoking ("cert revoke", "ca
revoke") already rebuilds the CRL; this re-signs it before nextUpdate.

Options:
  --ca ID                the CA
  --valid-days N         days until nextUpdate, 1 to 365 (default: the CA's valid_days, or 7)
${WORKSPACE_HELP}

Examples:
  ccmkit crl generate --ca 4c0e772e-a30c-4029-b929-b7acb04143f7
  openssl crl -inform DER -in ccmkit-workspace/crl/4c0e772e-a30c-4029-b929-b7acb04143f7.crl -noout -text

Exit codes:
  0  the CRL was written (its path is printed)
  1  the CA has no certificate or key here (403 PCA.00030201), is not found
     (404), or the workspace cannot be used
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...PCA_COMMON, ca: { type: 'string' }, 'valid-days': { type: 'string' } });
  noPositionals(p, 'crl generate');
  const ca = p.str.get('ca');
  if (!ca) throw usageError('crl generate needs --ca ID');
  const days = intFlag(p, 'valid-days', 1, 365);
  return withPca(p, ({ ctx }) =>
    printResponse(p, generateCaCrl(ctx, { params: { ca_id: ca }, ...(days ? { validDays: Number(days) } : {}) }), (b) => {
      out(`${esc(String(b.file))}: CRL #${b.crl_number} of CA ${b.ca_id}, ${b.revoked_count} revoked, ${b.size} bytes DER`);
      out(`  this update  ${isoOrDash(b.this_update as number)}`);
      out(`  next update  ${isoOrDash(b.next_update as number)}`);
    }),
  );
}
