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

export interface ListedCertificate {
  source: string;
  owner?: string;
  issuer?: string;
  serial?: string;
  valid_from?: string;
  valid_until?: string;
  /** Colon-separated upper-case hex, as keytool prints fingerprints. */
  sha1: string;
  sha256: string;
  signature_algorithm?: string;
  public_key?: string;
  /** Set when the certificate does not parse (it is still listed, as keytool lists what it stores). */
  error?: string;
}

export interface ListedEntry {
  alias: string;
  entry_type: string;
  creation_date: string | null;
  chain_length?: number;
  protection?: string;
  /** Source of the decrypted key object, when the key was decrypted. */
  key?: string;
  certificates: ListedCertificate[];
}

export interface ContainerListing {
  source: string;
  kind: 'pkcs12' | 'jks' | 'jceks' | 'pkcs7' | 'zip';
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
