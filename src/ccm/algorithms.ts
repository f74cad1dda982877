// CCM's key and signature-hash policy.
//
// PCA accepts exactly four key algorithms and three signature hashes
// (ccm-api-reference.txt 4.2.1.2 "Creating a CA", key_algorithm and
// signature_algorithm; error codes A.2.2 PCA.00020102 and PCA.00020103).
// Everything else is a finding carrying that code, never a crash.

import type { PublicKeyInfo } from '../engine/publickey.js';
import type { SignatureAlgorithm } from '../engine/signature.js';
import type { Finding } from './findings.js';

export const CCM_KEY_ALGORITHMS = ['RSA2048', 'RSA4096', 'EC256', 'EC384'] as const;
export type CcmKeyAlgorithm = (typeof CCM_KEY_ALGORITHMS)[number];

export const CCM_SIGNATURE_HASHES = ['SHA256', 'SHA384', 'SHA512'] as const;
export type CcmSignatureHash = (typeof CCM_SIGNATURE_HASHES)[number];

export const PCA_BAD_KEY = {
  code: 'PCA.00020102',
  message: 'Invalid key algorithm. Only RSA2048, RSA4096, EC256, and EC384 are supported.',
} as const;

export const PCA_BAD_HASH = {
  code: 'PCA.00020103',
  message: 'Invalid signature hash algorithm. Only SHA256, SHA384, and SHA512 are supported.',
} as const;

/** CCM's name for a public key ("RSA2048", "EC256"), or undefined when CCM has none. */
export function ccmKeyAlgorithm(pk: PublicKeyInfo): CcmKeyAlgorithm | undefined {
  if (pk.type === 'RSA' && (pk.bits === 2048 || pk.bits === 4096)) return `RSA${pk.bits}` as CcmKeyAlgorithm;
  if (pk.type === 'EC' && pk.curve === 'P-256') return 'EC256';
  if (pk.type === 'EC' && pk.curve === 'P-384') return 'EC384';
  return undefined;
}

/** A human name for any key: "RSA3072", "EC P-521", "Ed25519". */
export function describeKey(pk: PublicKeyInfo): string {
  if (pk.type === 'RSA' || pk.type === 'RSA-PSS' || pk.type === 'DSA') return `${pk.type}${pk.bits}`;
  if (pk.type === 'EC') return `EC ${pk.curve}`;
  if (pk.type === 'unknown') return `unknown key algorithm ${pk.algorithmOid}`;
  return pk.type;
}

export function keyFindings(pk: PublicKeyInfo, field = 'key_algorithm'): Finding[] {
  if (ccmKeyAlgorithm(pk)) return [];
  const fix =
    pk.type === 'RSA'
      ? `Generate an RSA 2048 or 4096 key (ccmkit key generate --algorithm RSA2048).`
      : `Generate a key CCM supports: RSA2048, RSA4096, EC256 (P-256) or EC384 (P-384).`;
  return [{ code: PCA_BAD_KEY.code, severity: 'error', field, message: `${describeKey(pk)} is not supported. ${PCA_BAD_KEY.message}`, fix }];
}

export function ccmSignatureHash(alg: SignatureAlgorithm): CcmSignatureHash | undefined {
  return (CCM_SIGNATURE_HASHES as readonly string[]).includes(alg.hash) ? (alg.hash as CcmSignatureHash) : undefined;
}

export function hashFindings(alg: SignatureAlgorithm, field = 'signature_algorithm'): Finding[] {
  const out: Finding[] = [];
  if (!ccmSignatureHash(alg)) {
    out.push({
      code: PCA_BAD_HASH.code,
      severity: 'error',
      field,
      message: `${alg.name} uses ${alg.hash === 'unknown' || alg.hash === 'none' ? 'a hash CCM does not support' : alg.hash}. ${PCA_BAD_HASH.message}`,
      fix: 'Sign again with SHA-256, SHA-384 or SHA-512 (openssl req -sha256 ..., ccmkit csr create --hash SHA256).',
    });
  } else if (alg.keyType === 'RSA-PSS') {
    // CCM names only SHAxxxwithRSA and SHAxxxwithECDSA; PSS is not listed anywhere in the seeds.
    out.push({
      code: PCA_BAD_HASH.code,
      severity: 'warning',
      field,
      message: `${alg.name}: CCM documents PKCS#1 v1.5 RSA signatures only; RSASSA-PSS may be refused.`,
      fix: 'Sign with PKCS#1 v1.5 padding (the openssl default).',
    });
  }
  return out;
}
