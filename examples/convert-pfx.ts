// Turn a PFX/P12 (or JKS, or CCM's IIS/TOMCAT export zip) into the SCM
// "Importing a Certificate" body: leaf, ordered chain, unencrypted key,
// pre-flighted before it is printed.
//
//   KEYSTORE_PASSWORD=changeit npx tsx examples/convert-pfx.ts server.pfx www_example
import { readFileSync } from 'node:fs';
import { CcmError, LocalCode, gatherMaterial, resolveMaterial, scmImportBody } from 'ccmkit';

const [file, name = 'imported'] = process.argv.slice(2);
try {
  const material = await gatherMaterial([{ name: file!, bytes: readFileSync(file!) }], { password: process.env.KEYSTORE_PASSWORD ?? '' });
  const at = new Date();
  // Throws CCM's own error (e.g. SCM.0042 for an expired certificate) for a body CCM would refuse.
  console.log(JSON.stringify(scmImportBody(resolveMaterial(material, at), name, at), null, 2));
} catch (e) {
  if (!(e instanceof CcmError)) throw e;
  console.error(e.code === LocalCode.WRONG_PASSWORD ? 'wrong KEYSTORE_PASSWORD' : `${e.error_code}: ${e.error_msg}`);
  process.exitCode = 1;
}
