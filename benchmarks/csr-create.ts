// CSR creation throughput: ccmkit's createCsr (CCM rule checks, build, sign,
// then re-parse with ccmkit's parser, verify the signature and compare every
// field) against pyca/cryptography's CertificateSigningRequestBuilder.sign,
// both alone and followed by a re-parse and signature check (like for like);
// same key, same subject and SANs, same run.
//
// Run: npx tsx benchmarks/csr-create.ts [iterations]

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createCsr, type CsrRequest } from '../src/ccm/csr-request.js';
import { parsePrivateKey } from '../src/engine/privatekey.js';

const N = Number(process.argv[2] ?? 500);
const DATA = join(import.meta.dirname, '.data');
mkdirSync(DATA, { recursive: true });

const request: CsrRequest = {
  subject: { common_name: 'www.example.com', country: 'CN', organization: 'Example Ltd' },
  sans: [
    { type: 'DNS', value: 'www.example.com' },
    { type: 'DNS', value: '*.example.com' },
    { type: 'IP', value: '192.0.2.10' },
  ],
  extendedKeyUsage: ['serverAuth'],
};

const PY = `
import sys, time, ipaddress
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
n = int(sys.argv[2])
name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, 'CN'), x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Example Ltd'), x509.NameAttribute(NameOID.COMMON_NAME, 'www.example.com')])
san = x509.SubjectAlternativeName([x509.DNSName('www.example.com'), x509.DNSName('*.example.com'), x509.IPAddress(ipaddress.ip_address('192.0.2.10'))])
eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
def build():
    return x509.CertificateSigningRequestBuilder().subject_name(name).add_extension(eku, False).add_extension(san, False).sign(key, hashes.SHA256())
t = time.perf_counter()
for _ in range(n):
    build()
sign_only = time.perf_counter() - t
# Like for like with ccmkit: also read the DER back and verify the self-signature.
t = time.perf_counter()
for _ in range(n):
    csr = x509.load_der_x509_csr(build().public_bytes(serialization.Encoding.DER))
    assert csr.is_signature_valid
    csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
print(sign_only, time.perf_counter() - t)
`;

function ccmkitOps(key: KeyObject): number {
  const info = parsePrivateKey(key.export({ type: 'pkcs8', format: 'der' }));
  createCsr(request, key, info.publicKey); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) createCsr(request, key, info.publicKey);
  return N / (Number(process.hrtime.bigint() - t) / 1e9);
}

function pycaOps(key: KeyObject, name: string): [number, number] {
  const file = join(DATA, `${name}.pem`);
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const r = spawnSync('python3', ['-c', PY, file, String(N)]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  const [signOnly, withVerify] = r.stdout.toString().trim().split(' ').map(Number) as [number, number];
  return [N / signOnly, N / withVerify];
}

console.log(`CSR creation, ${N} CSRs each (subject C/O/CN, 3 SANs, EKU, SHA-256)`);
console.log('ccmkit = createCsr: CCM checks, build, sign, re-parse, verify, compare fields');
console.log('pyca A = builder.sign (build + sign only); pyca B = sign + load_der_x509_csr + is_signature_valid + read SANs');
console.log('key        ccmkit CSR/s   pyca A CSR/s   ratio   pyca B CSR/s   ratio (like for like)');
for (const [name, key] of [
  ['EC256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['EC384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ['RSA2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
] as const) {
  const c = ccmkitOps(key);
  const [a, b] = pycaOps(key, name);
  console.log(`${name.padEnd(9)} ${c.toFixed(0).padStart(12)} ${a.toFixed(0).padStart(14)} ${(c / a).toFixed(2).padStart(7)} ${b.toFixed(0).padStart(14)} ${(c / b).toFixed(2).padStart(7)}`);
}
