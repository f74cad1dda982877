// X.501 Names: parsing, display, CCM's DistinguishedName view, and comparison.

import { DerError, DerReader, Tag, oidOf, rawOf, stringOf, type Tlv } from './der.js';
import { NAME_ATTRIBUTES } from './oids.js';

/**
 * One attribute of a distinguished name: `CN=www.example.com` is
 * `{ oid: '2.5.4.3', type: 'CN', value: 'www.example.com' }`.
 *
 * @example
 * ```ts
 * const cn = cert.subject.rdns.flat().find((a) => a.type === 'CN')?.value;
 * ```
 */
export interface NameAttribute {
  /** The attribute type's OID. */
  oid: string;
  /** Short name (CN, O, ...) or the dotted OID when unknown. */
  type: string;
  value: string;
}

/**
 * CCM's DistinguishedName object (ccm-api-reference.txt 4.2.2.4, Table 4-184),
 * as PCA request and response bodies carry it.
 *
 * @example
 * ```ts
 * const dn: DistinguishedName = { common_name: 'www.example.com', country: 'CN', organization: 'Example' };
 * ```
 */
export interface DistinguishedName {
  common_name?: string;
  country?: string;
  state?: string;
  locality?: string;
  organization?: string;
  organizational_unit?: string;
}

/**
 * An X.501 Name (a certificate's subject or issuer): its exact DER and its
 * relative distinguished names, most significant first.
 *
 * @example
 * ```ts
 * console.log(cert.subject.rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join('+')).join(', ')); // O=Example, CN=www.example.com
 * ```
 */
export interface Name {
  /** The exact DER of the Name, used first when matching issuer to subject. */
  der: Buffer;
  rdns: NameAttribute[][];
}

export function parseName(buf: Uint8Array, t: Tlv): Name {
  if (t.tag !== Tag.SEQUENCE) throw new DerError('Name: expected SEQUENCE', t.start);
  const r = DerReader.of(buf, t);
  const rdns: NameAttribute[][] = [];
  while (r.more()) {
    const set = r.enter(Tag.SET, 'RelativeDistinguishedName');
    const rdn: NameAttribute[] = [];
    while (set.more()) {
      const atv = set.enter(Tag.SEQUENCE, 'AttributeTypeAndValue');
      const oid = oidOf(buf, atv.expect(Tag.OID, 'attribute type'));
      const vt = atv.next();
      let value: string;
      try {
        value = stringOf(buf, vt);
      } catch {
        // Non-string values (rare) are shown as #hex, as RFC 4514 2.4 does.
        value = '#' + Buffer.from(buf.subarray(vt.start, vt.end)).toString('hex');
      }
      rdn.push({ oid, type: NAME_ATTRIBUTES[oid]?.short ?? oid, value });
    }
    if (rdn.length === 0) throw new DerError('empty RelativeDistinguishedName', t.start);
    rdns.push(rdn);
  }
  return { der: rawOf(buf, t), rdns };
}

/** Anything escapeValue would change; most values have none, and one test is cheaper than three replaces. */
const NEEDS_ESCAPE = /[,+"\\<>;=]|^[ #]| $/;

function escapeValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** "C=CN, O=HW, CN=test.com": in encoded order, as `openssl -nameopt compat` shows it. */
export function nameToString(n: Name): string {
  return n.rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join(' + ')).join(', ');
}

/** CCM's view: the first value of each attribute CCM knows. */
export function toDistinguishedName(n: Name): DistinguishedName {
  const dn: DistinguishedName = {};
  for (const rdn of n.rdns) {
    for (const a of rdn) {
      const field = NAME_ATTRIBUTES[a.oid]?.ccm as keyof DistinguishedName | undefined;
      if (field && dn[field] === undefined) dn[field] = a.value;
    }
  }
  return dn;
}

export function commonNames(n: Name): string[] {
  const out: string[] = [];
  for (const rdn of n.rdns) for (const a of rdn) if (a.oid === '2.5.4.3') out.push(a.value);
  return out;
}

/**
 * RFC 5280 7.1 comparison, simplified the way most verifiers do it: byte
 * equality first; otherwise attribute-by-attribute with case folding and
 * internal whitespace collapsed.
 */
export function namesEqual(a: Name, b: Name): boolean {
  if (a.der.equals(b.der)) return true;
  return normalisedKey(a) === normalisedKey(b);
}

const normCache = new WeakMap<Name, string>();

export function normalisedKey(n: Name): string {
  let k = normCache.get(n);
  if (k === undefined) {
    k = nameKey(n);
    normCache.set(n, k);
  }
  return k;
}

/**
 * The same key, uncached. For callers that keep the key themselves (chain
 * indexes over 100,000 certificates): a WeakMap that large makes V8's garbage
 * collector slow down the whole process.
 */
export function nameKey(n: Name): string {
  return n.rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join(',');
}
