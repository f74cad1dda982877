// benchmarks/preflight: SCM import pre-flight over 10,000 bodies (valid and
// invalid; RSA2048 and EC256 leaves; chains of 1-3 certificates), one process,
// one thread. Prints bodies/s and p99 per body, and, in the same run on the
// same bodies, pyca/cryptography doing the core of the same checks (parse
// certificate, chain and key; key match proved by signing, as ccmkit does;
// chain signatures; expiry; SANs). RSA key validation is skipped there:
// ccmkit's pre-flight does not run it either.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateScmImport } from '../src/ccm/scm-import.js';
import { authorityKeyIdExt, basicConstraintsExt, buildCertificate, keyIdentifier, keyUsageExt, spkiOf, subjectAltNameExt, subjectKeyIdExt } from '../src/engine/builder.js';
import { toPem } from '../src/engine/pem.js';
import { compare, DATA, hr, python, result, secondsSince } from './lib.js';

const N = Number(process.env.PREFLIGHT_N ?? 10_000);
const AT = new Date('2025-06-01T00:00:00Z');
const FILE = join(DATA, `preflight-${N}.json`);
const YEAR = 365 * 86400_000;

function makeBodies(): unknown[] {
  const ec = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsaPool = Array.from({ length: 24 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  type Ca = { key: KeyObject; name: [string, string][]; der: Buffer };
  const mkCa = (cn: string, issuer?: Ca): Ca => {
    const key = ec();
    const name: [string, string][] = [['O', 'Bench'], ['CN', cn]];
    const der = buildCertificate({
      serial: BigInt(Math.floor(Math.random() * 1e12)),
      subject: name,
      issuer: issuer?.name ?? name,
      notBefore: new Date(AT.getTime() - YEAR),
      notAfter: new Date(AT.getTime() + 20 * YEAR),
      publicKey: key,
      signingKey: issuer?.key ?? key,
      extensions: [basicConstraintsExt(true), keyUsageExt(['keyCertSign', 'cRLSign']), subjectKeyIdExt(spkiOf(key)), authorityKeyIdExt(keyIdentifier(spkiOf(issuer?.key ?? key)))],
    });
    return { key, name, der };
  };
  const roots = Array.from({ length: 4 }, (_, i) => mkCa(`Root ${i}`));
  const inters = roots.flatMap((r, i) => [mkCa(`Inter ${i}a`, r), mkCa(`Inter ${i}b`, r)]);
  const inters2 = inters.map((x, i) => mkCa(`Inter2 ${i}`, x));
  const bodies: unknown[] = [];
  for (let i = 0; i < N; i++) {
    const rsa = i % 2 === 0;
    const key = rsa ? rsaPool[i % rsaPool.length]! : ec();
    const depth = 1 + (i % 3); // chain length 1-3
    const j = i % inters.length;
    const issuer = depth === 3 ? inters2[j]! : inters[j]!;
    const chain = depth === 1 ? [issuer] : depth === 2 ? [issuer, roots[Math.floor(j / 2)]!] : [issuer, inters[j]!, roots[Math.floor(j / 2)]!];
    const host = `h${i}.bench.example`;
    const leaf = buildCertificate({
      serial: BigInt(i + 1000),
      subject: [['CN', host]],
      issuer: issuer.name,
      notBefore: new Date(AT.getTime() - YEAR),
      notAfter: new Date(AT.getTime() + (i % 10 === 7 ? -1 : 1) * 30 * 86400_000), // every 10th expired
      publicKey: key,
      signingKey: issuer.key,
      extensions: [basicConstraintsExt(false), subjectAltNameExt([{ type: 'DNS', value: host }])],
    });
    let chainPem = chain.map((c) => toPem('CERTIFICATE', c.der)).join('');
    let keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    let name = `bench_${i}`;
    if (i % 10 === 3) chainPem = chain.reverse().map((c) => toPem('CERTIFICATE', c.der)).join(''); // out of order
    if (i % 10 === 5) keyPem = (rsa ? rsaPool[(i + 1) % rsaPool.length]! : ec()).export({ type: 'pkcs8', format: 'pem' }).toString(); // wrong key
    if (i % 10 === 9) name = 'x'; // bad name
    bodies.push({ name, certificate: toPem('CERTIFICATE', leaf), certificate_chain: chainPem, private_key: keyPem });
  }
  return bodies;
}

const PY = `
import json, sys, time, datetime
from cryptography import x509
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
bodies = json.load(open(sys.argv[1]))
at = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)
SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
ok = 0
t = time.perf_counter()
for b in bodies:
    good = 3 <= len(b["name"]) <= 63
    leaf = x509.load_pem_x509_certificate(b["certificate"].encode())
    chain = x509.load_pem_x509_certificates(b["certificate_chain"].encode())
    key = serialization.load_pem_private_key(b["private_key"].encode(), None, unsafe_skip_rsa_key_validation=True)
    good = good and key.public_key().public_bytes(*SPKI) == leaf.public_key().public_bytes(*SPKI)
    # The signing proof: equal public halves do not prove the private half (issue 10).
    if good:
        msg = b"ccmkit key-pair proof"
        try:
            if isinstance(key, rsa.RSAPrivateKey):
                leaf.public_key().verify(key.sign(msg, padding.PKCS1v15(), hashes.SHA256()), msg, padding.PKCS1v15(), hashes.SHA256())
            else:
                leaf.public_key().verify(key.sign(msg, ec.ECDSA(hashes.SHA256())), msg, ec.ECDSA(hashes.SHA256()))
        except Exception:
            good = False
    good = good and leaf.not_valid_after_utc >= at
    child = leaf
    for c in chain:
        try:
            child.verify_directly_issued_by(c)
        except Exception:
            good = False
            break
        child = c
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    good = good and len(san) > 0
    ok += good
print(len(bodies), ok, time.perf_counter() - t)
`;

function main(): void {
  if (!existsSync(FILE)) {
    process.stdout.write(`generating ${N} SCM import bodies... `);
    writeFileSync(FILE, JSON.stringify(makeBodies()));
    console.log('done');
  }
  const bodies = JSON.parse(readFileSync(FILE, 'utf8')) as unknown[];
  for (const b of bodies.slice(0, 300)) validateScmImport(b, { at: AT }); // warm-up
  const times: number[] = [];
  let valid = 0;
  const t0 = hr();
  for (const b of bodies) {
    const t = hr();
    if (validateScmImport(b, { at: AT }).valid) valid++;
    times.push(Number(hr() - t) / 1e6);
  }
  const secs = secondsSince(t0);
  times.sort((a, b) => a - b);
  const p99 = times[Math.floor(times.length * 0.99)]!;
  const [n, pyOk, pySecs] = python(PY, [FILE]).trim().split(' ').map(Number) as [number, number, number];
  console.log(`preflight: ${bodies.length} SCM import bodies (${valid} valid per ccmkit, ${pyOk} per the pyca check), one thread`);
  compare('SCM import pre-flight', 'bodies/s', bodies.length / secs, 'pyca core checks', n / pySecs, true);
  console.log(`${'p99 per body'.padEnd(34)} ccmkit ${p99.toFixed(3)} ms   (goal: >= 2,000 bodies/s on one core)`);
  result({ figure: 'SCM import pre-flight, one core', unit: 'bodies/s', ours: bodies.length / secs, goal: '>= 2,000 bodies/s', met: bodies.length / secs >= 2000 });
  result({ figure: 'SCM import pre-flight, p99 per body', unit: 'ms', ours: p99 });
}

main();
