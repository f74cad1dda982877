// Shared helpers for the keystore and export tests: files from the mini PKI,
// and the judges' views of a key (openssl / keytool output -> public key).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { CcmError } from '../../src/engine/errors.js';
import { chain, keyPem, pem, type KeyAlg } from './pki.js';
import { tempDir } from './run.js';

export interface PkiFiles {
  dir: string;
  leafDer: Buffer;
  chainDers: Buffer[]; // intermediate(s) then root
  key: KeyObject;
  leaf: string;
  chain: string; // PEM, intermediates then root
  root: string;
  keyFile: string;
  all: string; // leaf + chain PEM
}

/** root -> intermediate -> leaf written as PEM files under `dir`. */
export function pkiFiles(dir: string, alg: KeyAlg = 'EC256', cn = 'www.example.com', depth = 2): PkiFiles {
  const c = chain(depth, alg, cn);
  const chainDers = [...c.intermediates.map((i) => i.der), c.root.der];
  const f = (n: string, s: string): string => {
    const p = join(dir, n);
    writeFileSync(p, s);
    return p;
  };
  return {
    dir,
    leafDer: c.leaf.der,
    chainDers,
    key: c.leaf.key,
    leaf: f(`${alg}-leaf.pem`, pem('CERTIFICATE', c.leaf.der)),
    chain: f(`${alg}-chain.pem`, chainDers.map((d) => pem('CERTIFICATE', d)).join('')),
    root: f(`${alg}-root.pem`, pem('CERTIFICATE', c.root.der)),
    keyFile: f(`${alg}-leaf.key`, keyPem(c.leaf.key)),
    all: f(`${alg}-all.pem`, [c.leaf.der, ...chainDers].map((d) => pem('CERTIFICATE', d)).join('')),
  };
}

/** SPKI DER of any private or public key text/DER, to compare keys across tools. */
export function spkiOfKey(key: KeyObject | string | Buffer): Buffer {
  const k = typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key;
  return createPublicKey(k).export({ type: 'spki', format: 'der' });
}

/** Every PEM certificate in `text`, as DER, in order. */
export function certsIn(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** The first private key PEM block in `text`. */
export function keyIn(text: string): string {
  const m = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text);
  if (!m) throw new Error('no private key in output');
  return m[0];
}

/**
 * A temp folder with an EC256 and an RSA2048 root -> intermediate -> leaf set,
 * made before the file's tests and removed after them.
 */
export function withPki(): { readonly dir: string; readonly ec: PkiFiles; readonly rsa: PkiFiles } {
  const tmp = tempDir();
  const state: { ec?: PkiFiles; rsa?: PkiFiles } = {};
  beforeAll(() => {
    state.ec = pkiFiles(tmp.dir, 'EC256');
    state.rsa = pkiFiles(tmp.dir, 'RSA2048');
  });
  afterAll(tmp.cleanup);
  return {
    dir: tmp.dir,
    get ec(): PkiFiles {
      return state.ec!;
    },
    get rsa(): PkiFiles {
      return state.rsa!;
    },
  };
}

/** Runs `fn`, expecting a CcmError with `code` (and a message matching `msg`). */
export function expectCcm(fn: () => unknown, code: string, msg?: RegExp): CcmError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CcmError);
  const c = thrown as CcmError;
  expect(c.code).toBe(code);
  if (msg) expect(c.message).toMatch(msg);
  return c;
}
