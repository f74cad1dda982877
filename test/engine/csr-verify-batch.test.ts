// verifyCsrs (the batch path csr parse uses) imports EC keys by WebCrypto's
// raw route instead of JWK: every verdict, and every reason, must be the one
// verifyCsrSignature gives, for good keys and for every kind of bad one.
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/engine/builder.js';
import { bitString, oid, seq } from '../../src/engine/der.js';
import { parseCsr, verifyCsrs, verifyCsrSignature } from '../../src/engine/csr.js';
import { publicKeyObjectRaw } from '../../src/engine/publickey.js';
import { csrWithExponent, csrWithSpki, offCurveSpki } from '../helpers/corrupt-keys.js';
import { key } from '../helpers/pki.js';

const P256_OID = '1.2.840.10045.3.1.7';
const EC_OID = '1.2.840.10045.2.1';

describe('verifyCsrs', () => {
  it('gives exactly the verdicts and reasons of verifyCsrSignature', async () => {
    const ec256 = key('EC256', 1);
    const ec384 = key('EC384', 1);
    const ec521 = key('EC521', 1);
    const rsa = key('RSA2048', 1);
    const other = key('EC256', 2);
    const ders: Buffer[] = [];
    for (const k of [ec256, ec384, ec521, rsa, generateKeyPairSync('ed25519').privateKey]) ders.push(buildCsr({ subject: [['CN', 'ok']], key: k }));
    // A signature that does not verify.
    const bad = buildCsr({ subject: [['CN', 'bad sig']], key: ec256 });
    bad[bad.length - 4]! ^= 1;
    ders.push(bad);
    // A key other than the signer's.
    ders.push(csrWithSpki(spkiOf(other), ec256, 'wrong key'));
    // Off the curve (P-256, P-384), coordinates past the field prime, a short point, the point at infinity, a compressed point.
    ders.push(csrWithSpki(offCurveSpki(ec256), ec256, 'off curve'));
    ders.push(csrWithSpki(offCurveSpki(ec384), ec384, 'off curve 384'));
    ders.push(csrWithSpki(ecSpki(Buffer.concat([Buffer.from([4]), Buffer.alloc(32, 0xff), Buffer.alloc(32, 0xff)])), ec256, 'past p'));
    ders.push(csrWithSpki(ecSpki(Buffer.concat([Buffer.from([4]), Buffer.alloc(20, 1)])), ec256, 'short'));
    ders.push(csrWithSpki(ecSpki(Buffer.from([0])), ec256, 'infinity'));
    const jwk = ec256.export({ format: 'jwk' });
    const y = Buffer.from(jwk.y!, 'base64url');
    ders.push(csrWithSpki(ecSpki(Buffer.concat([Buffer.from([2 + (y[31]! & 1)]), Buffer.from(jwk.x!, 'base64url')])), ec256, 'compressed'));
    // RSA with e = 1 ("verifies" anything equal to the padded hash).
    ders.push(csrWithExponent(rsa, 1n, 'e=1'));
    const csrs = ders.map((d) => parseCsr(d));
    const batch = await verifyCsrs(csrs);
    const one = csrs.map((c) => verifyCsrSignature(c));
    expect(batch).toEqual(one);
    // And the cases are what they claim to be.
    expect(one.slice(0, 5).every((v) => v.valid)).toBe(true);
    expect(one.filter((v) => !v.valid).length).toBeGreaterThanOrEqual(6);
    expect(one[12]!.valid).toBe(true); // the compressed point verifies
    // The raw route is really taken for good NIST keys, and declines the rest.
    expect(await publicKeyObjectRaw(csrs[0]!.publicKey)).toBeInstanceOf(KeyObject);
    expect(await publicKeyObjectRaw(csrs[2]!.publicKey)).toBeInstanceOf(KeyObject);
    for (const i of [3, 4, 7, 8, 9, 12]) expect(await publicKeyObjectRaw(csrs[i]!.publicKey), `CSR ${i}`).toBeUndefined();
  });
});

function ecSpki(point: Buffer): Buffer {
  return seq(seq(oid(EC_OID), oid(P256_OID)), bitString(point));
}

function spkiOf(k: ReturnType<typeof key>): Buffer {
  const j = k.export({ format: 'jwk' });
  return ecSpki(Buffer.concat([Buffer.from([4]), Buffer.from(j.x!, 'base64url'), Buffer.from(j.y!, 'base64url')]));
}
