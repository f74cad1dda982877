// Pre-flight an SCM "Importing a Certificate" body before uploading it: what
// would CCM answer, and why?
//
//   npx tsx examples/preflight-scm-import.ts body.json
//   npx tsx examples/preflight-scm-import.ts --name www_example cert.pem chain.pem key.pem
//
// Exit 0 when CCM would accept the body, 1 when it would refuse it.
import { readFileSync } from 'node:fs';
import { readInput, toPem, validateScmImport } from 'ccmkit';

const args = process.argv.slice(2);
let body: unknown;
if (args[0] === '--name') {
  // Build the body from PEM/DER files, as a script that uploads them would.
  const [, name, certFile, chainFile, keyFile] = args;
  const pem = (file: string): string => {
    const bytes = readFileSync(file);
    // DER files are sent as PEM, as CCM wants them.
    return bytes.includes('-----BEGIN') ? bytes.toString('utf8') : readInput(bytes, file).objects.map((o) => toPem('CERTIFICATE', o.der)).join('');
  };
  body = { name, certificate: pem(certFile!), certificate_chain: pem(chainFile!), private_key: readFileSync(keyFile!, 'utf8') };
} else {
  body = JSON.parse(readFileSync(args[0]!, 'utf8'));
}

const result = validateScmImport(body, { at: new Date() });
if (result.valid) console.log(`CCM would accept this body (HTTP ${result.status}).`);
else console.log(`CCM would answer HTTP ${result.status} ${result.error_code}: ${result.error_msg}`);
for (const f of result.findings) {
  console.log(`  ${f.severity} ${f.code} ${f.field}: ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
}
process.exitCode = result.valid ? 0 : 1;
