// Shared by the CLI fuzzer and the corpus replay: seed inputs for every
// command that parses user input, the commands' argument lists, mutations,
// and the one verdict every run must pass (issue 10: "never crash").
//
// Verdict: exit code 0, 1 or 2; no "internal error"; no stack trace; no file
// left behind (nothing at all when the command failed, no temporary file when
// it succeeded).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildCsr, subjectAltNameExt } from '../../src/engine/builder.js';
import { writeJks } from '../../src/engine/jks.js';
import { toPem } from '../../src/engine/pem.js';
import { writePkcs12 } from '../../src/engine/pkcs12.js';
import { writeZip } from '../../src/service/zip.js';
import { issue, key, keyPem, REF } from '../helpers/pki.js';
import { ROOT } from '../helpers/run.js';

export const AT = REF.toISOString();

export interface Outcome {
  code: number | string;
  stdout: string;
  stderr: string;
}

// ---- the runner ------------------------------------------------------------------

/** A long-lived child running dist/cli/main.js's main() per request (test/fuzz/cli-driver.mjs). */
export class Driver {
  private child: ChildProcessWithoutNullStreams;
  private waiting = new Map<number, (o: Outcome) => void>();
  private next = 1;
  private dead?: string;

  /** `cwd`: where commands that write to the current folder by default would write (never the repository). */
  constructor(cwd: string) {
    this.child = spawn(process.execPath, [join(ROOT, 'test/fuzz/cli-driver.mjs')], { stdio: ['pipe', 'pipe', 'pipe'], cwd });
    const rl = createInterface({ input: this.child.stdout });
    rl.on('line', (line) => {
      let o: Outcome & { id: number | null };
      try {
        o = JSON.parse(line);
      } catch {
        return; // a stray write that escaped capture: the verdict on its run catches what matters
      }
      const w = o.id === null ? [...this.waiting.values()][0] : this.waiting.get(o.id);
      if (w) w(o);
    });
    let err = '';
    this.child.stderr.on('data', (d: Buffer) => (err += d.toString()).slice(-4000));
    this.child.on('exit', (code) => {
      this.dead = `driver exited (${code}): ${err.slice(-2000)}`;
      for (const w of this.waiting.values()) w({ code: 'driver-died', stdout: '', stderr: this.dead });
      this.waiting.clear();
    });
  }

  run(argv: string[], timeoutMs = 30_000): Promise<Outcome> {
    if (this.dead) return Promise.resolve({ code: 'driver-died', stdout: '', stderr: this.dead });
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ code: 'hang', stdout: '', stderr: `no answer in ${timeoutMs} ms: ${argv.join(' ').slice(0, 300)}` });
      }, timeoutMs);
      this.waiting.set(id, (o) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(o);
      });
      this.child.stdin.write(JSON.stringify({ id, argv }) + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

// ---- the verdict --------------------------------------------------------------------

const STACK = /\n\s+at [^\n]*(\(|\/)[^\n]*:\d+:\d+/;

/**
 * Empty when the run is acceptable, else why not. `before`: the files of `dir`
 * before the run; `allowed`: files a failed run may still have written.
 */
export function verdict(o: Outcome, dir: string, before: string[], allowed: string[] = []): string {
  const problems: string[] = [];
  if (o.code !== 0 && o.code !== 1 && o.code !== 2) problems.push(`exit code ${o.code}`);
  const all = o.stdout + o.stderr;
  if (/internal error/i.test(all)) problems.push('"internal error"');
  if (STACK.test(all)) problems.push('a stack trace');
  if (/Maximum call stack|RangeError|TypeError|ReferenceError/.test(o.stderr)) problems.push('a JavaScript error in the output');
  const added = listAll(dir).filter((f) => !before.includes(f));
  const unexpected = added.filter((f) => !allowed.includes(f));
  if (o.code !== 0 && unexpected.length) problems.push(`files left behind after a failure: ${unexpected.join(', ')}`);
  const temps = added.filter((f) => /(^|\/)\.|tmp/i.test(f));
  if (o.code === 0 && temps.length) problems.push(`temporary files left behind: ${temps.join(', ')}`);
  return problems.length ? `${problems.join('; ')}\n--- stdout ---\n${o.stdout.slice(0, 1500)}\n--- stderr ---\n${o.stderr.slice(0, 1500)}` : '';
}

export function listAll(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...listAll(dir, rel));
  }
  return out;
}

// ---- seeds ----------------------------------------------------------------------------

export interface Seeds {
  /** name -> content of every seed file. */
  files: Record<string, Buffer>;
}

/** One valid input of every kind the commands read, made with the engine's writers and the test mini-PKI. */
export function makeSeeds(): Seeds {
  const caKey = key('EC256', 90);
  const root = issue({ cn: 'Fuzz Root', ca: true, key: caKey });
  const interKey = key('EC256', 91);
  const inter = issue({ cn: 'Fuzz Intermediate', ca: true, issuer: root, key: interKey });
  const leafKey = key('EC256', 92);
  const leaf = issue({ cn: 'fuzz.example.com', issuer: inter, key: leafKey, sans: [{ type: 'DNS', value: 'fuzz.example.com' }, { type: 'IP', value: '10.0.0.1' }] });
  const rsaLeafKey = key('RSA2048', 93);
  const rsaLeaf = issue({ cn: 'rsa.fuzz.example.com', issuer: inter, key: rsaLeafKey });
  const pem = (der: Buffer, label = 'CERTIFICATE'): string => toPem(label, der);
  const csr = buildCsr({ subject: [['C', 'CN'], ['O', 'Fuzz'], ['CN', 'csr.fuzz.example.com']], key: leafKey, extensions: [subjectAltNameExt([{ type: 'DNS', value: 'csr.fuzz.example.com' }])] });
  const pkcs8 = leafKey.export({ type: 'pkcs8', format: 'der' });
  const files: Record<string, Buffer> = {
    'root.pem': Buffer.from(pem(root.der)),
    'inter.pem': Buffer.from(pem(inter.der)),
    'leaf.pem': Buffer.from(pem(leaf.der)),
    'leaf.der': leaf.der,
    'fullchain.pem': Buffer.from(pem(leaf.der) + pem(inter.der) + pem(root.der)),
    'chain.pem': Buffer.from(pem(inter.der) + pem(root.der)),
    'leaf.key': Buffer.from(keyPem(leafKey)),
    'leaf-sec1.key': Buffer.from(pem(leafKey.export({ type: 'sec1', format: 'der' }), 'EC PRIVATE KEY')),
    'leaf.key.der': pkcs8,
    'rsa-leaf.pem': Buffer.from(pem(rsaLeaf.der)),
    'rsa-leaf.key': Buffer.from(rsaLeafKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    'ca.key': Buffer.from(keyPem(caKey)),
    'req.csr': Buffer.from(pem(csr, 'CERTIFICATE REQUEST')),
    'req.csr.der': csr,
    'server.pfx': writePkcs12({ key: pkcs8, certificates: [leaf.der, inter.der, root.der], password: 'fuzzpass', profile: 'modern', iterations: 16 }),
    'server.jks': writeJks({ key: pkcs8, certificates: [leaf.der, inter.der], password: 'fuzzpass', at: REF }),
    'revoked.csv': Buffer.from('serial,revoked_at,reason\n0A,2025-05-01T00:00:00Z,KEY_COMPROMISE\n0B,1746057600000,\n1C:2D,2025-05-02T10:00:00+02:00,CERTIFICATE_HOLD\n'),
    'revoked.json': Buffer.from(JSON.stringify([{ serial_number: '0A', revoked_at: '2025-05-01T00:00:00Z', reason: 'KEY_COMPROMISE' }, { serial_number: '4F:1A', revoked_at: 1746057600000 }])),
    'import.json': Buffer.from(JSON.stringify({ name: 'fuzz_cert', certificate: pem(leaf.der), certificate_chain: pem(inter.der), private_key: keyPem(leafKey) })),
    'export.json': Buffer.from(JSON.stringify({ entire_certificate: pem(leaf.der) + pem(inter.der), certificate: pem(leaf.der), certificate_chain: pem(inter.der), private_key: keyPem(leafKey) })),
    'upload-csr.json': Buffer.from(JSON.stringify({ name: 'fuzz_csr', csr: pem(csr, 'CERTIFICATE REQUEST') })),
    'create-ca.json': Buffer.from(JSON.stringify({ type: 'ROOT', key_algorithm: 'EC256', signature_algorithm: 'SHA256', distinguished_name: { country: 'CN', state: 'S', locality: 'L', organization: 'O', organizational_unit: 'U', common_name: 'Fuzz CA' }, validity: { type: 'YEAR', value: 5 } })),
    'apply-cert.json': Buffer.from(JSON.stringify({ issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', key_algorithm: 'RSA2048', signature_algorithm: 'SHA256', distinguished_name: { common_name: 'fuzz' }, validity: { type: 'YEAR', value: 1 }, subject_alternative_names: [{ type: 'DNS', value: 'a.example.com' }] })),
    'issue-csr.json': Buffer.from(JSON.stringify({ issuer_id: '2cb2878b-6cd1-460d-bd25-afe655159bdc', csr: pem(csr, 'CERTIFICATE REQUEST'), validity: { type: 'DAY', value: 30 }, type: 'ENTITY_CERT' })),
    'inter.csr': Buffer.from(pem(buildCsr({ subject: [['O', 'ccmkit test'], ['CN', 'Fuzz Intermediate']], key: interKey }), 'CERTIFICATE REQUEST')),
    'subject.json': Buffer.from(JSON.stringify({ common_name: 'subject.fuzz.example.com', country: 'CN', organization: 'Fuzz' })),
  };
  files['export.zip'] = writeZip(
    [
      { name: 'server.crt', data: files['leaf.pem']!, mode: 0o644 },
      { name: 'chain.crt', data: files['chain.pem']!, mode: 0o644 },
      { name: 'server.key', data: files['leaf.key']!, mode: 0o600 },
    ],
    REF,
  );
  return { files };
}

// ---- scenarios ------------------------------------------------------------------------

export interface Scenario {
  name: string;
  /** The seed file the fuzzer mutates (written as `input` + its extension). */
  target: string;
  /** `out` is a folder (export, convert --to pem) rather than a file. */
  outDir?: boolean;
  /** The output is written even when the command exits 1 (validate --fix writes the improved body, then reports it). */
  outputOnFailure?: boolean;
  /** Argument list; `f(name)` is the path of a seed file, `input` the mutated one, `out` an output path in the run's folder. */
  argv: (f: (name: string) => string, input: string, out: string) => string[];
}

const json = (argv: string[]): string[] => [...argv, '--json'];

/** Every command that parses user input, once per kind of input it reads. */
export const SCENARIOS: Scenario[] = [
  ...['leaf.pem', 'leaf.der', 'leaf.key', 'leaf-sec1.key', 'leaf.key.der', 'req.csr', 'server.pfx', 'server.jks', 'export.zip', 'import.json'].map(
    (t): Scenario => ({ name: `inspect ${t}`, target: t, argv: (_f, input) => json(['inspect', '--passphrase-file', _f('password.txt'), input]) }),
  ),
  { name: 'csr parse', target: 'req.csr', argv: (_f, input) => json(['csr', 'parse', input]) },
  { name: 'csr parse DER', target: 'req.csr.der', argv: (_f, input) => ['csr', 'parse', input] },
  { name: 'key match (key)', target: 'leaf.key', argv: (f, input) => ['key', 'match', input, f('fullchain.pem')] },
  { name: 'key match (certificates)', target: 'fullchain.pem', argv: (f, input) => json(['key', 'match', input, f('leaf.key'), f('req.csr')]) },
  { name: 'chain build', target: 'fullchain.pem', argv: (_f, input) => json(['chain', 'build', '--at', AT, input]) },
  { name: 'chain verify (leaf)', target: 'leaf.pem', argv: (f, input) => ['chain', 'verify', '--at', AT, input, '--roots', f('root.pem'), '--untrusted', f('inter.pem')] },
  { name: 'chain verify (roots)', target: 'root.pem', argv: (f, input) => json(['chain', 'verify', '--at', AT, f('leaf.pem'), '--roots', input, '--untrusted', f('inter.pem')]) },
  { name: 'crl inspect', target: 'ca.crl', argv: (f, input) => json(['crl', 'inspect', input, '--ca-cert', f('root.pem')]) },
  { name: 'crl inspect DER', target: 'ca.crl.der', argv: (_f, input) => ['crl', 'inspect', input] },
  { name: 'crl check (crl)', target: 'ca.crl', argv: (f, input) => json(['crl', 'check', '--crl', input, '--certificate', f('inter.pem'), '--ca-cert', f('root.pem'), '--at', AT]) },
  { name: 'crl check (certificate)', target: 'inter.pem', argv: (f, input) => ['crl', 'check', '--crl', f('ca.crl'), '--certificate', input, '--at', AT] },
  { name: 'crl build (revoked csv)', target: 'revoked.csv', argv: (f, input, out) => json(['crl', 'build', '--ca-cert', f('root.pem'), '--ca-key', f('ca.key'), '--revoked', input, '--crl-number', '7', '--valid-days', '7', '--at', AT, '--out', out]) },
  { name: 'crl build (revoked json)', target: 'revoked.json', argv: (f, input, out) => ['crl', 'build', '--ca-cert', f('root.pem'), '--ca-key', f('ca.key'), '--revoked', input, '--crl-number', '7', '--valid-days', '7', '--at', AT, '--out', out] },
  { name: 'crl build (ca key)', target: 'ca.key', argv: (f, input, out) => ['crl', 'build', '--ca-cert', f('root.pem'), '--ca-key', input, '--revoked', f('revoked.csv'), '--crl-number', '7', '--valid-days', '7', '--at', AT, '--out', out] },
  { name: 'crl build (base crl)', target: 'ca.crl', argv: (f, input, out) => ['crl', 'build', '--ca-cert', f('root.pem'), '--ca-key', f('ca.key'), '--revoked', f('revoked.csv'), '--crl-number', '8', '--valid-days', '7', '--at', AT, '--base-crl', input, '--out', out] },
  { name: 'validate scm-import', target: 'import.json', argv: (_f, input) => json(['validate', 'scm-import', '--at', AT, input]) },
  { name: 'validate scm-import --fix', outputOnFailure: true, target: 'import.json', argv: (_f, input, out) => ['validate', 'scm-import', '--at', AT, input, '--fix', '-o', out] },
  { name: 'validate scm-import files', target: 'fullchain.pem', argv: (f, input) => json(['validate', 'scm-import', '--at', AT, '--name', 'fuzz_cert', '--certificate', input, '--private-key', f('leaf.key')]) },
  { name: 'validate scm-upload-csr', target: 'upload-csr.json', argv: (_f, input) => json(['validate', 'scm-upload-csr', input]) },
  { name: 'validate pca-create-ca', target: 'create-ca.json', argv: (_f, input) => json(['validate', 'pca-create-ca', '--at', AT, input]) },
  { name: 'validate pca-apply-cert', target: 'apply-cert.json', argv: (_f, input) => json(['validate', 'pca-apply-cert', '--at', AT, input]) },
  { name: 'validate pca-issue-csr', target: 'issue-csr.json', argv: (_f, input) => json(['validate', 'pca-issue-csr', '--at', AT, input]) },
  { name: 'validate pca-import-ca', target: 'inter.pem', argv: (f, input) => json(['validate', 'pca-import-ca', '--csr', f('inter.csr'), '--certificate', input, '--certificate-chain', f('root.pem')]) },
  { name: 'validate pca-import-ca (csr)', target: 'inter.csr', argv: (f, input) => json(['validate', 'pca-import-ca', '--csr', input, '--certificate', f('inter.pem'), '--certificate-chain', f('root.pem')]) },
  { name: 'export (certificate)', outDir: true, target: 'fullchain.pem', argv: (f, input, out) => ['export', '--type', 'IIS', '--certificate', input, '--private-key', f('leaf.key'), '-o', out] },
  { name: 'export (key)', outDir: true, target: 'leaf.key', argv: (f, input, out) => ['export', '--type', 'TOMCAT', '--certificate', f('fullchain.pem'), '--private-key', input, '-o', out] },
  { name: 'export (chain)', outDir: true, target: 'chain.pem', argv: (f, input, out) => ['export', '--type', 'APACHE', '--certificate', f('leaf.pem'), '--certificate-chain', input, '--private-key', f('leaf.key'), '-o', out] },
  { name: 'export --from-export', outDir: true, target: 'export.json', argv: (_f, input, out) => ['export', '--type', 'NGINX', '--from-export', input, '-o', out] },
  { name: 'export --format json', target: 'fullchain.pem', argv: (f, input) => ['export', '--type', 'OTHER', '--format', 'json', '--certificate', input, '--private-key', f('leaf.key')] },
  { name: 'export --json', outDir: true, target: 'fullchain.pem', argv: (f, input, out) => ['export', '--type', 'OTHER', '--json', '-o', out, '--certificate', input, '--private-key', f('leaf.key')] },
  { name: 'convert pfx', target: 'server.pfx', argv: (_f, input) => ['convert', input, '--passphrase-file', _f('password.txt'), '--to', 'scm-import', '--name', 'fuzz_cert'] },
  { name: 'convert jks', outDir: true, target: 'server.jks', argv: (_f, input, out) => ['convert', input, '--passphrase-file', _f('password.txt'), '--to', 'pem', '-o', out] },
  { name: 'convert zip', target: 'export.zip', argv: (_f, input) => ['convert', input, '--to', 'scm-import', '--name', 'fuzz_cert'] },
  { name: 'convert pem bag', outDir: true, target: 'fullchain.pem', argv: (f, input, out) => ['convert', input, f('leaf.key'), '--to', 'pem', '-o', out] },
  { name: 'convert export json', target: 'export.json', argv: (_f, input) => json(['convert', input, '--to', 'scm-import', '--name', 'fuzz_cert']) },
  { name: 'csr create (key)', target: 'leaf.key', argv: (_f, input, out) => ['csr', 'create', '--key', input, '--cn', 'create.fuzz.example.com', '--out', out] },
  { name: 'csr create (subject json)', target: 'subject.json', argv: (f, input) => json(['csr', 'create', '--key', f('leaf.key'), '--subject-json', input]) },
  // The offline CA: PCA bodies into a real workspace (made in writeSeeds; it grows as runs succeed).
  { name: 'ca create', target: 'create-ca.json', argv: (f, input) => json(['ca', 'create', input, ...workspace(f)]) },
  { name: 'cert issue-csr', target: 'ws-issue-csr.json', argv: (f, input) => json(['cert', 'issue-csr', input, ...workspace(f)]) },
  { name: 'cert issue-csr --batch', target: 'ws-issue-csr.ndjson', argv: (f, input) => ['cert', 'issue-csr', '--batch', input, '--workers', '1', ...workspace(f)] },
  { name: 'cert apply', target: 'ws-apply-cert.json', argv: (f, input) => ['cert', 'apply', input, ...workspace(f)] },
];

function workspace(f: (name: string) => string): string[] {
  return ['--workspace', f('ws'), '--passphrase-file', f('password.txt')];
}

/** Writes the seeds (plus a CRL made by the real `crl build`) into `dir`. */
export async function writeSeeds(dir: string, seeds: Seeds, runner: { run: (argv: string[]) => Promise<Outcome> }): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(seeds.files)) writeFileSync(join(dir, name), data);
  writeFileSync(join(dir, 'password.txt'), 'fuzzpass\n');
  const common = ['crl', 'build', '--ca-cert', join(dir, 'root.pem'), '--ca-key', join(dir, 'ca.key'), '--revoked', join(dir, 'revoked.csv'), '--crl-number', '5', '--valid-days', '7', '--at', AT];
  for (const [out, extra] of [['ca.crl', []], ['ca.crl.der', ['--format', 'der']]] as const) {
    const r = await runner.run([...common, ...extra, '--out', join(dir, out)]);
    if (r.code !== 0) throw new Error(`seed CRL: ${r.stderr}`);
  }
  // A workspace with one ROOT CA; bodies that name it.
  const ws = ['--workspace', join(dir, 'ws'), '--passphrase-file', join(dir, 'password.txt')];
  const init = await runner.run(['workspace', 'init', ...ws]);
  if (init.code !== 0) throw new Error(`seed workspace: ${init.stderr}`);
  const ca = await runner.run(['ca', 'create', join(dir, 'create-ca.json'), ...ws, '--json']);
  if (ca.code !== 0) throw new Error(`seed CA: ${ca.stderr}`);
  const issuer = (JSON.parse(ca.stdout) as { ca_id: string }).ca_id;
  const withIssuer = (name: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ ...(JSON.parse(seeds.files[name]!.toString()) as object), issuer_id: issuer, ...extra });
  writeFileSync(join(dir, 'ws-issue-csr.json'), withIssuer('issue-csr.json'));
  writeFileSync(join(dir, 'ws-issue-csr.ndjson'), `${withIssuer('issue-csr.json')}\n${withIssuer('issue-csr.json', { validity: { type: 'MONTH', value: 2 } })}\n`);
  writeFileSync(join(dir, 'ws-apply-cert.json'), withIssuer('apply-cert.json', { key_algorithm: 'EC256' }));
}
