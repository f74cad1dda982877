// `inspect` of a container: its entries the way `keytool -list -v` shows them
// (alias, entry type, creation date, chain length, and for each certificate
// owner, issuer, serial, validity and SHA-1/SHA-256 fingerprints), as JSON
// with CCM-style snake_case names. The human rendering is in
// src/cli/keystore-print.ts.

import { createHash } from 'node:crypto';
import { describeKey } from '../ccm/algorithms.js';
import { parseCertificate } from '../engine/certificate.js';
import { nameToString } from '../engine/name.js';
import type { Container } from './open.js';

/**
 * A certificate of a keystore entry, as `keytool -list -v` lists it.
 *
 * @example
 * ```ts
 * for (const c of listing.keystore.entries[0]!.certificates) console.log(c.owner, c.sha256);
 * ```
 */
export interface ListedCertificate {
  /** The certificate object's source (`store.jks#1/tomcat#1`...). */
  source: string;
  /** Subject DN. */
  owner?: string;
  /** Issuer DN. */
  issuer?: string;
  /** Serial, upper-case hex. */
  serial?: string;
  /** notBefore, ISO 8601. */
  valid_from?: string;
  /** notAfter, ISO 8601. */
  valid_until?: string;
  /** Colon-separated upper-case hex, as keytool prints fingerprints. */
  sha1: string;
  /** Colon-separated upper-case hex. */
  sha256: string;
  /** `SHA256withRSA`... */
  signature_algorithm?: string;
  /** `RSA 2048`, `EC P-256`... */
  public_key?: string;
  /** Set when the certificate does not parse (it is still listed, as keytool lists what it stores). */
  error?: string;
}

/**
 * One keystore entry, as `keytool -list -v` lists it.
 *
 * @example
 * ```ts
 * const keyEntry = listing.keystore.entries.find((e) => e.entry_type === 'PrivateKeyEntry');
 * ```
 */
export interface ListedEntry {
  /** The alias or friendlyName. */
  alias: string;
  /** PrivateKeyEntry, trustedCertEntry, SecretKeyEntry or Certificate. */
  entry_type: string;
  /** JKS/JCEKS: when the entry was stored, ISO 8601; null where the format stores none. */
  creation_date: string | null;
  /** Key entries: how many certificates the chain holds. */
  chain_length?: number;
  /** How the key is protected, when known. */
  protection?: string;
  /** Source of the decrypted key object, when the key was decrypted. */
  key?: string;
  /** The entry's certificates, leaf first. */
  certificates: ListedCertificate[];
}

/**
 * A container listed the way `ccmkit inspect --json` prints it.
 *
 * @example
 * ```ts
 * const listing: ContainerListing = listContainer(opened.containers[0]!);
 * console.log(listing.keystore.type, listing.keystore.integrity, listing.keystore.entry_count);
 * ```
 */
export interface ContainerListing {
  /** The container's source. */
  source: string;
  /** Its kind, as {@link InputObject} kinds are spelled. */
  kind: 'pkcs12' | 'jks' | 'jceks' | 'pkcs7' | 'zip';
  /** What `keytool -list -v` would show. */
  keystore: {
    type: Container['type'];
    integrity: Container['integrity'];
    entry_count: number;
    entries: ListedEntry[];
    notes: string[];
  };
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
const colons = (hex: string): string => hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');

export function listCertificate(source: string, der: Buffer): ListedCertificate {
  const sha1 = colons(createHash('sha1').update(der).digest('hex'));
  const sha256 = colons(createHash('sha256').update(der).digest('hex'));
  try {
    const c = parseCertificate(der);
    return {
      source,
      owner: nameToString(c.subject),
      issuer: nameToString(c.issuer),
      serial: c.serial,
      valid_from: iso(c.notBefore),
      valid_until: iso(c.notAfter),
      sha1,
      sha256,
      signature_algorithm: c.signatureAlgorithm.name,
      public_key: describeKey(c.publicKey),
    };
  } catch (e) {
    return { source, sha1, sha256, error: `malformed certificate: ${(e as Error).message.slice(0, 100)}` };
  }
}

/**
 * Lists an opened container the way `keytool -list -v` does: type, integrity
 * (MAC verified, or listed unchecked without a password), and each entry's
 * alias, type, creation date and certificates with their fingerprints.
 *
 * @example
 * ```ts
 * const opened = await openInputs([{ name: 'cacerts', bytes: readFileSync('cacerts') }]);
 * for (const c of opened.containers) console.log(listContainer(c).keystore.entry_count);
 * ```
 */
export function listContainer(c: Container): ContainerListing {
  return {
    source: c.source,
    kind: c.type.toLowerCase() as ContainerListing['kind'],
    keystore: {
      type: c.type,
      integrity: c.integrity,
      entry_count: c.entries.length,
      entries: c.entries.map((e) => ({
        alias: e.alias,
        entry_type: e.entry_type,
        creation_date: e.creation_date && !Number.isNaN(e.creation_date.getTime()) ? iso(e.creation_date) : null,
        ...(e.entry_type === 'PrivateKeyEntry' ? { chain_length: e.certificates.length } : {}),
        ...(e.protection ? { protection: e.protection } : {}),
        ...(e.key ? { key: e.key } : {}),
        certificates: e.certificates.map((x) => listCertificate(x.source, x.der)),
      })),
      notes: c.notes,
    },
  };
}
