import { usageError } from '../../api/errors.js';
import { generateKey, KEY_ALGORITHMS, KEY_FORMATS, PBKDF2_ITERATIONS } from '../../api/key.js';
import { parseArgs } from '../args.js';
import { FORCE, JSON_FLAG, OUT, enumKey, parseEnum } from '../flags.js';
import { out, printJson } from '../io.js';
import { SECRET_NAMES, howToGive, newSecretOrPrompt, secretFlags } from '../secrets.js';
import { checkTargets, writeFile } from '../write.js';

export const help = `Usage: ccmkit key generate --algorithm ALG [-o F [--force]] [--format pkcs8|pkcs1|sec1]
                           [--encrypt [--out-password-file F]] [--json]

Generates a private key with one of CCM's key algorithms (Node's crypto,
OpenSSL's CSPRNG), for an offline CSR (ccmkit csr create) or an offline CA.

ALG is CCM's name: RSA2048, RSA4096, EC256 (P-256) or EC384 (P-384), any case.

The key file is created with mode 0600 and never replaces an existing file
unless --force is given (then atomically: a failed write keeps the old key).
Without -o the PEM key goes to standard output.

Options:
  --algorithm ALG          RSA2048 | RSA4096 | EC256 | EC384 (required)
  -o, --out F              write the key to F (0600; refuses to overwrite)
  --force                  replace an existing F
  --format FMT             pkcs8 (default, "PRIVATE KEY"), pkcs1 (RSA, "RSA PRIVATE KEY")
                           or sec1 (EC, "EC PRIVATE KEY")
  --encrypt                write encrypted PKCS#8: PBES2, PBKDF2-HMAC-SHA256
                           (${PBKDF2_ITERATIONS} iterations), AES-256-CBC
  --out-password-file F    the password for --encrypt (first line of F); or
                           $CCMKIT_OUT_PASSWORD, or typed twice at a prompt on a terminal
  --out-password P         the same on the command line (works, but warns: visible in ps)
  --json                   print {"key_algorithm","format","encrypted","file","public_key"}
                           (and "private_key" when there is no -o)
  -h, --help               this help

Examples:
  ccmkit key generate --algorithm EC256 -o server.key
  CCMKIT_OUT_PASSWORD='long passphrase' ccmkit key generate --algorithm RSA4096 --encrypt -o ca.key
  ccmkit key generate --algorithm rsa2048 --format pkcs1 -o legacy.key
  ccmkit key generate --algorithm EC384 -o k.pem --json | jq -r .public_key

Exit codes:
  0  the key was written
  1  the output exists (without --force) or cannot be written (nothing is
     left behind, an old file is kept), or the algorithm is not one of
     CCM's (PCA.00020102)
  2  usage error (no --algorithm, no password for --encrypt, a format the
     algorithm cannot use)`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, {
    algorithm: { type: 'string' },
    ...OUT,
    ...FORCE,
    format: { type: 'string' },
    encrypt: { type: 'bool' },
    ...secretFlags('output'),
    ...JSON_FLAG,
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"`);
  const algorithmText = p.str.get('algorithm');
  if (algorithmText === undefined) throw usageError(`--algorithm is required: ${KEY_ALGORITHMS.join(', ')}`);
  // Any case; a name that is not CCM's goes on to the engine, which answers PCA.00020102.
  const algorithm = KEY_ALGORITHMS.find((a) => enumKey(a) === enumKey(algorithmText)) ?? algorithmText;
  const format = parseEnum('format', p.str.get('format') ?? 'pkcs8', KEY_FORMATS);
  const encrypt = p.bool.has('encrypt');
  const names = SECRET_NAMES.output;
  if (!encrypt && (p.str.has(names.file) || p.str.has(names.direct))) throw usageError(`--${names.file} / --${names.direct} are for --encrypt; add --encrypt or drop them`);
  const file = p.str.get('out');
  const toStdout = file === undefined || file === '-';
  if (!toStdout) checkTargets([file], { force: p.bool.has('force') });
  let passphrase: string | undefined;
  if (encrypt) {
    passphrase = newSecretOrPrompt(p, 'output', 'Password for the new key');
    if (passphrase === undefined) {
      throw usageError(`--encrypt needs a password: ${howToGive('output')}.${process.env.CCMKIT_PASSPHRASE ? ' ($CCMKIT_PASSPHRASE opens inputs; a new key is protected with $CCMKIT_OUT_PASSWORD.)' : ''}`);
    }
    if (passphrase.length === 0) throw usageError('--encrypt needs a non-empty password.');
  }
  // Everything is checked and the key made in memory first; the file appears only with its full content.
  const key = generateKey(algorithm, { format, ...(passphrase !== undefined ? { passphrase } : {}) });
  if (!toStdout) await writeFile(file, key.pem, { secret: true, force: p.bool.has('force') });
  if (p.bool.has('json')) {
    const body: Record<string, unknown> = { key_algorithm: key.algorithm, format: key.encrypted ? 'encrypted-pkcs8' : key.format, encrypted: key.encrypted, file: toStdout ? null : file, public_key: key.publicKeyPem };
    if (toStdout) body.private_key = key.pem;
    printJson(body);
  } else if (toStdout) {
    process.stdout.write(key.pem);
  } else {
    out(`${file}: ${key.algorithm} private key, ${key.encrypted ? 'encrypted PKCS#8 (AES-256-CBC, PBKDF2-HMAC-SHA256)' : key.format.toUpperCase()}, mode 0600`);
  }
  return 0;
}
