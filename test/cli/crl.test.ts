// `ccmkit crl build|inspect|check` through the real binary, judged by openssl.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { basicConstraintsExt, buildCertificate, keyUsageExt } from '../../src/engine/builder.js';
import { parseCertificate } from '../../src/engine/certificate.js';
import { issue, key, keyPem, pem, REF, type Issued } from '../helpers/pki.js';
import { ccmkit, tempDir, openssl, run, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-crl-cli-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const AT = '2025-06-01T00:00:00Z';

let ca: Issued;
let leafRevoked: Issued;
let leafGood: Issued;
let caPem: string;
let caKey: string;
let revokedSerial: string;

beforeAll(() => {
  ca = issue({ cn: 'CLI CRL CA', ca: true, key: key('EC256', 10) });
  leafRevoked = issue({ cn: 'revoked.example.com', issuer: ca, key: key('EC256', 11) });
  leafGood = issue({ cn: 'good.example.com', issuer: ca, key: key('EC256', 11) });
  caPem = f('ca.pem', pem('CERTIFICATE', ca.der));
  caKey = f('ca.key', keyPem(ca.key));
  f('revoked.pem', pem('CERTIFICATE', leafRevoked.der));
  f('good.pem', pem('CERTIFICATE', leafGood.der));
  revokedSerial = parseCertificate(leafRevoked.der).serial;
  // issue() gives every CA keyCertSign+cRLSign: this one is built by hand without cRLSign.
  const k = key('EC256', 13);
  const name: [string, string][] = [['CN', 'No CRL Sign CA']];
  const noCrlSign = buildCertificate({
    serial: 99n, subject: name, issuer: name, notBefore: new Date(REF.getTime() - 864e5), notAfter: new Date(REF.getTime() + 3650 * 864e5),
    publicKey: k, signingKey: k, extensions: [basicConstraintsExt(true), keyUsageExt(['keyCertSign'])],
  });
  f('nocrlsign.pem', pem('CERTIFICATE', noCrlSign));
  f('nocrlsign.key', keyPem(k));
  f('leaf.pem', pem('CERTIFICATE', leafGood.der));
  f('leaf.key', keyPem(leafGood.key));
  const rsa = issue({ cn: 'RSA3072 CA', ca: true, key: generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey });
  f('rsa3072.pem', pem('CERTIFICATE', rsa.der));
  f('rsa3072.key', keyPem(rsa.key));
});

const build = (extra: string[], revoked: string): ReturnType<typeof ccmkit> =>
  ccmkit(['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', revoked, '--crl-number', '3', '--valid-days', '7', '--at', AT, ...extra]);

describe('crl build / inspect / check', () => {
  it('builds a PEM CRL that openssl verifies, and inspect/check read it back with CCM names', () => {
    const csv = f('list.csv', `serial,revoked_at,reason\n${revokedSerial.match(/../g)!.join(':')},2025-05-20T08:00:00Z,KEY_COMPROMISE\n0FFF,1746057600000,\n`);
    const out = join(tmp.dir, 'a.crl');
    const r = build(['--out', out, '--json'], csv);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ crl_number: '3', revoked_count: 2, this_update: AT, next_update: '2025-06-08T00:00:00Z', format: 'PEM', signature_algorithm: 'SHA256withECDSA' });
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN X509 CRL-----\n/);
    expect(run('openssl', ['crl', '-in', out, '-noout', '-CAfile', caPem, '-verify']).stderr).toContain('verify OK');
    const attime = String(REF.getTime() / 1000 + 60);
    const bad = run('openssl', ['verify', '-attime', attime, '-crl_check', '-CAfile', caPem, '-CRLfile', out, join(tmp.dir, 'revoked.pem')]);
    expect(bad.code).not.toBe(0);
    expect(run('openssl', ['verify', '-attime', attime, '-crl_check', '-CAfile', caPem, '-CRLfile', out, join(tmp.dir, 'good.pem')]).code).toBe(0);

    const ins = ccmkit(['crl', 'inspect', out, '--ca-cert', caPem, '--json']);
    expect(ins.code).toBe(0);
    const v = JSON.parse(ins.stdout);
    expect(v).toMatchObject({ crl_number: '3', revoked_count: 2, signature_valid: true, issuer: 'O=ccmkit test, CN=CLI CRL CA' });
    expect(v.revoked).toEqual([
      { serial_number: revokedSerial, revoked_at: '2025-05-20T08:00:00Z', reason: 'KEY_COMPROMISE', reason_code: 1 },
      { serial_number: '0FFF', revoked_at: '2025-05-01T00:00:00Z', reason: 'UNSPECIFIED' },
    ]);
    const human = ccmkit(['crl', 'inspect', out]);
    expect(human.stdout).toMatch(/0FFF\s+2025-05-01T00:00:00Z\s+UNSPECIFIED/);

    const chk = ccmkit(['crl', 'check', '--crl', out, '--certificate', join(tmp.dir, 'revoked.pem'), '--ca-cert', caPem, '--at', '2025-06-02T00:00:00Z']);
    expect(chk.code).toBe(1);
    expect(chk.stdout).toContain(`serial ${revokedSerial} is REVOKED: KEY_COMPROMISE at 2025-05-20T08:00:00Z`);
    const good = ccmkit(['crl', 'check', '--crl', out, '--certificate', join(tmp.dir, 'good.pem'), '--json', '--at', '2025-06-02T00:00:00Z']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ status: 'good', crl_number: '3' });
    // A certificate of another CA: no answer (2), never "not revoked".
    // Out of date (now is long after nextUpdate), or not yet valid: no answer either.
    const stale = ccmkit(['crl', 'check', '--crl', out, '--certificate', join(tmp.dir, 'good.pem')]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/has expired: nextUpdate 2025-06-08T00:00:00Z is before/);
    const early = ccmkit(['crl', 'check', '--crl', out, '--certificate', join(tmp.dir, 'good.pem'), '--at', '2025-05-31T00:00:00Z']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/is not valid yet/);
    const other = ccmkit(['crl', 'check', '--crl', out, '--at', '2025-06-02T00:00:00Z', '--certificate', f('other.pem', pem('CERTIFICATE', issue({ cn: 'Other', ca: true }).der))]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cannot answer for this certificate/);
  });

  it('writes DER with --format der, or to standard output', () => {
    const csv = f('one.csv', '01,2025-05-01T00:00:00Z,SUPERSEDED\n');
    const out = join(tmp.dir, 'd.crl');
    expect(build(['--format', 'DER', '--out', out], csv).code).toBe(0);
    expect(readFileSync(out)[0]).toBe(0x30);
    expect(openssl(['crl', '-inform', 'DER', '-in', out, '-noout', '-text'])).toContain('Superseded');
    const s = build([], csv);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+-----END X509 CRL-----\n$/);
  });

  it('works with an openssl-made RSA CA and an encrypted key (--passphrase-file), signing with SHA-512', () => {
    const key = join(tmp.dir, 'rsa.key');
    const cert = join(tmp.dir, 'rsa.pem');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-keyout', key, '-passout', 'pass:s3cret', '-out', cert, '-subj', '/CN=OpenSSL CA', '-days', '36500',
      '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const pass = f('pass.txt', 's3cret\n');
    const out = join(tmp.dir, 'rsa.crl');
    const r = ccmkit(['crl', 'build', '--ca-cert', cert, '--ca-key', key, '--passphrase-file', pass, '--revoked', f('rsa.json', '[{"serial_number":"1A2B","revoked_at":1746057600000,"reason":"CESSATION_OF_OPERATION"}]'),
      '--crl-number', '1', '--valid-days', '30', '--signature-algorithm', 'SHA512', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = openssl(['crl', '-in', out, '-noout', '-text', '-CAfile', cert, '-verify']);
    expect(text).toContain('sha512WithRSAEncryption');
    expect(text).toContain('Cessation Of Operation');
  });

  it('builds a delta CRL from the complete list: new revocations, and removeFromCRL for a lifted hold', () => {
    const base = join(tmp.dir, 'base.crl');
    expect(build(['--out', base], f('base.csv', '10,2025-05-01T00:00:00Z,CERTIFICATE_HOLD\n11,2025-05-01T00:00:00Z,KEY_COMPROMISE\n')).code).toBe(0);
    const delta = join(tmp.dir, 'delta.crl');
    const r = ccmkit(['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', f('now.csv', '11,2025-05-01T00:00:00Z,KEY_COMPROMISE\n12,2025-05-10T00:00:00Z,SUPERSEDED\n'),
      '--crl-number', '4', '--valid-days', '7', '--at', '2025-06-02T00:00:00Z', '--base-crl', base, '--out', delta, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ crl_number: '4', base_crl_number: '3', revoked_count: 2 });
    const v = JSON.parse(ccmkit(['crl', 'inspect', delta, '--json', '--ca-cert', caPem]).stdout);
    expect(v.base_crl_number).toBe('3');
    expect(v.revoked.map((e: { serial_number: string; reason: string }) => `${e.serial_number} ${e.reason}`)).toEqual(['12 SUPERSEDED', '10 REMOVE_FROM_CRL']);
    expect(openssl(['crl', '-in', delta, '-noout', '-text', '-CAfile', caPem, '-verify'])).toMatch(/Delta CRL Indicator: critical\s+3[\s\S]*Remove From CRL/);

    // A permanent revocation cannot disappear; the delta's number must grow.
    const gone = ccmkit(['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', f('gone.csv', '12,2025-05-10T00:00:00Z,SUPERSEDED\n'), '--crl-number', '4', '--valid-days', '7', '--at', AT, '--base-crl', base]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/serial 11 is revoked in .*base\.crl \(KEY_COMPROMISE\) but missing from --revoked/);
    const same = build(['--base-crl', base], f('same.csv', '11,2025-05-01T00:00:00Z,KEY_COMPROMISE\n10,2025-05-01T00:00:00Z,CERTIFICATE_HOLD\n'));
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/must be greater than the base CRL's number 3/);
  });
});

describe('delta CRLs in OpenSSL', () => {
  it('openssl verify -use_deltas applies the delta: a lifted hold becomes valid, a new revocation is refused', () => {
    const hold = parseCertificate(leafGood.der).serial;
    const base = join(tmp.dir, 'obase.crl');
    const delta = join(tmp.dir, 'odelta.crl');
    const rb = ccmkit(['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', f('obase.csv', `${hold},2025-05-01T00:00:00Z,CERTIFICATE_HOLD\n`),
      '--crl-number', '20', '--valid-days', '7', '--at', AT, '--freshest-crl', 'http://crl.example.com/delta.crl', '--out', base]);
    expect(rb.code).toBe(0);
    // OpenSSL looks for a delta CRL only when the certificate or the complete CRL names one (RFC 5280 5.2.6).
    expect(openssl(['crl', '-in', base, '-noout', '-text'])).toMatch(/Freshest CRL:[\s\S]*URI:http:\/\/crl\.example\.com\/delta\.crl/);
    const r = ccmkit(['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', f('ofull.csv', `${revokedSerial},2025-05-30T00:00:00Z,KEY_COMPROMISE\n`),
      '--crl-number', '21', '--valid-days', '7', '--at', '2025-06-02T00:00:00Z', '--base-crl', base, '--out', delta]);
    expect(r.code).toBe(0);
    const both = f('both.crl', readFileSync(base, 'utf8') + readFileSync(delta, 'utf8'));
    const at = String(REF.getTime() / 1000 + 3 * 86400);
    const v = (crls: string, cert: string, deltas: boolean): ReturnType<typeof run> =>
      run('openssl', ['verify', '-attime', at, '-crl_check', ...(deltas ? ['-use_deltas'] : []), '-CAfile', caPem, '-CRLfile', crls, join(tmp.dir, cert)]);
    // Base alone: the held certificate is refused, the other is fine.
    expect(v(base, 'good.pem', false).stdout + v(base, 'good.pem', false).stderr).toMatch(/certificate revoked/);
    expect(v(base, 'revoked.pem', false).code).toBe(0);
    // Base + delta: the hold is lifted (removeFromCRL), the new revocation applies.
    expect(v(both, 'good.pem', true).code).toBe(0);
    const bad = v(both, 'revoked.pem', true);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/certificate revoked/);
  });
});

describe('crl build refuses bad input without writing anything', () => {
  const listOk = (): string => f('ok.csv', '01,2025-05-01T00:00:00Z,KEY_COMPROMISE\n');

  it.each([
    ['duplicate serials', ['--revoked', 'dup.csv'], 'PCA.00020001', /serial 0A is listed twice \(line 1 and line 2\)/],
    ['a zero serial', ['--revoked', 'zero.csv'], 'PCA.00020001', /serial "00" is zero/],
    ['an unknown reason', ['--revoked', 'reason.csv'], 'PCA.00020001', /unknown reason "SOMETHING"/],
    ['a date after --at', ['--revoked', 'future.csv'], 'PCA.00020001', /after the CRL's thisUpdate/],
    ['valid days out of CCM range', ['--valid-days', '31'], 'PCA.00020204', /not an integer from 7 to 30\. Invalid CRL configuration\./],
    ['a CRL number over 20 octets', ['--crl-number', '1'.padEnd(60, '0')], 'PCA.00020001', /longer than 20 octets/],
    ['a key that is not the CA key', ['--ca-key', 'other.key'], 'PCA.00030301', /is not the private key of .*Certificate public key and private key does not match/],
    ['a CA certificate without cRLSign', ['--ca-cert', 'nocrlsign.pem', '--ca-key', 'nocrlsign.key'], 'PCA.00020402', /lacks cRLSign/],
    ['a certificate that is not a CA', ['--ca-cert', 'leaf.pem', '--ca-key', 'leaf.key'], 'PCA.00020402', /is not a CA certificate/],
    ['an RSA-3072 CA key (not a CCM key algorithm)', ['--ca-cert', 'rsa3072.pem', '--ca-key', 'rsa3072.key'], 'PCA.00020102', /RSA3072 is not supported/],
    ['SHA-1', ['--signature-algorithm', 'SHA1'], 'PCA.00020103', /Only SHA256, SHA384, and SHA512/],
  ])('%s', (_name, flags, code, msg) => {
    f('dup.csv', '0A,2025-05-01T00:00:00Z,KEY_COMPROMISE\n0a,2025-05-02T00:00:00Z,SUPERSEDED\n');
    f('zero.csv', '00,2025-05-01T00:00:00Z,\n');
    f('reason.csv', '01,2025-05-01T00:00:00Z,SOMETHING\n');
    f('future.csv', '01,2025-06-01T00:00:01Z,\n');
    f('other.key', keyPem(key('EC256', 12)));
    const args = ['crl', 'build', '--ca-cert', caPem, '--ca-key', caKey, '--revoked', listOk(), '--crl-number', '3', '--valid-days', '7', '--at', AT, '--json'];
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i]!);
      const v = /\.(csv|key|pem)$/.test(flags[i + 1]!) ? join(tmp.dir, flags[i + 1]!) : flags[i + 1]!;
      if (at >= 0) args[at + 1] = v;
      else args.push(flags[i]!, v);
    }
    const out = join(tmp.dir, 'never.crl');
    writeFileSync(out, 'OLD CONTENT');
    // --force: the old file must survive a rejected input even when replacing it was allowed.
    args.push('--out', out, '--force');
    const r = ccmkit(args);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.error_code).toBe(code);
    expect(body.findings.map((x: { message: string }) => x.message).join('\n')).toMatch(msg);
    expect(readFileSync(out, 'utf8')).toBe('OLD CONTENT');
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('usage errors exit 2; unreadable CRLs are a clear error, never a stack trace', () => {
    const r = ccmkit(['crl', 'build', '--ca-cert', caPem]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --ca-key/);
    const g = ccmkit(['crl', 'inspect', f('garbage.crl', Buffer.from([0x30, 0x82, 0xff, 0xff, 1, 2, 3]))]);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/not a readable CRL: length 65535 runs past the end/);
    expect(g.stderr).not.toMatch(/at .*\.js:\d+/);
    const j = ccmkit(['crl', 'check', '--crl', f('cert-as-crl.pem', pem('CERTIFICATE', ca.der)), '--certificate', caPem, '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error_code).toBe('CCMKIT.0002');
    expect(existsSync(join(tmp.dir, 'never-written.crl'))).toBe(false);
  });
});
