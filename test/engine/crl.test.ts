// CRL engine: the streaming builder checked by OpenSSL and pyca/cryptography,
// the parser against pyca's CRL corpus, and a bounded fuzz of the parser.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { basicConstraintsExt, buildCertificate, keyIdentifier, keyUsageExt, spkiOf } from '../../src/engine/builder.js';
import { parseCertificate } from '../../src/engine/certificate.js';
import {
  NO_REASON,
  SerialIndex,
  buildCrl,
  checkCertificate,
  crlDer,
  crlEntries,
  crlEntry,
  findEntry,
  parseCrl,
  pemChunks,
  revokedList,
  verifyCrl,
  type CrlHash,
  type RevokedInput,
} from '../../src/engine/crl.js';
import { DerError } from '../../src/engine/der.js';
import { CcmError } from '../../src/engine/errors.js';
import { loadCrl } from '../../src/service/crl.js';
import { issue, key, pem, REF, type Issued, type KeyAlg } from '../helpers/pki.js';
import { CORPORA, HAVE_CORPORA, openssl, run, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-crl-');
afterAll(tmp.cleanup);
const DAY = 86_400_000;

function makeCa(alg: KeyAlg, slot = 0): Issued {
  return issue({ cn: `CRL Test CA ${alg}`, ca: true, key: key(alg, slot) });
}

function build(ca: Issued, entries: RevokedInput[], opts: { hash?: CrlHash; crlNumber?: bigint; base?: bigint; chunkSize?: number } = {}): Buffer {
  const c = parseCertificate(ca.der);
  const b = buildCrl({
    issuer: c.subject.der,
    authorityKeyId: keyIdentifier(spkiOf(ca.key)),
    signingKey: ca.key,
    hash: opts.hash ?? 'SHA256',
    thisUpdate: REF,
    nextUpdate: new Date(REF.getTime() + 7 * DAY),
    crlNumber: opts.crlNumber ?? 1n,
    ...(opts.base !== undefined ? { baseCrlNumber: opts.base } : {}),
    revoked: revokedList(entries),
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
  });
  const der = Buffer.concat(b.chunks);
  expect(der.length).toBe(b.length);
  return der;
}

const file = (name: string, data: string | Buffer): string => {
  const p = join(tmp.dir, name);
  writeFileSync(p, data);
  return p;
};

/** Every CCM reason once, plus UNSPECIFIED written as no extension, over 1950-2049 and 2050+ dates. */
const MIXED: RevokedInput[] = [
  { serial: 0x01n, revokedAt: new Date('2025-05-01T10:00:00Z') },
  { serial: 0x7fn, revokedAt: new Date('2025-05-02T11:00:01Z'), reason: 1 },
  { serial: 0x80n, revokedAt: new Date('2024-01-31T23:59:59Z'), reason: 2 },
  { serial: 0xffn, revokedAt: new Date('1999-12-31T23:59:59Z'), reason: 3 },
  { serial: 0x1234n, revokedAt: new Date('2000-02-29T00:00:00Z'), reason: 4 },
  { serial: 0x00ab_cdefn, revokedAt: new Date('2025-05-31T23:59:59Z'), reason: 5 },
  { serial: 0x7fff_ffff_ffff_ffff_ffff_ffff_ffff_ffff_ffff_ffffn, revokedAt: new Date('2025-01-01T00:00:00Z'), reason: 6 },
  { serial: 0x4000_0000_0000_0000_0000n, revokedAt: new Date('2025-03-01T00:00:00Z'), reason: 9 },
  { serial: 0x8000_0000_0000_0000_0000_0000_0000_0000_0000_00n, revokedAt: new Date('2025-04-01T00:00:00Z'), reason: 10 },
  // GeneralizedTime on both sides of the UTCTime window (RFC 5280 5.1.2.6 / 4.1.2.5).
  { serial: 0x1949n, revokedAt: new Date('1949-12-31T23:59:59Z'), reason: 1 },
  { serial: 0x2050n, revokedAt: new Date('2050-01-01T00:00:00Z') },
];

const OPENSSL_REASONS: Record<string, number> = {
  Unspecified: 0,
  'Key Compromise': 1,
  'CA Compromise': 2,
  'Affiliation Changed': 3,
  Superseded: 4,
  'Cessation Of Operation': 5,
  'Certificate Hold': 6,
  'Remove From CRL': 8,
  'Privilege Withdrawn': 9,
  'AA Compromise': 10,
};

/** [serial hex, ISO date, reason code | null] per entry, as `openssl crl -text` prints them. */
function opensslEntries(crlPath: string): [string, string, number | null][] {
  const text = openssl(['crl', '-in', crlPath, '-inform', 'DER', '-noout', '-text']);
  const out: [string, string, number | null][] = [];
  const list = text.split(/Revoked Certificates:|No Revoked Certificates\./)[1]!.split(/Signature Algorithm:/)[0]!;
  for (const block of list.split('Serial Number: ').slice(1)) {
    const serial = /^([0-9A-F]+)/.exec(block)![1]!;
    const date = /Revocation Date: (.+?)\n/.exec(block)![1]!;
    const reason = /X509v3 CRL Reason Code: ?\n\s+(.+?)\n/.exec(block)?.[1]?.trim();
    const code = reason === undefined ? null : OPENSSL_REASONS[reason];
    if (code === undefined) throw new Error(`unknown openssl reason "${reason}"`);
    out.push([serial, new Date(date).toISOString(), code]);
  }
  return out;
}

const PYCA_READ = `
import sys, json, datetime
from cryptography import x509
utc = lambda obj, name: getattr(obj, name + '_utc', None) or getattr(obj, name).replace(tzinfo=datetime.timezone.utc)  # pyca < 42 has no *_utc
crl = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())
codes = {'unspecified':0,'key_compromise':1,'ca_compromise':2,'affiliation_changed':3,'superseded':4,
 'cessation_of_operation':5,'certificate_hold':6,'remove_from_crl':8,'privilege_withdrawn':9,'aa_compromise':10}
out = []
for r in crl:
    try:
        reason = codes[r.extensions.get_extension_for_class(x509.CRLReason).value.reason.name]
    except x509.ExtensionNotFound:
        reason = None
    out.append(['%X' % r.serial_number, utc(r, 'revocation_date').strftime('%Y-%m-%dT%H:%M:%S.000Z'), reason])
n = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
try:
    delta = crl.extensions.get_extension_for_class(x509.DeltaCRLIndicator).value.crl_number
except x509.ExtensionNotFound:
    delta = None
print(json.dumps({'entries': out, 'number': n, 'delta': delta, 'last': utc(crl, 'last_update').isoformat(), 'next': utc(crl, 'next_update').isoformat()}))
`;

function pycaRead(crlPath: string): { entries: [string, string, number | null][]; number: number; delta: number | null; last: string; next: string } {
  const r = run('python3', ['-c', PYCA_READ, crlPath]);
  if (r.code !== 0) throw new Error(`pyca failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const ourEntries = (der: Buffer): [string, string, number | null][] =>
  [...crlEntries(parseCrl(der))].map((e) => [e.serial.replace(/^0+(?=.)/, ''), e.revocationDate.toISOString(), e.reason ?? null]);

describe('CRL builder interop', () => {
  const combos: [KeyAlg, CrlHash][] = [];
  for (const alg of ['RSA2048', 'RSA4096', 'EC256', 'EC384'] as KeyAlg[]) for (const h of ['SHA256', 'SHA384', 'SHA512'] as CrlHash[]) combos.push([alg, h]);

  it.each(combos)('%s with %s: openssl crl -verify accepts it; openssl and pyca read the same entries', (alg, hash) => {
    const ca = makeCa(alg);
    // A tiny chunk size forces entries across many chunks: the streamed hash must still be right.
    const der = build(ca, MIXED, { hash, crlNumber: 42n, chunkSize: 64 });
    const crlPath = file(`${alg}-${hash}.crl`, der);
    const caPath = file(`${alg}-${hash}-ca.pem`, pem('CERTIFICATE', ca.der));
    const v = run('openssl', ['crl', '-in', crlPath, '-inform', 'DER', '-noout', '-CAfile', caPath, '-verify']);
    expect(v.code).toBe(0);
    expect(v.stderr + v.stdout).toContain('verify OK');
    const expected = MIXED.map((e) => [e.serial.toString(16).toUpperCase(), e.revokedAt.toISOString(), e.reason ?? null]);
    const fromOpenssl = opensslEntries(crlPath).map(([s, d, r]) => [s.replace(/^0+(?=.)/, ''), d, r]);
    const fromPyca = pycaRead(crlPath);
    expect(fromOpenssl).toEqual(expected);
    expect(fromPyca.entries).toEqual(expected);
    expect(ourEntries(der)).toEqual(expected);
    expect(fromPyca.number).toBe(42);
    expect(fromPyca.delta).toBeNull();
    expect(fromPyca.last).toBe('2025-06-01T00:00:00+00:00');
    expect(fromPyca.next).toBe('2025-06-08T00:00:00+00:00');
    const sigName = openssl(['crl', '-in', crlPath, '-inform', 'DER', '-noout', '-text']).match(/Signature Algorithm: (\S+)/)![1];
    expect(sigName!.toLowerCase()).toContain(hash.toLowerCase());
    expect(verifyCrl(parseCrl(der), parseCertificate(ca.der))).toEqual({ valid: true, reasons: [] });
  });

  it('openssl verify -crl_check rejects the revoked certificate and accepts the other', () => {
    const ca = makeCa('EC256');
    const revoked = issue({ cn: 'revoked.example.com', issuer: ca, key: key('EC256', 1) });
    const good = issue({ cn: 'good.example.com', issuer: ca, key: key('EC256', 1) });
    const revokedSerial = parseCertificate(revoked.der).serial;
    const der = build(ca, [...MIXED, { serial: BigInt('0x' + revokedSerial), revokedAt: new Date('2025-05-15T00:00:00Z'), reason: 1 }]);
    const crlPem = file('chk.crl.pem', pem('X509 CRL', der));
    const caPath = file('chk-ca.pem', pem('CERTIFICATE', ca.der));
    const at = String(REF.getTime() / 1000 + 3600);
    const bad = run('openssl', ['verify', '-attime', at, '-crl_check', '-CAfile', caPath, '-CRLfile', crlPem, file('revoked.pem', pem('CERTIFICATE', revoked.der))]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/certificate revoked/);
    const ok = run('openssl', ['verify', '-attime', at, '-crl_check', '-CAfile', caPath, '-CRLfile', crlPem, file('good.pem', pem('CERTIFICATE', good.der))]);
    expect(ok.code).toBe(0);
    // ccmkit's own lookup agrees.
    const crl = parseCrl(der);
    const r = checkCertificate(crl, parseCertificate(revoked.der));
    expect(r.status).toBe('revoked');
    expect(r.status === 'revoked' && r.entry.reason).toBe(1);
    expect(checkCertificate(crl, parseCertificate(good.der)).status).toBe('good');
    // A certificate of another issuer gets no answer, never "good".
    expect(checkCertificate(crl, parseCertificate(issue({ cn: 'Other CA', ca: true, key: key('EC256', 3) }).der)).status).toBe('not-applicable');
  });

  it('builds a delta CRL that openssl and pyca read as delta of the base number', () => {
    const ca = makeCa('EC384');
    const der = build(ca, [{ serial: 5n, revokedAt: new Date('2025-05-20T00:00:00Z'), reason: 8 }], { crlNumber: 8n, base: 7n });
    const p = file('delta.crl', der);
    expect(openssl(['crl', '-in', p, '-inform', 'DER', '-noout', '-text'])).toMatch(/X509v3 Delta CRL Indicator: critical\s+7/);
    const py = pycaRead(p);
    expect(py.delta).toBe(7);
    expect(py.entries).toEqual([['5', '2025-05-20T00:00:00.000Z', 8]]);
    const crl = parseCrl(der);
    expect(crl.baseCrlNumber).toBe(7n);
    expect(crl.crlNumber).toBe(8n);
  });

  it('omits revokedCertificates when nothing is revoked (RFC 5280 5.1.2.6), and openssl accepts it', () => {
    const ca = makeCa('RSA2048');
    const der = build(ca, []);
    const p = file('empty.crl', der);
    expect(openssl(['crl', '-in', p, '-inform', 'DER', '-noout', '-text'])).toContain('No Revoked Certificates');
    const crl = parseCrl(der);
    expect(crl.revokedCount).toBe(0);
    expect(crl.problems).toEqual([]);
  });

  it('writes PEM in 64-column lines identical to encoding the joined DER', () => {
    const ca = makeCa('EC256');
    const c = parseCertificate(ca.der);
    const entries = Array.from({ length: 300 }, (_, i) => ({ serial: BigInt(i + 1), revokedAt: new Date(REF.getTime() - i * 1000), reason: i % 3 ? 1 : NO_REASON }));
    const b = buildCrl({ issuer: c.subject.der, authorityKeyId: Buffer.alloc(20, 1), signingKey: ca.key, hash: 'SHA256', thisUpdate: REF, nextUpdate: new Date(REF.getTime() + DAY * 7), crlNumber: 1n, revoked: revokedList(entries), chunkSize: 300 });
    expect(b.chunks.length).toBeGreaterThan(10);
    expect([...pemChunks('X509 CRL', b.chunks)].join('')).toBe(pem('X509 CRL', Buffer.concat(b.chunks)));
  });
});

describe('CRL parser', () => {
  it('finds entries by serial bytes and indexes duplicates', () => {
    const list = revokedList(MIXED);
    const idx = new SerialIndex(list);
    expect(idx.indexOf(Buffer.from([0x00, 0x80]))).toBe(2);
    expect(idx.indexOf(Buffer.from([0x80]))).toBe(-1);
    expect(idx.duplicates()).toEqual([]);
    const dup = new SerialIndex(revokedList([...MIXED, { serial: 0x1234n, revokedAt: REF }]));
    expect(dup.duplicates()).toEqual([[4, MIXED.length]]);
    const crl = parseCrl(build(makeCa('EC256'), MIXED));
    expect(findEntry(crl, Buffer.from([0x12, 0x34]))).toBe(4);
    expect(crlEntry(crl, 4).reason).toBe(4);
    expect(findEntry(crl, Buffer.from([0x12, 0x35]))).toBe(-1);
  });

  it('detects a tampered CRL and a CRL checked against the wrong CA', () => {
    const ca = makeCa('EC256');
    const der = build(ca, MIXED);
    const tampered = Buffer.from(der);
    const i = tampered.indexOf(Buffer.from([0x02, 0x02, 0x12, 0x34]));
    tampered[i + 3] = 0x35;
    const v = verifyCrl(parseCrl(tampered), parseCertificate(ca.der));
    expect(v.valid).toBe(false);
    expect(v.reasons.join()).toMatch(/signature/);
    const other = verifyCrl(parseCrl(der), parseCertificate(makeCa('EC256', 2).der));
    expect(other.valid).toBe(false);
  });

  it('refuses a CA whose keyUsage lacks cRLSign, and finds the CRL in PEM among other blocks', () => {
    const k = key('EC256', 4);
    const name: [string, string][] = [['CN', 'Signer Without cRLSign']];
    const noCrlSign = buildCertificate({
      serial: 7n, subject: name, issuer: name, notBefore: REF, notAfter: new Date(REF.getTime() + 365 * DAY),
      publicKey: k, signingKey: k, extensions: [basicConstraintsExt(true), keyUsageExt(['keyCertSign'])],
    });
    const der = build({ der: noCrlSign, key: k, name }, MIXED.slice(0, 2));
    const v = verifyCrl(parseCrl(der), parseCertificate(noCrlSign));
    expect(v.valid).toBe(false);
    expect(v.reasons).toEqual(['the CA certificate has keyUsage without cRLSign']);
    const bundle = Buffer.from(pem('CERTIFICATE', noCrlSign) + 'some text\n' + pem('X509 CRL', der));
    expect(crlDer(bundle).equals(der)).toBe(true);
    expect(() => crlDer(Buffer.from(pem('CERTIFICATE', noCrlSign)))).toThrow(/no X509 CRL PEM block \(found CERTIFICATE\)/);
    expect(() => crlDer(Buffer.from('hello'))).toThrow(/neither DER nor PEM/);
  });

  it.skipIf(!HAVE_CORPORA)('reads the pyca CRL corpus exactly as its manifest says (pyca_OK parses, pyca_FAIL is a clear error)', () => {
    const manifest = readFileSync(join(CORPORA, 'pyca/x509-parse-manifest.txt'), 'utf8');
    const rows = manifest.split('\n').filter((l) => l.startsWith('crl:custom/crl_'));
    expect(rows.length).toBeGreaterThanOrEqual(20);
    const dir = join(CORPORA, 'pyca/x509-custom');
    const listed = new Set(readdirSync(dir).filter((f) => f.startsWith('crl_')));
    let checked = 0;
    for (const row of rows) {
      const [id, pyca] = row.split(' ');
      const name = id!.slice('crl:custom/'.length);
      expect(listed.has(name)).toBe(true);
      const bytes = readFileSync(join(dir, name));
      let err: unknown;
      try {
        const crl = loadCrl({ bytes, source: name });
        for (const e of crlEntries(crl)) expect(e.revocationDate.getTime()).not.toBeNaN();
      } catch (e) {
        err = e;
      }
      if (pyca === 'pyca_OK') expect(err, name).toBeUndefined();
      else {
        expect(err, name).toBeInstanceOf(CcmError);
        expect((err as CcmError).message).toMatch(new RegExp(`^${name}: not a readable CRL: .{10,}`));
      }
      checked++;
    }
    expect(checked).toBe(rows.length);
  });

  it.skipIf(!HAVE_CORPORA)('reports the entry problems pyca raises lazily, and the corpus reasons match openssl', () => {
    const dir = join(CORPORA, 'pyca/x509-custom');
    const problems = (n: string): string[] => [...crlEntries(loadCrl({ bytes: readFileSync(join(dir, n)), source: n }))].flatMap((e) => e.problems);
    expect(problems('crl_dup_entry_ext.pem')).toContain('duplicate entry extension 2.5.29.21');
    expect(problems('crl_unsupported_reason.pem')).toContain('unsupported reasonCode 12');
    expect(problems('crl_md2_unknown_crit_entry_ext.pem')).toContain('unknown critical entry extension 1.2.3.4');
    expect(problems('crl_inval_cert_issuer_entry_ext.pem').join()).toMatch(/malformed entry extension 2\.5\.29\.29/);
    const p = join(dir, 'crl_all_reasons.pem');
    const derPath = file('all_reasons.der', crlDer(readFileSync(p)));
    expect(ourEntries(readFileSync(derPath)).map((e) => [e[0], e[2]])).toEqual(opensslEntries(derPath).map((e) => [e[0].replace(/^0+(?=.)/, ''), e[2]]));
    expect(loadCrl({ bytes: readFileSync(join(dir, 'crl_delta_crl_indicator.pem')), source: 'd' }).baseCrlNumber).toBeDefined();
  });

  it.skipIf(!HAVE_CORPORA)('verifies pyca valid_signature_crl against its certificate and refuses invalid_signature_crl', () => {
    const dir = join(CORPORA, 'pyca/x509-custom');
    const cert = (n: string): ReturnType<typeof parseCertificate> => parseCertificate(pemCert(join(dir, n)));
    const good = verifyCrl(loadCrl({ bytes: readFileSync(join(dir, 'valid_signature_crl.pem')), source: 'v' }), cert('valid_signature_cert.pem'));
    const bad = verifyCrl(loadCrl({ bytes: readFileSync(join(dir, 'invalid_signature_crl.pem')), source: 'i' }), cert('invalid_signature_cert.pem'));
    expect(good.reasons.filter((r) => r.startsWith('signature'))).toEqual([]);
    expect(bad.reasons.some((r) => r.startsWith('signature'))).toBe(true);
  });

  it('fuzz: mutated and truncated CRLs never throw anything but DerError, and never hang', () => {
    const base = build(makeCa('EC256'), MIXED, { base: 3n });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(base.length),
        (muts, cut) => {
          const b = Buffer.from(base.subarray(0, Math.max(1, cut)));
          for (const [pos, val] of muts) if (pos < b.length) b[pos] = val;
          try {
            const crl = parseCrl(b);
            for (const e of crlEntries(crl)) expect(typeof e.serial).toBe('string');
          } catch (e) {
            if (!(e instanceof DerError)) throw e;
          }
        },
      ),
      { numRuns: 3000, seed: 6 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const crl = parseCrl(Buffer.concat([Buffer.from([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff]), bytes]));
          expect(Array.from(crlEntries(crl)).length).toBe(crl.revokedCount);
        } catch (e) {
          if (!(e instanceof DerError)) throw e;
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

function pemCert(path: string): Buffer {
  const text = readFileSync(path, 'utf8');
  const b64 = text.split('-----')[2]!.replace(/\s+/g, '');
  return Buffer.from(b64, 'base64');
}
