import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CcmError, LocalCode } from '../../src/engine/errors.js';
import { modifiedUtf8, readJks, writeJks } from '../../src/engine/jks.js';
import { readPkcs12 } from '../../src/engine/pkcs12.js';
import { certsIn, expectCcm, keyIn, spkiOfKey, withPki, type PkiFiles } from '../helpers/keystores.js';
import { REF } from '../helpers/pki.js';
import { CORPORA, HAVE_CORPORA, openssl, run } from '../helpers/run.js';

const P = withPki();
const pkcs8 = (f: PkiFiles): Buffer => f.key.export({ type: 'pkcs8', format: 'der' });

function keytool(args: string[]): string {
  const r = run('keytool', args);
  if (r.code !== 0) throw new Error(`keytool ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Re-frames one of our v2 stores as version 1 (no "X.509" type strings) with a fresh integrity hash. */
function toVersion1(jks: Buffer, password: string): Buffer {
  const body = jks.subarray(0, jks.length - 20);
  const x509 = modifiedUtf8('X.509');
  const parts: Buffer[] = [];
  let last = 0;
  for (let i = body.indexOf(x509); i >= 0; i = body.indexOf(x509, last)) {
    parts.push(body.subarray(last, i));
    last = i + x509.length;
  }
  parts.push(body.subarray(last));
  const v1 = Buffer.concat(parts);
  v1.writeUInt32BE(1, 4);
  const pw = Buffer.from(password, 'utf16le').swap16();
  return Buffer.concat([v1, createHash('sha1').update(pw).update('Mighty Aphrodite').update(v1).digest()]);
}

describe('JKS writer', () => {
  it.each(['EC256', 'RSA2048'])('%s: keytool lists it, and keytool -importkeystore + openssl prove the key', (alg) => {
    const f = alg === 'EC256' ? P.ec : P.rsa;
    const jks = writeJks({ key: pkcs8(f), certificates: [f.leafDer, ...f.chainDers], password: 'changeit', alias: 'Shop', at: REF });
    const p = join(P.dir, `${alg}.jks`);
    writeFileSync(p, jks);
    const list = keytool(['-list', '-v', '-keystore', p, '-storepass', 'changeit']);
    expect(list).toContain('Keystore type: JKS');
    expect(list).toContain('Alias name: shop');
    expect(list).toContain('Entry type: PrivateKeyEntry');
    expect(list).toContain(`Certificate chain length: ${1 + f.chainDers.length}`);
    const p12 = join(P.dir, `${alg}-from-jks.p12`);
    keytool(['-importkeystore', '-noprompt', '-srckeystore', p, '-srcstoretype', 'JKS', '-srcstorepass', 'changeit', '-destkeystore', p12, '-deststoretype', 'PKCS12', '-deststorepass', 'changeit2']);
    const text = openssl(['pkcs12', '-in', p12, '-passin', 'pass:changeit2', '-nodes']);
    expect(spkiOfKey(keyIn(text))).toEqual(spkiOfKey(f.key));
    expect(certsIn(text)).toEqual([f.leafDer, ...f.chainDers]);
    // And our own PKCS#12 reader reads what Java wrote (PBES2 + HmacPBESHA256 in Java 17).
    const back = readPkcs12(readFileSync(p12), { password: 'changeit2' });
    expect(back.keys[0]!.der.length).toBeGreaterThan(0);
    expect(back.certificates.map((c) => c.der)).toContainEqual(f.leafDer);
  });

  it('round-trips through its own reader, v2 and v1', () => {
    const jks = writeJks({ key: pkcs8(P.ec), certificates: [P.ec.leafDer, ...P.ec.chainDers], password: 'pw', at: REF });
    for (const [store, version] of [[jks, 2], [toVersion1(jks, 'pw'), 1]] as const) {
      const r = readJks(store, { password: 'pw' });
      expect(r.version).toBe(version);
      expect(r.entries).toHaveLength(1);
      expect(r.entries[0]!.alias).toBe('tomcat');
      expect(r.entries[0]!.created).toEqual(REF);
      expect(r.entries[0]!.key).toEqual(pkcs8(P.ec));
      expect(r.entries[0]!.certificates).toEqual([P.ec.leafDer, ...P.ec.chainDers]);
    }
  });
});

describe('JKS / JCEKS reader on keytool-made stores', () => {
  let p12: string;
  beforeAll(() => {
    p12 = join(P.dir, 'src.p12');
    openssl(['pkcs12', '-export', '-in', P.rsa.all, '-inkey', P.rsa.keyFile, '-out', p12, '-passout', 'pass:storepw', '-name', 'web']);
  });

  it.each(['JKS', 'JCEKS', 'PKCS12'])('keytool -importkeystore -> %s reads back to the same key and chain', (type) => {
    const out = join(P.dir, `kt.${type.toLowerCase()}`);
    keytool(['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', out, '-deststoretype', type, '-deststorepass', 'storepw']);
    const bytes = readFileSync(out);
    let key: Buffer, certs: Buffer[];
    if (type === 'PKCS12') {
      const c = readPkcs12(bytes, { password: 'storepw' });
      key = c.keys[0]!.der;
      certs = c.certificates.map((x) => x.der);
    } else {
      const r = readJks(bytes, { password: 'storepw' });
      expect(r.format).toBe(type.toLowerCase());
      expect(r.entries[0]!.alias).toBe('web');
      if (type === 'JCEKS') expect(r.entries[0]!.protection).toMatch(/PBEWithMD5AndTripleDES/);
      key = r.entries[0]!.key!;
      certs = r.entries[0]!.certificates;
    }
    expect(spkiOfKey(createKey(key))).toEqual(spkiOfKey(P.rsa.key));
    expect(certs).toEqual([P.rsa.leafDer, ...P.rsa.chainDers]);
  });

  it('a JCEKS key with its own password: store opens, the key says "wrong password" until the key password is given', () => {
    const out = join(P.dir, 'keypass.jceks');
    keytool(['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', out, '-deststoretype', 'JCEKS', '-deststorepass', 'storepw', '-destkeypass', 'keypw1']);
    const bytes = readFileSync(out);
    expectCcm(() => readJks(bytes, { password: 'storepw' }), LocalCode.WRONG_PASSWORD, /Wrong password for key entry "web"/);
    const r = readJks(bytes, { password: 'storepw', keyPassword: 'keypw1' });
    expect(spkiOfKey(createKey(r.entries[0]!.key!))).toEqual(spkiOfKey(P.rsa.key));
  });

  it('skips JCEKS secret-key entries (walked over, never deserialised) and reads the entries around them', () => {
    const out = join(P.dir, 'secret.jceks');
    // A secret key first, then a key entry and a trusted certificate after it: the walker must find where it ends.
    keytool(['-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128', '-keystore', out, '-storetype', 'JCEKS', '-storepass', 'storepw', '-keypass', 'storepw']);
    keytool(['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', out, '-deststoretype', 'JCEKS', '-deststorepass', 'storepw']);
    keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', P.ec.root, '-keystore', out, '-storetype', 'JCEKS', '-storepass', 'storepw']);
    const listed = keytool(['-list', '-keystore', out, '-storetype', 'JCEKS', '-storepass', 'storepw']);
    expect(listed).toMatch(/aes, .*SecretKeyEntry/);
    const r = readJks(readFileSync(out), { password: 'storepw' });
    expect(r.secretKeys.map((k) => k.alias)).toEqual(['aes']);
    expect(r.entries.map((e) => [e.alias, e.kind]).sort()).toEqual([
      ['root', 'trusted-certificate'],
      ['web', 'private-key'],
    ]);
    expect(spkiOfKey(createKey(r.entries.find((e) => e.alias === 'web')!.key!))).toEqual(spkiOfKey(P.rsa.key));
    // A damaged serialised object is a clear error, never a crash or a hang (fuzzed over the object's bytes;
    // the integrity hash is recomputed so the walker, not the hash check, meets every mutation).
    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from([0xac, 0xed, 0x00, 0x05]));
    const pw = Buffer.from('storepw', 'utf16le').swap16();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (muts) => {
        const body = Buffer.from(bytes.subarray(0, bytes.length - 20));
        for (const [off, v] of muts) body[Math.min(body.length - 1, at + off)] = v;
        const store = Buffer.concat([body, createHash('sha1').update(pw).update('Mighty Aphrodite').update(body).digest()]);
        try {
          // Keys are not decrypted here (each JCEKS key costs 2 x 200,000 MD5 rounds): the walker is what is fuzzed.
          readJks(store, { password: 'storepw', decryptKeys: false });
        } catch (e) {
          if (!(e instanceof CcmError)) throw e;
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

function createKey(der: Buffer): Buffer {
  return Buffer.from(`-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`);
}

describe('pyjks corpus (store password 12345678, empty.* empty)', () => {
  const cases: [string, string, number, number][] = [
    // file, entry kind, entries, certificates of the first entry
    ['RSA1024.jks', 'private-key', 1, 1],
    ['RSA1024.jceks', 'private-key', 1, 1],
    ['RSA2048_3certs.jks', 'private-key', 1, 3],
    ['RSA2048_3certs.jceks', 'private-key', 1, 3],
    ['DSA2048.jks', 'private-key', 1, 1],
    ['3certs.jks', 'trusted-certificate', 3, 1],
    ['3certs.jceks', 'trusted-certificate', 3, 1],
    ['empty.jks', '', 0, 0],
    ['empty.jceks', '', 0, 0],
  ];
  it.skipIf(!HAVE_CORPORA).each(cases)('%s', (file, kind, n, certs) => {
    const bytes = readFileSync(join(CORPORA, 'pyjks', file));
    const pw = file.startsWith('empty') ? '' : '12345678';
    const r = readJks(bytes, { password: pw });
    expect(r.entries).toHaveLength(n);
    if (n) {
      expect(r.entries[0]!.kind).toBe(kind);
      expect(r.entries[0]!.certificates).toHaveLength(certs);
    }
    for (const e of r.entries.filter((x) => x.key)) {
      // The decrypted key belongs to the entry's first certificate (keytool would refuse otherwise).
      const pub = spkiOfKey(createKey(e.key!));
      const certPub = openssl(['x509', '-inform', 'DER', '-noout', '-pubkey'], { input: e.certificates[0]! });
      expect(pub.toString('base64')).toBe(certPub.replace(/-----[A-Z ]+-----|\s/g, ''));
    }
    if (!file.startsWith('empty')) expectCcm(() => readJks(bytes, { password: '1234567' }), LocalCode.WRONG_PASSWORD, /wrong password/i);
  });
});

describe('JKS bad input', () => {
  it('wrong password, truncation, duplicate aliases, garbage: clear CcmErrors', () => {
    const jks = writeJks({ key: pkcs8(P.ec), certificates: [P.ec.leafDer], password: 'pw', at: REF });
    expectCcm(() => readJks(jks, { password: 'nope' }), LocalCode.WRONG_PASSWORD, /wrong password/i);
    expectCcm(() => readJks(jks), LocalCode.PASSWORD_REQUIRED);
    for (const n of [3, 8, 20, 40, jks.length - 21]) expectCcm(() => readJks(jks.subarray(0, n), { password: 'pw' }), LocalCode.INPUT_UNRECOGNISED, /JKS|Java/);
    // Two entries with the same alias (case-insensitively): build a 2-entry store by hand.
    const body = jks.subarray(0, jks.length - 20);
    const entry = body.subarray(12);
    const two = Buffer.concat([body.subarray(0, 8), Buffer.from([0, 0, 0, 2]), entry, entry]);
    const pw = Buffer.from('pw', 'utf16le').swap16();
    const dup = Buffer.concat([two, createHash('sha1').update(pw).update('Mighty Aphrodite').update(two).digest()]);
    expectCcm(() => readJks(dup, { password: 'pw' }), LocalCode.INPUT_UNRECOGNISED, /alias "tomcat" twice/);
  });

  it('fuzz: mutated stores give a result or a CcmError (bounded)', () => {
    const jks = writeJks({ key: pkcs8(P.ec), certificates: [P.ec.leafDer, P.ec.chainDers[0]!], password: 'pw', at: REF });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat({ max: 64 }), (muts, cut) => {
        const m = Buffer.from(jks.subarray(0, jks.length - cut));
        for (const [pos, v] of muts) m[pos % m.length] = v;
        // Mutations usually break the integrity hash: also read "unchecked" by recomputing it.
        const body = m.subarray(0, Math.max(0, m.length - 20));
        const pw = Buffer.from('pw', 'utf16le').swap16();
        const rehashed = Buffer.concat([body, createHash('sha1').update(pw).update('Mighty Aphrodite').update(body).digest()]);
        for (const b of [m, rehashed]) {
          try {
            readJks(b, { password: 'pw' });
          } catch (e) {
            if (!(e instanceof CcmError)) throw e;
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
