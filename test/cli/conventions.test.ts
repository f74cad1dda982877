// The CLI flag convention (docs/conventions.md) checked against every command
// the binary lists: each --help is read, and what it promises is tried on the
// real binary. New commands are picked up from `ccmkit --help` automatically.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccmkit, ccmkitAsync, tempDir, type RunResult, scratchFile } from '../helpers/run.js';
import { chain, keyPem, pem } from '../helpers/pki.js';

const tmp = tempDir('ccmkit-conv-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);

const COMMANDS = ccmkit(['--help'])
  .stdout.split('\n')
  .map((l) => /^ {2}([a-z]+(?: [a-z-]+)?)\s{2,}/.exec(l)?.[1])
  .filter((c): c is string => c !== undefined)
  .map((c) => c.trim());
const HELP = new Map(COMMANDS.map((c) => [c, ccmkit([...c.split(' '), '--help'])]));

/** The flags an Options section lists (the part of each option line before its description). */
function optionFlags(help: string): string[] {
  const section = help.split(/\nOptions:\n/)[1]?.split(/\n\S/)[0] ?? '';
  const flags = new Set<string>();
  for (const line of section.split('\n')) {
    if (!/^ {2}-/.test(line)) continue;
    const head = line.trim().split(/\s{2,}/)[0]!;
    for (const m of head.matchAll(/--[a-z][a-z0-9-]*/g)) flags.add(m[0]);
  }
  return [...flags];
}

// Commands that write files: they take -o/--out and --force.
const WRITERS = ['key generate', 'csr create', 'chain build', 'validate scm-import', 'export', 'convert', 'crl build'];
// Commands that open encrypted keys or keystores.
const KEY_READERS = ['inspect', 'key match', 'csr create', 'validate scm-import', 'export', 'convert', 'crl build'];
// Commands that protect what they write with a password.
const OUT_PROTECTORS = ['key generate', 'export'];
// Commands that read keystores whose key entry may have its own password.
const KEYSTORE_READERS = ['export', 'convert'];

describe('every command follows docs/conventions.md', () => {
  it('lists the commands it is expected to', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining([...new Set([...WRITERS, ...KEY_READERS, 'csr parse', 'chain verify', 'crl inspect', 'crl check'])]));
  });

  it.each(COMMANDS)('%s --help: usage, options, examples, exit codes; the common flags spelled one way', (cmd) => {
    const r = HELP.get(cmd)!;
    expect(r.code).toBe(0);
    const h = r.stdout;
    expect(h).toMatch(new RegExp(`^Usage: ccmkit ${cmd}`));
    for (const section of ['Options:', 'Examples:', 'Exit codes:']) expect(h, section).toContain(`\n${section}\n`);
    expect(h).toMatch(/^ {2}-h, --help\s/m);
    expect(h).toMatch(/^ {2}--json\s/m);
    for (const code of ['0', '1', '2']) expect(h, `exit ${code}`).toMatch(new RegExp(`^ {2}${code} {2}`, 'm'));
    // Retired spellings: one meaning per flag.
    expect(h).not.toMatch(/--output\b/);
    expect(h).not.toMatch(/--password\b/);
    expect(h).not.toMatch(/--key-password\b/);
    expect(h).not.toMatch(/--der\b/);
    // A missing file is exit 1 everywhere (crl check's 1 means "revoked", so its failures are 2, and say so).
    if (cmd !== 'crl check') expect(h).not.toMatch(/^ {2}2 .*(missing|unreadable)/m);
    if (WRITERS.includes(cmd)) {
      expect(h).toMatch(/^ {2}-o, --out /m);
      expect(h).toMatch(/^ {2}--force\s/m);
    }
    // --force and -o come together.
    expect(/^ {2}--force\s/m.test(h)).toBe(/^ {2}-o, --out /m.test(h));
    if (KEY_READERS.includes(cmd)) {
      expect(h).toMatch(/^ {2}--passphrase-file F\s/m);
      expect(h).toMatch(/^ {2}--passphrase P\s.*warns/m);
      expect(h).toContain('$CCMKIT_PASSPHRASE');
    }
    if (OUT_PROTECTORS.includes(cmd)) {
      expect(h).toMatch(/^ {2}--out-password-file F\s/m);
      expect(h).toContain('$CCMKIT_OUT_PASSWORD');
    }
    if (KEYSTORE_READERS.includes(cmd)) expect(h).toMatch(/^ {2}--key-passphrase-file F\s/m);
  });

  it('every flag a help lists is one the command accepts', async () => {
    const jobs = COMMANDS.flatMap((cmd) => optionFlags(HELP.get(cmd)!.stdout).map((flag) => ({ cmd, flag })));
    expect(jobs.length).toBeGreaterThan(80);
    const results: { cmd: string; flag: string; r: RunResult }[] = [];
    for (let i = 0; i < jobs.length; i += 8) {
      const batch = jobs.slice(i, i + 8);
      results.push(...(await Promise.all(batch.map(async (j) => ({ ...j, r: await ccmkitAsync([...j.cmd.split(' '), j.flag]) })))));
    }
    for (const { cmd, flag, r } of results) {
      expect(r.stderr, `${cmd} ${flag}`).not.toContain(`unknown option ${flag}`);
      expect(r.stderr, `${cmd} ${flag}`).not.toMatch(/internal error/);
    }
  }, 180_000);

  it('the main help lists every command and states the convention', () => {
    const h = ccmkit(['--help']).stdout;
    expect(COMMANDS.length).toBeGreaterThanOrEqual(18);
    expect(h).toContain('-o/--out PATH');
    expect(h).toContain('--passphrase-file F / $CCMKIT_PASSPHRASE');
    expect(h).toContain('--out-password-file F / $CCMKIT_OUT_PASSWORD');
  });
});

describe('did you mean', () => {
  it.each([
    [['inspect', 'x.pem', '--jsn'], 'unknown option --jsn Did you mean --json?'],
    [['convert', 'x.pfx', '--to', 'pem', '--passphrase-fil', 'pw'], 'Did you mean --passphrase-file?'],
    [['chain', 'build', 'x.pem', '--no-roots'], 'Did you mean --no-root?'],
    [['export', '--type', 'nginx', '--out-pasword', 'x'], 'Did you mean --out-password?'],
    [['key', 'generate', '--algoritm', 'EC256'], 'Did you mean --algorithm?'],
  ])('%j', (args, text) => {
    const r = ccmkit(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
  });

  it('retired flags name what replaced them', () => {
    const pw = ccmkit(['export', '--type', 'NGINX', '--certificate', 'x', '--password', 'p']);
    expect(pw.code).toBe(2);
    expect(pw.stderr).toMatch(/unknown option --password here\. Use --passphrase-file \(opens encrypted inputs.*\), or --out-password-file \(protects what is written/);
    expect(pw.stderr).not.toContain(' p ');
    expect(ccmkit(['convert', 'x', '--output', 'd']).stderr).toContain('Use --out (-o/--out PATH)');
    expect(ccmkit(['crl', 'build', '--der']).stderr).toContain('Use --format (--format der)');
    expect(ccmkit(['convert', 'x', '--key-password', 'k']).stderr).toContain('Use --key-passphrase-file');
    // A secret of the other kind: key generate protects what it writes.
    expect(ccmkit(['key', 'generate', '--algorithm', 'EC256', '--encrypt', '--passphrase-file', 'f']).stderr).toContain('Use --out-password-file (this command protects what it writes');
  });

  it('an unknown command gets the closest one', () => {
    const r = ccmkit(['inspcet', 'x.pem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean inspect?');
    const g = ccmkit(['chain', 'bild']);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('chain build');
  });
});

/** The first CCM error body in a --json output: the document itself, or the first of its "errors". */
function errorBody(stdout: string): Record<string, unknown> {
  let docs: unknown[];
  try {
    docs = [JSON.parse(stdout)];
  } catch {
    docs = stdout.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as unknown);
  }
  for (const d of docs as Record<string, unknown>[]) {
    if (typeof d.error_code === 'string') return d;
    if (Array.isArray(d.errors) && d.errors.length) return d.errors[0] as Record<string, unknown>;
  }
  throw new Error(`no error body in ${stdout.slice(0, 300)}`);
}

describe('one exit code and one status per problem', () => {
  let c: ReturnType<typeof chain>;
  beforeAll(() => {
    c = chain(2);
    f('leaf.pem', pem('CERTIFICATE', c.leaf.der));
    f('int.pem', pem('CERTIFICATE', c.intermediates[0]!.der));
    f('root.pem', pem('CERTIFICATE', c.root.der));
    f('leaf.key', keyPem(c.leaf.key));
    f('junk.pem', 'this is not a certificate, a key or anything else\n');
    f('body.json', '{}');
  });

  const missing = (): string => join(tmp.dir, 'no-such-file.pem');
  const cases = (m: string): [string, string[]][] => [
    ['inspect', ['inspect', m]],
    ['key match', ['key', 'match', m]],
    ['csr parse', ['csr', 'parse', m]],
    ['csr create', ['csr', 'create', '--key', m, '--cn', 'x']],
    ['chain build', ['chain', 'build', m]],
    ['chain verify', ['chain', 'verify', m, '--roots', f('root.pem')]],
    ['validate scm-import', ['validate', 'scm-import', m]],
    ['validate scm-upload-csr', ['validate', 'scm-upload-csr', m]],
    ['validate pca-create-ca', ['validate', 'pca-create-ca', m]],
    ['validate pca-import-ca', ['validate', 'pca-import-ca', '--csr', m, '--certificate', f('leaf.pem')]],
    ['export', ['export', '--type', 'NGINX', '--certificate', m]],
    ['convert', ['convert', m, '--to', 'pem', '-o', join(tmp.dir, 'never')]],
    ['crl build', ['crl', 'build', '--ca-cert', m, '--ca-key', f('leaf.key'), '--revoked', f('body.json'), '--crl-number', '1', '--valid-days', '7']],
    ['crl inspect', ['crl', 'inspect', m]],
  ];

  it.each(cases('MISSING'))('a missing file: exit 1, CCMKIT.0002, status 400 (%s)', (_name, args) => {
    const a = args.map((x) => (x === 'MISSING' ? missing() : x));
    const r = ccmkit([...a, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const err = errorBody(r.stdout);
    expect(err).toMatchObject({ status: 400, error_code: 'CCMKIT.0002' });
    expect(String(err.error_msg)).toContain('no-such-file.pem: no such file');
    const human = ccmkit(a);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/ccmkit: CCMKIT\.0002: .*no-such-file\.pem: no such file\./);
  });

  it('crl check answers "revoked" with 1, so a missing file is 2 there, with the same code and status', () => {
    const r = ccmkit(['crl', 'check', '--crl', missing(), '--certificate', f('leaf.pem'), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 400, error_code: 'CCMKIT.0002' });
  });

  it.each([
    ['inspect', ['inspect', 'JUNK']],
    ['key match', ['key', 'match', 'JUNK']],
    ['csr parse', ['csr', 'parse', 'JUNK']],
    ['chain build', ['chain', 'build', 'JUNK']],
    ['chain verify', ['chain', 'verify', 'JUNK', '--roots', 'ROOT']],
    ['crl inspect', ['crl', 'inspect', 'JUNK']],
    ['convert', ['convert', 'JUNK', '--to', 'scm-import', '--name', 'abc']],
    ['export', ['export', '--type', 'NGINX', '--certificate', 'JUNK']],
  ])('the same junk file is exit 1 (%s)', (_name, args) => {
    const r = ccmkit(args.map((x) => (x === 'JUNK' ? f('junk.pem') : x === 'ROOT' ? f('root.pem') : x)));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^ccmkit: [A-Z]+\.\d+: /m);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('"already exists" is 409 CCMKIT.0008 and exit 1 in every writer; nothing is changed', () => {
    const taken = f('taken.out', 'PRECIOUS');
    const env = { ...process.env, CCMKIT_OUT_PASSWORD: 'pw' };
    const runs: [string, string[]][] = [
      ['key generate', ['key', 'generate', '--algorithm', 'EC256', '-o', taken]],
      ['csr create', ['csr', 'create', '--key', f('leaf.key'), '--cn', 'x', '-o', taken]],
      ['chain build', ['chain', 'build', f('leaf.pem'), f('int.pem'), f('root.pem'), '-o', taken]],
      ['convert', ['convert', f('leaf.pem'), f('int.pem'), f('leaf.key'), '--to', 'scm-import', '--name', 'abc', '-o', taken]],
      ['crl build', ['crl', 'build', '--ca-cert', f('int.pem'), '--ca-key', f('leaf.key'), '--revoked', f('body.json'), '--crl-number', '1', '--valid-days', '7', '-o', taken]],
      ['validate scm-import --fix', ['validate', 'scm-import', '--name', 'abc', '--certificate', f('leaf.pem'), '--private-key', f('leaf.key'), '--fix', '-o', taken]],
    ];
    for (const [name, args] of runs) {
      const r = ccmkit([...args, '--json'], { env });
      expect(r.code, name).toBe(1);
      expect(JSON.parse(r.stdout), name).toMatchObject({ status: 409, error_code: 'CCMKIT.0008' });
      expect(JSON.parse(r.stdout).error_msg, name).toContain('already exists; give --force to replace it');
    }
    // export names its zip itself: DIR/<name>_<type>.zip.
    const dir = join(tmp.dir, 'exp');
    expect(ccmkit(['export', '--type', 'NGINX', '--certificate', f('leaf.pem'), '--certificate-chain', f('int.pem'), '--name', 'z', '-o', dir]).code).toBe(0);
    const again = ccmkit(['export', '--type', 'NGINX', '--certificate', f('leaf.pem'), '--certificate-chain', f('int.pem'), '--name', 'z', '-o', dir, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 409, error_code: 'CCMKIT.0008' });
    expect(readFileSync(taken, 'utf8')).toBe('PRECIOUS');
  });
});

describe('enum values in any case', () => {
  let c: ReturnType<typeof chain>;
  beforeAll(() => {
    c = chain(2);
    f('e-leaf.pem', pem('CERTIFICATE', c.leaf.der));
    f('e-int.pem', pem('CERTIFICATE', c.intermediates[0]!.der));
    f('e-root.pem', pem('CERTIFICATE', c.root.der));
    f('e-leaf.key', keyPem(c.leaf.key));
    f('e-int.key', keyPem(c.intermediates[0]!.key));
    f('e-revoked.csv', '0A,2025-05-01T00:00:00Z,keyCompromise\n');
  });

  it.each([
    ['key generate --algorithm ec256 --format PKCS8', ['key', 'generate', '--algorithm', 'ec256', '--format', 'PKCS8']],
    ['csr create --hash sha-384 --algorithm Ec256', ['csr', 'create', '--key', 'e-leaf.key', '--cn', 'x', '--hash', 'sha-384', '--algorithm', 'Ec256']],
    ['csr create --body SCM-UPLOAD', ['csr', 'create', '--key', 'e-leaf.key', '--cn', 'x', '--body', 'SCM-UPLOAD', '--name', 'n']],
    ['export --type nginx --format JSON', ['export', '--type', 'nginx', '--certificate', 'e-leaf.pem', '--private-key', 'e-leaf.key', '--format', 'JSON']],
    ['export --type iis --pfx-profile MODERN', ['export', '--type', 'iis', '--certificate', 'e-leaf.pem', '--private-key', 'e-leaf.key', '--pfx-profile', 'MODERN', '-o', 'e-out']],
    ['convert --to SCM-IMPORT', ['convert', 'e-leaf.pem', 'e-int.pem', 'e-leaf.key', '--to', 'SCM-IMPORT', '--name', 'abc']],
    ['chain build --format CCM', ['chain', 'build', 'e-leaf.pem', 'e-int.pem', 'e-root.pem', '--format', 'CCM']],
    ['crl build --format DER --signature-algorithm sha384, reason keyCompromise', ['crl', 'build', '--ca-cert', 'e-int.pem', '--ca-key', 'e-int.key', '--revoked', 'e-revoked.csv', '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z', '--format', 'DER', '--signature-algorithm', 'sha384']],
  ])('%s', (_name, args) => {
    const r = ccmkit(args.map((a) => (/^e-/.test(a) ? join(tmp.dir, a) : a)));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('secrets on the command line', () => {
  it('work, and warn exactly once on stderr without echoing the value', () => {
    const c = chain(1);
    const enc = f('w-enc.key', c.leaf.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'argv-pw-123' }));
    const cert = f('w-leaf.pem', pem('CERTIFICATE', c.leaf.der));
    for (const args of [
      ['inspect', enc],
      ['key', 'match', enc, cert],
      ['csr', 'create', '--key', enc, '--cn', 'x'],
      ['export', '--type', 'NGINX', '--certificate', cert, '--private-key', enc, '--format', 'json'],
      ['convert', cert, enc, '--to', 'scm-import', '--name', 'abc'],
    ]) {
      const r = ccmkit([...args, '--passphrase', 'argv-pw-123'], { env: { ...process.env, CCMKIT_PASSPHRASE: undefined } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr.match(/warning: --passphrase on the command line is visible to other users/g), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toContain('argv-pw-123');
    }
  });

  it('a file flag and a command-line value together are a usage error', () => {
    const r = ccmkit(['inspect', f('x.pem', 'x'), '--passphrase', 'a', '--passphrase-file', f('pw.txt', 'b\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give --passphrase or --passphrase-file, not both');
  });

  it('symlinked secret files are read like any input', () => {
    const real = f('real-pw.txt', 'linked-pw\n');
    const link = join(tmp.dir, 'link-pw.txt');
    symlinkSync(real, link);
    const c = chain(1);
    const enc = f('l-enc.key', c.leaf.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'linked-pw' }));
    const r = ccmkit(['inspect', '--json', enc, '--passphrase-file', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).objects[0].ccm_key_algorithm).toBe('EC256');
  });
});
