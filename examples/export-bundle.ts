// Make the bundle CCM's "Exporting a Certificate" would hand out for a server
// type, from the files an operator holds (PEM, DER, PFX, JKS, PKCS#7, zips).
//
//   npx tsx examples/export-bundle.ts NGINX out-dir cert.pem chain.pem key.pem
//   KEYSTORE_PASSWORD=secret npx tsx examples/export-bundle.ts IIS out-dir server.pfx
//
// Writes NAME_TYPE.zip into out-dir (0600 when it holds a key) and lists its files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainWarnings, defaultBundleName, EXPORT_TYPES, exportZip, gatherMaterial, resolveMaterial, type ExportType } from 'ccmkit';

const [typeArg, outDir, ...files] = process.argv.slice(2);
const type = typeArg?.toUpperCase() as ExportType;
if (!EXPORT_TYPES.includes(type) || !outDir || files.length === 0) {
  console.error(`usage: export-bundle.ts ${EXPORT_TYPES.join('|')} OUT_DIR FILE...`);
  process.exit(2);
}
const at = new Date();
// The password opens keystores and encrypted keys among the inputs.
const password = process.env.KEYSTORE_PASSWORD;
const material = await gatherMaterial(files.map((f) => ({ name: f, bytes: readFileSync(f) })), password !== undefined ? { password } : {});
// One key, the leaf it belongs to (proved by signing), and its chain in issuing order.
const resolved = resolveMaterial(material, at);
for (const w of [...resolved.warnings, ...chainWarnings(resolved.leaf, resolved.chain, at)]) console.error(`warning: ${w}`);

const res = exportZip(resolved, { type, name: defaultBundleName(resolved.leaf), at });
writeFileSync(join(outDir, res.zipName), res.zip, { mode: res.secret ? 0o600 : 0o644, flag: 'wx' });
console.log(res.zipName);
for (const f of res.bundle.files) console.log(`  ${f.name} ${f.data.length} bytes${f.secret ? ' (secret)' : ''}`);
