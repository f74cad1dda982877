// Private keys and the secrets that open them: reading exactly one key from
// an input, opening a key object with a SecretSource, and fixed secrets for
// library callers. Light on purpose: no container code, so key generation
// and matching do not load the keystore readers.

import type { WorkBudget } from '../engine/budget.js';
import { CcmError, LocalCode } from '../engine/errors.js';
import { readInput, type InputObject } from '../engine/input.js';
import { parsePrivateKey, type PrivateKeyInfo } from '../engine/privatekey.js';

/**
 * Where passwords come from, asked only when an input really is protected.
 * `prompt` false means "only what the user already gave"; true allows asking
 * (the CLI prompts on a terminal). {@link fixedSecrets} makes a fixed one.
 *
 * @example
 * ```ts
 * const secrets: SecretSource = { input: () => process.env.PFX_PASSWORD, key: () => undefined };
 * ```
 */
export interface SecretSource {
  /** The passphrase that opens inputs: keystores, encrypted keys, zips holding them. */
  input(prompt: boolean): string | undefined;
  /** A JKS/JCEKS key entry's own password, when it differs from the store's. */
  key(prompt: boolean): string | undefined;
}

/**
 * A {@link SecretSource} with fixed passwords that never prompts: the one
 * library users want.
 *
 * @param input - opens keystores, encrypted keys and zips holding them
 * @param key - a JKS/JCEKS key entry's own password, when it differs from the store's
 *
 * @example
 * ```ts
 * const opened = await openInputs([{ name: 'server.pfx', bytes }], { secrets: fixedSecrets('changeit') });
 * ```
 */
export function fixedSecrets(input?: string, key?: string): SecretSource {
  return { input: () => input, key: () => key };
}

/**
 * Parses a private-key object, asking the SecretSource for the passphrase
 * only when the key is encrypted (prompting on a terminal when none was
 * given). The derivation is charged to `budget`.
 */
export function openKey(obj: InputObject, secrets: SecretSource, budget: WorkBudget): PrivateKeyInfo {
  const encrypted = obj.keyFormat === 'encrypted-pkcs8' || obj.legacyPem !== undefined;
  const password = encrypted ? (secrets.input(false) ?? secrets.input(true)) : undefined;
  return parsePrivateKey(obj.der, { password, pem: obj.legacyPem, budget });
}

/**
 * Exactly one private key from an input (PEM, DER, PKCS#1, SEC1, PKCS#8,
 * encrypted PKCS#8, legacy encrypted PEM). No key, several keys, or a
 * protected key without its password are CcmErrors naming `name`.
 *
 * @param password - opens an encrypted key
 *
 * @example
 * ```ts
 * const key = readPrivateKey(readFileSync('server.key'), 'server.key');
 * const protectedKey = readPrivateKey(readFileSync('ca.key'), 'ca.key', 'long passphrase');
 * ```
 */
export function readPrivateKey(bytes: Uint8Array | string, name: string, password?: string): PrivateKeyInfo {
  const r = readInput(bytes, name);
  if (r.problems.length) throw r.problems[0]!.error;
  const keys = r.objects.filter((o) => o.kind === 'private-key');
  if (keys.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${name} holds no private key.`, name);
  if (keys.length > 1) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${name} holds ${keys.length} private keys; give a file with exactly one.`, name);
  const k = keys[0]!;
  try {
    return parsePrivateKey(k.der, { ...(password !== undefined ? { password } : {}), ...(k.legacyPem ? { pem: k.legacyPem } : {}) });
  } catch (e) {
    throw e instanceof CcmError ? e.withSource(k.source) : e;
  }
}
