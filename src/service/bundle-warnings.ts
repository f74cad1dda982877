// What an operator should hear before installing a bundle, even where CCM
// itself would accept it: a leaf that has expired or is not valid yet, an
// expired intermediate, and a chain that stops short of a root (issue 11,
// "Output people look for"). Plain sentences; the CLI prints them on stderr
// and puts them under "warnings" in JSON reports.

import { isSelfIssued, type Certificate } from '../engine/certificate.js';
import { nameToString } from '../engine/name.js';
import { PBE_OID, SCHEME_NAMES } from '../engine/pbe.js';

const DAY_MS = 86_400_000;
const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

function label(c: Certificate): string {
  return nameToString(c.subject) || `serial ${c.serial}`;
}

/**
 * What an operator should hear before installing a bundle, where CCM would
 * still accept it: a leaf expired or not yet valid, an expired intermediate,
 * a chain that stops short of a root. Plain sentences.
 *
 * @param chain - the leaf's chain, ordered intermediate \> ... \> root
 *
 * @example
 * ```ts
 * const r = resolveMaterial(material, new Date());
 * for (const w of chainWarnings(r.leaf, r.chain, new Date())) console.warn(w);
 * ```
 */
export function chainWarnings(leaf: Certificate, chain: readonly Certificate[], at: Date): string[] {
  const w: string[] = [];
  if (at > leaf.notAfter) {
    const days = Math.floor((at.getTime() - leaf.notAfter.getTime()) / DAY_MS);
    w.push(`the certificate ${label(leaf)} EXPIRED on ${iso(leaf.notAfter)} (${days} day${days === 1 ? '' : 's'} ago): clients will refuse it. Renew it.`);
  } else if (at < leaf.notBefore) {
    w.push(`the certificate ${label(leaf)} is NOT YET VALID: it starts on ${iso(leaf.notBefore)}. Clients will refuse it until then (check the issuing CA's clock).`);
  }
  for (const c of chain) {
    if (at > c.notAfter) w.push(`the chain certificate ${label(c)} expired on ${iso(c.notAfter)}: clients that build the path through it will refuse the chain.`);
    else if (at < c.notBefore) w.push(`the chain certificate ${label(c)} is not valid before ${iso(c.notBefore)}.`);
  }
  const last = chain.length ? chain[chain.length - 1]! : leaf;
  if (!isSelfIssued(last)) {
    w.push(
      `the chain is incomplete: no certificate for ${nameToString(last.issuer) || 'the issuer'}, the issuer of ${last === leaf ? 'the certificate' : label(last)}, was given. ` +
        'That is fine when it is a root the clients already trust; otherwise add it (and any intermediate) with --certificate-chain.',
    );
  }
  return w;
}

/**
 * PKCS#12 protection schemes that no longer protect anything: RC2 with a
 * 40-bit key is brute-forced in hours, RC4 is broken, and 64-bit-block RC2 is
 * obsolete. Windows and OpenSSL < 3 still write RC2-40 for certificate bags
 * by default ("-legacy").
 */
const BROKEN: Record<string, string> = {
  [PBE_OID.sha1And40BitRC2]: 'RC2 with a 40-bit key: recoverable by brute force',
  [PBE_OID.sha1And40BitRC4]: 'RC4 with a 40-bit key: broken',
  [PBE_OID.sha1And128BitRC4]: 'RC4: broken',
  [PBE_OID.sha1And128BitRC2]: 'RC2: an obsolete 64-bit-block cipher',
};

const BROKEN_BY_NAME = new Map(Object.entries(BROKEN).map(([oid, why]) => [SCHEME_NAMES[oid] ?? oid, why]));

/** One warning per broken scheme a keystore used, with the modern profile as the way out. */
export function weakSchemeWarnings(source: string, schemes: readonly string[]): string[] {
  const w: string[] = [];
  for (const s of new Set(schemes)) {
    const why = BROKEN_BY_NAME.get(s);
    if (why) {
      w.push(
        `${source} is protected with ${s} (${why}). Anyone holding the file can read what it protects; ` +
          'make a new one with the modern profile: ccmkit export --type IIS --pfx-profile modern (PBES2/AES-256-CBC, SHA-256 MAC), or openssl pkcs12 -export without -legacy.',
      );
    }
  }
  return w;
}
