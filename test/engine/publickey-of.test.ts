// csr create's self-check verifies with the public key derived from the
// signing key (publicKeyObjectOf) instead of importing it again: that key must
// be used only when it is exactly the key the CSR names.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSpki, publicKeyObjectOf } from '../../src/engine/publickey.js';

const spkiOf = (k: ReturnType<typeof generateKeyPairSync>['privateKey']): ReturnType<typeof parseSpki> => parseSpki(createPublicKey(k).export({ type: 'spki', format: 'der' }));

describe('publicKeyObjectOf', () => {
  const pairs = {
    EC256: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    EC384: [generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    RSA2048: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    Ed25519: [generateKeyPairSync('ed25519').privateKey, generateKeyPairSync('ed25519').privateKey],
  };
  for (const [name, [a, b]] of Object.entries(pairs)) {
    it(`${name}: gives the key pk names, whichever private key is passed`, () => {
      const data = Buffer.from('to be signed');
      const hash = name === 'Ed25519' ? null : 'sha256';
      // Its own public key: the derived one, which verifies a's signatures.
      const own = publicKeyObjectOf(a!, spkiOf(a!));
      expect(own.export({ format: 'jwk' })).toEqual(createPublicKey(a!).export({ format: 'jwk' }));
      expect(verify(hash, data, own, sign(hash, data, a!))).toBe(true);
      // Someone else's pk: b's key, never a's, so a's signature does not verify.
      const other = publicKeyObjectOf(a!, spkiOf(b!));
      expect(other.export({ format: 'jwk' })).toEqual(createPublicKey(b!).export({ format: 'jwk' }));
      expect(verify(hash, data, other, sign(hash, data, a!))).toBe(false);
    });
  }
});
