import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, exportJson, generatePassword, orderBag } from '../../src/engine/bundle.js';
import { CcmError } from '../../src/engine/errors.js';
import { readJks } from '../../src/engine/jks.js';
import { readPkcs12 } from '../../src/engine/pkcs12.js';
import { writeZip } from '../../src/service/zip.js';
import { certsIn, keyIn, spkiOfKey, withPki, type PkiFiles } from '../helpers/keystores.js';
import { REF, key } from '../helpers/pki.js';
import { ccmkit, openssl, run, unzipWithPython } from '../helpers/run.js';

const P = withPki();

let n = 0;
const fresh = (): string => {
  const d = join(P.dir, `out${n++}`);
  mkdirSync(d);
  return d;
};
const zipFiles = (p: string): Record<string, Buffer> => unzipWithPython(p);
const exportArgs = (f: PkiFiles): string[] => ['--certificate', f.leaf, '--certificate-chain', f.chain, '--private-key', f.keyFile];

describe('bundle engine', () => {
  it('lays out exactly CCM\'s file sets, with and without a key, with and without a password', () => {
    const base = { leaf: P.ec.leafDer, chain: P.ec.chainDers, at: REF };
    const names = (o: Partial<Parameters<typeof buildBundle>[0]>): string[] => buildBundle({ ...base, type: 'APACHE', ...o }).files.map((f) => f.name);
    expect(names({ type: 'APACHE', key: P.ec.key })).toEqual(['server.key', 'chain.crt', 'server.crt']);
    expect(names({ type: 'NGINX', key: P.ec.key })).toEqual(['server.key', 'server.crt']);
    expect(names({ type: 'IIS', key: P.ec.key })).toEqual(['server.pfx', 'keystorePass.txt']);
    expect(names({ type: 'TOMCAT', key: P.ec.key })).toEqual(['server.jks', 'keystorePass.txt']);
    expect(names({ type: 'OTHER', key: P.ec.key })).toEqual(['server.key', 'chain.pem', 'server.pem']);
    expect(names({ type: 'IIS', key: P.ec.key, password: 'user-pw' })).toEqual(['server.pfx']);
    expect(names({ type: 'TOMCAT', key: P.ec.key, password: 'user-pw' })).toEqual(['server.jks']);
    // Key-less (issued from a CSR), notes/ccm-api.md.
    expect(names({ type: 'APACHE' })).toEqual(['chain.crt', 'server.crt']);
    expect(names({ type: 'IIS' })).toEqual(['chain.crt', 'server.crt']);
    expect(names({ type: 'TOMCAT' })).toEqual(['chain.crt', 'server.crt']);
    expect(names({ type: 'NGINX' })).toEqual(['server.crt']);
    expect(names({ type: 'OTHER' })).toEqual(['chain.pem', 'cert.pem']);
  });

  it('NGINX server.crt is leaf then chain; user password encrypts server.key with PBES2/AES-256-CBC', () => {
    const b = buildBundle({ type: 'NGINX', leaf: P.ec.leafDer, chain: P.ec.chainDers, key: P.ec.key, password: 'user-pw', at: REF });
    expect(certsIn(b.files[1]!.data.toString())).toEqual([P.ec.leafDer, ...P.ec.chainDers]);
    const keyText = b.files[0]!.data.toString();
    expect(keyText).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    const asn = openssl(['asn1parse'], { input: keyText });
    expect(asn).toContain('PBES2');
    expect(asn).toContain('hmacWithSHA256');
    expect(asn).toContain('aes-256-cbc');
    expect(spkiOfKey(createPrivateKey({ key: keyText, passphrase: 'user-pw' }))).toEqual(spkiOfKey(P.ec.key));
  });

  it('keystorePass.txt: CSPRNG password of at least 16 characters, different each time, that opens the store', () => {
    const a = buildBundle({ type: 'IIS', leaf: P.ec.leafDer, chain: P.ec.chainDers, key: P.ec.key, at: REF });
    const b = buildBundle({ type: 'TOMCAT', leaf: P.ec.leafDer, chain: P.ec.chainDers, key: P.ec.key, at: REF });
    const pa = a.files[1]!.data.toString();
    const pb = b.files[1]!.data.toString();
    expect(pa).toMatch(/^[A-Za-z0-9]{16,}$/);
    expect(pa).not.toBe(pb);
    expect(readPkcs12(a.files[0]!.data, { password: pa }).keys).toHaveLength(1);
    expect(readJks(b.files[0]!.data, { password: pb }).entries[0]!.alias).toBe('tomcat');
    // Uniform alphabet use over many draws (no character class missing).
    const many = Array.from({ length: 200 }, () => generatePassword()).join('');
    expect(new Set(many).size).toBe(62);
  });

  it('rejects a key that does not match the leaf with SCM.0014, and over-long passwords', () => {
    expect(() => buildBundle({ type: 'NGINX', leaf: P.ec.leafDer, chain: [], key: key('EC256'), at: REF })).toThrow(/does not match the private key/);
    expect(() => buildBundle({ type: 'IIS', leaf: P.ec.leafDer, chain: [], key: P.ec.key, password: 'x'.repeat(33), at: REF })).toThrow(/1 to 32 bytes/);
  });

  it('JSON body as CCM returns it: \\r\\n line breaks; IIS/TOMCAT undefined', () => {
    const j = exportJson('OTHER', P.ec.leafDer, P.ec.chainDers, P.ec.key);
    expect(j.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\r\n[\s\S]*\r\n-----END CERTIFICATE-----$/);
    expect(j.certificate).not.toMatch(/[^\r]\n/);
    expect(j.certificate_chain.split('-----BEGIN CERTIFICATE-----').length - 1).toBe(P.ec.chainDers.length);
    expect(j.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----\r\n[\s\S]*-----END EC PRIVATE KEY-----\r\n$/);
    expect(() => exportJson('IIS', P.ec.leafDer, [], P.ec.key)).toThrow(/no JSON .* export for type IIS/);
    expect(() => exportJson('TOMCAT', P.ec.leafDer, [], P.ec.key)).toThrow(CcmError);
  });

  it('orderBag: leaf by key match, then issuer by issuer, whatever the input order', () => {
    const shuffled = [P.ec.chainDers[1]!, P.ec.leafDer, P.ec.chainDers[0]!];
    const at = new Date(); // the openssl-made PKI is valid from now on
    const keyId = orderBag(undefined, [P.ec.leafDer], at).leaf.publicKey.id;
    const o = orderBag(keyId, shuffled, at);
    expect([o.leaf.der, ...o.chain.map((c) => c.der)]).toEqual([P.ec.leafDer, ...P.ec.chainDers]);
    const noKey = orderBag(undefined, shuffled, at);
    expect(noKey.leaf.der).toEqual(P.ec.leafDer);
    // An unrelated certificate is set aside, not exported.
    const other = orderBag(keyId, [...shuffled, P.rsa.chainDers[0]!], at);
    expect(other.unrelated.map((c) => c.der)).toEqual([P.rsa.chainDers[0]]);
  });
});

describe('ccmkit export', () => {
  it.each(['APACHE', 'NGINX', 'IIS', 'TOMCAT', 'OTHER'])('%s: writes <name>_<type>.zip with CCM\'s files, 0600, ordered chain', (type) => {
    const dir = fresh();
    const r = ccmkit(['export', '--type', type.toLowerCase(), '--certificate', P.ec.leaf, '--certificate-chain', P.ec.chain, '--private-key', P.ec.keyFile, '--name', 'shop', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const zip = join(dir, `shop_${type.toLowerCase()}.zip`);
    expect(readdirSync(dir)).toEqual([`shop_${type.toLowerCase()}.zip`]);
    expect(statSync(zip).mode & 0o777).toBe(0o600);
    const files = zipFiles(zip);
    // unzip -Z shows the 0600 the zip carries for key files.
    const z = run('python3', ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, oct(i.external_attr>>16 & 0o777))', zip]);
    for (const line of z.stdout.trim().split('\n')) {
      const [name, mode] = line.split(' ');
      expect(mode).toBe(/server\.(key|pfx|jks)|keystorePass/.test(name!) ? '0o600' : '0o644');
    }
    if (type === 'APACHE' || type === 'OTHER') {
      const chainName = type === 'APACHE' ? 'chain.crt' : 'chain.pem';
      expect(certsIn(files[chainName]!.toString())).toEqual(P.ec.chainDers);
    }
    if (type === 'IIS') {
      const pw = files['keystorePass.txt']!.toString();
      expect(pw.length).toBeGreaterThanOrEqual(16);
      const c = readPkcs12(files['server.pfx']!, { password: pw });
      expect(c.certificates.map((x) => x.der)).toEqual([P.ec.leafDer, ...P.ec.chainDers]);
    }
  });

  it('IIS: openssl pkcs12 -info and keytool -list read the PFX with keystorePass.txt; the key matches', () => {
    for (const f of [P.ec, P.rsa]) {
      for (const profile of ['legacy', 'modern']) {
        const dir = fresh();
        const r = ccmkit(['export', '--type', 'IIS', ...exportArgs(f), '--name', 'iis', '--pfx-profile', profile, '-o', dir]);
        expect(r.code, r.stderr).toBe(0);
        const files = zipFiles(join(dir, 'iis_iis.zip'));
        const pw = files['keystorePass.txt']!.toString();
        const pfx = join(dir, 'server.pfx');
        writeFileSync(pfx, files['server.pfx']!);
        const info = run('openssl', ['pkcs12', '-info', '-in', pfx, '-passin', `pass:${pw}`, '-nodes']);
        expect(info.code, info.stderr).toBe(0);
        expect(info.stderr).toContain(profile === 'legacy' ? 'MAC: sha1, Iteration 2048' : 'MAC: sha256, Iteration 2048');
        expect(spkiOfKey(keyIn(info.stdout))).toEqual(spkiOfKey(f.key));
        expect(certsIn(info.stdout)).toEqual([f.leafDer, ...f.chainDers]);
        const kt = run('keytool', ['-list', '-v', '-keystore', pfx, '-storetype', 'PKCS12', '-storepass', pw]);
        expect(kt.code, kt.stdout + kt.stderr).toBe(0);
        expect(kt.stdout).toContain('Entry type: PrivateKeyEntry');
        expect(kt.stdout).toContain(`Certificate chain length: ${1 + f.chainDers.length}`);
      }
    }
  });

  it('an output password: encrypted server.key and no keystorePass.txt; --format json prints CCM\'s body', () => {
    const dir = fresh();
    expect(ccmkit(['export', '--type', 'APACHE', ...exportArgs(P.rsa), '--name', 'p', '-o', dir], { env: { ...process.env, CCMKIT_OUT_PASSWORD: 'S3cret!' } }).code).toBe(0);
    const files = zipFiles(join(dir, 'p_apache.zip'));
    expect(Object.keys(files)).toEqual(['server.key', 'chain.crt', 'server.crt']);
    expect(spkiOfKey(createPrivateKey({ key: files['server.key']!.toString(), passphrase: 'S3cret!' }))).toEqual(spkiOfKey(P.rsa.key));
    const j = ccmkit(['export', '--type', 'NGINX', ...exportArgs(P.rsa), '--format', 'json']);
    expect(j.code).toBe(0);
    const body = JSON.parse(j.stdout) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['certificate', 'certificate_chain', 'private_key']);
    expect(body.private_key).toContain('BEGIN RSA PRIVATE KEY-----\r\n');
    const iis = ccmkit(['export', '--type', 'IIS', ...exportArgs(P.rsa), '--format', 'json', '--json']);
    expect(iis.code).toBe(1);
    expect(JSON.parse(iis.stdout).error_msg).toMatch(/no JSON .* export for type IIS/);
  });

  it('--from-export: SCM (entire_certificate) and PCA bodies, key-less sets, unordered chains', () => {
    const dir = fresh();
    const pem = (d: Buffer): string => `-----BEGIN CERTIFICATE-----\r\n${d.toString('base64').replace(/.{64}/g, '$&\r\n')}\r\n-----END CERTIFICATE-----`;
    const scm = {
      entire_certificate: [P.ec.leafDer, ...P.ec.chainDers].map(pem).join('\r\n'),
      certificate: pem(P.ec.leafDer),
      certificate_chain: [...P.ec.chainDers].reverse().map(pem).join('\r\n'),
      private_key: readFileSync(P.ec.keyFile, 'utf8').replace(/\n/g, '\r\n'),
    };
    writeFileSync(join(dir, 'scm.json'), JSON.stringify(scm));
    expect(ccmkit(['export', '--type', 'OTHER', '--from-export', join(dir, 'scm.json'), '--name', 's', '-o', dir]).code).toBe(0);
    const files = zipFiles(join(dir, 's_other.zip'));
    expect(certsIn(files['chain.pem']!.toString())).toEqual(P.ec.chainDers);
    // PCA key-less export (certificate issued from a CSR): only entire_certificate.
    writeFileSync(join(dir, 'pca.json'), JSON.stringify({ entire_certificate: scm.entire_certificate }));
    expect(ccmkit(['export', '--type', 'TOMCAT', '--from-export', join(dir, 'pca.json'), '--name', 'k', '-o', dir]).code).toBe(0);
    expect(Object.keys(zipFiles(join(dir, 'k_tomcat.zip')))).toEqual(['chain.crt', 'server.crt']);
  });

  it('bad input leaves nothing behind: key mismatch, existing zip, wrong key password', () => {
    const dir = fresh();
    const other = join(dir, 'other.key');
    writeFileSync(other, key('EC256').export({ type: 'pkcs8', format: 'pem' }));
    const r = ccmkit(['export', '--type', 'IIS', '--certificate', P.ec.leaf, '--private-key', other, '-o', dir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error_code).toBe('SCM.0014');
    expect(readdirSync(dir)).toEqual(['other.key']);
    const z = ccmkit(['export', '--type', 'IIS', ...exportArgs(P.ec), '--name', 'x', '-o', dir]);
    expect(z.code).toBe(0);
    const before = readFileSync(join(dir, 'x_iis.zip'));
    const again = ccmkit(['export', '--type', 'IIS', ...exportArgs(P.ec), '--name', 'x', '-o', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(join(dir, 'x_iis.zip'))).toEqual(before);
    const enc = join(dir, 'enc.key');
    writeFileSync(enc, P.ec.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'kp' }));
    const wrong = ccmkit(['export', '--type', 'NGINX', '--certificate', P.ec.leaf, '--private-key', enc, '--passphrase', 'nope', '--name', 'w', '-o', dir]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong password/i);
    expect(readdirSync(dir).sort()).toEqual(['enc.key', 'other.key', 'x_iis.zip']);
    expect(ccmkit(['export', '--type', 'NGINX', '--certificate', P.ec.leaf, '--private-key', enc, '--passphrase', 'kp', '--name', 'w', '-o', dir]).code).toBe(0);
  });

  it('usage errors exit 2', () => {
    expect(ccmkit(['export', '--certificate', P.ec.leaf]).code).toBe(2);
    expect(ccmkit(['export', '--type', 'WEBLOGIC', '--certificate', P.ec.leaf]).code).toBe(2);
    expect(ccmkit(['export', '--type', 'NGINX', '--certificate', P.ec.leaf, '--pfx-profile', 'modern']).code).toBe(2);
    expect(ccmkit(['export', '--help']).stdout).toContain('Exit codes');
  });
});

describe('--at: the instant export and convert check validity at', () => {
  it('a certificate valid at --at exports silently; 20 years on it warns EXPIRED; the zip entries carry --at', () => {
    const at = REF.toISOString().replace('.000', '');
    const later = new Date(REF.getTime() + 20 * 365 * 86400_000).toISOString();
    const d1 = fresh();
    const ok = ccmkit(['export', '--type', 'NGINX', ...exportArgs(P.ec), '--name', 'at', '-o', d1, '--at', at, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { warnings: string[] }).warnings).toEqual([]);
    const dt = run('python3', ['-c', 'import sys,zipfile\nprint(set(i.date_time[:3] for i in zipfile.ZipFile(sys.argv[1]).infolist()))', join(d1, 'at_nginx.zip')]);
    expect(dt.stdout.trim()).toBe(`{(${REF.getUTCFullYear()}, ${REF.getUTCMonth() + 1}, ${REF.getUTCDate()})}`);
    const old = ccmkit(['export', '--type', 'NGINX', ...exportArgs(P.ec), '--name', 'at', '-o', fresh(), '--at', later]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toMatch(/EXPIRED on/);
    const conv = ccmkit(['convert', P.ec.leaf, P.ec.chain, P.ec.keyFile, '--to', 'scm-import', '--name', 'at-later', '--at', later]);
    // The body is checked as SCM would check it: expired at --at is SCM.0042, exit 1.
    expect(conv.code, conv.stderr).toBe(1);
    expect(conv.stderr).toMatch(/SCM\.0042: The certificate expired/);
    const bad = ccmkit(['export', '--type', 'NGINX', ...exportArgs(P.ec), '-o', fresh(), '--at', 'yesterday']);
    expect(bad.code).toBe(2);
  });
});

describe('ccmkit convert', () => {
  const expectSame = (body: Record<string, string>, f: PkiFiles): void => {
    expect(certsIn(body.certificate!)).toEqual([f.leafDer]);
    expect(certsIn(body.certificate_chain!)).toEqual(f.chainDers);
    expect(spkiOfKey(body.private_key!)).toEqual(spkiOfKey(f.key));
  };

  it.each([
    ['openssl pkcs12 -export (default)', []],
    ['openssl pkcs12 -export -legacy', ['-legacy']],
  ])('%s -> scm-import body with the same key and ordered chain', (_n, extra) => {
    for (const f of [P.ec, P.rsa]) {
      const p = join(P.dir, `c${n++}.pfx`);
      // Certificates in reverse order on purpose.
      const rev = join(P.dir, `rev${n++}.pem`);
      writeFileSync(rev, readFileSync(f.all, 'utf8').split(/(?=-----BEGIN)/).reverse().join(''));
      openssl(['pkcs12', '-export', '-in', rev, '-inkey', f.keyFile, '-out', p, '-passout', 'pass:pw', ...extra]);
      const r = ccmkit(['convert', p, '--passphrase', 'pw', '--to', 'scm-import', '--name', 'shop']);
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as Record<string, string>;
      expect(body.name).toBe('shop');
      expectSame(body, f);
    }
  });

  it('keytool JKS and PKCS12 -> same key and chain', () => {
    const p12 = join(P.dir, 'kt-src.p12');
    openssl(['pkcs12', '-export', '-in', P.rsa.all, '-inkey', P.rsa.keyFile, '-out', p12, '-passout', 'pass:storepw', '-name', 'web']);
    for (const type of ['JKS', 'PKCS12']) {
      const out = join(P.dir, `kt-conv.${type}`);
      const k = run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', out, '-deststoretype', type, '-deststorepass', 'storepw']);
      expect(k.code, k.stderr).toBe(0);
      const r = ccmkit(['convert', out, '--passphrase', 'storepw', '--to', 'scm-import', '--name', 'web']);
      expect(r.code, r.stderr).toBe(0);
      expectSame(JSON.parse(r.stdout), P.rsa);
    }
    // A JKS whose key has its own password: refused without it, converted with --key-passphrase.
    const kp = join(P.dir, 'kt-keypass.jks');
    expect(run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', 'storepw', '-destkeystore', kp, '-deststoretype', 'JKS', '-deststorepass', 'storepw', '-destkeypass', 'keypw1']).code).toBe(0);
    const no = ccmkit(['convert', kp, '--passphrase', 'storepw', '--to', 'scm-import', '--name', 'web']);
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/Wrong password for key entry "web"/);
    const yes = ccmkit(['convert', kp, '--passphrase', 'storepw', '--key-passphrase', 'keypw1', '--to', 'scm-import', '--name', 'web']);
    expect(yes.code, yes.stderr).toBe(0);
    expectSame(JSON.parse(yes.stdout), P.rsa);
  });

  it('CCM zips round-trip (keystorePass.txt used), --to pem writes 0600 key', () => {
    for (const type of ['IIS', 'TOMCAT', 'APACHE', 'NGINX', 'OTHER']) {
      const dir = fresh();
      expect(ccmkit(['export', '--type', type, ...exportArgs(P.ec), '--name', 'z', '-o', dir]).code).toBe(0);
      const out = join(dir, 'pem');
      const r = ccmkit(['convert', join(dir, `z_${type.toLowerCase()}.zip`), '--to', 'pem', '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['chain.crt', 'server.crt', 'server.key']);
      expect(statSync(join(out, 'server.key')).mode & 0o777).toBe(0o600);
      expect(certsIn(readFileSync(join(out, 'server.crt'), 'utf8'))).toEqual([P.ec.leafDer]);
      expect(certsIn(readFileSync(join(out, 'chain.crt'), 'utf8'))).toEqual(P.ec.chainDers);
      expect(spkiOfKey(readFileSync(join(out, 'server.key'), 'utf8'))).toEqual(spkiOfKey(P.ec.key));
    }
  });

  it('PEM bags in any order, and export JSON, -o FILE at 0600', () => {
    const out = join(fresh(), 'import.json');
    const r = ccmkit(['convert', P.ec.keyFile, P.ec.chain, P.ec.leaf, '--to', 'scm-import', '--name', 'bag', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expectSame(JSON.parse(readFileSync(out, 'utf8')), P.ec);
    // The body convert writes is one SCM import accepts.
    const pre = ccmkit(['validate', 'scm-import', '--json', out]);
    expect(JSON.parse(pre.stdout), pre.stderr).toMatchObject({ valid: true, status: 200 });
    // A CCM export body (JSON-escaped \r\n PEM, chain root first) converts the same way.
    const json = join(P.dir, 'export-body.json');
    const crlf = (t: string): string => t.replace(/\n/g, '\r\n');
    writeFileSync(json, JSON.stringify({ certificate: crlf(readFileSync(P.ec.leaf, 'utf8')), certificate_chain: crlf(readFileSync(P.ec.chain, 'utf8').split(/(?=-----BEGIN)/).reverse().join('')), private_key: crlf(readFileSync(P.ec.keyFile, 'utf8')) }));
    const j = ccmkit(['convert', json, '--to', 'scm-import', '--name', 'fromjson']);
    expect(j.code, j.stderr).toBe(0);
    expectSame(JSON.parse(j.stdout), P.ec);
    // SCM's own limits: name format (SCM.0032), no key (SCM.0059).
    const badName = ccmkit(['convert', P.ec.all, P.ec.keyFile, '--to', 'scm-import', '--name', 'a b', '--json']);
    expect(badName.code).toBe(1);
    expect(JSON.parse(badName.stdout).error_code).toBe('SCM.0032');
    const noKey = ccmkit(['convert', P.ec.all, '--to', 'scm-import', '--name', 'nokey', '--json']);
    expect(noKey.code).toBe(1);
    expect(JSON.parse(noKey.stdout).error_code).toBe('SCM.0059');
  });

  it('refuses zip-slip entries, corrupt zips, wrong passwords, corrupt keystores; writes nothing', () => {
    const dir = fresh();
    // A zip made by Python's zipfile (an independent writer) with a ../ entry.
    const slip = join(dir, 'slip.zip');
    run('python3', ['-c', `import zipfile\nz=zipfile.ZipFile(${JSON.stringify(slip)},'w')\nz.writestr('server.crt', open(${JSON.stringify(P.ec.leaf)}).read())\nz.writestr('../../evil.key', 'x')\nz.close()`]);
    const out = join(dir, 'pem');
    const s = ccmkit(['convert', slip, '--to', 'pem', '-o', out, '--json']);
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout).error_msg).toMatch(/zip slip/);
    expect(existsSync(out)).toBe(false);
    // Truncated zip.
    const good = writeZip([{ name: 'server.crt', data: readFileSync(P.ec.leaf) }], REF);
    writeFileSync(join(dir, 'trunc.zip'), good.subarray(0, good.length - 10));
    const t = ccmkit(['convert', join(dir, 'trunc.zip'), '--to', 'pem', '-o', out]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/not a readable zip/);
    // Wrong PFX password; truncated PFX; MAC failure.
    const pfx = join(dir, 'a.pfx');
    openssl(['pkcs12', '-export', '-in', P.ec.all, '-inkey', P.ec.keyFile, '-out', pfx, '-passout', 'pass:pw']);
    const w = ccmkit(['convert', pfx, '--passphrase', 'bad', '--to', 'pem', '-o', out]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/Wrong password/);
    expect(w.stderr).not.toMatch(/MAC error/);
    const bytes = readFileSync(pfx);
    writeFileSync(join(dir, 'cut.pfx'), bytes.subarray(0, 300));
    const c = ccmkit(['convert', join(dir, 'cut.pfx'), '--passphrase', 'pw', '--to', 'pem', '-o', out]);
    expect(c.code).toBe(1);
    expect(c.stderr).not.toMatch(/at .*\.js/);
    // A JKS with a flipped byte: the integrity check fails.
    expect(ccmkit(['export', '--type', 'TOMCAT', ...exportArgs(P.ec), '--name', 't', '--out-password', 'storepw', '-o', dir]).code).toBe(0);
    const jks = zipFiles(join(dir, 't_tomcat.zip'))['server.jks']!;
    jks[100] = jks[100]! ^ 1;
    writeFileSync(join(dir, 'bad.jks'), jks);
    const j = ccmkit(['convert', join(dir, 'bad.jks'), '--passphrase', 'storepw', '--to', 'pem', '-o', out]);
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/integrity hash/);
    expect(existsSync(out)).toBe(false);
    // Two different keys in the input.
    const two = ccmkit(['convert', P.ec.all, P.ec.keyFile, P.rsa.keyFile, '--to', 'pem', '-o', out]);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/2 different private keys/);
    expect(existsSync(out)).toBe(false);
  });
});
