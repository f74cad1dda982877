// `chain verify` / `chain build` with --purpose and --profile (issue #17),
// through the real binary, on hierarchies openssl makes at test time: a
// name-constrained intermediate (the form private PKIs and PCA subordinates
// use), a leaf inside and one outside its subtree, and a serverAuth-only leaf.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccmkit, openssl, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-chain-rules-');
afterAll(() => tmp.cleanup());
const f = (n: string): string => join(tmp.dir, n);

beforeAll(() => {
  const ext = (name: string, lines: string[]): string => {
    writeFileSync(f(name), lines.join('\n') + '\n');
    return f(name);
  };
  const key = (n: string): void => void openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(`${n}.key`)]);
  key('root');
  openssl(['req', '-x509', '-new', '-key', f('root.key'), '-subj', '/O=ccmkit rules/CN=Rules Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('root.pem')]);
  const issue = (n: string, cn: string, parent: string, extFile: string): void => {
    key(n);
    openssl(['req', '-new', '-key', f(`${n}.key`), '-subj', `/O=ccmkit rules/CN=${cn}`, '-out', f(`${n}.csr`)]);
    openssl(['x509', '-req', '-in', f(`${n}.csr`), '-CA', f(`${parent}.pem`), '-CAkey', f(`${parent}.key`), '-set_serial', String(100 + n.length), '-days', '365', '-extfile', extFile, '-out', f(`${n}.pem`)]);
  };
  issue('ica', 'Rules Constrained CA', 'root', ext('ica.ext', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', 'nameConstraints=critical,permitted;DNS:example.com,excluded;IP:10.0.0.0/255.0.0.0']));
  const leafExt = (san: string, eku: string): string[] => ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', `extendedKeyUsage=${eku}`, `subjectAltName=${san}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
  issue('inside', 'www.example.com', 'ica', ext('inside.ext', leafExt('DNS:www.example.com', 'serverAuth')));
  issue('outside', 'www.example.org', 'ica', ext('outside.ext', leafExt('DNS:www.example.org', 'serverAuth')));
  issue('excluded', '10.1.2.3', 'ica', ext('excluded.ext', leafExt('DNS:api.example.com,IP:10.1.2.3', 'serverAuth')));
  issue('cn', 'shop.example.com', 'ica', ext('cn.ext', leafExt('DNS:www.example.com', 'serverAuth')));
});

describe('chain verify --purpose / --profile', () => {
  it('documents both flags with their values, in --help', () => {
    for (const cmd of ['verify', 'build']) {
      const r = ccmkit(['chain', cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--purpose P\s+serverAuth \| clientAuth \| codeSigning \| emailProtection \| any/);
      expect(r.stdout).toMatch(/--profile P\s+rfc5280 \(default\)/);
    }
  });

  it('a leaf inside the permitted subtree verifies; the enum flags take any case', () => {
    const r = ccmkit(['chain', 'verify', f('inside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--hostname', 'www.example.com', '--purpose', 'SERVERAUTH', '--profile', 'RFC5280']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: OK/);
    expect(r.code).toBe(0);
  });

  it('a leaf outside the permitted subtree fails, naming the rule and the certificate', () => {
    const r = ccmkit(['chain', 'verify', f('outside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--json']);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as { valid: boolean; reason: string; chain: { sha256: string; subject: string }[]; problems: { kind: string; rule: string; certificate: string; hint: string }[] };
    expect(rep.valid).toBe(false);
    const nc = rep.problems.find((p) => p.kind === 'name-constraints')!;
    expect(nc.rule).toBe('RFC 5280 4.2.1.10');
    expect(nc.certificate).toBe(rep.chain[0]!.sha256);
    expect(nc.hint).toMatch(/dNSName www\.example\.org is outside the permitted subtrees \(example\.com\) \(constraints of O=ccmkit rules, CN=Rules Constrained CA\)/);
    expect(rep.reason).toMatch(/^dNSName www\.example\.org is outside .* \[name-constraints, RFC 5280 4\.2\.1\.10; O=ccmkit rules, CN=www\.example\.org, sha256 [0-9a-f]{16}\.\.\.\]$/);
    const human = ccmkit(['chain', 'verify', f('outside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem')]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/INVALID: dNSName www\.example\.org is outside .* \[name-constraints, RFC 5280 4\.2\.1\.10; O=ccmkit rules, CN=www\.example\.org, sha256 /);
  });

  it('an IP SAN in an excluded range fails even when the DNS SAN is permitted', () => {
    const r = ccmkit(['chain', 'verify', f('excluded.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--ip', '10.1.2.3', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).reason).toMatch(/iPAddress 10\.1\.2\.3 is in the excluded subtree/);
  });

  it('--purpose clientAuth refuses a serverAuth-only leaf; --purpose any accepts it', () => {
    const bad = ccmkit(['chain', 'verify', f('inside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--purpose', 'clientauth', '--json']);
    expect(bad.code).toBe(1);
    const rep = JSON.parse(bad.stdout) as { problems: { kind: string; rule: string }[] };
    expect(rep.problems.map((p) => p.kind)).toEqual(['extended-key-usage']);
    expect(rep.problems[0]!.rule).toBe('RFC 5280 4.2.1.12');
    const ok = ccmkit(['chain', 'verify', f('inside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--purpose', 'Any']);
    expect(ok.code).toBe(0);
  });

  it('--profile webpki adds the CA/B rules: a clean openssl hierarchy passes, a leaf whose CN is not a SAN fails', () => {
    const ok = ccmkit(['chain', 'verify', f('inside.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--profile', 'webpki']);
    expect(ok.stdout).toMatch(/: OK/);
    expect(ok.code).toBe(0);
    expect(ccmkit(['chain', 'verify', f('cn.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem')]).code).toBe(0);
    const r = ccmkit(['chain', 'verify', f('cn.pem'), '--roots', f('root.pem'), '--untrusted', f('ica.pem'), '--profile', 'webpki', '--json']);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as { problems: { kind: string; rule: string; hint: string }[] };
    expect(rep.problems).toEqual([expect.objectContaining({ kind: 'webpki', rule: 'CA/B BR 7.1.4.3', hint: 'commonName "shop.example.com" is not exactly one of the subjectAltNames' })]);
  });

  it('bad values are usage errors (exit 2), with the allowed values', () => {
    for (const [flag, value] of [['--purpose', 'serverauthx'], ['--profile', 'strict']] as const) {
      const r = ccmkit(['chain', 'verify', f('inside.pem'), '--roots', f('root.pem'), flag, value, '--json']);
      expect(r.code).toBe(2);
      const body = JSON.parse(r.stdout) as { error_code: string; error_msg: string };
      expect(body.error_code).toBe('CCMKIT.0001');
      expect(body.error_msg).toMatch(flag === '--purpose' ? /serverAuth, clientAuth, codeSigning, emailProtection, any/ : /rfc5280, webpki/);
    }
  });
});

describe('chain build --purpose / --profile', () => {
  it('ranks and reports with the same rules: the outside leaf has a complete but invalid chain', () => {
    const r = ccmkit(['chain', 'build', f('outside.pem'), f('ica.pem'), '--roots', f('root.pem'), '--json']);
    const rep = JSON.parse(r.stdout) as { chains: { valid: boolean; complete: boolean; problems: { kind: string; rule: string }[] }[] };
    expect(rep.chains[0]!.complete).toBe(true);
    expect(rep.chains[0]!.valid).toBe(false);
    expect(rep.chains[0]!.problems[0]).toMatchObject({ kind: 'name-constraints', rule: 'RFC 5280 4.2.1.10' });
  });

  it('prints each problem with its rule and certificate on stderr', () => {
    const r = ccmkit(['chain', 'build', f('inside.pem'), f('ica.pem'), '--roots', f('root.pem'), '--purpose', 'codeSigning']);
    expect(r.stderr).toMatch(/ {2}extended-key-usage: extendedKeyUsage \(serverAuth\) does not allow codeSigning \[RFC 5280 4\.2\.1\.12; O=ccmkit rules, CN=www\.example\.com, sha256 [0-9a-f]{16}\.\.\.\]/);
  });
});
