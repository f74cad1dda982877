// The lazy (structural) private-key path must name exactly the public key the
// full OpenSSL load derives, for every container format; and fall back when the
// structure does not carry the public key.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../src/engine/privatekey.js';
import { openssl, tempDir } from '../helpers/run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('parsePrivateKey', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  const cases: [string, Buffer][] = [
    ['RSA PKCS#1', rsa.export({ type: 'pkcs1', format: 'der' })],
    ['RSA PKCS#8', rsa.export({ type: 'pkcs8', format: 'der' })],
    ['EC SEC1', ec.export({ type: 'sec1', format: 'der' })],
    ['EC PKCS#8', ec.export({ type: 'pkcs8', format: 'der' })],
    ['Ed25519 PKCS#8', ed.export({ type: 'pkcs8', format: 'der' })],
  ];
  it.each(cases)('%s: lazy and eager agree', (_n, der) => {
    const eager = parsePrivateKey(der);
    const lazy = parsePrivateKey(der, { lazy: true });
    expect(lazy.publicKey.id).toBe(eager.publicKey.id);
    expect(lazy.publicKey.spki.equals(eager.publicKey.spki)).toBe(true);
    expect(lazy.keyObject.asymmetricKeyType).toBe(eager.keyObject.asymmetricKeyType);
  });

  it('SEC1 without the optional public key falls back to a full load', () => {
    const p = join(tmp.dir, 'ec.pem');
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p]);
    openssl(['ec', '-in', p, '-no_public', '-outform', 'DER', '-out', p + '.der']);
    const der = readFileSync(p + '.der');
    expect(parsePrivateKey(der, { lazy: true }).publicKey.id).toBe(parsePrivateKey(readFileSync(p + '.der')).publicKey.id);
  });

});
