// Prepare an SCM "Upload CSR" request offline: a new key with one of CCM's
// algorithms, a CSR within CCM's rules, the request body, and its pre-flight.
//
//   npx tsx examples/make-csr.ts www.example.com [more SANs...]
//
// Prints the key (keep it secret: in real use write it 0600), the body, and
// the pre-flight's verdict. Needs no input files.
import { csrCreate, generateKey, readPrivateKey, validateScmUploadCsr } from 'ccmkit';

const [cn = 'www.example.com', ...more] = process.argv.slice(2);
const key = generateKey('EC256');
const { report, body, warnings } = csrCreate({
  key: readPrivateKey(key.pem, 'new key'),
  request: { subject: { common_name: cn, organization: 'Example' }, sans: [cn, ...more].map((value) => ({ type: 'DNS', value })) },
  body: { kind: 'scm-upload', name: cn.replace(/[^A-Za-z0-9_.-]/g, '_') },
  at: new Date(),
});
console.log(`CSR for ${report.subject}: ${report.ccm_key_algorithm}, ${report.signature_algorithm}, SANs ${report.subject_alternative_names.map((s) => s.value).join(', ')}`);
for (const w of warnings) console.log(`  warning ${w.code}: ${w.message}`);
console.log(JSON.stringify(body));
// csrCreate already refused a body CCM would refuse; the pre-flight says so too.
const verdict = validateScmUploadCsr(body);
console.log(verdict.valid ? 'SCM would accept this upload' : `SCM would answer ${verdict.error_code}`);
