// Signature algorithm identifiers and signature verification.

import { constants, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ContentCache, DerReader, Tag, ctx, oidOf, smallInt, type Tlv } from './der.js';
import { OID } from './oids.js';
import { publicKeyObject, type PublicKeyInfo } from './publickey.js';

/**
 * The hash a signature algorithm uses (`none` for EdDSA).
 *
 * @example
 * ```ts
 * const weak = cert.signatureAlgorithm.hash === 'SHA1';
 * ```
 */
export type HashName = 'MD2' | 'MD4' | 'MD5' | 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512' | 'SM3' | 'none' | 'unknown';

/**
 * A decoded AlgorithmIdentifier of a signature, with the name CCM reports.
 *
 * @example
 * ```ts
 * console.log(csr.signatureAlgorithm.name); // SHA256withRSA
 * ```
 */
export interface SignatureAlgorithm {
  /** The algorithm OID. */
  oid: string;
  /** Java-style name, as CCM reports it: SHA256withRSA, SHA384withECDSA, ... */
  name: string;
  /** The hash it signs over. */
  hash: HashName;
  /** The key type this algorithm signs with. */
  keyType: 'RSA' | 'EC' | 'DSA' | 'Ed25519' | 'Ed448' | 'RSA-PSS' | 'SM2' | 'unknown';
  /** RSASSA-PSS salt length, when PSS. */
  saltLength?: number;
  /** Set when the parameters are present but not what the algorithm allows. */
  paramsProblem?: string;
}

const TABLE: Record<string, Omit<SignatureAlgorithm, 'oid'>> = {
  [OID.md2WithRSA]: { name: 'MD2withRSA', hash: 'MD2', keyType: 'RSA' },
  [OID.md4WithRSA]: { name: 'MD4withRSA', hash: 'MD4', keyType: 'RSA' },
  [OID.md5WithRSA]: { name: 'MD5withRSA', hash: 'MD5', keyType: 'RSA' },
  [OID.sha1WithRSA]: { name: 'SHA1withRSA', hash: 'SHA1', keyType: 'RSA' },
  [OID.sha1WithRSAAlt]: { name: 'SHA1withRSA', hash: 'SHA1', keyType: 'RSA' },
  [OID.sha224WithRSA]: { name: 'SHA224withRSA', hash: 'SHA224', keyType: 'RSA' },
  [OID.sha256WithRSA]: { name: 'SHA256withRSA', hash: 'SHA256', keyType: 'RSA' },
  [OID.sha384WithRSA]: { name: 'SHA384withRSA', hash: 'SHA384', keyType: 'RSA' },
  [OID.sha512WithRSA]: { name: 'SHA512withRSA', hash: 'SHA512', keyType: 'RSA' },
  [OID.ecdsaWithSHA1]: { name: 'SHA1withECDSA', hash: 'SHA1', keyType: 'EC' },
  [OID.ecdsaWithSHA224]: { name: 'SHA224withECDSA', hash: 'SHA224', keyType: 'EC' },
  [OID.ecdsaWithSHA256]: { name: 'SHA256withECDSA', hash: 'SHA256', keyType: 'EC' },
  [OID.ecdsaWithSHA384]: { name: 'SHA384withECDSA', hash: 'SHA384', keyType: 'EC' },
  [OID.ecdsaWithSHA512]: { name: 'SHA512withECDSA', hash: 'SHA512', keyType: 'EC' },
  [OID.dsaWithSHA1]: { name: 'SHA1withDSA', hash: 'SHA1', keyType: 'DSA' },
  [OID.dsaWithSHA256]: { name: 'SHA256withDSA', hash: 'SHA256', keyType: 'DSA' },
  [OID.ed25519]: { name: 'Ed25519', hash: 'none', keyType: 'Ed25519' },
  [OID.ed448]: { name: 'Ed448', hash: 'none', keyType: 'Ed448' },
  [OID.sm2WithSM3]: { name: 'SM3withSM2', hash: 'SM3', keyType: 'SM2' },
};

const HASH_OIDS: Record<string, HashName> = {
  [OID.sha1]: 'SHA1',
  [OID.sha224]: 'SHA224',
  [OID.sha256]: 'SHA256',
  [OID.sha384]: 'SHA384',
  [OID.sha512]: 'SHA512',
};

const cache = new ContentCache<SignatureAlgorithm>();

/** Decodes an AlgorithmIdentifier TLV. Unknown OIDs are returned as such, never thrown. */
export function parseSignatureAlgorithm(buf: Uint8Array, t: Tlv): SignatureAlgorithm {
  const hit = cache.getRange(buf, t.start, t.end);
  if (hit) return hit;
  const raw = buf.subarray(t.start, t.end);
  const r = DerReader.of(buf, t);
  const oid = oidOf(buf, r.expect(Tag.OID, 'signatureAlgorithm'));
  let alg: SignatureAlgorithm;
  if (oid === OID.rsassaPss) {
    alg = parsePssParams(buf, r, oid);
  } else {
    const known = TABLE[oid];
    alg = known ? { oid, ...known } : { oid, name: oid, hash: 'unknown', keyType: 'unknown' };
    // RFC 4055 / 5758: RSA PKCS#1 takes NULL parameters (or absent); ECDSA and EdDSA take none.
    if (r.more()) {
      const p = r.next();
      const isNull = p.tag === Tag.NULL && p.end === p.body;
      if (!(alg.keyType === 'RSA' && isNull) && !(alg.keyType === 'DSA' && isNull) && known) {
        alg = { ...alg, paramsProblem: 'unexpected algorithm parameters' };
      }
    }
  }
  cache.set(alg, raw);
  return alg;
}

function parsePssParams(buf: Uint8Array, r: DerReader, oid: string): SignatureAlgorithm {
  // RFC 4055 3.1 defaults: SHA-1, MGF1-SHA1, salt 20.
  let hash: HashName = 'SHA1';
  let mgfHash: HashName = 'SHA1';
  let saltLength = 20;
  let problem: string | undefined;
  if (r.more()) {
    const p = r.enter(Tag.SEQUENCE, 'RSASSA-PSS-params');
    const h = p.optional(ctx(0));
    if (h) hash = HASH_OIDS[oidOf(buf, DerReader.of(buf, DerReader.of(buf, h).expect(Tag.SEQUENCE, 'hashAlgorithm')).expect(Tag.OID, 'hash'))] ?? 'unknown';
    const m = p.optional(ctx(1));
    if (m) {
      const mr = DerReader.of(buf, DerReader.of(buf, m).expect(Tag.SEQUENCE, 'maskGenAlgorithm'));
      if (oidOf(buf, mr.expect(Tag.OID, 'mgf')) !== OID.mgf1) problem = 'unsupported mask generation function';
      else {
        const hr = mr.enter(Tag.SEQUENCE, 'mgf1 hash');
        mgfHash = HASH_OIDS[oidOf(buf, hr.expect(Tag.OID, 'mgf1 hash'))] ?? 'unknown';
      }
    }
    const s = p.optional(ctx(2));
    if (s) saltLength = smallInt(buf, DerReader.of(buf, s).expect(Tag.INTEGER, 'saltLength'));
    const tf = p.optional(ctx(3));
    if (tf && smallInt(buf, DerReader.of(buf, tf).expect(Tag.INTEGER, 'trailerField')) !== 1) problem = 'unsupported trailer field';
  }
  // Node's PSS verify uses the message digest for MGF1 as well.
  if (!problem && mgfHash !== hash) problem = 'MGF1 hash differs from the message hash';
  const alg: SignatureAlgorithm = { oid, name: `${hash}withRSA/PSS`, hash, keyType: 'RSA-PSS', saltLength };
  if (problem) alg.paramsProblem = problem;
  return alg;
}

const NODE_HASH: Partial<Record<HashName, string>> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA224: 'sha224',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
  SM3: 'sm3',
};

/**
 * A signature's verdict: valid, or why not.
 *
 * @example
 * ```ts
 * const [verdict] = await verifyCsrBatch([csr]);
 * if (!verdict.valid) console.log(verdict.reason);
 * ```
 */
export type VerifyResult = { valid: true } | { valid: false; reason: string };

/**
 * Verifies `signature` over `data` with the public key. Never throws: a key or
 * algorithm Node cannot handle is reported as invalid with the reason.
 * `keyObject` lets callers that verify many signatures with one key (chain
 * building) reuse the KeyObject.
 */
export function verifySignature(
  alg: SignatureAlgorithm,
  pk: PublicKeyInfo,
  data: Uint8Array,
  signature: Uint8Array,
  keyObject?: KeyObject,
): VerifyResult {
  const prep = prepare(alg, pk, keyObject);
  if ('valid' in prep) return prep;
  try {
    return verdict(nodeVerify(prep.hash, data, prep.key, signature));
  } catch (e) {
    return failed(e);
  }
}

/**
 * The same check, with the signature maths on libuv's thread pool: a batch
 * keeps the main thread parsing and importing keys while other cores verify.
 * Key import stays on the calling thread (Node does it synchronously).
 */
export function verifySignatureAsync(alg: SignatureAlgorithm, pk: PublicKeyInfo, data: Uint8Array, signature: Uint8Array): Promise<VerifyResult> {
  const prep = prepare(alg, pk);
  if ('valid' in prep) return Promise.resolve(prep);
  return new Promise((resolve) => {
    try {
      nodeVerify(prep.hash, data, prep.key, signature, (err, ok) => resolve(err ? failed(err) : verdict(ok)));
    } catch (e) {
      resolve(failed(e));
    }
  });
}

type Prepared = { hash: string | null; key: KeyObject | { key: KeyObject; padding: number; saltLength: number } };

function prepare(alg: SignatureAlgorithm, pk: PublicKeyInfo, keyObject?: KeyObject): Prepared | { valid: false; reason: string } {
  if (alg.paramsProblem) return { valid: false, reason: alg.paramsProblem };
  const compatible = alg.keyType === pk.type || (alg.keyType === 'RSA-PSS' && pk.type === 'RSA');
  if (!compatible) return { valid: false, reason: `a ${pk.type} key cannot verify ${alg.name}` };
  let hash: string | null = null;
  if (alg.hash !== 'none') {
    const h = NODE_HASH[alg.hash];
    if (!h) return { valid: false, reason: `${alg.name} is not supported for verification` };
    hash = h;
  }
  let key: KeyObject;
  try {
    key = keyObject ?? publicKeyObject(pk);
  } catch (e) {
    return failed(e);
  }
  if (alg.keyType === 'RSA-PSS') return { hash, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 20 } };
  return { hash, key };
}

function verdict(ok: boolean): VerifyResult {
  return ok ? { valid: true } : { valid: false, reason: 'signature does not verify' };
}

function failed(e: unknown): { valid: false; reason: string } {
  return { valid: false, reason: `signature could not be checked: ${String((e as Error)?.message ?? e).slice(0, 120)}` };
}
