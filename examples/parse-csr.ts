// Parse CSRs into CCM's "Parsing a CSR" response (POST
// /v1/private-certificates/csr/parse), with CCM's policy findings, offline.
//
//   npx tsx examples/parse-csr.ts server.csr [more.csr...]
//
// Prints one JSON line per CSR; exit 1 when any would be refused.
import { readFileSync } from 'node:fs';
import { CcmError, csrReport, hasErrors, parseCsrOrFail, readInput, toPem, verifyCsrBatch } from 'ccmkit';

let refused = false;
for (const file of process.argv.slice(2)) {
  const { objects, problems } = readInput(readFileSync(file), file);
  for (const p of problems) {
    console.log(JSON.stringify({ source: p.source, ...p.error.toJSON() }));
    refused = true;
  }
  const csrs = objects.filter((o) => o.kind === 'csr');
  try {
    const parsed = csrs.map((o) => parseCsrOrFail(o.der, o.source));
    // Signatures are checked together on the thread pool; reports come back in input order.
    const verdicts = await verifyCsrBatch(parsed);
    parsed.forEach((csr, i) => {
      // CCM limits the CSR to 5120 characters of PEM.
      const report = csrReport(csr, toPem('CERTIFICATE REQUEST', csr.der).length, verdicts[i]);
      if (hasErrors(report.findings)) refused = true;
      console.log(JSON.stringify({ source: csrs[i]!.source, ...report }));
    });
  } catch (e) {
    // A structure that is not a CSR at all: CCM's PCA.00020401.
    if (!(e instanceof CcmError)) throw e;
    console.log(JSON.stringify(e));
    refused = true;
  }
}
process.exitCode = refused ? 1 : 0;
