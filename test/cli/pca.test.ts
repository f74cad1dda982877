// The offline CA through the real CLI, judged by real tools:
//   - openssl verify accepts every issued chain; openssl x509 -text and pyca
//     show the requested DN, SANs, key usage, EKU, basic constraints, validity
//     and CRL distribution point
//   - the CA's CRL passes openssl crl -verify and openssl verify -crl_check,
//     which then reports revoked certificates as revoked
//   - a subordinate signed by an outside CA (openssl x509 -req over the
//     PENDING CA's exported CSR) is imported and issues certificates
//   - nginx serves an exported certificate and openssl s_client
//     -verify_return_error accepts it
//   - help, usage errors, backup
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../src/service/zip.js';
import { csrPem } from '../helpers/pca.js';
import { key } from '../helpers/pki.js';
import { ccmkit, ccmkitAsync, jsonLines, openssl, run, tempDir, type RunResult } from '../helpers/run.js';

const tmp = tempDir('ccmkit-pca-cli-');
afterAll(tmp.cleanup);
const CI = process.env.CI === 'true';
const WS = join(tmp.dir, 'ws');
const PASS = 'cli test passphrase';
const ENV = { ...process.env, CCMKIT_WORKSPACE: WS, CCMKIT_PASSPHRASE: PASS };
const DN = { country: 'CN', state: 'Guangdong', locality: 'Shenzhen', organization: 'ccmkit test', organizational_unit: 'PKI' };

function cli(args: string[], env: NodeJS.ProcessEnv = ENV): RunResult {
  return ccmkit(args, { env });
}

function ok(args: string[]): any {
  const r = cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`ccmkit ${args.join(' ')} failed (${r.code}): ${r.stdout}${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

function file(name: string, content: string | object): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const W = (s: string): string => s.replace(/\r\n/g, '\n') + (s.endsWith('\n') ? '' : '\n');

let root = '';
let sub = '';
let leaf = '';
const paths = { root: '', chain: '', leaf: '', leafKey: '' };

beforeAll(() => {
  expect(cli(['workspace', 'init', '--crl-base-url', 'http://crl.example.test/pca/']).code).toBe(0);
  root = ok(['ca', 'create', file('root.json', { type: 'ROOT', key_algorithm: 'RSA2048', signature_algorithm: 'SHA256', distinguished_name: { ...DN, common_name: 'CLI Root CA' }, validity: { type: 'YEAR', value: 10 }, crl_configuration: { enabled: true, obs_bucket_name: 'b', valid_days: 7 } })]).ca_id;
  sub = ok([
    'ca',
    'create',
    file('sub.json', { type: 'SUBORDINATE', issuer_id: root, key_algorithm: 'EC256', signature_algorithm: 'SHA384', path_length: 0, distinguished_name: { ...DN, common_name: 'CLI Issuing CA' }, validity: { type: 'YEAR', value: 5 }, crl_configuration: { enabled: true, obs_bucket_name: 'b', valid_days: 7 } }),
  ]).ca_id;
  leaf = ok([
    'cert',
    'apply',
    file('leaf.json', {
      issuer_id: sub,
      key_algorithm: 'EC256',
      signature_algorithm: 'SHA256',
      distinguished_name: { common_name: 'shop.example.test', organization: 'Shop Org' },
      validity: { type: 'DAY', value: 90 },
      subject_alternative_names: [
        { type: 'DNS', value: 'shop.example.test' },
        { type: 'IP', value: '127.0.0.1' },
      ],
      key_usages: ['digitalSignature', 'keyAgreement'],
      extended_key_usage: { server_auth: true, client_auth: true },
    }),
  ]).certificate_id;
  const exp = ok(['cert', 'export', leaf, '--type', 'other']);
  paths.leaf = file('leaf.pem', W(exp.certificate));
  paths.chain = file('chain.pem', W(exp.certificate_chain));
  paths.leafKey = file('leaf.key', W(exp.private_key));
  paths.root = join(tmp.dir, 'root.pem');
  expect(cli(['ca', 'export', root, '-o', paths.root]).code).toBe(0);
});

describe('openssl and pyca judge what the CA issued', () => {
  it('openssl verify accepts root > subordinate > leaf, and the key pairs with the leaf', () => {
    expect(openssl(['verify', '-CAfile', paths.root, '-untrusted', paths.chain, paths.leaf])).toContain(': OK');
    expect(openssl(['verify', '-purpose', 'sslserver', '-CAfile', paths.root, '-untrusted', paths.chain, paths.leaf])).toContain(': OK');
    const pub = (f: string, kind: 'x509' | 'pkey'): string => (kind === 'x509' ? openssl(['x509', '-in', f, '-noout', '-pubkey']) : openssl(['pkey', '-in', f, '-pubout']));
    expect(pub(paths.leaf, 'x509')).toBe(pub(paths.leafKey, 'pkey'));
  });

  it('openssl x509 -text shows the requested DN, SANs, key usage, EKU, basic constraints, validity and CRL distribution point', () => {
    const t = openssl(['x509', '-in', paths.leaf, '-noout', '-text', '-nameopt', 'RFC2253']);
    expect(t).toContain('Subject: CN=shop.example.test,OU=PKI,O=Shop Org,L=Shenzhen,ST=Guangdong,C=CN');
    expect(t).toContain('Issuer: CN=CLI Issuing CA,OU=PKI,O=ccmkit test,L=Shenzhen,ST=Guangdong,C=CN');
    expect(t).toMatch(/X509v3 Subject Alternative Name:\s*\n\s*DNS:shop.example.test, IP Address:127.0.0.1/);
    expect(t).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Agreement/);
    expect(t).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:FALSE/);
    expect(t).toMatch(new RegExp(`URI:http://crl.example.test/pca/${sub}.crl`));
    // The body's signature_algorithm is the hash the issuing CA (EC P-256) signs this certificate with.
    expect(t).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    const shown = ok(['cert', 'show', leaf]);
    const dates = openssl(['x509', '-in', paths.leaf, '-noout', '-startdate', '-enddate']);
    expect(Date.parse(/notBefore=(.*)/.exec(dates)![1]!)).toBe(shown.not_before);
    expect(Date.parse(/notAfter=(.*)/.exec(dates)![1]!)).toBe(shown.not_after);
    expect(shown.not_after - shown.not_before).toBe(90 * 86_400_000);
    const s = openssl(['x509', '-in', join(tmp.dir, 'chain.pem'), '-noout', '-text']);
    expect(s).toMatch(/CA:TRUE, pathlen:0/);
    expect(s).toMatch(/Signature Algorithm: sha384WithRSAEncryption/);
    expect(s).toMatch(/Certificate Sign, CRL Sign/);
    expect(s).toMatch(new RegExp(`URI:http://crl.example.test/pca/${root}.crl`));
  });

  it('pyca/cryptography reads the same fields', () => {
    const py = `
import json, sys
from cryptography import x509
from cryptography.x509.oid import ExtensionOID
c = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
e = lambda oid: c.extensions.get_extension_for_oid(oid)
ku = e(ExtensionOID.KEY_USAGE).value
print(json.dumps({
  'subject': c.subject.rfc4514_string(),
  'dns': e(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value.get_values_for_type(x509.DNSName),
  'ip': [str(i) for i in e(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value.get_values_for_type(x509.IPAddress)],
  'ku': [ku.digital_signature, ku.key_agreement, ku.key_encipherment, ku.key_cert_sign],
  'eku': [o.dotted_string for o in e(ExtensionOID.EXTENDED_KEY_USAGE).value],
  'bc': [e(ExtensionOID.BASIC_CONSTRAINTS).value.ca, e(ExtensionOID.BASIC_CONSTRAINTS).critical],
  'cdp': [n.value for p in e(ExtensionOID.CRL_DISTRIBUTION_POINTS).value for n in p.full_name],
  'ski': e(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest.hex(),
  'not_before': int(c.not_valid_before_utc.timestamp() * 1000),
  'not_after': int(c.not_valid_after_utc.timestamp() * 1000),
  'serial': str(c.serial_number),
}))`;
    const r = run('python3', ['-c', py, paths.leaf]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    const shown = ok(['cert', 'show', leaf]);
    expect(got).toMatchObject({
      subject: 'CN=shop.example.test,OU=PKI,O=Shop Org,L=Shenzhen,ST=Guangdong,C=CN',
      dns: ['shop.example.test'],
      ip: ['127.0.0.1'],
      ku: [true, true, false, false],
      eku: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      bc: [false, true],
      cdp: [`http://crl.example.test/pca/${sub}.crl`],
      not_before: shown.not_before,
      not_after: shown.not_after,
      serial: shown.serial_number,
    });
  });
});

describe('CRLs judged by openssl', () => {
  it('the CRL verifies; -crl_check reports the revoked certificate revoked and passes the others', () => {
    const keep = ok(['cert', 'issue-csr', file('keep.json', { issuer_id: sub, csr: csrPem('keep.example.test', { sans: ['keep.example.test'] }), validity: { type: 'DAY', value: 30 } })]).certificate_id;
    const gone = ok(['cert', 'issue-csr', file('gone.json', { issuer_id: sub, csr: csrPem('gone.example.test', { sans: ['gone.example.test'] }), validity: { type: 'DAY', value: 30 } })]).certificate_id;
    expect(cli(['cert', 'revoke', gone, '--reason', 'key_compromise']).code).toBe(0);
    const gen = ok(['crl', 'generate', '--ca', sub]);
    expect(gen.file).toBe(join(WS, 'crl', `${sub}.crl`));
    const crl = join(tmp.dir, 'sub.crl.pem');
    openssl(['crl', '-inform', 'DER', '-in', gen.file, '-out', crl]);
    expect(run('openssl', ['crl', '-in', crl, '-CAfile', paths.chain, '-noout', '-verify']).stderr).toContain('verify OK');
    const text = openssl(['crl', '-in', crl, '-noout', '-text']);
    expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*3/);
    expect(text).toContain('Key Compromise');
    const pem = (id: string, name: string): string => {
      const b = ok(['cert', 'export', id, '--type', 'nginx']);
      return file(name, W(b.certificate));
    };
    const rootCrl = join(tmp.dir, 'root.crl.pem');
    openssl(['crl', '-inform', 'DER', '-in', join(WS, 'crl', `${root}.crl`), '-out', rootCrl]);
    const crls = file('crls.pem', readFileSync(crl, 'utf8') + readFileSync(rootCrl, 'utf8'));
    const good = run('openssl', ['verify', '-crl_check_all', '-CAfile', paths.root, '-untrusted', paths.chain, '-CRLfile', crls, pem(keep, 'keep.pem')]);
    expect(good.stdout, good.stderr).toContain(': OK');
    // The revoked certificate's PEM comes from the workspace row (export refuses REVOKED, as PCA does).
    expect(cli(['cert', 'export', gone, '--type', 'nginx']).code).toBe(1);
    const goneCert = join(tmp.dir, 'gone.pem');
    const d = spawnSync(process.execPath, ['-e', `const D=require(${JSON.stringify(require_('better-sqlite3'))}); const d=new D(${JSON.stringify(join(WS, 'workspace.db'))},{readonly:true}); process.stdout.write(d.prepare('select certificate from pca_cert_der where certificate_id=?').get(${JSON.stringify(gone)}).certificate.toString('base64'))`]);
    writeFileSync(goneCert, `-----BEGIN CERTIFICATE-----\n${d.stdout.toString().replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
    const bad = run('openssl', ['verify', '-crl_check', '-CAfile', paths.root, '-untrusted', paths.chain, '-CRLfile', crl, goneCert]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('certificate revoked');
  });
});

function require_(m: string): string {
  // ESM test file: resolve a package path for a child `node -e`.
  return join(process.cwd(), 'node_modules', m);
}

describe('a subordinate signed by an outside CA', () => {
  it('PENDING CA -> ca csr -> openssl x509 -req -> ca import -> it issues, and openssl verifies the chain', () => {
    const dir = join(tmp.dir, 'ext');
    mkdirSync(dir);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ext.key'), '-out', join(dir, 'ext.pem'), '-subj', '/O=Outside/CN=Outside Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const pending = ok(['ca', 'create', file('pending.json', { type: 'SUBORDINATE', key_algorithm: 'EC256', distinguished_name: { ...DN, common_name: 'Imported Issuing CA' } })]).ca_id;
    expect(ok(['ca', 'show', pending]).status).toBe('PENDING');
    expect(cli(['ca', 'csr', pending, '-o', join(dir, 'sub.csr')]).code).toBe(0);
    writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(['x509', '-req', '-in', join(dir, 'sub.csr'), '-CA', join(dir, 'ext.pem'), '-CAkey', join(dir, 'ext.key'), '-CAcreateserial', '-days', '1000', '-sha256', '-extfile', join(dir, 'ca.ext'), '-out', join(dir, 'sub.pem')]);
    // A certificate for another key is refused with PCA's mismatch code, and the CA stays PENDING.
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'other.key'), '-subj', '/CN=Other', '-out', join(dir, 'other.csr')]);
    openssl(['x509', '-req', '-in', join(dir, 'other.csr'), '-CA', join(dir, 'ext.pem'), '-CAkey', join(dir, 'ext.key'), '-CAcreateserial', '-days', '100', '-extfile', join(dir, 'ca.ext'), '-out', join(dir, 'other.pem')]);
    const wrong = cli(['ca', 'import', pending, '--certificate', join(dir, 'other.pem'), '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ status: 403, error_code: 'PCA.00030301' });
    // A chain that does not lead to a root is refused too.
    const partial = cli(['ca', 'import', pending, '--certificate', join(dir, 'sub.pem'), '--certificate-chain', paths.root, '--json']);
    expect(JSON.parse(partial.stdout)).toMatchObject({ status: 400, error_code: 'PCA.00020403' });
    expect(ok(['ca', 'show', pending]).status).toBe('PENDING');
    expect(cli(['ca', 'import', pending, '--certificate', join(dir, 'sub.pem'), '--certificate-chain', join(dir, 'ext.pem')]).code).toBe(0);
    const shown = ok(['ca', 'show', pending]);
    expect(shown).toMatchObject({ status: 'ACTIVED', gen_mode: 'IMPORT', issuer_name: 'Outside Root', issuer_id: null, path_length: 0 });
    // Importing again is refused: no longer PENDING.
    expect(JSON.parse(cli(['ca', 'import', pending, '--certificate', join(dir, 'sub.pem'), '--json']).stdout)).toMatchObject({ status: 403, error_code: 'PCA.00030201' });
    const c = ok(['cert', 'apply', file('ext-leaf.json', { issuer_id: pending, key_algorithm: 'EC256', signature_algorithm: 'SHA256', distinguished_name: { common_name: 'ext.example.test' }, validity: { type: 'DAY', value: 30 } })]).certificate_id;
    const b = ok(['cert', 'export', c, '--type', 'apache']);
    const chain = W(b.certificate_chain);
    expect(chain).toBe(W(readFileSync(join(dir, 'sub.pem'), 'utf8')) + W(readFileSync(join(dir, 'ext.pem'), 'utf8')));
    writeFileSync(join(dir, 'leaf.pem'), W(b.certificate));
    writeFileSync(join(dir, 'chain.pem'), chain);
    expect(openssl(['verify', '-CAfile', join(dir, 'ext.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'leaf.pem')])).toContain(': OK');
    const exported = ok(['ca', 'export', pending]);
    expect(W(exported.certificate_chain)).toBe(W(readFileSync(join(dir, 'ext.pem'), 'utf8')));
    expect(cli(['workspace', 'check']).code).toBe(0);
  });
});

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`nginx exited early (${proc.exitCode})`);
    const up = await new Promise<boolean>((res) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
      s.connect(port, '127.0.0.1');
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
if (!nginx) console.log('skip: nginx is not installed (apt-get install nginx-light)');

describe('a real server', () => {
  (nginx || CI ? it : it.skip)('nginx serves the NGINX export; openssl s_client -verify_return_error accepts it', async () => {
    const dir = join(tmp.dir, 'nginx');
    mkdirSync(dir);
    expect(cli(['cert', 'export', leaf, '--type', 'NGINX', '--compressed', '-o', dir + '/']).code).toBe(0);
    const zipPath = join(dir, 'shop.example.test_nginx.zip');
    expect(statSync(zipPath).mode & 0o777).toBe(0o600);
    const files = await readZip(readFileSync(zipPath), zipPath);
    expect(files.map((f) => f.name)).toEqual(['server.key', 'server.crt']);
    for (const f of files) writeFileSync(join(dir, f.name), f.data, { mode: 0o600 });
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
    const port = await freePort();
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root root;\n' : ''}daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name shop.example.test;
    ssl_certificate ${dir}/server.crt;
    ssl_certificate_key ${dir}/server.key;
    location / { return 200 "ok\\n"; }
  }
}
`,
    );
    const proc = spawn(nginx!, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`], { stdio: 'ignore' });
    try {
      await waitForPort(port, proc);
      const r = run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'shop.example.test', '-verify_hostname', 'shop.example.test', '-CAfile', paths.root, '-verify_return_error', '-showcerts'], { input: 'Q\n' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Verify return code: 0 (ok)');
      // The server sent the leaf and the issuing CA (the chain from the bundle).
      expect(r.stdout.match(/-----BEGIN CERTIFICATE-----/g)?.length).toBe(3);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('close', r));
    }
  });
});

describe('the commands themselves', () => {
  it('every command has help with examples and exit codes, and is listed in ccmkit --help', async () => {
    const main = cli(['--help']).stdout;
    const cmds = ['workspace init', 'workspace config', 'workspace backup', 'workspace check', 'crl generate', 'ca create', 'ca list', 'ca show', 'ca csr', 'ca import', 'ca activate', 'ca disable', 'ca enable', 'ca restore', 'ca delete', 'ca revoke', 'ca export', 'ca quota', 'cert apply', 'cert issue-csr', 'cert list', 'cert show', 'cert export', 'cert revoke', 'cert delete', 'cert quota'];
    // Side by side, a few at a time: 26 node start-ups one after another take a minute on a loaded machine.
    for (let k = 0; k < cmds.length; k += 6) {
      const part = cmds.slice(k, k + 6);
      const helps = await Promise.all(part.map((c) => ccmkitAsync([...c.split(' '), '--help'], { env: ENV })));
      part.forEach((c, i) => {
        const h = helps[i]!;
        expect(main).toContain(`  ${c} `);
        expect(h.code, c).toBe(0);
        expect(h.stdout, c).toMatch(/^Usage: ccmkit /);
        expect(h.stdout, c).toContain('Examples:');
        expect(h.stdout, c).toContain('Exit codes:');
        expect(h.stdout, c).toContain('--workspace DIR');
        expect(h.stdout, c).toContain('--json');
      });
    }
  }, 240_000);

  it('usage errors exit 2; PCA refusals exit 1 with PCA bodies', () => {
    for (const args of [['ca', 'show'], ['ca', 'list', '--status', 'SLEEPING'], ['ca', 'list', '--limit', '5000'], ['cert', 'revoke', leaf, '--reason', 'lost'], ['cert', 'export', leaf], ['ca', 'delete', sub], ['cert', 'list', '--bogus']]) {
      const r = cli([...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout).error_code).toBe('CCMKIT.0001');
    }
    const r = cli(['ca', 'delete', root, '--pending-days', '7', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ status: 403, error_code: 'PCA.00030201', error_msg: expect.stringContaining('delete needs PENDING or DISABLED') });
    const bad = cli(['ca', 'create', file('bad.json', '{"type": "ROOT",'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 400, error_code: 'PCA.00020001' });
  });

  it('lists accept enum flags in any case and print PCA envelopes', () => {
    const l = ok(['cert', 'list', '--status', 'issued', '--sort-key', 'COMMON_NAME', '--sort-dir', 'asc', '--limit', '50']);
    expect(Object.keys(l).sort()).toEqual(['certificates', 'total']);
    const names = l.certificates.map((c: any) => c.distinguished_name.common_name);
    expect(names).toEqual([...names].sort());
    const cas = ok(['ca', 'list', '--type', 'root']);
    expect(cas.certificate_authorities.map((c: any) => c.ca_id)).toEqual([root]);
    expect(cli(['cert', 'list']).stdout).toMatch(/^\d+ certificate\(s\)/);
  });

  it('cert issue-csr --batch prints one line per body, in order', () => {
    const lines = [
      JSON.stringify({ issuer_id: sub, csr: csrPem('b1.example.test', { key: key('EC256', 3), sans: ['b1.example.test'] }), validity: { type: 'DAY', value: 7 } }),
      '',
      '{not json',
      JSON.stringify({ issuer_id: sub, csr: 'garbage', validity: { type: 'DAY', value: 7 } }),
      JSON.stringify({ issuer_id: sub, csr: csrPem('b2.example.test', { key: key('EC256', 4), sans: ['b2.example.test'] }), validity: { type: 'DAY', value: 7 } }),
    ];
    const r = cli(['cert', 'issue-csr', '--batch', file('batch.ndjson', lines.join('\n')), '--json']);
    expect(r.code).toBe(1);
    const out = jsonLines(r.stdout);
    expect(out.map((l) => [l.line, l.certificate_id ? 'issued' : l.error_code])).toEqual([
      [1, 'issued'],
      [3, 'PCA.00020001'],
      [4, 'PCA.00020401'],
      [5, 'issued'],
    ]);
  });

  it('the worker-thread batch answers exactly as the single-thread one, line for line', () => {
    const disabled = ok(['ca', 'create', file('dis.json', { type: 'SUBORDINATE', issuer_id: root, key_algorithm: 'EC256', signature_algorithm: 'SHA256', distinguished_name: { ...DN, common_name: 'Disabled CA' }, validity: { type: 'YEAR', value: 1 } })]).ca_id;
    expect(cli(['ca', 'disable', disabled]).code).toBe(0);
    const lines: string[] = [];
    for (let i = 0; i < 150; i++) {
      const csr = csrPem(`p${i}.example.test`, { key: key('EC256', i % 5), sans: [`p${i}.example.test`] });
      const kind = i % 6;
      const body =
        kind === 0 ? { issuer_id: '00000000-0000-4000-8000-000000000000', csr, validity: { type: 'DAY', value: 7 } }
        : kind === 1 ? { issuer_id: disabled, csr, validity: { type: 'DAY', value: 7 } }
        : kind === 2 ? { issuer_id: sub, csr, validity: { type: 'YEAR', value: 19 } }
        : kind === 3 ? { issuer_id: sub, csr: csr.replace('MII', 'MIJ'), validity: { type: 'DAY', value: 7 } }
        : { issuer_id: sub, csr, validity: { type: 'DAY', value: 7 }, ...(kind === 5 ? { type: 'INTERMEDIATE_CA' } : {}) };
      lines.push(JSON.stringify(body));
    }
    // CSRs that parse but must fail their signature check: a flipped signature byte, and a flipped
    // byte in the EC point (off the curve: the workers' raw key import refuses it and falls back).
    const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const pem = (d: Buffer): string => `-----BEGIN CERTIFICATE REQUEST-----\n${d.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    for (let i = 0; i < 6; i++) {
      const d = der(csrPem(`t${i}.example.test`, { key: key('EC256', i % 5), sans: [`t${i}.example.test`] }));
      const at = i % 2 ? d.length - 3 : d.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04])) + 20;
      d[at] = d[at]! ^ 0x55;
      lines.push(JSON.stringify({ issuer_id: sub, csr: pem(d), validity: { type: 'DAY', value: 7 } }));
    }
    const f = file('mixed.ndjson', lines.join('\n'));
    const shape = (r: RunResult): string[] => jsonLines(r.stdout).map((l) => `${l.line}:${l.error_code ?? 'issued'}`);
    // The signature failures word for word (other messages name the time of the run).
    const sigs = (r: RunResult): string[] => jsonLines(r.stdout).slice(-6).map((l) => `${l.line}:${l.error_code}:${l.error_msg}`);
    const one = cli(['cert', 'issue-csr', '--batch', f, '--workers', '1', '--commit-every', '7', '--json']);
    const many = cli(['cert', 'issue-csr', '--batch', f, '--workers', '3', '--commit-every', '7', '--json']);
    expect(one.code).toBe(1);
    expect(many.code).toBe(1);
    expect(shape(many)).toEqual(shape(one));
    expect(sigs(many)).toEqual(sigs(one));
    // Unknown issuer, disabled issuer, validity past the issuer, a broken CSR, and (the issuer has path
    // length 0) an INTERMEDIATE_CA it may not issue: each refused with its own code, in place.
    expect(sigs(one).every((x) => /:PCA\.00020401:.*signature/.test(x))).toBe(true);
    expect(new Set(shape(one).map((x) => x.split(':')[1]))).toEqual(new Set(['PCA.00030103', 'PCA.00030201', 'PCA.00020109', 'PCA.00020401', 'PCA.00020203', 'issued']));
  });

  it('workspace backup: a checked copy, 0600, never over an existing file without --force', () => {
    const target = join(tmp.dir, 'backup', 'ws.db');
    mkdirSync(join(tmp.dir, 'backup'));
    expect(cli(['workspace', 'backup', target]).code).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const again = cli(['workspace', 'backup', target, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error_code).toBe('CCMKIT.0008');
    expect(cli(['workspace', 'backup', '-o', target, '--force']).code).toBe(0);
    expect(cli(['workspace', 'backup', join(WS, 'workspace.db'), '--force']).code).toBe(2);
    // The copy is a workspace: the same passphrase opens it, and it holds the same certificates.
    const restored = join(tmp.dir, 'restored');
    mkdirSync(restored);
    writeFileSync(join(restored, 'workspace.db'), readFileSync(target));
    const env = { ...ENV, CCMKIT_WORKSPACE: restored };
    expect(cli(['workspace', 'check'], env).code).toBe(0);
    expect(JSON.parse(cli(['cert', 'list', '--json'], env).stdout).total).toBe(ok(['cert', 'list']).total);
  });

  it('workspace init: refuses an existing workspace and a missing passphrase; config sets quotas', () => {
    const again = cli(['workspace', 'init', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error_code).toBe('CCMKIT.0107');
    const fresh = join(tmp.dir, 'nopass');
    const r = ccmkit(['workspace', 'init', fresh, '--json'], { env: { ...process.env, CCMKIT_PASSPHRASE: '' } });
    expect(r.code).toBe(2);
    expect(existsSync(join(fresh, 'workspace.db'))).toBe(false);
    expect(ok(['workspace', 'config', 'ca_quota', '250'])).toEqual({ ca_quota: '250' });
    expect(ok(['ca', 'quota']).quotas.resources[0].quota).toBe(250);
    expect(cli(['workspace', 'config', 'kdf', 'x']).code).toBe(2);
    expect(cli(['workspace', 'config']).stdout).not.toContain('kdf');
  });
});
