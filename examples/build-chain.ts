// From an unordered bag of certificates (any order, duplicates, strangers,
// several files) to the chain CCM wants: the leaf, then intermediate > ... > root.
//
//   npx tsx examples/build-chain.ts bundle.pem [more files...] [--roots root.pem]
//
// Prints each leaf's best chain as CCM's import body fields
// {"certificate","certificate_chain"}, and what is wrong with it; exit 1 when
// a leaf has no complete chain.
import { readFileSync } from 'node:fs';
import { buildChainReport, ccmChainBody, certBag, describeChainProblem, openInputs, summariseCertificate } from 'ccmkit';

const args = process.argv.slice(2);
const rootsAt = args.indexOf('--roots');
const rootFiles = rootsAt >= 0 ? args.splice(rootsAt, 2).slice(1) : [];
const read = (files: string[]) => openInputs(files.map((f) => ({ name: f, bytes: readFileSync(f) })));

// openInputs also opens PFX, JKS, PKCS#7 bags and zips: their certificates join the bag.
const opened = await read(args);
const roots = rootFiles.length ? certBag((await read(rootFiles)).objects).certs : undefined;
const { result, report } = buildChainReport(certBag(opened.objects), { at: new Date(), ...(roots ? { roots } : {}) });

for (const leaf of result.leaves) {
  const best = leaf.chains[0];
  if (!best) continue;
  console.log(JSON.stringify({ leaf: leaf.leaf.source, complete: best.complete, valid: best.valid, anchor: best.anchor, ...ccmChainBody(best, false) }));
  const summaries = best.certificates.map(summariseCertificate);
  for (const p of best.problems) console.error(`  ${describeChainProblem(p, summaries)}`);
}
for (const m of report.missing_issuers) console.error(`missing issuer: ${m.issuer} (needed by sha256 ${m.for.slice(0, 16)}...)`);
process.exitCode = report.complete ? 0 : 1;
