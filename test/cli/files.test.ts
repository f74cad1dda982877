// What ccmkit does to files (docs/conventions.md "Files", issue 10 items 5-8):
// never over an input, never a silent overwrite, atomic --force replacing all
// files or none, exactly one winner when runs race, nothing left behind by a
// signal or a failure, and 0700 folders for keys whatever the umask.
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ccmkit, ccmkitAsync, tempDir, run, scratchFile } from '../helpers/run.js';
import { issue, key, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir('ccmkit-files-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const mode = (p: string): number => statSync(p).mode & 0o777;
/** Temporary and backup files ccmkit may have left anywhere under `dir`. */
const leftovers = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((n) => /\.(tmp|old)$/.test(n));
/** Runs ccmkit under bash with a umask or a file-size limit. */
const shell = (prefix: string, args: string[]): ReturnType<typeof run> => run('bash', ['-c', `${prefix}; exec "$0" "$@"`, BIN, ...args]);

let ca: ReturnType<typeof issue>;
let leaf: ReturnType<typeof issue>;
beforeAll(() => {
  ca = issue({ cn: 'Files CA', ca: true, key: key('EC256') });
  leaf = issue({ cn: 'files.example.com', issuer: ca, key: key('EC256') });
  f('ca.pem', pem('CERTIFICATE', ca.der));
  f('ca.key', keyPem(ca.key));
  f('leaf.pem', pem('CERTIFICATE', leaf.der));
  f('leaf.key', keyPem(leaf.key));
  f('revoked.csv', '0A,2025-05-01T00:00:00Z,KEY_COMPROMISE\n');
});

const crlBuild = (...extra: string[]): string[] => ['crl', 'build', '--ca-cert', f('ca.pem'), '--ca-key', f('ca.key'), '--revoked', f('revoked.csv'), '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z', ...extra];

describe('never over an input, even with --force', () => {
  it('crl build refuses its own --ca-key as the output, directly, through a symlink and through a hard link', () => {
    const before = readFileSync(f('ca.key'));
    symlinkSync(f('ca.key'), f('ca-link.key'));
    linkSync(f('ca.key'), f('ca-hard.key'));
    for (const target of [f('ca.key'), f('ca-link.key'), f('ca-hard.key')]) {
      const r = ccmkit([...crlBuild('-o', target, '--force'), '--json']);
      expect(r.code, target).toBe(1);
      expect(JSON.parse(r.stdout), target).toMatchObject({ status: 409, error_code: 'CCMKIT.0008' });
      expect(JSON.parse(r.stdout).error_msg).toContain("is one of this command's inputs; ccmkit never writes over its own input, even with --force");
      expect(readFileSync(f('ca.key'))).toEqual(before);
      expect(mode(f('ca.key'))).toBe(statSync(f('ca.key')).mode & 0o777);
    }
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('validate scm-import --fix -o BODY --force refuses its own body; convert -o refuses its own input', () => {
    const body = f('body.json', JSON.stringify({ name: 'files', certificate: pem('CERTIFICATE', leaf.der), certificate_chain: pem('CERTIFICATE', ca.der), private_key: keyPem(leaf.key) }));
    const before = readFileSync(body);
    const r = ccmkit(['validate', 'scm-import', body, '--fix', '-o', body, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is one of this command's inputs");
    expect(readFileSync(body)).toEqual(before);
    const c = ccmkit(['convert', f('leaf.pem'), f('leaf.key'), f('ca.pem'), '--to', 'scm-import', '--name', 'abc', '-o', f('leaf.pem'), '--force']);
    expect(c.code).toBe(1);
    expect(readFileSync(f('leaf.pem'), 'utf8')).toBe(pem('CERTIFICATE', leaf.der));
  });

  it('without --force an existing output is refused before any work, and kept', () => {
    const out = f('exists.crl', 'OLD');
    const r = ccmkit(crlBuild('-o', out));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists; give --force to replace it');
    expect(readFileSync(out, 'utf8')).toBe('OLD');
    const forced = ccmkit(crlBuild('-o', out, '--force'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
  });
});

describe('--force replaces atomically: a failed write keeps the old file(s)', () => {
  it('key generate --force under ulimit -f 1 keeps the old key, says why, leaves no temp file', () => {
    const k = f('old.key', keyPem(key('EC256')));
    const before = readFileSync(k);
    const r = shell('ulimit -f 1', ['key', 'generate', '--algorithm', 'RSA2048', '-o', k, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CCMKIT\.0008: .*old\.key: write failed: file size limit exceeded; nothing was written\./);
    expect(readFileSync(k)).toEqual(before);
    expect(leftovers(tmp.dir)).toEqual([]);
  });

  it('convert --to pem --force: when one file cannot be written, none of the old files changes', () => {
    // An RSA-4096 key (3.2 kB PEM) under an EC CA: certificates fit a 2 kB limit, the key does not.
    const rsaLeaf = issue({ cn: 'rsa.files.example.com', issuer: ca, key: key('RSA4096') });
    f('rsa.pem', pem('CERTIFICATE', rsaLeaf.der));
    f('rsa.key', rsaLeaf.key.export({ type: 'pkcs1', format: 'pem' }));
    const dir = join(tmp.dir, 'pem-out');
    mkdirSync(dir);
    const old = { 'server.crt': 'OLD CERT', 'chain.crt': 'OLD CHAIN', 'server.key': 'OLD KEY' };
    for (const [n, v] of Object.entries(old)) writeFileSync(join(dir, n), v);
    const r = shell('ulimit -f 2', ['convert', f('rsa.pem'), f('ca.pem'), f('rsa.key'), '--to', 'pem', '-o', dir, '--force']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('file size limit exceeded');
    for (const [n, v] of Object.entries(old)) expect(readFileSync(join(dir, n), 'utf8'), n).toBe(v);
    expect(leftovers(dir)).toEqual([]);
    // Without the limit all three are replaced together.
    const ok = ccmkit(['convert', f('rsa.pem'), f('ca.pem'), f('rsa.key'), '--to', 'pem', '-o', dir, '--force']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'server.key'), 'utf8')).toContain('BEGIN RSA PRIVATE KEY');
    expect(mode(join(dir, 'server.key'))).toBe(0o600);
    expect(leftovers(dir)).toEqual([]);
  });

  it('convert --to pem never leaves a new certificate beside an old key it does not belong to', () => {
    const dir = join(tmp.dir, 'keyless');
    mkdirSync(dir);
    writeFileSync(join(dir, 'server.key'), 'OLD KEY');
    writeFileSync(join(dir, 'server.crt'), 'OLD CERT');
    const r = ccmkit(['convert', f('leaf.pem'), f('ca.pem'), '--to', 'pem', '-o', dir, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('server.key exists and the input holds no private key');
    expect(readFileSync(join(dir, 'server.crt'), 'utf8')).toBe('OLD CERT');
  });
});

describe('races and signals', () => {
  it('30 racing convert -o F runs without --force: exactly one wins, the rest are refused', async () => {
    const target = join(tmp.dir, 'race.json');
    const runs = await Promise.all(
      Array.from({ length: 30 }, () => ccmkitAsync(['convert', f('leaf.pem'), f('ca.pem'), f('leaf.key'), '--to', 'scm-import', '--name', 'race', '-o', target])),
    );
    const winners = runs.filter((r) => r.code === 0);
    expect(winners).toHaveLength(1);
    for (const r of runs.filter((x) => x.code !== 0)) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('already exists; give --force to replace it');
    }
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ name: 'race' });
    expect(mode(target)).toBe(0o600);
    expect(leftovers(tmp.dir)).toEqual([]);
  }, 120_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const)('%s in the middle of a long write removes the temp file and exits %i', async (signal, code) => {
    const dir = join(tmp.dir, `sig-${signal}`);
    mkdirSync(dir);
    // 600,000 entries: a 27 MB CRL, written for long enough to be interrupted.
    const csv = join(tmp.dir, 'many.csv');
    if (!existsSync(csv)) writeFileSync(csv, Array.from({ length: 600_000 }, (_, i) => `${(0x1000000 + i).toString(16)},2025-05-01T00:00:00Z,SUPERSEDED`).join('\n') + '\n');
    const target = join(dir, 'big.crl');
    const child = spawn(BIN, ['crl', 'build', '--ca-cert', f('ca.pem'), '--ca-key', f('ca.key'), '--revoked', csv, '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z', '-o', target], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let sawTemp = false;
    for (let i = 0; i < 6000 && !sawTemp; i++) {
      if (readdirSync(dir).some((n) => n.endsWith('.tmp'))) sawTemp = true;
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect(sawTemp, 'the temp file appeared').toBe(true);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});

describe('folders', () => {
  it('folders made for keys are 0700 under umask 000; the files in them 0600', () => {
    const exp = join(tmp.dir, 'umask', 'exp', 'deeper');
    const r = shell('umask 000', ['export', '--type', 'IIS', '--certificate', f('leaf.pem'), '--certificate-chain', f('ca.pem'), '--private-key', f('leaf.key'), '--name', 'm', '-o', exp]);
    expect(r.code, r.stderr).toBe(0);
    for (const d of [join(tmp.dir, 'umask'), join(tmp.dir, 'umask', 'exp'), exp]) expect(mode(d), d).toBe(0o700);
    expect(mode(join(exp, 'm_iis.zip'))).toBe(0o600);
    const pemDir = join(tmp.dir, 'umask-pem');
    const c = shell('umask 000', ['convert', f('leaf.pem'), f('ca.pem'), f('leaf.key'), '--to', 'pem', '-o', pemDir]);
    expect(c.code, c.stderr).toBe(0);
    expect(mode(pemDir)).toBe(0o700);
    expect(mode(join(pemDir, 'server.key'))).toBe(0o600);
    expect(mode(join(pemDir, 'server.crt'))).toBe(0o644);
  });

  it('a failed export leaves no empty folder behind', () => {
    const base = join(tmp.dir, 'failed-export');
    const r = shell('ulimit -f 1', ['export', '--type', 'IIS', '--certificate', f('leaf.pem'), '--certificate-chain', f('ca.pem'), '--private-key', f('leaf.key'), '--name', 'x', '-o', join(base, 'a', 'b')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('file size limit exceeded');
    expect(existsSync(base)).toBe(false);
  });
});
