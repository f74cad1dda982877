// benchmarks/csr-create: making CSRs in one process.
// ccmkit's createCsr does the CCM rule checks, builds and signs, then re-parses
// the result with ccmkit's own parser, verifies the signature and compares every
// field. Compared, in the same run with the same key, subject and SANs, against
// pyca/cryptography's CertificateSigningRequestBuilder.sign (A: build + sign only)
// and against pyca signing then loading the DER and checking is_signature_valid
// (B: like for like).
//
// Run: npx tsx benchmarks/csr-create.ts   (CSR_CREATE_N=500 by default)
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCsr, type CsrRequest } from '../src/ccm/csr-request.js';
import { parsePrivateKey } from '../src/engine/privatekey.js';
import { compare, DATA, hr, python, secondsSince } from './lib.js';

const N = Number(process.env.CSR_CREATE_N ?? 500);

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
t = time.perf_counter()
for _ in range(n):
    csr = x509.load_der_x509_csr(build().public_bytes(serialization.Encoding.DER))
    assert csr.is_signature_valid
    csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
print(sign_only, time.perf_counter() - t)
`;

function ccmkitRate(key: KeyObject): number {
  const info = parsePrivateKey(key.export({ type: 'pkcs8', format: 'der' }));
  createCsr(request, key, info.publicKey); // warm-up
  const t0 = hr();
  for (let i = 0; i < N; i++) createCsr(request, key, info.publicKey);
  return N / secondsSince(t0);
}

function pycaRates(key: KeyObject, name: string): [number, number] {
  const file = join(DATA, `csr-create-${name}.pem`);
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const [a, b] = python(PY, [file, String(N)]).trim().split(' ').map(Number) as [number, number];
  return [N / a, N / b];
}

console.log(`csr-create: ${N} CSRs per key (subject C/O/CN, 3 SANs, EKU, SHA-256)`);
for (const [name, key] of [
  ['EC256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['EC384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ['RSA2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
] as const) {
  const ours = ccmkitRate(key);
  const [signOnly, likeForLike] = pycaRates(key, name);
  compare(`${name} create+verify`, 'CSR/s', ours, 'pyca sign+load+verify', likeForLike, true);
  compare(`${name} create+verify vs sign only`, 'CSR/s', ours, 'pyca sign only', signOnly, true);
}
