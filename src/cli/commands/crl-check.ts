import { certificateForCrl, checkCrl, loadCertificate, loadCrl } from '../../api/crl.js';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { WorkBudget } from '../../api/inputs.js';
import { parseAt, parseArgs, type Parsed } from '../args.js';
import { AT, JSON_FLAG } from '../flags.js';
import { now, out, printError, printJson } from '../io.js';
import { readFlattened, secretsFrom } from '../load.js';
import { isLargePem, readCrlFile } from '../read-large.js';
import { secretFlags } from '../secrets.js';

export const help = `Usage: ccmkit crl check --crl F --certificate F [--ca-cert F] [--at ISO8601] [--json]

Looks a certificate up in a CRL. The CRL must be the one of the certificate's
issuer (same issuer name); with --ca-cert it must also verify against that CA
certificate, and it must be current (thisUpdate <= --at <= nextUpdate;
--at defaults to now). Prints the CCM reason name and the revocation date when
revoked.
An entry with reason removeFromCRL (delta CRLs) does not count as revoked.

Options:
  --crl F           the CRL (PEM, DER, or in a PKCS#7 bag)
  --certificate F   the certificate to check; in a file of several (fullchain.pem)
                    the one the CRL's issuer issued
  --ca-cert F       verify the CRL's signature against this CA certificate first
  --at ISO8601      check at this time instead of now
  --passphrase-file F  opens a protected input (every file may also be a PFX,
                    JKS/JCEKS, PKCS#7 bag or zip); or $CCMKIT_PASSPHRASE
  --json            {"status":"revoked"|"good","serial_number","crl_number","reason","revoked_at"}
  -h, --help        this help

Examples:
  ccmkit crl check --crl ca.crl --certificate server.pem
  ccmkit crl check --crl ca.crl --certificate server.pem --ca-cert ca.pem --json

Exit codes:
  0  the certificate is not revoked
  1  the certificate is revoked
  2  no answer: a missing or unreadable file, a CRL of another issuer, an expired
     or not-yet-valid CRL, a CRL that does not verify against --ca-cert, or a
     usage error. (As with grep, 1 is an answer here, so every failure to
     answer is 2; the error body is the same as in every other command.)`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, crl: { type: 'string' }, certificate: { type: 'string' }, 'ca-cert': { type: 'string' }, ...AT, ...secretFlags('input') });
  if (p.positionals.length) throw usageError(`crl check takes no positional arguments (got "${p.positionals[0]}")`);
  if (!p.str.has('crl') || !p.str.has('certificate')) throw usageError('crl check needs --crl and --certificate');
  const json = p.bool.has('json');
  try {
    return await check(p, json);
  } catch (e) {
    // Exit 1 means "revoked": any failure to answer must not look like it.
    if (e instanceof CcmError && e.code !== LocalCode.USAGE) {
      printError(e, json);
      return 2;
    }
    throw e;
  }
}

async function check(p: Parsed, json: boolean): Promise<number> {
  // Keystores, PKCS#7 bags and zips are opened into their certificates and CRLs first (one work budget).
  const open = { secrets: secretsFrom(p), budget: new WorkBudget() };
  const file = async (flag: string): Promise<{ bytes: Buffer; source: string }> => ({ bytes: await readFlattened(p.str.get(flag)!, open), source: p.str.get(flag)! });
  // A large PEM CRL is decoded as it is read (it holds no container to open).
  const crlFile = isLargePem(p.str.get('crl')!) ? readCrlFile(p.str.get('crl')!) : await file('crl');
  const crl = loadCrl(crlFile);
  const picked = certificateForCrl(await file('certificate'), crl);
  const ca = p.str.has('ca-cert') ? loadCertificate(await file('ca-cert'), 'CA certificate') : undefined;
  const r = checkCrl(crl, crlFile.source, picked.certificate, parseAt(p.str.get('at'), now), ca);
  // Name the certificate checked when the file held several.
  const name = picked.of > 1 ? picked.source : p.str.get('certificate')!;
  if (json) printJson(picked.of > 1 ? { ...r, source: picked.source } : r);
  else if (r.status === 'good') out(`${name}: serial ${r.serial_number} is not revoked (CRL #${r.crl_number ?? '?'})`);
  else out(`${name}: serial ${r.serial_number} is REVOKED: ${r.reason} at ${r.revoked_at} (CRL #${r.crl_number ?? '?'})`);
  return r.status === 'good' ? 0 : 1;
}
