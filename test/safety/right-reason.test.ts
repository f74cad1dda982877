// Issue 10, item 4: the reason given must be the real one. A legacy-encrypted
// key (PBES1 MD5-DES...) opened with the right password is an unsupported
// scheme, not a wrong password; a negative serial is shown as openssl shows it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serialHex } from '../../src/engine/certificate.js';
import { ccmkit, openssl, run, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-reason-');
afterAll(tmp.cleanup);
const p = (n: string): string => join(tmp.dir, n);
openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p('plain.key')]);
writeFileSync(p('pw.txt'), 'secret\n');
writeFileSync(p('wrong.txt'), 'not-it\n');

/** Encrypts plain.key with a legacy scheme; false when this openssl has no legacy provider. */
function legacy(name: string, args: string[]): boolean {
  return run('openssl', [...args, '-in', p('plain.key'), '-passout', 'pass:secret', '-provider', 'legacy', '-provider', 'default', '-out', p(name)]).code === 0;
}
const SCHEMES: [string, string[], RegExp][] = [
  ['md5-des.key', ['pkcs8', '-topk8', '-v1', 'PBE-MD5-DES'], /pbeWithMD5AndDES-CBC/],
  ['sha1-rc2.key', ['pkcs8', '-topk8', '-v1', 'PBE-SHA1-RC2-64'], /pbeWithSHA1AndRC2-CBC/],
  ['pbes2-des.key', ['pkcs8', '-topk8', '-v2', 'des-cbc'], /PBES2\/PBKDF2\/DES-CBC/],
  ['legacy-pem-des.key', ['ec', '-des'], /legacy PEM encryption \(DES-CBC\)/],
];
const made = SCHEMES.filter(([name, args]) => legacy(name, args));

describe('legacy encryption: unsupported scheme, not wrong password', () => {
  it.skipIf(made.length === 0).each(made)('%s with the right password', (name, _args, scheme) => {
    for (const cmd of [['inspect', '--json'], ['key', 'match', '--json']]) {
      const r = ccmkit([...cmd, '--passphrase-file', p('pw.txt'), p(name)]);
      expect(r.code).toBe(1);
      const err = JSON.parse(r.stdout).errors[0];
      expect(err.error_code).toBe('CCMKIT.0007');
      expect(err.error_msg).toMatch(scheme);
      expect(err.error_msg).not.toMatch(/wrong password/i);
    }
  });

  it('a supported scheme with a wrong password is still "wrong password"', () => {
    openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', p('plain.key'), '-passout', 'pass:secret', '-out', p('aes.key')]);
    const r = ccmkit(['inspect', '--json', '--passphrase-file', p('wrong.txt'), p('aes.key')]);
    expect(JSON.parse(r.stdout).errors[0].error_code).toBe('CCMKIT.0006');
    const ok = ccmkit(['inspect', '--json', '--passphrase-file', p('pw.txt'), p('aes.key')]);
    expect(ok.code).toBe(0);
  });
});

describe('negative serials as openssl prints them', () => {
  it.each(['-5', '-128', '-0x1234567890abcdef12', '255'])('serial %s: inspect text and JSON equal openssl x509 -serial', (serial) => {
    const cert = p(`serial${serial}.pem`);
    openssl(['req', '-x509', '-key', p('plain.key'), '-subj', '/CN=negative.example', '-days', '10', '-set_serial', serial, '-out', cert]);
    const want = openssl(['x509', '-in', cert, '-noout', '-serial']).trim().replace(/^serial=/, '');
    const j = JSON.parse(ccmkit(['inspect', '--json', cert]).stdout);
    expect(j.objects[0].serial).toBe(want);
    expect(ccmkit(['inspect', cert]).stdout).toMatch(new RegExp(`serial\\s+${want.replace('-', '\\-')}\\n`));
  });

  it('serialHex: two\'s complement DER to sign and magnitude', () => {
    expect(serialHex(Buffer.from([0xfb]))).toBe('-05');
    expect(serialHex(Buffer.from([0x80]))).toBe('-80');
    expect(serialHex(Buffer.from([0xff, 0x7f]))).toBe('-81');
    expect(serialHex(Buffer.from([0x00, 0xfb]))).toBe('FB');
    expect(serialHex(Buffer.from([0x05]))).toBe('05');
  });
});
