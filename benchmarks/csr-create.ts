// benchmarks/csr-create: making CSRs in one process.
// ccmkit's createCsr does the CCM rule checks, builds and signs, then re-parses
// the result with ccmkit's own parser, verifies the signature (with the public
// key derived from the signing key, not imported again) and compares every
// field. Compared, with the same key, subject and SANs, against
// pyca/cryptography's CertificateSigningRequestBuilder.sign then loading the
// DER and checking is_signature_valid (like for like), and against pyca's sign
// alone. Goal (issue 16): like for like, ratio >= 1.0.
//
// Interleaved: a python process stays up and answers "run N" requests, so
// rounds of N ccmkit CSRs and N pyca CSRs alternate in the same run; the first
// round of each is warm-up (JIT) and dropped; rates are medians of the rest.
//
// Run: npx tsx benchmarks/csr-create.ts   (CSR_CREATE_N=1000 per round, CSR_CREATE_ROUNDS=7)
import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCsr, type CsrRequest } from '../src/ccm/csr-request.js';
import { parsePrivateKey } from '../src/engine/privatekey.js';
import { compare, DATA, hr, median, secondsSince } from './lib.js';

const N = Number(process.env.CSR_CREATE_N ?? 1000);
const ROUNDS = Number(process.env.CSR_CREATE_ROUNDS ?? 7);

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
name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, 'CN'), x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Example Ltd'), x509.NameAttribute(NameOID.COMMON_NAME, 'www.example.com')])
san = x509.SubjectAlternativeName([x509.DNSName('www.example.com'), x509.DNSName('*.example.com'), x509.IPAddress(ipaddress.ip_address('192.0.2.10'))])
eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
def build():
    return x509.CertificateSigningRequestBuilder().subject_name(name).add_extension(eku, False).add_extension(san, False).sign(key, hashes.SHA256())
for line in sys.stdin:
    n = int(line)
    t = time.perf_counter()
    for _ in range(n):
        build()
    sign_only = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(n):
        csr = x509.load_der_x509_csr(build().public_bytes(serialization.Encoding.DER))
        assert csr.is_signature_valid
        csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    print(sign_only, time.perf_counter() - t, flush=True)
`;

/** A python3 process answering "N" with "secondsSignOnly secondsLikeForLike". */
function pycaServer(keyFile: string): { run: (n: number) => Promise<[number, number]>; close: () => void } {
  const child = spawn('python3', ['-c', PY, keyFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    run: async (n) => {
      child.stdin.write(`${n}\n`);
      const r = await lines.next();
      if (r.done) throw new Error('python3 comparator exited');
      return r.value.trim().split(' ').map(Number) as [number, number];
    },
    close: () => child.stdin.end(),
  };
}

console.log(`csr-create: CSRs per key (subject C/O/CN, 3 SANs, EKU, SHA-256); ${ROUNDS} alternating rounds of ${N}, first dropped`);
for (const [name, key] of [
  ['EC256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['EC384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ['RSA2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
] as [string, KeyObject][]) {
  const file = join(DATA, `csr-create-${name}.pem`);
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const info = parsePrivateKey(key.export({ type: 'pkcs8', format: 'der' }));
  const py = pycaServer(file);
  const ours: number[] = [];
  const signOnly: number[] = [];
  const likeForLike: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = hr();
    for (let i = 0; i < N; i++) createCsr(request, key, info.publicKey);
    const secs = secondsSince(t0);
    const [a, b] = await py.run(N);
    if (round === 0) continue;
    ours.push(N / secs);
    signOnly.push(N / a);
    likeForLike.push(N / b);
  }
  py.close();
  compare(`${name} create+verify`, 'CSR/s', median(ours), 'pyca sign+load+verify', median(likeForLike), true, 1.0);
  compare(`${name} create+verify vs sign only`, 'CSR/s', median(ours), 'pyca sign only', median(signOnly), true);
}
