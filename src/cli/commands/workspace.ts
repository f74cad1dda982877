// ccmkit workspace init | backup | check | config

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CcmError, LocalCode, usageError } from '../../api/errors.js';
import { checkWorkspace, CRL_DIR, DB_FILE, DEFAULT_CA_QUOTA, DEFAULT_CERTIFICATE_QUOTA, initWorkspace, newKdfRecord, openWorkspace, PCA_MIGRATIONS, quickCheck, SETTING } from '../../api/pca.js';
import { parseArgs } from '../args.js';
import { FORCE, OUT } from '../flags.js';
import { now, out, printJson } from '../io.js';
import { esc, PCA_COMMON, withPca, workspaceDir, WORKSPACE_HELP } from '../pca-io.js';
import { canPrompt, promptSecret, readSecret } from '../secrets.js';

const SETTINGS_HELP = `Settings (ccmkit workspace config KEY VALUE):
  ca_quota            CAs the workspace may hold (PCA's quota; default ${DEFAULT_CA_QUOTA})
  certificate_quota   certificates it may hold (default ${DEFAULT_CERTIFICATE_QUOTA.toLocaleString('en-US')})
  crl_base_url        where CRLs are published: certificates of a CA with
                      crl_configuration.enabled name <crl_base_url>/<crl_name>.crl as
                      their CRL distribution point (crl_name defaults to the CA ID)`;

// ---- init ---------------------------------------------------------------------------

export const init = {
  help: `Usage: ccmkit workspace init [DIR] [--crl-base-url URL] [--ca-quota N] [--certificate-quota N]
                            [--passphrase-file F] [--json]

Creates an offline CA workspace: DIR (0700) holding workspace.db (SQLite, 0600)
and crl/. DIR defaults to --workspace, $CCMKIT_WORKSPACE, then ./ccmkit-workspace.
No other command creates a workspace.

Every private key the workspace makes (CA keys, keys of "cert apply") is
stored only as encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 with 600,000
iterations, AES-256-CBC) under the passphrase given here. A wrong passphrase
is refused before anything is written. There is no way to recover it.

Options:
  --crl-base-url URL       base URL of the CRL distribution points (see below)
  --ca-quota N             default ${DEFAULT_CA_QUOTA}
  --certificate-quota N    default ${DEFAULT_CERTIFICATE_QUOTA}
${WORKSPACE_HELP}
  On a terminal without --passphrase-file or $CCMKIT_PASSPHRASE, the passphrase
  is asked twice.

${SETTINGS_HELP}

Examples:
  ccmkit workspace init ./offline-ca --crl-base-url http://crl.example.com/pca
  ccmkit workspace init --workspace /media/usb/ca --passphrase-file pass.txt --certificate-quota 500000

Exit codes:
  0  created
  1  the folder already holds a workspace, or cannot be written
  2  usage error (no passphrase, bad value)`,
  async run(argv: string[]): Promise<number> {
    const p = parseArgs(argv, { ...PCA_COMMON, 'crl-base-url': { type: 'string' }, 'ca-quota': { type: 'string' }, 'certificate-quota': { type: 'string' } });
    if (p.positionals.length > 1) throw usageError('workspace init takes at most one DIR');
    if (p.positionals.length && p.str.has('workspace')) throw usageError('give DIR or --workspace, not both');
    const dir = p.positionals[0] ?? workspaceDir(p);
    const settings: Record<string, string> = {
      [SETTING.CA_QUOTA]: String(DEFAULT_CA_QUOTA),
      [SETTING.CERTIFICATE_QUOTA]: String(DEFAULT_CERTIFICATE_QUOTA),
    };
    for (const [flag, key] of [
      ['ca-quota', SETTING.CA_QUOTA],
      ['certificate-quota', SETTING.CERTIFICATE_QUOTA],
      ['crl-base-url', SETTING.CRL_BASE_URL],
    ] as const) {
      const v = p.str.get(flag);
      if (v !== undefined) settings[key] = checkSetting(key, v);
    }
    if (existsSync(join(dir, DB_FILE))) throw new CcmError(409, 'CCMKIT.0107', `${resolve(dir)} already holds a workspace; nothing was changed.`, dir);
    let pass = readSecret(p, 'input');
    if (pass === undefined && canPrompt()) {
      pass = promptSecret('New workspace passphrase');
      const again = promptSecret('Repeat the passphrase');
      if (pass !== again) throw usageError('the two passphrases differ; nothing was created');
    }
    if (pass === undefined || pass === '') throw usageError('workspace init needs a passphrase: --passphrase-file F, $CCMKIT_PASSPHRASE, or a terminal to type it on');
    if ([...pass].length < 8) process.stderr.write('ccmkit: warning: the passphrase is shorter than 8 characters: it is all that protects the CA keys in the database file.\n');
    settings[SETTING.KDF] = JSON.stringify(newKdfRecord(pass, randomBytes));
    settings.created_at = String(now().getTime());
    const ws = initWorkspace(dir, settings, { at: now(), migrations: PCA_MIGRATIONS });
    const abs = ws.dir;
    ws.close();
    if (p.bool.has('json')) printJson({ workspace: abs, database: join(abs, DB_FILE), crl_dir: join(abs, CRL_DIR), ...publicSettings(settings) });
    else {
      out(`created workspace ${esc(abs)}`);
      out(`  ${DB_FILE.padEnd(14)}SQLite (WAL), mode 0600; keys encrypted under the passphrase`);
      out(`  ${(CRL_DIR + '/').padEnd(14)}published CRLs`);
      for (const [k, v] of Object.entries(publicSettings(settings))) out(`  ${k.padEnd(18)}${esc(v)}`);
    }
    return 0;
  },
};

function publicSettings(s: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== SETTING.KDF));
}

function checkSetting(key: string, v: string): string {
  if (key === SETTING.CA_QUOTA || key === SETTING.CERTIFICATE_QUOTA) {
    if (!/^\d{1,9}$/.test(v)) throw usageError(`${key} must be a whole number (0 to 999999999), not "${esc(v).slice(0, 20)}"`);
    return String(Number(v));
  }
  if (key === SETTING.CRL_BASE_URL) {
    if (!/^(https?|ldap|file):\/\/[\x21-\x7e]+$/.test(v)) throw usageError(`crl_base_url must be an http://, https://, ldap:// or file:// URL, not "${esc(v).slice(0, 60)}"`);
    return v.replace(/\/+$/, '');
  }
  throw usageError(`unknown setting "${esc(key).slice(0, 30)}": ca_quota, certificate_quota or crl_base_url`);
}

// ---- config -------------------------------------------------------------------------------

export const config = {
  help: `Usage: ccmkit workspace config [KEY [VALUE]] [--workspace DIR] [--json]

Shows the workspace settings, one setting, or sets one.

${SETTINGS_HELP}

Options:
${WORKSPACE_HELP}

Examples:
  ccmkit workspace config
  ccmkit workspace config certificate_quota 200000
  ccmkit workspace config crl_base_url http://crl.example.com/pca

Exit codes:
  0  shown or set
  1  no workspace, or it cannot be written
  2  usage error (unknown setting, bad value)`,
  async run(argv: string[]): Promise<number> {
    const p = parseArgs(argv, PCA_COMMON);
    if (p.positionals.length > 2) throw usageError('workspace config takes KEY and VALUE at most');
    const [key, value] = p.positionals;
    if (key !== undefined && key !== SETTING.KDF) checkSetting(key, value ?? (key === SETTING.CRL_BASE_URL ? 'http://x' : '0'));
    const ws = openWorkspace(workspaceDir(p), { migrations: PCA_MIGRATIONS, readonly: value === undefined });
    try {
      if (value !== undefined) {
        const v = checkSetting(key!, value);
        ws.tx(() => ws.putSetting(key!, v));
      }
      const all = publicSettings(ws.settings());
      const shown = key === undefined ? all : { [key]: all[key] ?? null };
      if (p.bool.has('json')) printJson(shown);
      else for (const [k, v] of Object.entries(shown)) out(`${k.padEnd(18)}${v === null ? '(not set)' : esc(String(v))}`);
      return 0;
    } finally {
      ws.close();
    }
  },
};

// ---- backup --------------------------------------------------------------------------------

export const backup = {
  help: `Usage: ccmkit workspace backup FILE | -o FILE [--force] [--workspace DIR] [--json]

Copies the workspace database with SQLite's online backup: a consistent copy
even while other processes issue certificates. The copy is written to a
temporary file, checked (quick_check), made 0600 (it holds the encrypted
keys) and only then put in place; an existing FILE is replaced only with
--force. The copy is itself a workspace database: restore it by placing it as
DIR/${DB_FILE} of an empty folder (the same passphrase opens it).

Options:
  -o, --out FILE         the copy (or give FILE as the argument)
  --force                replace an existing FILE
${WORKSPACE_HELP}

Examples:
  ccmkit workspace backup /media/usb/ca-$(date +%F).db
  ccmkit workspace backup -o backup.db --force --workspace ./offline-ca

Exit codes:
  0  the copy is complete
  1  no workspace, FILE exists (without --force) or cannot be written
  2  usage error`,
  async run(argv: string[]): Promise<number> {
    const p = parseArgs(argv, { ...PCA_COMMON, ...OUT, ...FORCE });
    if (p.positionals.length > 1 || (p.positionals.length === 1 && p.str.has('out'))) throw usageError('give the backup FILE once (as the argument or with -o)');
    const file = p.positionals[0] ?? p.str.get('out');
    if (!file) throw usageError('workspace backup needs FILE');
    const target = resolve(file);
    const force = p.bool.has('force');
    return withPca(
      p,
      async ({ ws }) => {
        for (const suffix of ['', '-wal', '-shm']) {
          if (target === ws.dbPath + suffix) throw usageError('the backup cannot replace the workspace database itself');
        }
        if (existsSync(target)) {
          if (!force) throw new CcmError(409, LocalCode.OUTPUT, `${file} already exists; remove it or pass --force.`, file);
          if (statSync(target).isDirectory()) throw new CcmError(400, LocalCode.OUTPUT, `${file} is a folder.`, file);
        }
        const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
        try {
          const pages = await ws.backup(tmp);
          chmodSync(tmp, 0o600);
          const fd = openSync(tmp, 'r+');
          fsyncSync(fd);
          closeSync(fd);
          const ok = quickCheck(tmp);
          if (ok !== 'ok') throw new CcmError(500, 'CCMKIT.0103', `the copy failed its check (${String(ok)}); nothing was written.`, file);
          // New files are linked into place (never two winners); replacements are renamed (atomic).
          if (force) renameSync(tmp, target);
          else {
            try {
              linkSync(tmp, target);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CcmError(409, LocalCode.OUTPUT, `${file} already exists; remove it or pass --force.`, file);
              throw e;
            }
          }
          const size = statSync(target).size;
          if (p.bool.has('json')) printJson({ backup: target, pages, bytes: size });
          else out(`backed up ${esc(ws.dbPath)} to ${esc(target)} (${size} bytes, ${pages} pages, mode 0600)`);
          return 0;
        } catch (e) {
          if (e instanceof CcmError) throw e;
          const code = (e as NodeJS.ErrnoException).code;
          throw new CcmError(500, LocalCode.OUTPUT, `cannot write ${file} (${code ?? (e as Error).message}); nothing was written.`, file);
        } finally {
          rmSync(tmp, { force: true });
        }
      },
      { readonly: true },
    );
  },
};

// ---- check ---------------------------------------------------------------------------------

export const check = {
  help: `Usage: ccmkit workspace check [--no-keys] [--workspace DIR] [--passphrase-file F] [--json]

Checks every row of the workspace:
  database      SQLite quick_check and foreign_key_check
  CAs           each certificate parses and verifies with its issuer; a PENDING
                CA's CSR verifies
  certificates  each parses and its signature verifies with its issuing CA
  keys          each decrypts with the passphrase and proves, by signing, that
                it belongs to its certificate (or CSR)
  serials       each stored serial is its certificate's, unique per CA
  CRLs          each CA's latest CRL verifies, has the CA's CRL number, and lists
                every certificate and subordinate CA the CA revoked
Prints the counts and every problem.

Options:
  --no-keys              skip the key checks (no passphrase needed)
${WORKSPACE_HELP}

Examples:
  ccmkit workspace check --workspace ./offline-ca
  ccmkit workspace check --json | jq .counts

Exit codes:
  0  no problem found
  1  a problem was found (each is printed), or the workspace cannot be read
  2  usage error`,
  async run(argv: string[]): Promise<number> {
    const p = parseArgs(argv, { ...PCA_COMMON, 'no-keys': { type: 'bool' } });
    if (p.positionals.length) throw usageError('workspace check takes no arguments');
    return withPca(
      p,
      ({ ctx, ws }) => {
        const r = checkWorkspace(ctx, { keys: !p.bool.has('no-keys') });
        if (p.bool.has('json')) printJson({ workspace: ws.dir, ...r });
        else {
          const c = r.counts;
          out(`${esc(ws.dir)}: ${r.ok ? 'OK' : `${r.problems.length} PROBLEM(S)`}`);
          out(`  ${c.cas} CA(s), ${c.certificates} certificate(s), ${c.signatures} signature(s) verified, ${c.keys} key(s) opened, ${c.crls} CRL(s), ${c.revoked} revoked`);
          for (const x of r.problems) out(`  PROBLEM ${x.kind} ${x.id}: ${esc(x.message)}`);
          for (const x of r.warnings) out(`  note    ${x.kind} ${x.id}: ${esc(x.message)}`);
        }
        return r.ok ? 0 : 1;
      },
      { readonly: true },
    );
  },
};
