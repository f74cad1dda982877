// Private keys that carry one key's public half and another key's private
// half: what a careless copy-and-paste or a tampered file produces. They
// "match" a certificate by public key and fail every signature (issue 10,
// item 1). Built with our DER writer from two real keys' components; the test
// then asks `openssl pkey -check` to confirm they are broken.
import type { KeyObject } from 'node:crypto';
import { bitString, explicit, integer, octets, oid, seq } from '../../src/engine/der.js';

const b64 = (s: string | undefined): Buffer => Buffer.from(s!, 'base64url');

/** PKCS#1 RSAPrivateKey with `pub`'s n and e, and `priv`'s d, p, q, dp, dq, qinv. */
export function rsaWithForeignPrivate(pub: KeyObject, priv: KeyObject): Buffer {
  const a = pub.export({ format: 'jwk' });
  const b = priv.export({ format: 'jwk' });
  return seq(integer(0), integer(b64(a.n)), integer(b64(a.e)), integer(b64(b.d)), integer(b64(b.p)), integer(b64(b.q)), integer(b64(b.dp)), integer(b64(b.dq)), integer(b64(b.qi)));
}

const CURVE_OID: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34' };

/** SEC1 ECPrivateKey whose embedded publicKey is `pub`'s but whose scalar is `priv`'s. */
export function ecWithForeignScalar(pub: KeyObject, priv: KeyObject): Buffer {
  const a = pub.export({ format: 'jwk' });
  const b = priv.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), b64(a.x), b64(a.y)]);
  return seq(integer(1), octets(b64(b.d)), explicit(0, oid(CURVE_OID[a.crv!]!)), explicit(1, bitString(point)));
}
