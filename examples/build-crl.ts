// Build and sign a CRL for a CA whose key you hold, with CCM's revocation
// reasons, then check a certificate against it.
//
//   npx tsx examples/build-crl.ts ca.pem ca.key revoked.csv 7 out.crl [check.pem]
//
// revoked.csv: serial,revoked_at,reason (e.g. 1A2B,2025-05-01T00:00:00Z,KEY_COMPROMISE),
// or JSON [{"serial_number","revoked_at","reason"}].
import { readFileSync, writeFileSync } from 'node:fs';
import { buildCrlFromRequest, checkCrl, crlEntries, crlEntryView, loadCertificate, loadCrl, pemChunks } from 'ccmkit';

const [caFile, keyFile, revokedFile, crlNumber, outFile, checkFile] = process.argv.slice(2);
const at = new Date();
const res = buildCrlFromRequest({
  caCert: { bytes: readFileSync(caFile!), source: caFile! },
  caKey: { bytes: readFileSync(keyFile!), source: keyFile! },
  revoked: { bytes: readFileSync(revokedFile!), source: revokedFile! },
  crlNumber: crlNumber!,
  validDays: 7,
  at,
});
if (!res.crl) {
  // Nothing is built while a finding is an error: each says CCM's code and the fix.
  for (const f of res.findings) console.error(`${f.severity} ${f.code} ${f.field}: ${f.message}`);
  process.exit(1);
}
writeFileSync(outFile!, [...pemChunks('X509 CRL', res.crl.chunks)].join(''));
const s = res.summary!;
console.log(`${outFile}: CRL #${s.crl_number}, ${s.revoked_count} revoked, ${s.signature_algorithm}, next update ${s.next_update}`);

// Read it back, list it, and check a certificate against it.
const crl = loadCrl({ bytes: readFileSync(outFile!), source: outFile! });
for (const e of crlEntries(crl)) {
  const v = crlEntryView(e);
  console.log(`  ${v.serial_number} ${v.reason} ${v.revoked_at}`);
}
if (checkFile) {
  const ca = loadCertificate({ bytes: readFileSync(caFile!), source: caFile! }, 'CA certificate');
  const cert = loadCertificate({ bytes: readFileSync(checkFile), source: checkFile }, 'certificate');
  const r = checkCrl(crl, outFile!, cert, at, ca);
  console.log(`${checkFile}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
}
