// Private-key generation for the algorithms CCM names (RSA2048, RSA4096,
// EC256, EC384: ccm-api-reference.txt 4.2.1.2 key_algorithm), serialised the
// ways operators need them: PKCS#8 (default), PKCS#1 (RSA), SEC1 (EC), or
// encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC).
//
// Pure apart from randomness, which is Node's CSPRNG inside generateKeyPair:
// no files, no clock. The caller writes the bytes (0600, exclusive create).

import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { CcmError, usageError } from './errors.js';
import { toPem } from './pem.js';
import { derivePbes2Key, sealPkcs8 } from './pkcs8-pbes2.js';

/**
 * CCM's key algorithms (key_algorithm in PCA bodies, 4.2.1.2): the only keys
 * {@link generateKey} makes.
 *
 * @example
 * ```ts
 * for (const alg of KEY_ALGORITHMS) console.log(alg); // RSA2048 RSA4096 EC256 EC384
 * ```
 */
export const KEY_ALGORITHMS = ['RSA2048', 'RSA4096', 'EC256', 'EC384'] as const;
/**
 * One of CCM's key algorithm names.
 *
 * @example
 * ```ts
 * const alg: KeyAlgorithmName = 'EC256';
 * ```
 */
export type KeyAlgorithmName = (typeof KEY_ALGORITHMS)[number];

/**
 * How a generated key is written: PKCS#8 (`PRIVATE KEY`, any key), PKCS#1
 * (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
 *
 * @example
 * ```ts
 * KEY_FORMATS.includes('sec1'); // true
 * ```
 */
export const KEY_FORMATS = ['pkcs8', 'pkcs1', 'sec1'] as const;
/**
 * One of {@link KEY_FORMATS}.
 *
 * @example
 * ```ts
 * const format: KeyFormatName = 'pkcs1';
 * ```
 */
export type KeyFormatName = (typeof KEY_FORMATS)[number];

/**
 * PBKDF2 iterations for encrypted keys. OpenSSL 3's `genpkey -aes-256-cbc`
 * and Node's KeyObject.export use 2048, far below today's advice for
 * PBKDF2-HMAC-SHA256 (OWASP: 600,000). ccmkit writes 600,000: still far below
 * privatekey.ts's MAX_KDF_ITERATIONS, so ccmkit, OpenSSL and Java all read it.
 *
 * @example
 * ```ts
 * console.log(`encrypted with PBKDF2-HMAC-SHA256, ${PBKDF2_ITERATIONS} iterations`);
 * ```
 */
export const PBKDF2_ITERATIONS = 600_000;

/**
 * A key {@link generateKey} made.
 *
 * @example
 * ```ts
 * const k: GeneratedKey = generateKey('EC256');
 * writeFileSync('server.key', k.pem, { mode: 0o600, flag: 'wx' });
 * ```
 */
export interface GeneratedKey {
  /** CCM's name for it. */
  algorithm: KeyAlgorithmName;
  /** How `pem` is written (encrypted keys are PKCS#8). */
  format: KeyFormatName;
  /** Whether `pem` is encrypted PKCS#8. */
  encrypted: boolean;
  /** Node's key object, to sign with. */
  keyObject: KeyObject;
  /** The private key, PEM with `\n` line breaks. Secret: never log it. */
  pem: string;
  /** SPKI PEM of the public half. */
  publicKeyPem: string;
}

export function isKeyAlgorithm(s: string): s is KeyAlgorithmName {
  return (KEY_ALGORITHMS as readonly string[]).includes(s);
}

/** Checks algorithm/format/encryption together before any key is made. Throws usage errors. */
export function checkKeyRequest(algorithm: string, format: string, encrypt: boolean): { algorithm: KeyAlgorithmName; format: KeyFormatName } {
  if (!isKeyAlgorithm(algorithm)) {
    // The CCM code for an unsupported key algorithm (A.2.2), so scripts see the same answer CCM would give.
    throw new CcmError(
      400,
      'PCA.00020102',
      `unknown key algorithm "${printable(algorithm)}". Invalid key algorithm. Only RSA2048, RSA4096, EC256, and EC384 are supported.`,
    );
  }
  if (!(KEY_FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be one of ${KEY_FORMATS.join(', ')}, not "${printable(format)}"`);
  const f = format as KeyFormatName;
  if (f === 'pkcs1' && !algorithm.startsWith('RSA')) throw usageError(`--format pkcs1 holds RSA keys only; use pkcs8 or sec1 for ${algorithm}`);
  if (f === 'sec1' && !algorithm.startsWith('EC')) throw usageError(`--format sec1 holds EC keys only; use pkcs8 or pkcs1 for ${algorithm}`);
  if (encrypt && f !== 'pkcs8') throw usageError('--encrypt writes encrypted PKCS#8; it cannot be combined with --format pkcs1 or sec1');
  return { algorithm, format: f };
}

/**
 * Generates a private key with one of CCM's algorithms (Node's crypto,
 * OpenSSL's CSPRNG). An algorithm CCM does not take is CCM's own error,
 * `PCA.00020102`; a format the algorithm cannot use is `CCMKIT.0001`.
 *
 * @param algorithm - RSA2048, RSA4096, EC256 or EC384
 * @param opts - `format` (pkcs8 by default); `passphrase` (non-empty) writes encrypted PKCS#8
 *   (PBES2, PBKDF2-HMAC-SHA256 with {@link PBKDF2_ITERATIONS} iterations, AES-256-CBC)
 *
 * @example
 * ```ts
 * const key = generateKey('EC256');
 * const legacy = generateKey('RSA2048', { format: 'pkcs1' });
 * const protectedKey = generateKey('RSA4096', { passphrase: 'long passphrase' });
 * ```
 */
export function generateKey(algorithm: string, opts: { format?: string; passphrase?: string } = {}): GeneratedKey {
  const encrypt = opts.passphrase !== undefined;
  if (encrypt && opts.passphrase === '') throw usageError('the passphrase is empty');
  const req = checkKeyRequest(algorithm, opts.format ?? 'pkcs8', encrypt);
  const keyObject = req.algorithm.startsWith('RSA')
    ? generateKeyPairSync('rsa', { modulusLength: Number(req.algorithm.slice(3)), publicExponent: 0x10001 }).privateKey
    : generateKeyPairSync('ec', { namedCurve: req.algorithm === 'EC256' ? 'P-256' : 'P-384' }).privateKey;
  let pem: string;
  if (encrypt) {
    pem = encryptPkcs8(keyObject, opts.passphrase!);
  } else if (req.format === 'pkcs8') {
    pem = keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  } else {
    pem = keyObject.export({ type: req.format, format: 'pem' }).toString();
  }
  const publicKeyPem = toPem('PUBLIC KEY', createPublicKey(keyObject).export({ type: 'spki', format: 'der' }));
  return { algorithm: req.algorithm, format: req.format, encrypted: encrypt, keyObject, pem, publicKeyPem };
}

/**
 * Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo, PBES2 of RFC 8018):
 * PBKDF2 with HMAC-SHA256 and AES-256-CBC, the profile OpenSSL 3 writes.
 */
export function encryptPkcs8(k: KeyObject, passphrase: string, iterations = PBKDF2_ITERATIONS): string {
  // Written here rather than by KeyObject.export because Node fixes the
  // iteration count at 2048 (see PBKDF2_ITERATIONS).
  const plain = k.export({ type: 'pkcs8', format: 'der' });
  const params = { salt: randomBytes(16), iterations };
  const dk = derivePbes2Key(passphrase, params);
  const der = sealPkcs8(plain, dk, params, randomBytes(16));
  dk.fill(0);
  plain.fill(0);
  return toPem('ENCRYPTED PRIVATE KEY', der);
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}
