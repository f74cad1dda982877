// Private keys at rest: encrypted PKCS#8 under the workspace passphrase.
//
// Every key in a workspace is an EncryptedPrivateKeyInfo with PBES2
// (PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC), readable on its own by
// `openssl pkey -passin`. They share the workspace's salt (see
// engine/pkcs8-pbes2.ts), so a process derives the key-encryption key once.
//
// The workspace also stores a check value, HMAC-SHA256(KEK, label): a wrong
// passphrase is refused before any key is written under it, so one typo can
// never leave a workspace with keys under two passphrases. The check value
// lets an attacker test a guess exactly as fast as decrypting any key would:
// it adds nothing to guessing.

import { createHmac, createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { CcmError, LocalCode } from '../engine/errors.js';
import { PBKDF2_ITERATIONS } from '../engine/keygen.js';
import { derivePbes2Key, openPkcs8, pbes2Envelope, sealPkcs8 } from '../engine/pkcs8-pbes2.js';
import { parsePrivateKey } from '../engine/privatekey.js';
import { StoreCode } from './errors.js';

/**
 * How the workspace passphrase is turned into the key that seals CA keys (PBKDF2 salt and iterations) and checked (an HMAC, never the passphrase).
 *
 * @example
 * ```ts
 * const record: KdfRecord = newKdfRecord('long passphrase', randomBytes);
 * ```
 */
export interface KdfRecord {
  salt: string;
  iterations: number;
  /** HMAC-SHA256(KEK, CHECK_LABEL), hex. */
  check: string;
}

const CHECK_LABEL = 'ccmkit workspace passphrase check v1';

/**
 * A CSPRNG: n bytes per call.
 *
 * @example
 * ```ts
 * const random: Random = (n) => randomBytes(n);
 * ```
 */
export type Random = (n: number) => Buffer;

function checkValue(dk: Buffer): Buffer {
  return createHmac('sha256', dk).update(CHECK_LABEL).digest();
}

/**
 * A new passphrase record for {@link initWorkspace}'s `kdf` setting: a random salt, PBKDF2-HMAC-SHA256 iterations, and the check value. An empty passphrase is refused.
 *
 * @example
 * ```ts
 * const settings = { [SETTING.KDF]: JSON.stringify(newKdfRecord(passphrase, randomBytes)) };
 * ```
 */
export function newKdfRecord(passphrase: string, random: Random, iterations = PBKDF2_ITERATIONS): KdfRecord {
  if (passphrase.length === 0) throw new CcmError(400, LocalCode.USAGE, 'the workspace passphrase is empty.');
  const salt = random(16);
  const dk = derivePbes2Key(passphrase, { salt, iterations });
  const rec = { salt: salt.toString('hex'), iterations, check: checkValue(dk).toString('hex') };
  dk.fill(0);
  return rec;
}

export function parseKdfRecord(text: string | undefined, where: string): KdfRecord {
  try {
    const v = JSON.parse(text ?? '') as KdfRecord;
    if (typeof v.salt === 'string' && /^[0-9a-f]{32,}$/.test(v.salt) && Number.isInteger(v.iterations) && v.iterations > 0 && typeof v.check === 'string') return v;
  } catch {
    /* fall through */
  }
  throw new CcmError(500, StoreCode.CORRUPT, `${where} has no valid passphrase record: it was not made by ccmkit workspace init, or it is damaged.`, where);
}

export class KeyVault {
  private dk: Buffer | undefined;
  private passphrase: string | undefined;

  constructor(
    private readonly record: KdfRecord,
    /** Asked once, and only when a key must be sealed or opened. */
    private readonly getPassphrase: () => string | undefined,
    private readonly random: Random,
  ) {}

  /** Derives the key-encryption key and checks the passphrase. Idempotent. */
  unlock(): void {
    if (this.dk) return;
    const pass = this.getPassphrase();
    if (pass === undefined || pass === '') {
      throw new CcmError(400, LocalCode.PASSWORD_REQUIRED, 'the workspace passphrase is needed: give --passphrase-file F or set CCMKIT_PASSPHRASE (or run on a terminal to be asked).');
    }
    const dk = derivePbes2Key(pass, { salt: Buffer.from(this.record.salt, 'hex'), iterations: this.record.iterations });
    const want = Buffer.from(this.record.check, 'hex');
    const got = checkValue(dk);
    if (want.length !== got.length || !timingSafeEqual(want, got)) {
      dk.fill(0);
      throw new CcmError(400, LocalCode.WRONG_PASSWORD, 'wrong workspace passphrase: it does not open this workspace. Nothing was changed.');
    }
    this.dk = dk;
    this.passphrase = pass;
  }

  /** The key as encrypted PKCS#8 DER. */
  seal(key: KeyObject): Buffer {
    this.unlock();
    const plain = key.export({ type: 'pkcs8', format: 'der' });
    try {
      return sealPkcs8(plain, this.dk!, { salt: Buffer.from(this.record.salt, 'hex'), iterations: this.record.iterations }, this.random(16));
    } finally {
      plain.fill(0);
    }
  }

  /** Opens a sealed key. `what` names it in errors (never the key itself). */
  open(der: Buffer, what: string): KeyObject {
    this.unlock();
    const env = pbes2Envelope(der);
    if (env && env.iterations === this.record.iterations && env.salt.toString('hex') === this.record.salt) {
      const plain = openPkcs8(env, this.dk!);
      if (!plain) throw new CcmError(500, StoreCode.CORRUPT, `${what}: the stored key does not decrypt with the workspace passphrase (damaged workspace?).`);
      try {
        return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
      } catch {
        throw new CcmError(500, StoreCode.CORRUPT, `${what}: the stored key is damaged.`);
      } finally {
        plain.fill(0);
      }
    }
    // Not sealed with the workspace parameters (an older ccmkit, a key moved in): the general path.
    try {
      return parsePrivateKey(der, { password: this.passphrase! }).keyObject;
    } catch (e) {
      if (e instanceof CcmError && e.code === LocalCode.WRONG_PASSWORD) throw new CcmError(500, StoreCode.CORRUPT, `${what}: the stored key does not decrypt with the workspace passphrase.`);
      throw e;
    }
  }
}
