// What the commands print (issue 11 "Output people look for", "Messages";
// issue 10 item 14): control characters escaped everywhere, inspect's expiry
// and fingerprints as openssl and Windows show them, warnings before an
// install goes wrong, one summary for big batches, many bodies per validate
// run, the certificate a CRL speaks for, quiet closed pipes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../src/service/zip.js';
import { progress } from '../../src/cli/progress.js';
import { escapeControl } from '../../src/cli/escape.js';
import { BIN, ccmkit, jsonLines, tempDir, openssl, run, scratchFile } from '../helpers/run.js';
import { REF, issue, key, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir('ccmkit-out-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const AT = REF.toISOString();
const DAY = 86_400_000;

// A CN that tries to recolour the terminal, ring its bell, and forge a line.
const EVIL = 'evil\x1b[31mRED\x07\nleaf.pem#1: OK (trusted root)';
const ESCAPED = 'evil\\e[31mRED\\x07\\nleaf.pem#1: OK (trusted root)';
/** No raw control character, and no line that starts with the forged text. */
function clean(text: string): void {
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  expect(text).not.toMatch(/^leaf\.pem#1: OK \(trusted root\)/m);
}

describe('control characters are escaped in every human output', () => {
  beforeAll(() => {
    const root = issue({ cn: `Root ${EVIL}`, ca: true, key: key('EC256') });
    const leaf = issue({ cn: EVIL, issuer: root, key: key('EC256'), sans: [{ type: 'DNS', value: 'www.example.com' }] });
    f('evil-root.pem', pem('CERTIFICATE', root.der));
    f('evil-leaf.pem', pem('CERTIFICATE', leaf.der));
    f('evil-leaf.key', keyPem(leaf.key));
  });

  it('escapeControl shows C0, DEL, C1 and bidi controls as escapes', () => {
    expect(escapeControl('a\x1b[2Jb\x07c\nd\re\tf\x7fg\x9bh\u202ei')).toBe('a\\e[2Jb\\x07c\\nd\\re\\tf\\x7fg\\x9bh\\u202ei');
    expect(escapeControl('plain CN=www.example.com, O=Ünïcode 证书')).toBe('plain CN=www.example.com, O=Ünïcode 证书');
  });

  it('inspect', () => {
    const r = ccmkit(['inspect', f('evil-leaf.pem'), '--at', AT]);
    expect(r.code, r.stderr).toBe(0);
    clean(r.stdout);
    expect(r.stdout).toContain(`CN=${ESCAPED}`);
    // --json keeps the exact value (JSON escapes it anyway).
    const j = JSON.parse(ccmkit(['inspect', '--json', f('evil-leaf.pem')]).stdout);
    expect(j.objects[0].subject).toContain(EVIL);
  });

  it('chain verify', () => {
    const r = ccmkit(['chain', 'verify', f('evil-leaf.pem'), '--roots', f('evil-root.pem'), '--at', AT]);
    expect(r.code, r.stderr).toBe(0);
    clean(r.stdout);
    expect(r.stdout.split('\n').filter((l) => /^\S/.test(l))).toHaveLength(1);
    expect(r.stdout).toContain(ESCAPED);
  });

  it('chain build (stderr notes)', () => {
    const r = ccmkit(['chain', 'build', f('evil-leaf.pem'), '--at', AT]);
    expect(r.code).toBe(1);
    clean(r.stderr);
    expect(r.stderr).toContain(ESCAPED);
  });

  it('export', () => {
    const r = ccmkit(['export', '--type', 'NGINX', '--certificate', f('evil-leaf.pem'), '--certificate-chain', f('evil-root.pem'), '--private-key', f('evil-leaf.key'), '-o', join(tmp.dir, 'evil-out')]);
    expect(r.code, r.stderr).toBe(0);
    clean(r.stdout + r.stderr);
    expect(r.stdout).toContain(`chain: ${ESCAPED} > Root ${ESCAPED}`);
  });

  it('convert, including zip entry names', () => {
    const zip = writeZip(
      [
        { name: 'server.crt', data: Buffer.from(pem('CERTIFICATE', issue({ cn: 'zip.example.com' }).der)) },
        { name: 'x\x1b[2J\nleaf.pem#1: OK (trusted root)\x07.pem', data: Buffer.from('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n') },
      ],
      REF,
    );
    const r = ccmkit(['convert', f('evil.zip', zip), '--to', 'scm-import', '--name', 'abc']);
    expect(r.code).toBe(1);
    clean(r.stderr);
    expect(r.stderr).toContain('x\\e[2J\\nleaf.pem#1: OK (trusted root)\\x07.pem');
    const c = ccmkit(['convert', f('evil-leaf.pem'), f('evil-root.pem'), f('evil-leaf.key'), '--to', 'pem', '-o', join(tmp.dir, 'evil-pem')]);
    expect(c.code, c.stderr).toBe(0);
    clean(c.stdout + c.stderr);
  });

  it('errors from any command', () => {
    const r = ccmkit(['inspect', f('evil\x1b[2J\nname.pem', 'junk')]);
    expect(r.code).toBe(1);
    clean(r.stderr);
    expect(r.stderr).toContain('evil\\e[2J\\nname.pem');
  });
});

describe('inspect shows what people look for', () => {
  let leafDer: Buffer;
  beforeAll(() => {
    const ca = issue({ cn: 'Inspect CA', ca: true, key: key('EC256') });
    leafDer = issue({ cn: 'inspect.example.com', issuer: ca, key: key('EC256'), notBefore: new Date(REF.getTime() - 10 * DAY), notAfter: new Date(REF.getTime() + 30 * DAY) }).der;
    f('i-leaf.pem', pem('CERTIFICATE', leafDer));
  });

  it('fingerprints as openssl prints them, and the SHA-1 thumbprint as Windows shows it', () => {
    const j = JSON.parse(ccmkit(['inspect', '--json', f('i-leaf.pem'), '--at', AT]).stdout).objects[0];
    const sha1Colon = openssl(['x509', '-in', f('i-leaf.pem'), '-noout', '-fingerprint', '-sha1']).trim().split('=')[1];
    const sha256Colon = openssl(['x509', '-in', f('i-leaf.pem'), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
    expect(j.sha1_fingerprint).toBe(sha1Colon);
    expect(j.sha256_fingerprint).toBe(sha256Colon);
    expect(j.sha1_thumbprint).toBe(sha1Colon!.replace(/:/g, ''));
    expect(j.sha1_thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(j.sha256).toBe(createHash('sha256').update(leafDer).digest('hex'));
    const human = ccmkit(['inspect', f('i-leaf.pem'), '--at', AT]).stdout;
    expect(human).toContain(`  thumbprint  ${j.sha1_thumbprint} (SHA-1, as Windows shows it)`);
    expect(human).toContain(`              ${sha256Colon}`);
  });

  it('key usage and extended key usage, as openssl reads them', () => {
    const j = JSON.parse(ccmkit(['inspect', '--json', f('i-leaf.pem')]).stdout).objects[0];
    expect(j.key_usage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(j.extended_key_usage).toEqual(['serverAuth', 'clientAuth']);
    const text = openssl(['x509', '-in', f('i-leaf.pem'), '-noout', '-ext', 'keyUsage,extendedKeyUsage']);
    expect(text).toContain('Digital Signature, Key Encipherment');
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    const human = ccmkit(['inspect', f('i-leaf.pem')]).stdout;
    expect(human).toContain('  key usage   digitalSignature, keyEncipherment');
    expect(human).toContain('  ext usage   serverAuth, clientAuth');
  });

  it.each([
    [AT, 'valid', 30, 'expires in 30 days'],
    [new Date(REF.getTime() + 29 * DAY + 3600_000).toISOString(), 'valid', 0, 'expires today'],
    [new Date(REF.getTime() + 33 * DAY).toISOString(), 'expired', -3, 'EXPIRED 3 days ago'],
    [new Date(REF.getTime() - 20 * DAY).toISOString(), 'not-yet-valid', 50, 'NOT YET VALID (valid from '],
  ])('expiry at %s: %s', (at, status, days, text) => {
    const j = JSON.parse(ccmkit(['inspect', '--json', f('i-leaf.pem'), '--at', at]).stdout).objects[0];
    expect(j).toMatchObject({ validity_status: status, days_left: days });
    expect(ccmkit(['inspect', f('i-leaf.pem'), '--at', at]).stdout).toContain(`  status      ${text}`);
  });
});

describe('warnings before an install goes wrong', () => {
  const YEAR = 365 * DAY;
  beforeAll(() => {
    const root = issue({ cn: 'Warn Root', ca: true, key: key('EC256') });
    const int = issue({ cn: 'Warn Intermediate', ca: true, issuer: root, key: key('EC256') });
    const now = Date.now();
    const ok = issue({ cn: 'ok.example.com', issuer: int, key: key('EC256'), notBefore: new Date(now - YEAR), notAfter: new Date(now + YEAR) });
    const expired = issue({ cn: 'old.example.com', issuer: int, key: key('EC256'), notBefore: new Date(now - 3 * YEAR), notAfter: new Date(now - 10 * DAY) });
    const future = issue({ cn: 'new.example.com', issuer: int, key: key('EC256'), notBefore: new Date(now + 10 * DAY), notAfter: new Date(now + YEAR) });
    for (const [n, c] of [['ok', ok], ['expired', expired], ['future', future]] as const) {
      f(`w-${n}.pem`, pem('CERTIFICATE', c.der));
      f(`w-${n}.key`, keyPem(c.key));
    }
    f('w-int.pem', pem('CERTIFICATE', int.der));
    f('w-chain.pem', pem('CERTIFICATE', int.der) + pem('CERTIFICATE', root.der));
  });
  const exp = (name: string, chain: string, ...extra: string[]) =>
    ccmkit(['export', '--type', 'NGINX', '--certificate', f(`w-${name}.pem`), '--certificate-chain', f(chain), '--private-key', f(`w-${name}.key`), '--name', `${name}-${chain}`, '-o', join(tmp.dir, 'w-out'), ...extra]);

  it('export: a complete, current chain gets no warning', () => {
    const r = exp('ok', 'w-chain.pem');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('export: an incomplete chain, an expired or a not-yet-valid certificate each get one, and still export', () => {
    const inc = exp('ok', 'w-int.pem');
    expect(inc.code).toBe(0);
    expect(inc.stderr).toMatch(/^ccmkit: warning: the chain is incomplete: no certificate for O=ccmkit test, CN=Warn Root, the issuer of O=ccmkit test, CN=Warn Intermediate, was given/m);
    const old = exp('expired', 'w-chain.pem');
    expect(old.code).toBe(0);
    expect(old.stderr).toMatch(/warning: the certificate O=ccmkit test, CN=old\.example\.com EXPIRED on .* \(10 days ago\)/);
    const fut = exp('future', 'w-chain.pem', '--json');
    expect(fut.code).toBe(0);
    expect(fut.stderr).toMatch(/warning: the certificate O=ccmkit test, CN=new\.example\.com is NOT YET VALID/);
    expect(JSON.parse(fut.stdout).warnings).toHaveLength(1);
  });

  it('validate scm-import warns on an incomplete chain though CCM accepts it', () => {
    const body = f('w-body.json', JSON.stringify({ name: 'warn-test', certificate: readFileSync(f('w-ok.pem'), 'utf8'), certificate_chain: readFileSync(f('w-int.pem'), 'utf8'), private_key: readFileSync(f('w-ok.key'), 'utf8') }));
    const r = ccmkit(['validate', 'scm-import', '--json', body]);
    expect(r.code, r.stdout).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.valid).toBe(true);
    expect(v.findings).toEqual([expect.objectContaining({ code: 'SCM.0013', severity: 'warning', field: 'certificate_chain', message: expect.stringMatching(/The chain is incomplete: no certificate for "O=ccmkit test, CN=Warn Root"/) })]);
    const full = f('w-body-full.json', JSON.stringify({ name: 'warn-test', certificate: readFileSync(f('w-ok.pem'), 'utf8'), certificate_chain: readFileSync(f('w-chain.pem'), 'utf8'), private_key: readFileSync(f('w-ok.key'), 'utf8') }));
    expect(JSON.parse(ccmkit(['validate', 'scm-import', '--json', full]).stdout).findings).toEqual([]);
  });
});

describe('chain build over a big bag', () => {
  it('prints one summary line per outcome, not one per leaf, and no progress bar into a pipe', () => {
    const root = issue({ cn: 'Bag Root', ca: true, key: key('EC256') });
    const int = issue({ cn: 'Bag Intermediate', ca: true, issuer: root, key: key('EC256') });
    const k = key('EC256');
    const leaves = Array.from({ length: 60 }, (_, i) => issue({ cn: `leaf${i}.example.com`, issuer: int, key: k }));
    f('bag.pem', [...leaves.map((l) => pem('CERTIFICATE', l.der)), pem('CERTIFICATE', int.der), pem('CERTIFICATE', root.der)].join(''));
    const r = ccmkit(['chain', 'build', f('bag.pem'), '--at', AT]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(180);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([`ccmkit: 60 chains (${f('bag.pem')}#1, ${f('bag.pem')}#2, ${f('bag.pem')}#3 and 57 more): complete, anchored by a self-signed root found in the input (not checked against a trust store; give --roots to)`]);
    expect(r.stderr).not.toContain('\r');
    // Without the intermediate: one line for the 60 incomplete chains, with the missing issuer.
    f('bag-gap.pem', leaves.map((l) => pem('CERTIFICATE', l.der)).join(''));
    const g = ccmkit(['chain', 'build', f('bag-gap.pem'), '--at', AT, '-o', f('gap-out.pem')]);
    expect(g.code).toBe(1);
    const gl = g.stderr.trim().split('\n');
    expect(gl[0]).toMatch(/^ccmkit: 60 chains \(.* and 57 more\): INCOMPLETE \(anchor: none\)$/);
    expect(gl[1]).toMatch(/^ {2}missing-issuer: issuer "O=ccmkit test, CN=Bag Intermediate"/);
    expect(gl).toHaveLength(2);
    expect(g.stdout).toBe(`wrote ${f('gap-out.pem')}: 60 chain(s)\n`);
  });

  it('the progress bar shows only on a terminal, after a second, never under --json, and clears itself', () => {
    let t = 0;
    const seen: string[] = [];
    const bar = progress('building chains', { tty: true, now: () => t, write: (s) => seen.push(s) });
    bar.update(1, 100);
    expect(seen).toEqual([]); // not before a second
    t = 1500;
    bar.update(50, 100);
    expect(seen[0]).toBe('\rbuilding chains [###############---------------] 50/100 50%\x1b[K');
    bar.update(51, 100);
    expect(seen).toHaveLength(1); // at most every 100 ms
    bar.end();
    expect(seen[1]).toBe('\r\x1b[K');
    for (const opts of [{ tty: false }, { tty: true, json: true }]) {
      const quiet: string[] = [];
      const b = progress('x', { ...opts, now: () => (t += 5000), write: (s) => quiet.push(s) });
      b.update(1, 2);
      b.end();
      expect(quiet).toEqual([]);
    }
  });
});

describe('validate takes many bodies', () => {
  it('NDJSON and several files: one result per body, named by source', () => {
    const ok = { type: 'ROOT', key_algorithm: 'EC256', signature_algorithm: 'SHA256', validity: { type: 'YEAR', value: 10 }, distinguished_name: { common_name: 'Root', country: 'CN', state: 'S', locality: 'L', organization: 'O', organizational_unit: 'OU' } };
    const nd = f('bodies.ndjson', [JSON.stringify(ok), JSON.stringify({ ...ok, key_algorithm: 'RSA1024' }), '{not json', JSON.stringify({})].join('\n') + '\n');
    const r = ccmkit(['validate', 'pca-create-ca', '--json', nd, f('one.json', JSON.stringify(ok)), '--at', AT]);
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => [l.source, l.valid, l.error_code])).toEqual([
      [`${nd}#1`, true, undefined],
      [`${nd}#2`, false, 'PCA.00020102'],
      [`${nd}#3`, false, 'PCA.00020001'],
      [`${nd}#4`, false, 'PCA.00020202'],
      [f('one.json'), true, undefined],
    ]);
    const human = ccmkit(['validate', 'pca-create-ca', nd, '--at', AT]);
    expect(human.stdout).toMatch(new RegExp(`^${nd}#2: invalid: CCM would answer HTTP 400 PCA.00020102`, 'm'));
    expect(human.stdout).toMatch(/line 3:/);
    // One body keeps the single-result shape.
    expect(JSON.parse(ccmkit(['validate', 'pca-create-ca', '--json', f('one.json'), '--at', AT]).stdout)).toMatchObject({ valid: true, status: 200 });
    // stdin is named stdin#n.
    const s = ccmkit(['validate', 'pca-create-ca', '--json', '-', '--at', AT], { input: `${JSON.stringify(ok)}\n${JSON.stringify(ok)}\n` });
    expect(jsonLines(s.stdout).map((l) => l.source)).toEqual(['stdin#1', 'stdin#2']);
  });

  it('validate scm-import: many bodies, and --fix still takes one', () => {
    const a = f('s1.json', JSON.stringify({ name: 'a b' }));
    const r = ccmkit(['validate', 'scm-import', '--json', a, a]);
    expect(jsonLines(r.stdout)).toHaveLength(2);
    expect(ccmkit(['validate', 'scm-import', a, a, '--fix', '-o', f('never.json')]).code).toBe(2);
  });
});

describe('messages', () => {
  it('pca-create-ca on {} says what is missing, never "undefined"', () => {
    const r = ccmkit(['validate', 'pca-create-ca', f('empty.json', '{}')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('type is missing.');
    expect(r.stdout).toContain('key_algorithm is missing.');
    expect(r.stdout).not.toContain('undefined');
  });

  it('SCM.0070 names the root placed first as the cause, not a missing DNS SAN', () => {
    const root = issue({ cn: 'Demo Root CA', ca: true, key: key('EC256') });
    const leaf = issue({ cn: 'www.demo.test', issuer: root, key: key('EC256') });
    const body = f('root-first.json', JSON.stringify({ name: 'root_first', certificate: pem('CERTIFICATE', root.der) + pem('CERTIFICATE', leaf.der), private_key: keyPem(leaf.key) }));
    const r = JSON.parse(ccmkit(['validate', 'scm-import', '--json', body, '--at', AT]).stdout);
    const f70 = r.findings.find((x: { code: string }) => x.code === 'SCM.0070');
    expect(f70.fix).toMatch(/certificate holds the CA certificate "O=ccmkit test, CN=Demo Root CA", not the server certificate "O=ccmkit test, CN=www.demo.test", which comes later: the chain is in the wrong order/);
    expect(f70.fix).not.toContain('DNS SAN');
  });

  it('crl build takes openssl reason names', () => {
    const ca = issue({ cn: 'Reason CA', ca: true, key: key('EC256') });
    const r = ccmkit(['crl', 'build', '--ca-cert', f('r-ca.pem', pem('CERTIFICATE', ca.der)), '--ca-key', f('r-ca.key', keyPem(ca.key)), '--revoked', f('r.csv', '0A,2025-05-01T00:00:00Z,keyCompromise\n0B,2025-05-01T00:00:00Z,cACompromise\n'), '--crl-number', '1', '--valid-days', '7', '--at', AT, '-o', f('r.crl')]);
    expect(r.code, r.stderr).toBe(0);
    const text = openssl(['crl', '-in', f('r.crl'), '-noout', '-text']);
    expect(text).toContain('Key Compromise');
    expect(text).toContain('CA Compromise');
  });
});

describe('crl check --certificate fullchain.pem', () => {
  it('checks the certificate the CRL\'s issuer issued, not the first one', () => {
    const root = issue({ cn: 'FC Root', ca: true, key: key('EC256') });
    const int = issue({ cn: 'FC Intermediate', ca: true, issuer: root, key: key('EC256') });
    const leaf = issue({ cn: 'fc.example.com', issuer: int, key: key('EC256') });
    const serial = openssl(['x509', '-noout', '-serial'], { input: pem('CERTIFICATE', leaf.der) }).trim().split('=')[1]!;
    f('fc-int.pem', pem('CERTIFICATE', int.der));
    f('fc-int.key', keyPem(int.key));
    const b = ccmkit(['crl', 'build', '--ca-cert', f('fc-int.pem'), '--ca-key', f('fc-int.key'), '--revoked', f('fc.csv', `${serial},2025-05-01T00:00:00Z,KEY_COMPROMISE\n`), '--crl-number', '1', '--valid-days', '7', '--at', AT, '-o', f('fc.crl')]);
    expect(b.code, b.stderr).toBe(0);
    // Root first, as some bundles have it.
    const full = f('fullchain.pem', pem('CERTIFICATE', root.der) + pem('CERTIFICATE', leaf.der) + pem('CERTIFICATE', int.der));
    const r = ccmkit(['crl', 'check', '--crl', f('fc.crl'), '--certificate', full, '--at', AT]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe(`${full}#2: serial ${serial} is REVOKED: KEY_COMPROMISE at 2025-05-01T00:00:00Z (CRL #1)\n`);
    const j = JSON.parse(ccmkit(['crl', 'check', '--crl', f('fc.crl'), '--certificate', full, '--at', AT, '--json']).stdout);
    expect(j).toMatchObject({ status: 'revoked', serial_number: serial, source: `${full}#2` });
  });
});

describe('a closed pipe is a quiet success', () => {
  it('crl build | head and crl inspect | head exit 0 with nothing on stderr', () => {
    const ca = issue({ cn: 'Pipe CA', ca: true, key: key('EC256') });
    f('p-ca.pem', pem('CERTIFICATE', ca.der));
    f('p-ca.key', keyPem(ca.key));
    f('p.csv', Array.from({ length: 20_000 }, (_, i) => `${(0x10000 + i).toString(16)},2025-05-01T00:00:00Z,SUPERSEDED`).join('\n'));
    const build = `"${BIN}" crl build --ca-cert "${f('p-ca.pem')}" --ca-key "${f('p-ca.key')}" --revoked "${f('p.csv')}" --crl-number 1 --valid-days 7 --at ${AT}`;
    const b = run('bash', ['-c', `set -o pipefail; ${build} | head -c 100 >/dev/null`]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(run('bash', ['-c', `${build} -o "${f('p.crl')}"`]).code).toBe(0);
    const i = run('bash', ['-c', `set -o pipefail; "${BIN}" crl inspect "${f('p.crl')}" | head -2`]);
    expect(i.stderr).toBe('');
    expect(i.code).toBe(0);
    expect(i.stdout.split('\n')[0]).toContain('CRL v2, 20000 revoked');
    const j = run('bash', ['-c', `set -o pipefail; "${BIN}" crl inspect --json "${f('p.crl')}" | head -c 10 >/dev/null`]);
    expect(j.stderr).toBe('');
    expect(j.code).toBe(0);
  });
});

describe('stdin is "-" on the command line and "stdin" in sources', () => {
  it.each([
    [['inspect', '--json', '-'], (o: string) => JSON.parse(o).objects[0].source],
    [['csr', 'parse', '--json', '-'], (o: string) => JSON.parse(o).source],
  ])('%j', (args, source) => {
    const csr = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('stdin.key'), '-subj', '/CN=stdin.example.com']);
    const r = ccmkit(args, { input: csr });
    expect(source(r.stdout)).toBe('stdin#1');
  });

  it('crl inspect -', () => {
    const ca = issue({ cn: 'Stdin CA', ca: true, key: key('EC256') });
    const b = ccmkit(['crl', 'build', '--ca-cert', f('s-ca.pem', pem('CERTIFICATE', ca.der)), '--ca-key', f('s-ca.key', keyPem(ca.key)), '--revoked', f('s.csv', '0A,2025-05-01T00:00:00Z,\n'), '--crl-number', '1', '--valid-days', '7', '--at', AT]);
    const r = ccmkit(['crl', 'inspect', '-'], { input: b.stdout });
    expect(r.stdout.split('\n')[0]).toBe('stdin: CRL v2, 1 revoked');
    expect(JSON.parse(ccmkit(['crl', 'inspect', '--json', '-'], { input: b.stdout }).stdout).source).toBe('stdin');
  });
});
