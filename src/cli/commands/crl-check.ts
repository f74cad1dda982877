import { CcmError, LocalCode, usageError } from '../../engine/errors.js';
import { checkRequest, loadCertificate, loadCrl } from '../../service/crl.js';
import { parseAt, parseArgs, type Parsed } from '../args.js';
import { out, printError, printJson, readInputFile } from '../io.js';
import { readCrlFile } from '../read-large.js';

export const help = `Usage: ccmkit crl check --crl F --certificate F [--ca-cert F] [--at ISO8601] [--json]

Looks a certificate up in a CRL. The CRL must be the one of the certificate's
issuer (same issuer name); with --ca-cert it must also verify against that CA
certificate, and it must be current (thisUpdate <= --at <= nextUpdate;
--at defaults to now). Prints the CCM reason name and the revocation date when
revoked.
An entry with reason removeFromCRL (delta CRLs) does not count as revoked.

Options:
  --crl F           the CRL (PEM or DER)
  --certificate F   the certificate to check (the first one in the file)
  --ca-cert F       verify the CRL's signature against this CA certificate first
  --at ISO8601      check at this time instead of now
  --json            {"status":"revoked"|"good","serial_number","crl_number","reason","revoked_at"}
  -h, --help        this help

Examples:
  ccmkit crl check --crl ca.crl --certificate server.pem
  ccmkit crl check --crl ca.crl --certificate server.pem --ca-cert ca.pem --json

Exit codes:
  0  the certificate is not revoked
  1  the certificate is revoked
  2  no answer: unreadable input, a CRL of another issuer, an expired or
     not-yet-valid CRL, a CRL that does not verify against --ca-cert, or a usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' }, crl: { type: 'string' }, certificate: { type: 'string' }, 'ca-cert': { type: 'string' }, at: { type: 'string' } });
  if (p.positionals.length) throw usageError(`crl check takes no positional arguments (got "${p.positionals[0]}")`);
  if (!p.str.has('crl') || !p.str.has('certificate')) throw usageError('crl check needs --crl and --certificate');
  const json = p.bool.has('json');
  try {
    return check(p, json);
  } catch (e) {
    // Exit 1 means "revoked": any failure to answer must not look like it.
    if (e instanceof CcmError && e.code !== LocalCode.USAGE) {
      printError(e, json);
      return 2;
    }
    throw e;
  }
}

function check(p: Parsed, json: boolean): number {
  const file = (flag: string): { bytes: Buffer; source: string } => ({ bytes: readInputFile(p.str.get(flag)!), source: p.str.get(flag)! });
  const crlFile = readCrlFile(p.str.get('crl')!);
  const crl = loadCrl(crlFile);
  const cert = loadCertificate(file('certificate'), 'certificate');
  const ca = p.str.has('ca-cert') ? loadCertificate(file('ca-cert'), 'CA certificate') : undefined;
  const r = checkRequest(crl, crlFile.source, cert, parseAt(p.str.get('at'), () => new Date()), ca);
  if (json) printJson(r);
  else if (r.status === 'good') out(`${p.str.get('certificate')}: serial ${r.serial_number} is not revoked (CRL #${r.crl_number ?? '?'})`);
  else out(`${p.str.get('certificate')}: serial ${r.serial_number} is REVOKED: ${r.reason} at ${r.revoked_at} (CRL #${r.crl_number ?? '?'})`);
  return r.status === 'good' ? 0 : 1;
}
