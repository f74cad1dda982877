import { generateKey, KEY_ALGORITHMS, PBKDF2_ITERATIONS } from '../../engine/keygen.js';
import { usageError } from '../../engine/errors.js';
import { parseArgs } from '../args.js';
import { out, printJson, refuseSecretFlags, secretFrom, writeNewFile } from '../io.js';

export const help = `Usage: ccmkit key generate --algorithm ALG [--out F] [--format pkcs8|pkcs1|sec1]
                           [--encrypt [--passphrase-file F]] [--force] [--json]

Generates a private key with one of CCM's key algorithms (Node's crypto,
OpenSSL's CSPRNG), for an offline CSR (ccmkit csr create) or an offline CA.

ALG is CCM's name: RSA2048, RSA4096, EC256 (P-256) or EC384 (P-384).

The key file is created with mode 0600 and never replaces an existing file
unless --force is given. Without --out the PEM key goes to standard output.

Options:
  --algorithm ALG        RSA2048 | RSA4096 | EC256 | EC384 (required)
  --out F                write the key to F (0600, refuses to overwrite)
  --format FMT           pkcs8 (default, "PRIVATE KEY"), pkcs1 (RSA, "RSA PRIVATE KEY")
                         or sec1 (EC, "EC PRIVATE KEY")
  --encrypt              write encrypted PKCS#8: PBES2, PBKDF2-HMAC-SHA256
                         (${PBKDF2_ITERATIONS} iterations), AES-256-CBC
  --passphrase-file F    the passphrase for --encrypt: the first line of F;
                         otherwise $CCMKIT_PASSPHRASE. There is deliberately no
                         --passphrase/--password flag: a command line is visible to
                         other users (ps) and kept in shell history.
  --force                replace an existing --out file
  --json                 print {"key_algorithm","format","encrypted","file","public_key"}
                         (and "private_key" when there is no --out)
  -h, --help             this help

Examples:
  ccmkit key generate --algorithm EC256 --out server.key
  CCMKIT_PASSPHRASE='long passphrase' ccmkit key generate --algorithm RSA4096 --encrypt --out ca.key
  ccmkit key generate --algorithm RSA2048 --format pkcs1 --out legacy.key
  ccmkit key generate --algorithm EC384 --out k.pem --json | jq -r .public_key

Exit codes:
  0  the key was written
  1  the output could not be written (nothing is left behind), or the algorithm
     is not one of CCM's (PCA.00020102)
  2  usage error (missing --algorithm, --passphrase on the command line, no
     passphrase for --encrypt, a format the algorithm cannot use)`;

export async function run(argv: string[]): Promise<number> {
  refuseSecretFlags(argv, ['passphrase', 'password', 'pass', 'passin', 'passout']);
  const p = parseArgs(argv, {
    algorithm: { type: 'string' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    encrypt: { type: 'bool' },
    'passphrase-file': { type: 'string' },
    force: { type: 'bool' },
    json: { type: 'bool' },
  });
  if (p.positionals.length) throw usageError(`unexpected argument "${p.positionals[0]!.slice(0, 40)}"`);
  const algorithm = p.str.get('algorithm');
  if (algorithm === undefined) throw usageError(`--algorithm is required: ${KEY_ALGORITHMS.join(', ')}`);
  const encrypt = p.bool.has('encrypt');
  if (!encrypt && p.str.has('passphrase-file')) throw usageError('--passphrase-file is for --encrypt; add --encrypt or drop it');
  let passphrase: string | undefined;
  if (encrypt) {
    passphrase = secretFrom(p);
    if (passphrase === undefined) throw usageError('--encrypt needs a passphrase: --passphrase-file F or $CCMKIT_PASSPHRASE.');
    if (passphrase.length === 0) throw usageError('--encrypt needs a non-empty passphrase.');
  }
  const file = p.str.get('out');
  // Everything is checked and the key made in memory first; the file appears only with its full content.
  const key = generateKey(algorithm, { format: p.str.get('format') ?? 'pkcs8', ...(passphrase !== undefined ? { passphrase } : {}) });
  if (file !== undefined && file !== '-') writeNewFile(file, key.pem, { mode: 0o600, force: p.bool.has('force') });
  const toStdout = file === undefined || file === '-';
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
