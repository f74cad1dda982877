// The files people really have (issue 11, "Inputs"): PKCS#7 bags, Windows/.NET
// BER PFX with duplicate bags, PBMAC1, zips with other files and ZIP64, JKS
// truststores without a password, JCEKS secret keys; and the per-command work
// budget (issue 10, item 12) and bounded JKS entries (item 13). Every input is
// made at test time by OpenSSL, keytool, Info-ZIP, Python, or built here and
// checked by one of them.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkBudget } from '../../src/engine/budget.js';
import { DerReader, Tag, explicit, integer, nullValue, octets, oid, readTlv, seq } from '../../src/engine/der.js';
import { CcmError, LocalCode } from '../../src/engine/errors.js';
import { classifyDer, readInput } from '../../src/engine/input.js';
import { modifiedUtf8, MAX_ENTRY_BYTES, readJks } from '../../src/engine/jks.js';
import { pbeEncrypt, pbePassword, pkcs12Kdf } from '../../src/engine/pbe.js';
import { readPkcs12 } from '../../src/engine/pkcs12.js';
import { readPkcs7, writePkcs7 } from '../../src/engine/pkcs7.js';
import { fixedSecrets, openInputs } from '../../src/service/open.js';
import { readZip, writeZip } from '../../src/service/zip.js';
import { certsIn, expectCcm, withPki, type PkiFiles } from '../helpers/keystores.js';
import { REF } from '../helpers/pki.js';
import { CORPORA, openssl, ROOT, run } from '../helpers/run.js';

const P = withPki();
const pkcs8 = (f: PkiFiles): Buffer => f.key.export({ type: 'pkcs8', format: 'der' });
const path = (n: string): string => join(P.dir, n);

/** `openssl pkcs12 -export` of a PKI set, with extra options. */
function pfxOf(f: PkiFiles, name: string, password: string, ...extra: string[]): string {
  const out = path(name);
  openssl(['pkcs12', '-export', '-inkey', f.keyFile, '-in', f.leaf, '-certfile', f.chain, '-passout', `pass:${password}`, ...extra, '-out', out]);
  return out;
}

function keytool(args: string[]): string {
  const r = run('keytool', args);
  if (r.code !== 0) throw new Error(`keytool ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Re-encodes a DER TLV tree with indefinite lengths everywhere (what Windows writes for PKCS#7 bags). */
function indefinite(der: Buffer, keepInside: (tag: number, depth: number) => boolean, depth = 0): Buffer {
  const parts: Buffer[] = [];
  for (let pos = 0; pos < der.length; ) {
    const t = readTlv(der, pos, der.length);
    const content = der.subarray(t.body, t.end);
    if ((t.tag & 0x20) && !keepInside(t.tag, depth)) parts.push(Buffer.from([t.tag, 0x80]), indefinite(content, keepInside, depth + 1), Buffer.from([0, 0]));
    else parts.push(der.subarray(t.start, t.end));
    pos = t.end;
  }
  return Buffer.concat(parts);
}

describe('PKCS#7 certificate bags (.p7b)', () => {
  it('reads what openssl crl2pkcs7 writes (PEM and DER, with a CRL); writes what openssl pkcs7 -print_certs reads, leaf first', () => {
    const f = P.ec;
    const crl = join(CORPORA, 'pyca/x509-custom/crl_all_reasons.pem');
    openssl(['crl2pkcs7', '-in', crl, '-certfile', f.all, '-out', path('bag.p7b')]);
    openssl(['pkcs7', '-in', path('bag.p7b'), '-outform', 'DER', '-out', path('bag.p7b.der')]);
    for (const file of ['bag.p7b', 'bag.p7b.der']) {
      const r = readInput(readFileSync(path(file)), file);
      expect(r.objects.map((o) => o.kind)).toEqual(['pkcs7']);
      const bag = readPkcs7(r.objects[0]!.der);
      expect(bag.certificates).toEqual([f.leafDer, ...f.chainDers]);
      expect(bag.crls).toHaveLength(1);
      expect(bag.signers).toBe(0);
    }
    writeFileSync(path('ours.p7b'), writePkcs7([f.leafDer, ...f.chainDers]));
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', path('ours.p7b'), '-print_certs']);
    expect(certsIn(printed)).toEqual([f.leafDer, ...f.chainDers]);
  });

  it('reads a BER bag (indefinite lengths) that OpenSSL reads too; garbage is a clear error', () => {
    const der = writePkcs7([P.rsa.leafDer, ...P.rsa.chainDers]);
    // Indefinite lengths around the certificates, never inside them (their signatures cover DER).
    const ber = indefinite(der, (_tag, depth) => depth >= 4);
    expect(ber.equals(der)).toBe(false);
    writeFileSync(path('ber.p7b'), ber);
    expect(certsIn(openssl(['pkcs7', '-inform', 'DER', '-in', path('ber.p7b'), '-print_certs']))).toEqual([P.rsa.leafDer, ...P.rsa.chainDers]);
    expect(classifyDer(ber)).toBe('pkcs7');
    expect(readPkcs7(ber).certificates).toEqual([P.rsa.leafDer, ...P.rsa.chainDers]);
    for (const n of [3, 20, ber.length - 1]) expectCcm(() => readPkcs7(ber.subarray(0, n)), LocalCode.INPUT_UNRECOGNISED, /PKCS#7/);
  });

  it('tolerates the zero octets Windows appends to its exports (dotnet/runtime#59212), and nothing else', () => {
    const p7 = writePkcs7([P.ec.leafDer, ...P.ec.chainDers]);
    const pfx = readFileSync(pfxOf(P.ec, 'padded-src.pfx', 'pw'));
    const pad = Buffer.alloc(4);
    writeFileSync(path('padded.p7b'), Buffer.concat([p7, pad]));
    // OpenSSL reads the padded bag too.
    expect(certsIn(openssl(['pkcs7', '-inform', 'DER', '-in', path('padded.p7b'), '-print_certs']))).toEqual([P.ec.leafDer, ...P.ec.chainDers]);
    expect(classifyDer(Buffer.concat([p7, pad]))).toBe('pkcs7');
    expect(readPkcs7(Buffer.concat([p7, pad])).certificates).toHaveLength(3);
    expect(classifyDer(Buffer.concat([pfx, pad]))).toBe('pkcs12');
    expect(readPkcs12(Buffer.concat([pfx, pad]), { password: 'pw' }).keys).toHaveLength(1);
    expect(classifyDer(Buffer.concat([p7, Buffer.from([0, 1])]))).toBeUndefined();
    expectCcm(() => readPkcs7(Buffer.concat([p7, Buffer.from([0, 1])])), LocalCode.INPUT_UNRECOGNISED, /trailing data/);
    expectCcm(() => readPkcs12(Buffer.concat([pfx, Buffer.from([7])]), { password: 'pw' }), LocalCode.INPUT_UNRECOGNISED, /trailing data/);
    // A certificate stays strict DER: padding is for containers only.
    expect(classifyDer(Buffer.concat([P.ec.leafDer, pad]))).toBeUndefined();
  });
});

describe('Windows/.NET PFX: BER and duplicate bags', () => {
  const berPfx = (src: string, name: string, legacy: boolean, ...args: string[]): string => {
    const out = path(name);
    const r = run('python3', [join(ROOT, 'test/helpers/ber_pfx.py'), src, out, 'pw', ...args]);
    if (r.code !== 0) throw new Error(r.stderr);
    // The judge: OpenSSL verifies the recomputed MAC and decrypts every bag of the BER file.
    openssl(['pkcs12', '-in', out, '-passin', 'pass:pw', '-nodes', '-noout', ...(legacy ? ['-legacy'] : [])]);
    return out;
  };

  it('reads BER PFX (indefinite lengths, strings chunked down to 7 bytes, chunked encryptedContent) as OpenSSL does', () => {
    for (const [profile, extra] of [['legacy', ['-legacy']], ['modern', []]] as const) {
      const src = pfxOf(P.rsa, `win-${profile}.pfx`, 'pw', ...extra);
      for (const chunk of ['1000', '7']) {
        const ber = readFileSync(berPfx(src, `win-${profile}-${chunk}.pfx`, profile === 'legacy', '--chunk', chunk));
        expect(ber[1]).toBe(0x80);
        expect(readInput(ber, 'x').objects.map((o) => o.kind)).toEqual(['pkcs12']);
        const c = readPkcs12(ber, { password: 'pw' });
        expect(c.keys.map((k) => k.der)).toEqual([pkcs8(P.rsa)]);
        expect(c.certificates.map((x) => x.der).sort(Buffer.compare)).toEqual([P.rsa.leafDer, ...P.rsa.chainDers].sort(Buffer.compare));
      }
    }
  });

  it('folds exact duplicate key and certificate bags into one, and says so', async () => {
    const src = pfxOf(P.ec, 'plain-certs.pfx', 'pw', '-certpbe', 'NONE');
    const dup = readFileSync(berPfx(src, 'dup.pfx', false, '--duplicate', '--chunk', '300'));
    const c = readPkcs12(dup, { password: 'pw' });
    expect(c.keys).toHaveLength(1);
    expect(c.certificates).toHaveLength(1 + P.ec.chainDers.length);
    expect(c.folded).toBe(1 + 1 + P.ec.chainDers.length);
    const o = await openInputs([{ name: 'dup.pfx', bytes: dup }], { secrets: fixedSecrets('pw') });
    expect(o.problems).toEqual([]);
    expect(o.objects.filter((x) => x.kind === 'private-key')).toHaveLength(1);
    expect(o.notes.join('\n')).toContain(`${c.folded} duplicate bag(s) folded`);
    expect(o.containers[0]!.entries.map((e) => [e.entry_type, e.certificates.length])).toEqual([['PrivateKeyEntry', 1 + P.ec.chainDers.length]]);
  });
});

// ---- PBMAC1 (RFC 9579) -----------------------------------------------------------

const HMAC_OID: Record<string, string> = { sha1: '1.2.840.113549.2.7', sha256: '1.2.840.113549.2.9', sha512: '1.2.840.113549.2.11' };

interface Pbmac1Opts {
  prf: 'sha1' | 'sha256' | 'sha512';
  mac: 'sha1' | 'sha256' | 'sha512';
  iterations?: number;
  keyLength?: number | null;
  /** Declare these parameters but compute the MAC with others (RFC 9579's negative examples). */
  computeWith?: { iterations?: number; salt?: Buffer };
  password?: string;
}

/** Replaces a DER PFX's MacData with a PBMAC1 one (RFC 9579 section 4), computed from first principles. */
function withPbmac1(pfx: Buffer, o: Pbmac1Opts): Buffer {
  const top = readTlv(pfx, 0, pfx.length);
  const r = DerReader.of(pfx, top);
  const version = r.next();
  const ci = r.next();
  const ciR = DerReader.of(pfx, ci);
  ciR.expect(Tag.OID, 'contentType');
  const os = ciR.enter(0xa0, 'content').expect(Tag.OCTET_STRING, 'authSafe');
  const authSafe = pfx.subarray(os.body, os.end);
  const salt = randomBytes(16);
  const iterations = o.iterations ?? 2048;
  const keyLength = o.keyLength === undefined ? 32 : o.keyLength;
  const key = pbkdf2Sync(Buffer.from(o.password ?? '1234', 'utf8'), o.computeWith?.salt ?? salt, o.computeWith?.iterations ?? iterations, keyLength ?? 32, o.prf);
  const mac = createHmac(o.mac, key).update(authSafe).digest();
  const kdfParams = seq(octets(salt), integer(iterations), ...(keyLength === null ? [] : [integer(keyLength)]), seq(oid(HMAC_OID[o.prf]!), nullValue()));
  const alg = seq(oid('1.2.840.113549.1.5.14'), seq(seq(oid('1.2.840.113549.1.5.12'), kdfParams), seq(oid(HMAC_OID[o.mac]!), nullValue())));
  // RFC 9579: macSalt and iterations stay in MacData but are ignored; its examples put "NOT USED" and 1 there.
  const macData = seq(seq(alg, octets(mac)), octets(Buffer.from('NOT USED')), integer(1));
  return seq(pfx.subarray(version.start, version.end), pfx.subarray(ci.start, ci.end), macData);
}

/**
 * Python's cryptography as the judge, when its OpenSSL implements RFC 9579
 * (3.4 or later; the pip wheels bundle one). Undefined when it cannot judge.
 */
const pycaJudges = ((): boolean => {
  const r = run('python3', ['-c', 'from cryptography.hazmat.backends.openssl import backend\nprint(backend.openssl_version_number())']);
  const ok = r.code === 0 && Number(r.stdout.trim()) >= 0x30400000;
  if (!ok) console.warn('PBMAC1: python3 cryptography has no OpenSSL >= 3.4 here; its verdicts are skipped, ccmkit\'s are still checked');
  return ok;
})();

function pycaLoads(file: string, password: string): boolean | undefined {
  if (!pycaJudges) return undefined;
  const r = run('python3', ['-c', 'import sys\nfrom cryptography.hazmat.primitives.serialization import pkcs12\npkcs12.load_key_and_certificates(open(sys.argv[1],"rb").read(), sys.argv[2].encode())', file, password]);
  return r.code === 0;
}

describe('PBMAC1 (RFC 9579)', () => {
  const base = (): Buffer => readFileSync(pfxOf(P.ec, 'pbmac1-base.pfx', '1234'));

  it('reads valid PBMAC1 files (SHA-256/SHA-256, SHA-512/SHA-256, SHA-512/SHA-512, as in the RFC) that OpenSSL accepts', () => {
    const b = base();
    for (const [prf, mac] of [['sha256', 'sha256'], ['sha512', 'sha256'], ['sha512', 'sha512']] as const) {
      const pfx = withPbmac1(b, { prf, mac });
      const file = path(`pbmac1-${prf}-${mac}.p12`);
      writeFileSync(file, pfx);
      expect(pycaLoads(file, '1234') ?? true, `${prf}/${mac}`).toBe(true);
      const c = readPkcs12(pfx, { password: '1234' });
      expect(c.mac!.hash).toBe(`PBMAC1/HMAC-${mac.toUpperCase().replace('SHA', 'SHA-')}/PBKDF2-${prf.toUpperCase().replace('SHA', 'SHA-')}`);
      expect(c.keys.map((k) => k.der)).toEqual([pkcs8(P.ec)]);
      expectCcm(() => readPkcs12(pfx, { password: 'wrong' }), LocalCode.WRONG_PASSWORD, /Wrong password/);
      expectCcm(() => readPkcs12(pfx, {}), LocalCode.PASSWORD_REQUIRED);
    }
  });

  it("rejects RFC 9579's negative examples for the right reason", () => {
    const b = base();
    const cases: [string, Pbmac1Opts, string, RegExp][] = [
      // The MAC was computed with another iteration count / salt than declared: the password is right, the file is not.
      ['bad-iter', { prf: 'sha256', mac: 'sha256', iterations: 2048, computeWith: { iterations: 2049 } }, LocalCode.INPUT_UNRECOGNISED, /MAC\) fails although the password decrypts the contents/],
      ['bad-salt', { prf: 'sha256', mac: 'sha256', computeWith: { salt: Buffer.alloc(16, 7) } }, LocalCode.INPUT_UNRECOGNISED, /MAC\) fails although the password decrypts the contents/],
      // keyLength is mandatory in PBMAC1 for PKCS#12.
      ['no-len', { prf: 'sha256', mac: 'sha256', keyLength: null }, LocalCode.INPUT_UNRECOGNISED, /lack the PBKDF2 keyLength, which RFC 9579 requires/],
      ['short-len', { prf: 'sha256', mac: 'sha256', keyLength: 8 }, LocalCode.INPUT_UNRECOGNISED, /keyLength of 8 bytes/],
    ];
    for (const [name, o, code, msg] of cases) {
      const pfx = withPbmac1(b, o);
      const file = path(`pbmac1-${name}.p12`);
      writeFileSync(file, pfx);
      if (name !== 'short-len') expect(pycaLoads(file, '1234') ?? false, `${name}: OpenSSL must refuse it too`).toBe(false);
      expectCcm(() => readPkcs12(pfx, { password: '1234' }), code, msg);
    }
  });
});

// ---- the work budget (issue 10, item 12) -----------------------------------------

describe('one key-derivation budget per command', () => {
  /** A PFX with `n` shrouded key bags at `iterations` (PKCS#12 PBE, 3DES) and a 1-iteration MAC. */
  function manyBags(n: number, iterations: number, password: string): Buffer {
    const pw = pbePassword(password);
    const bags: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const enc = pbeEncrypt('legacy', pkcs8(P.ec), pw, iterations, randomBytes);
      bags.push(seq(oid('1.2.840.113549.1.12.10.1.2'), explicit(0, seq(enc.alg, octets(enc.ciphertext)))));
    }
    const authSafe = seq(seq(oid('1.2.840.113549.1.7.1'), explicit(0, octets(seq(...bags)))));
    const salt = randomBytes(8);
    const mac = createHmac('sha1', pkcs12Kdf('sha1', pw.bmp, salt, 3, 1, 20)).update(authSafe).digest();
    return seq(integer(3), seq(oid('1.2.840.113549.1.7.1'), explicit(0, octets(authSafe))), seq(seq(seq(oid('1.3.14.3.2.26'), nullValue()), octets(mac)), octets(salt), integer(1)));
  }

  it('charges every bag of a file to one budget and refuses the bag that would overdraw it, before deriving', () => {
    // Eight bags of 40,000 iterations cost 8 x 120,000 units (key + IV = three SHA-1 blocks each).
    // Scaled down 100x from the eight 4M-round bags, with the budget scaled alike.
    const pfx = manyBags(8, 40_000, 'pw');
    const budget = new WorkBudget(500_000);
    expectCcm(() => readPkcs12(pfx, { password: 'pw', budget }), LocalCode.UNSUPPORTED, /PKCS#12 key bag: refused before deriving: it needs 120000 units .* only 19999 of this command's 500000 are left/);
    expect(budget.left).toBe(19_999);
    // The default budget (about 5 s) reads them all; seven exact duplicates are folded.
    const c = readPkcs12(pfx, { password: 'pw' });
    expect(c.keys).toHaveLength(1);
    expect(c.folded).toBe(7);
  });

  it('one budget spans every file and zip entry a command reads', async () => {
    const pfx = manyBags(2, 40_000, 'pw');
    const zip = writeZip(
      [1, 2, 3].map((i) => ({ name: `p${i}.pfx`, data: pfx })),
      REF,
    );
    const budget = new WorkBudget(600_000);
    const o = await openInputs([{ name: 'three.zip', bytes: zip }], { secrets: fixedSecrets('pw'), budget, needKeys: true });
    // Each PFX costs 1 + 2 x 120,000 units: two fit, the third is refused.
    expect(o.problems.map((p) => [p.source, p.error.code])).toEqual([['three.zip:p3.pfx#1', LocalCode.UNSUPPORTED]]);
    expect(o.problems[0]!.error.message).toMatch(/refused before deriving/);
    expect(o.objects.filter((x) => x.kind === 'private-key').map((x) => x.source)).toEqual(['three.zip:p1.pfx#1/key1', 'three.zip:p2.pfx#1/key1']);
  });
});

// ---- JKS: bounded entries, truststores, JCEKS secret keys --------------------------

describe('Java keystores', () => {
  it('refuses a 60 MB key entry before any decryption (entries are bounded like objects)', () => {
    const huge = 60 * 1024 * 1024;
    const alias = modifiedUtf8('big');
    const head = Buffer.alloc(12 + 4);
    head.writeUInt32BE(0xfeedfeed, 0);
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(1, 8);
    head.writeUInt32BE(1, 12);
    const lens = Buffer.alloc(8 + 4);
    lens.writeUInt32BE(huge, 8);
    const body = Buffer.concat([head, alias, lens, Buffer.alloc(huge, 0x41), Buffer.alloc(4)]);
    const pw = Buffer.from('changeit', 'utf16le').swap16();
    const jks = Buffer.concat([body, createHash('sha1').update(pw).update('Mighty Aphrodite').update(body).digest()]);
    expectCcm(() => readJks(jks, { password: 'changeit' }), LocalCode.INPUT_TOO_LARGE, new RegExp(`protected key of ${huge} bytes exceeds the ${MAX_ENTRY_BYTES}-byte limit`));
  });

  it('lists a truststore without its password, as keytool does, with integrity unchecked', async () => {
    const store = path('cacerts.jks');
    keytool(['-importcert', '-noprompt', '-alias', 'root-ec', '-file', P.ec.root, '-keystore', store, '-storetype', 'JKS', '-storepass', 'changeit']);
    keytool(['-importcert', '-noprompt', '-alias', 'root-rsa', '-file', P.rsa.root, '-keystore', store, '-storetype', 'JKS', '-storepass', 'changeit']);
    const listed = keytool(['-list', '-keystore', store, '-storetype', 'JKS']);
    expect(listed).toMatch(/has NOT been verified/);
    const o = await openInputs([{ name: 'cacerts', bytes: readFileSync(store) }]);
    expect(o.problems).toEqual([]);
    const c = o.containers[0]!;
    expect(c.integrity).toBe('unchecked');
    expect(c.notes.join(' ')).toMatch(/NOT been verified/);
    expect(c.entries.map((e) => [e.alias, e.entry_type]).sort()).toEqual([
      ['root-ec', 'trustedCertEntry'],
      ['root-rsa', 'trustedCertEntry'],
    ]);
    for (const alias of ['root-ec', 'root-rsa']) expect(listed).toContain(`${alias}, `);
    expect(o.objects.map((x) => x.der).sort(Buffer.compare)).toEqual([P.ec.chainDers.at(-1)!, P.rsa.chainDers.at(-1)!].sort(Buffer.compare));
    // With its password the integrity is verified; a command that needs keys gets no unchecked listing.
    const v = await openInputs([{ name: 'cacerts', bytes: readFileSync(store) }], { secrets: fixedSecrets('changeit') });
    expect(v.containers[0]!.integrity).toBe('verified');
    const k = await openInputs([{ name: 'cacerts', bytes: readFileSync(store) }], { needKeys: true });
    expect(k.problems.map((p) => p.error.code)).toEqual([LocalCode.PASSWORD_REQUIRED]);
  });
});

// ---- zips -------------------------------------------------------------------------

describe('zips through yauzl', () => {
  const zipOf = (name: string, files: Record<string, string | Buffer>, ...zipArgs: string[]): string => {
    const dir = path(`${name}.d`);
    run('mkdir', ['-p', dir]);
    for (const [n, d] of Object.entries(files)) {
      run('mkdir', ['-p', join(dir, n, '..')]);
      writeFileSync(join(dir, n), d);
    }
    const out = path(name);
    const r = run('sh', ['-c', `cd "${dir}" && zip -q -r ${zipArgs.join(' ')} "${out}" .`]);
    if (r.code !== 0) throw new Error(r.stderr);
    return out;
  };

  it('skips files that hold no PKI object (readme.txt, a jar manifest) and says so; reads the rest', async () => {
    const z = zipOf('mixed.zip', { 'readme.txt': 'Install server.crt on the web server.\n', 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'empty.txt': '', 'certs/server.crt': readFileSync(P.ec.leaf), 'certs/chain.crt': readFileSync(P.ec.chain) });
    const o = await openInputs([{ name: 'mixed.zip', bytes: readFileSync(z) }]);
    expect(o.problems).toEqual([]);
    expect(o.skipped.map((s) => s.source).sort()).toEqual(['mixed.zip:META-INF/MANIFEST.MF', 'mixed.zip:empty.txt', 'mixed.zip:readme.txt']);
    expect(o.notes.join('\n')).toMatch(/mixed\.zip:readme\.txt: skipped \(no certificate, key, CSR, CRL or keystore in it\)/);
    expect(o.objects.map((x) => x.der).sort(Buffer.compare)).toEqual([P.ec.leafDer, ...P.ec.chainDers].sort(Buffer.compare));
  });

  it('reads a jar (keystore inside, made by the JDK jar tool) and a ZIP64 archive (Info-ZIP zip -fz)', async () => {
    const store = path('in-jar.jks');
    keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', P.rsa.root, '-keystore', store, '-storetype', 'JKS', '-storepass', 'changeit']);
    const jarDir = path('jar.d');
    run('mkdir', ['-p', jarDir]);
    writeFileSync(join(jarDir, 'truststore.jks'), readFileSync(store));
    const jar = path('app.jar');
    expect(run('jar', ['cf', jar, '-C', jarDir, 'truststore.jks']).code).toBe(0);
    const j = await openInputs([{ name: 'app.jar', bytes: readFileSync(jar) }]);
    expect(j.problems).toEqual([]);
    expect(j.skipped.map((s) => s.source)).toContain('app.jar:META-INF/MANIFEST.MF');
    expect(j.objects.map((x) => x.der)).toEqual([P.rsa.chainDers.at(-1)!]);

    const z64 = zipOf('z64.zip', { 'server.crt': readFileSync(P.rsa.leaf) }, '-fz');
    const raw = readFileSync(z64);
    expect(raw.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // the ZIP64 end of central directory record
    expect(run('unzip', ['-t', z64]).code).toBe(0);
    expect((await readZip(raw, 'z64.zip')).map((e) => [e.name, e.data])).toEqual([['server.crt', readFileSync(P.rsa.leaf)]]);
  });

  it('keeps the old refusals: zip slip, symbolic links, duplicate names, encryption, lying sizes, too much data', async () => {
    const py = (name: string, code: string): Buffer => {
      const out = path(name);
      const r = run('python3', ['-c', `import zipfile\nz=zipfile.ZipFile(${JSON.stringify(out)},'w',zipfile.ZIP_DEFLATED)\n${code}\nz.close()`]);
      if (r.code !== 0) throw new Error(r.stderr);
      return readFileSync(out);
    };
    const refused = async (buf: Buffer, code: string, msg: RegExp): Promise<void> => {
      let err: unknown;
      try {
        await readZip(buf, 'z');
      } catch (e) {
        err = e;
      }
      expect(err, String(msg)).toBeInstanceOf(CcmError);
      expect((err as CcmError).code).toBe(code);
      expect((err as CcmError).message).toMatch(msg);
    };
    await refused(py('slip.zip', "z.writestr('../../etc/cron.d/x','a')"), LocalCode.INPUT_UNRECOGNISED, /zip slip/);
    await refused(py('slipdir.zip', "z.writestr('../up/','')"), LocalCode.INPUT_UNRECOGNISED, /zip slip/);
    await refused(py('dup.zip', "import warnings\nwarnings.simplefilter('ignore')\nz.writestr('a.crt','1')\nz.writestr('a.crt','2')"), LocalCode.INPUT_UNRECOGNISED, /appears twice/);
    const ln = path('ln.d');
    run('mkdir', ['-p', ln]);
    symlinkSync('/etc/passwd', join(ln, 'server.crt'));
    const lz = path('ln.zip');
    expect(run('sh', ['-c', `cd "${ln}" && zip -q -y "${lz}" server.crt`]).code).toBe(0);
    await refused(readFileSync(lz), LocalCode.INPUT_UNRECOGNISED, /symbolic link/);
    const ez = zipOf('enc.zip', { 'server.crt': 'x' }, '-P', 'secret');
    await refused(readFileSync(ez), LocalCode.UNSUPPORTED, /encrypted/);
    // An entry that inflates to more than it declares (a bomb in disguise): stopped at the declared size.
    const bomb = Buffer.from(py('bomb.zip', "z.writestr('big.crt', b'0' * 1000000)"));
    const cd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(1000, cd + 24); // central directory: uncompressed size
    bomb.writeUInt32LE(1000, 22); // local header: uncompressed size
    await refused(bomb, LocalCode.INPUT_UNRECOGNISED, /does not inflate|size or CRC/);
    // Honest sizes, too much in all: refused from the directory, before inflating.
    const big = zipOf('big.zip', { 'a.bin': Buffer.alloc(40 * 1024 * 1024), 'b.bin': Buffer.alloc(40 * 1024 * 1024) });
    await refused(readFileSync(big), LocalCode.INPUT_UNRECOGNISED, /more than 67108864 bytes uncompressed/);
  });
});

describe('hostile bytes', () => {
  it('fuzz: mutated PKCS#7 bags and PBMAC1 files give a result or a CcmError, never a crash', () => {
    const p7 = writePkcs7([P.ec.leafDer, ...P.ec.chainDers]);
    const pbm = withPbmac1(readFileSync(pfxOf(P.ec, 'fuzz-base.pfx', '1234')), { prf: 'sha256', mac: 'sha256', iterations: 1 });
    fc.assert(
      fc.property(fc.constantFrom(p7, pbm), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (b, muts) => {
        const m = Buffer.from(b);
        // Mutations land anywhere in the bag, and in the last 120 bytes of the PFX (its PBMAC1 MacData).
        for (const [pos, v] of muts) m[b === p7 ? pos % m.length : m.length - 1 - (pos % 120)] = v;
        try {
          if (b === p7) readPkcs7(m);
          else readPkcs12(m, { password: '1234' });
        } catch (e) {
          if (!(e instanceof CcmError)) throw e;
        }
      }),
      { numRuns: 300, seed: 23 },
    );
  });

  it('fuzz: the opener turns any mutation of a zip of containers into problems, never a throw', async () => {
    const zip = writeZip(
      [
        { name: 'a.p7b', data: writePkcs7([P.rsa.leafDer, ...P.rsa.chainDers]) },
        { name: 'b.pfx', data: readFileSync(pfxOf(P.ec, 'fuzz-zip.pfx', 'pw', '-iter', '1')) },
        { name: 'readme.txt', data: Buffer.from('hello') },
      ],
      REF,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), async (muts) => {
        const m = Buffer.from(zip);
        for (const [pos, v] of muts) m[pos % m.length] = v;
        const o = await openInputs([{ name: 'z.zip', bytes: m }], { secrets: fixedSecrets('pw'), needKeys: true });
        for (const p of o.problems) expect(p.error).toBeInstanceOf(CcmError);
      }),
      { numRuns: 200, seed: 29 },
    );
  });
});
