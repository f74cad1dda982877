import { crlEntries, crlView, crlEntryView, loadCertificate, loadCrl } from '../../api/crl.js';
import { usageError } from '../../api/errors.js';
import { parseArgs } from '../args.js';
import { JSON_FLAG } from '../flags.js';
import { out, readInputFile } from '../io.js';
import { readCrlFile } from '../read-large.js';
import { writeStdout } from '../write.js';

export const help = `Usage: ccmkit crl inspect F [--ca-cert F] [--limit N] [--json]

Reads a CRL (PEM or DER, any size) and prints its number, issuer, dates,
signature algorithm and every entry: serial (hex, as openssl prints it),
revocation date and CCM reason name (UNSPECIFIED when the entry has no
reasonCode). With --ca-cert the CRL's issuer, authority key identifier and
signature are checked against that CA certificate.

Options:
  --ca-cert F   verify the CRL against this CA certificate
  --limit N     print at most N entries (the count is always exact)
  --json        {"source",...,"crl_number","this_update","next_update","revoked_count",
                 "revoked":[{"serial_number","revoked_at","reason","reason_code"}]}
  -h, --help    this help

Examples:
  ccmkit crl inspect ca.crl
  ccmkit crl inspect ca.crl --ca-cert ca.pem --json | jq '.revoked[] | select(.reason=="KEY_COMPROMISE")'

Output ends quietly when its reader does (\`ccmkit crl inspect big.crl | head\`).

Exit codes:
  0  the CRL was read (and verified, with --ca-cert)
  1  the CRL does not verify against --ca-cert, an entry is malformed, the file
     is missing or is not a readable CRL
  2  usage error`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { ...JSON_FLAG, 'ca-cert': { type: 'string' }, limit: { type: 'string' } });
  if (p.positionals.length !== 1) throw usageError('crl inspect needs exactly one CRL file');
  const path = p.positionals[0]!;
  const limitText = p.str.get('limit');
  if (limitText !== undefined && !/^\d+$/.test(limitText)) throw usageError('--limit takes a non-negative integer');
  const limit = limitText === undefined ? Infinity : Number(limitText);
  const crl = loadCrl(path === '-' ? { bytes: readInputFile(path), source: 'stdin' } : readCrlFile(path));
  const ca = p.str.has('ca-cert') ? loadCertificate({ bytes: readInputFile(p.str.get('ca-cert')!), source: p.str.get('ca-cert')! }, 'CA certificate') : undefined;
  const view = crlView(crl, path === '-' ? 'stdin' : path, ca);
  let entryProblems = 0;
  if (p.bool.has('json')) {
    // Streamed: a million entries never become one string.
    const head = JSON.stringify(view, null, 2);
    const pieces = function* (): Generator<string> {
      yield head.slice(0, -2) + ',\n  "revoked": [';
      let batch: string[] = [];
      let n = 0;
      for (const e of crlEntries(crl)) {
        if (n >= limit) break;
        const v = crlEntryView(e);
        if (v.problems) entryProblems++;
        batch.push((n++ === 0 ? '\n    ' : ',\n    ') + entryJson(v));
        if (batch.length === 10_000) {
          yield batch.join('');
          batch = [];
        }
      }
      yield batch.join('') + (n ? '\n  ' : '') + ']\n}\n';
    };
    writeStdout(toUtf8(pieces()));
  } else {
    out(`${view.source}: CRL v${view.version}${view.base_crl_number ? ` (delta of CRL #${view.base_crl_number})` : ''}, ${view.revoked_count} revoked`);
    const row = (k: string, v: string | null | undefined): void => {
      if (v !== undefined && v !== null) out(`  ${k.padEnd(13)}${v}`);
    };
    row('issuer', view.issuer);
    row('crl number', view.crl_number ?? '(none)');
    row('this update', view.this_update);
    row('next update', view.next_update ?? '(none)');
    row('signature', `${view.signature_algorithm}${view.signature_valid === undefined ? '' : view.signature_valid ? ', verified with --ca-cert' : `, INVALID: ${view.signature_problems!.join('; ')}`}`);
    row('authority id', view.authority_key_id);
    for (const pr of view.problems) row('problem', pr);
    const lines = function* (): Generator<string> {
      let n = 0;
      let batch = '';
      for (const e of crlEntries(crl)) {
        if (n++ >= limit) break;
        const v = crlEntryView(e);
        if (v.problems) entryProblems++;
        batch += `  ${v.serial_number.padEnd(42)} ${v.revoked_at}  ${v.reason}${v.problems ? `  (${v.problems.join('; ')})` : ''}\n`;
        if (batch.length > 1 << 20) {
          yield batch;
          batch = '';
        }
      }
      yield batch;
    };
    if (crl.revokedCount && limit > 0) out('  revoked:');
    writeStdout(toUtf8(lines()));
  }
  return view.signature_valid === false || entryProblems > 0 ? 1 : 0;
}

function* toUtf8(pieces: Iterable<string>): Generator<Buffer> {
  for (const s of pieces) yield Buffer.from(s, 'utf8');
}

/** JSON.stringify(v) for one entry, without its cost: hex, ISO dates and reason names need no escaping. */
function entryJson(v: ReturnType<typeof crlEntryView>): string {
  let s = `{"serial_number":"${v.serial_number}","revoked_at":"${v.revoked_at}","reason":${JSON.stringify(v.reason)}`;
  if (v.reason_code !== undefined) s += `,"reason_code":${v.reason_code}`;
  if (v.invalidity_date !== undefined) s += `,"invalidity_date":"${v.invalidity_date}"`;
  if (v.problems) s += `,"problems":${JSON.stringify(v.problems)}`;
  return s + '}';
}
