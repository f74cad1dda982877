// The package as a user gets it: `npm pack`, installed into a fresh project
// (its dependencies from the registry), then used the three ways people use
// it: imported from ESM JavaScript, compiled as a strict TypeScript consumer,
// and run as `npx ccmkit`. This is the check that fails when "exports",
// "types", "files" or "bin" are wrong, which tests against src/ never see.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, ROOT, run, tempDir } from '../helpers/run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
let tmp: { dir: string; cleanup: () => void };
let app: string;
let packed: string[];

function npm(args: string[], cwd: string): string {
  const r = run('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

beforeAll(() => {
  tmp = tempDir('ccmkit-consumer-');
  // dist/ is fresh (the global setup built it); --ignore-scripts keeps pack from building again.
  const out = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.dir], ROOT));
  packed = out[0].files.map((f: { path: string }) => f.path);
  const tarball = join(tmp.dir, out[0].filename);
  app = join(tmp.dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --ignore-scripts: better-sqlite3's native build is not needed to import and type-check (its addon
  // loads when a workspace is opened; the offline CA runs in test/service/pca.test.ts).
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--ignore-scripts', tarball], app);

  // A certificate and its key, and a stranger's key, made by openssl.
  for (const [k, cn] of [['a', 'www.example.com'], ['b', 'other.example.com']] as const) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(app, `${k}.key`), '-out', join(app, `${k}.pem`), '-days', '30', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`]);
  }
}, 300_000);

afterAll(() => tmp?.cleanup());

describe('the packed package', () => {
  it('holds the build, the CLI and the declarations, and nothing else', () => {
    expect(packed).toContain('package.json');
    expect(packed).toContain('README.md');
    expect(packed).toContain('bin/ccmkit');
    // Whatever "bin" names, and everything in bin/ (a bundled CLI's loader may bring a bin/package.json), ships.
    for (const b of Object.values(typeof pkg.bin === 'string' ? { ccmkit: pkg.bin } : (pkg.bin as Record<string, string>))) expect(packed).toContain(b.replace(/^\.\//, ''));
    for (const f of readdirSync(join(ROOT, 'bin'))) expect(packed).toContain(`bin/${f}`);
    for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | { types: string; default: string }>)) {
      const files = typeof target === 'string' ? [target] : [target.types, target.default];
      for (const f of files) expect(packed, `${sub} -> ${f}`).toContain(f.replace(/^\.\//, ''));
    }
    const stray = packed.filter((p) => /^(src|test|examples|api|benchmarks|fixtures|scripts)\//.test(p) || /^dist\/cli\/.*\.d\.ts$/.test(p) || p.startsWith('dist/.api-report'));
    expect(stray).toEqual([]);
  });

  it('imports from ESM JavaScript and runs a pre-flight; subpaths are the same functions; deep imports are refused', () => {
    writeFileSync(
      join(app, 'preflight.mjs'),
      `import { readFileSync } from 'node:fs';
import { validateScmImport, CcmError, LocalCode, generateKey } from 'ccmkit';
import * as validate from 'ccmkit/validate';
import * as errors from 'ccmkit/errors';
const body = (key) => ({ name: 'www_example', certificate: readFileSync('a.pem', 'utf8'), private_key: readFileSync(key, 'utf8') });
const good = validateScmImport(body('a.key'), { at: new Date() });
const bad = validateScmImport(body('b.key'), { at: new Date() });
let thrown;
try { generateKey('RSA1024'); } catch (e) { thrown = e; }
let deep;
try { await import('ccmkit/dist/engine/pem.js'); } catch (e) { deep = e.code; }
const pca = await import('ccmkit/pca');
const sync = await import('ccmkit/sync');
const root = await import('ccmkit');
let badCreds;
try { new sync.CcmClient({ credentials: { aksk: { ak: 'AK', sk: 'line\\nbreak' } }, endpoints: sync.resolveEndpoints({ region: 'cn-north-4' }) }); } catch (e) { badCreds = e; }
console.log(JSON.stringify({
  good: { valid: good.valid, status: good.status },
  bad: { valid: bad.valid, status: bad.status, error_code: bad.error_code, error_msg: bad.error_msg },
  sameFunction: validate.validateScmImport === validateScmImport && errors.CcmError === CcmError,
  error: { isCcmError: thrown instanceof CcmError, json: JSON.parse(JSON.stringify(thrown)), code: thrown.error_code, local: LocalCode.USAGE },
  deep,
  pca: { createCa: typeof pca.createCa, sameError: pca.CcmError === CcmError, inRoot: 'createCa' in root },
  sync: {
    client: typeof sync.CcmClient, scmImport: typeof sync.scmImport, pull: typeof sync.pull, inRoot: 'scmImport' in root || 'CcmClient' in root,
    badCreds: { isCcmError: badCreds instanceof CcmError, code: badCreds?.error_code, quoted: String(badCreds?.error_msg).includes('break') },
    scmEndpoint: sync.resolveEndpoints({ region: 'cn-north-4' }).scm.href,
  },
}));
`,
    );
    const r = run(process.execPath, ['preflight.mjs'], { cwd: app });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.good).toEqual({ valid: true, status: 200 });
    expect(out.bad).toEqual({ valid: false, status: 400, error_code: 'SCM.0014', error_msg: 'The uploaded certificate does not match the private key.' });
    expect(out.sameFunction).toBe(true);
    // The one error class, with CCM's three fields, serialised as the CLI's JSON errors are.
    expect(out.error.isCcmError).toBe(true);
    expect(out.error.code).toBe('PCA.00020102');
    expect(out.error.json).toEqual({ status: 400, error_code: 'PCA.00020102', error_msg: expect.stringMatching(/^unknown key algorithm "RSA1024"/) });
    expect(out.error.local).toBe('CCMKIT.0001');
    expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // The offline CA is its own entry point (it opens SQLite files), with the same error class.
    expect(out.pca).toEqual({ createCa: 'function', sameError: true, inRoot: false });
    // The CCM client too (it does network I/O), with the same error class; credentials are checked, never quoted.
    expect(out.sync).toEqual({
      client: 'function',
      scmImport: 'function',
      pull: 'function',
      inRoot: false,
      badCreds: { isCcmError: true, code: 'CCMKIT.0203', quoted: false },
      scmEndpoint: 'https://scm.cn-north-4.myhuaweicloud.com/',
    });
  });

  it('compiles a TypeScript consumer with tsc --noEmit under strict, declarations checked (no skipLibCheck)', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          // @types/node from the repository: the consumer needs no other install.
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['main.ts', 'readme.ts', 'readme-pca.ts', 'readme-sync.ts'],
      }),
    );
    writeFileSync(
      join(app, 'main.ts'),
      `import { readFileSync } from 'node:fs';
import { CcmError, readInput, validateScmImport, type Finding, type ValidationResult } from 'ccmkit';
import { buildChainReport, certBag, ccmChainBody, type BuildReport } from 'ccmkit/chain';
import { csrCreate, csrReport, parseCsrOrFail, type CsrReport } from 'ccmkit/csr';
import { generateKey, readPrivateKey, type KeyAlgorithmName } from 'ccmkit/key';
import { buildCrlFromRequest, type BuildCrlRequest } from 'ccmkit/crl';
import { exportZip, gatherMaterial, resolveMaterial, type ExportType } from 'ccmkit/export';
import { openInputs, fixedSecrets, WorkBudget } from 'ccmkit/inputs';
import { createCa, createContext, openWorkspace, PCA_MIGRATIONS, type CaBody, type PcaResponse } from 'ccmkit/pca';
import { CcmClient, RemoteError, resolveEndpoints, scmImport, pull, SYNC_MIGRATIONS, type ClientCredentials, type PullReport, type ScmImportOutcome } from 'ccmkit/sync';
import { randomBytes } from 'node:crypto';

const r: ValidationResult = validateScmImport({ name: 'www', certificate: readFileSync('a.pem', 'utf8') }, { at: new Date() });
const first: Finding | undefined = r.findings[0];
const code: string | undefined = r.error_code;
const bag = certBag(readInput(readFileSync('a.pem'), 'a.pem').objects);
const { report }: { report: BuildReport } = buildChainReport(bag, { at: new Date(), purpose: 'serverAuth' });
const best = report.chains.find((c) => c.best);
const alg: KeyAlgorithmName = 'EC256';
const made = csrCreate({ key: readPrivateKey(generateKey(alg).pem, 'k'), request: { subject: { common_name: 'www.example.com' } }, at: new Date() });
const parsed: CsrReport = csrReport(parseCsrOrFail(made.der, 'made'));
const req: BuildCrlRequest = { caCert: { bytes: '', source: 'ca' }, caKey: { bytes: '', source: 'k' }, revoked: { bytes: '[]', source: 'r' }, crlNumber: 1, validDays: 7, at: new Date() };
const type: ExportType = 'NGINX';
async function bundle(): Promise<Buffer> {
  const opened = await openInputs([{ name: 'a.pem', bytes: readFileSync('a.pem') }], { secrets: fixedSecrets(), budget: new WorkBudget() });
  const m = await gatherMaterial([{ name: 'a.pem', bytes: readFileSync('a.pem') }, { name: 'a.key', bytes: readFileSync('a.key') }]);
  return exportZip(resolveMaterial(m, new Date()), { type, name: String(opened.objects.length), at: new Date() }).zip;
}
try {
  buildCrlFromRequest(req);
} catch (e) {
  if (e instanceof CcmError) console.log(e.status, e.error_code, e.error_msg);
}
function offlineCa(): string {
  const ws = openWorkspace('ca-ws', { migrations: PCA_MIGRATIONS });
  try {
    const ctx = createContext(ws, { now: () => new Date(), random: randomBytes, passphrase: () => process.env.CA_PASSPHRASE });
    const r: PcaResponse = createCa(ctx, { body: { type: 'ROOT' } });
    return (r.body as Pick<CaBody, 'ca_id'>).ca_id;
  } finally {
    ws.close();
  }
}
async function online(credentials: ClientCredentials): Promise<[ScmImportOutcome, PullReport] | string> {
  const client = new CcmClient({ credentials, endpoints: resolveEndpoints({ endpoint: 'http://127.0.0.1:8443' }), env: process.env });
  const ws = openWorkspace('ws', { migrations: [...PCA_MIGRATIONS, ...SYNC_MIGRATIONS] });
  try {
    return [await scmImport(client, { name: 'www', certificate: readFileSync('a.pem', 'utf8') }), await pull(client, ws, { scm: true, pca: false })];
  } catch (e) {
    if (e instanceof RemoteError) return \`\${e.httpStatus} \${e.error_code} \${e.requestId ?? ''}\`;
    throw e;
  } finally {
    ws.close();
    client.close();
  }
}
void [first, code, best && ccmChainBody, parsed.signature_valid, bundle, offlineCa, online];
// @ts-expect-error only what "exports" names can be imported
import('ccmkit/dist/engine/pem.js');
`,
    );
    // README's library section, as written: the five tasks must compile for a user too.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /The five most common tasks:\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toMatch(/validateScmImport/);
    writeFileSync(join(app, 'readme.ts'), `${snippet}\nexport {};\n`);
    const pcaSnippet = /`ccmkit\/pca` answers like PCA itself[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(pcaSnippet).toMatch(/issueCertByCsr/);
    writeFileSync(join(app, 'readme-pca.ts'), `${pcaSnippet}\nexport {};\n`);
    const syncSnippet = /`ccmkit\/sync` talks to CCM[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(syncSnippet).toMatch(/scmImport/);
    writeFileSync(join(app, 'readme-sync.ts'), `${syncSnippet}\nexport {};\n`);
    const tsc = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    // The declarations carry the documentation editors show.
    const dts = readFileSync(join(app, 'node_modules/ccmkit/dist/ccm/scm-import.d.ts'), 'utf8');
    expect(dts).toMatch(/@example[\s\S]*validateScmImport\(/);
  });

  it('runs npx ccmkit from the installed package', () => {
    const v = run('npx', ['--no-install', 'ccmkit', '--version'], { cwd: app });
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toBe(pkg.version);
    expect(v.code).toBe(0);
    // A real command, through the same installed bin.
    const m = run('npx', ['--no-install', 'ccmkit', 'key', 'match', '--json', 'a.key', 'a.pem', 'b.pem'], { cwd: app });
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ pairs: [{ key: 'a.key#1', certificate: 'a.pem#1' }], unmatched_certificates: ['b.pem#1'] });
    expect(existsSync(join(app, 'node_modules/.bin/ccmkit'))).toBe(true);
    // A command that talks to CCM, through the same bin: the client is in the installed package
    // (a refused connection gives ccmkit's own network error, not a crash or a missing module).
    const env: NodeJS.ProcessEnv = { ...process.env, HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK', HUAWEICLOUD_SDK_DOMAIN_ID: 'd'.repeat(32), XDG_CONFIG_HOME: '/nonexistent' };
    for (const k of ['HTTP_PROXY', 'http_proxy']) delete env[k];
    const net = run('npx', ['--no-install', 'ccmkit', 'scm', 'list', '--endpoint', 'http://127.0.0.1:9', '--retries', '0', '--json'], { cwd: app, env });
    expect(net.code).toBe(1);
    expect(JSON.parse(net.stdout)).toMatchObject({ status: 503, error_code: 'CCMKIT.0201' });
  });
});
