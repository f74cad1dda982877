// X.509 v3 extensions shared by certificates and CSRs (RFC 5280 4.2).

import { DerError, DerReader, Tag, bitStringBytes, bytesOf, ctx, ctxPrim, oidOf, smallInt, stringOf, type Tlv } from './der.js';
import { EKU_NAMES, OID } from './oids.js';
import { nameToString, parseName } from './name.js';

/**
 * One X.509 extension as encoded: OID, criticality and the extnValue's content.
 *
 * @example
 * ```ts
 * const unknownCritical = cert.extensions.list.filter((x) => x.critical && x.oid === '1.2.3.4');
 * ```
 */
export interface Extension {
  /** The extension's OID. */
  oid: string;
  /** Whether a reader that does not understand it must reject the certificate. */
  critical: boolean;
  /** The extnValue OCTET STRING's content (DER of the extension's own structure). */
  value: Buffer;
}

/**
 * A subject alternative name's form, in CCM's spelling (`DNS`, `IP`, `EMAIL`, `URI`...).
 *
 * @example
 * ```ts
 * const dns = sans.filter((s) => s.type === 'DNS').map((s) => s.value);
 * ```
 */
export type SanType = 'DNS' | 'IP' | 'EMAIL' | 'URI' | 'DIRNAME' | 'OTHERNAME' | 'RID' | 'X400' | 'EDIPARTY';

/**
 * One subject alternative name, as CCM's bodies carry them.
 *
 * @example
 * ```ts
 * const san: SubjectAltName = { type: 'DNS', value: 'www.example.com' };
 * ```
 */
export interface SubjectAltName {
  /** The name's form. */
  type: SanType;
  /** The name: a host name, an IP address in text form, an e-mail address, a URI... */
  value: string;
}

/**
 * The basicConstraints extension, in CCM's field names.
 *
 * @example
 * ```ts
 * if (report.basic_constraints?.ca) console.log('a CA, path length', report.basic_constraints.path_length);
 * ```
 */
export interface BasicConstraints {
  /** cA: the certificate may issue certificates. */
  ca: boolean;
  /** pathLenConstraint, when set. */
  path_length?: number;
}

/**
 * The keyUsage bits by their RFC 5280 names, in bit order.
 *
 * @example
 * ```ts
 * KEY_USAGE_NAMES.includes('keyCertSign'); // true
 * ```
 */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
/**
 * One keyUsage bit's name (RFC 5280 4.2.1.3).
 *
 * @example
 * ```ts
 * const usages: KeyUsageName[] = ['digitalSignature', 'keyEncipherment'];
 * ```
 */
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

/**
 * A certificate's or CSR's extensions: the raw list, and the ones ccmkit
 * decodes.
 *
 * @example
 * ```ts
 * const { subjectAltNames, keyUsage, extendedKeyUsage, basicConstraints } = cert.extensions;
 * ```
 */
export interface DecodedExtensions {
  /** Every extension, in encoded order. */
  list: Extension[];
  /** subjectAltName, when present. */
  subjectAltNames?: SubjectAltName[];
  /** keyUsage, when present. */
  keyUsage?: KeyUsageName[];
  /** extKeyUsage, by name (`serverAuth`...) or OID when unknown. */
  extendedKeyUsage?: string[];
  /** basicConstraints, when present. */
  basicConstraints?: BasicConstraints;
  /** subjectKeyIdentifier, lower-case hex. */
  subjectKeyId?: string;
  /** authorityKeyIdentifier's keyIdentifier, lower-case hex. */
  authorityKeyId?: string;
  /** Problems found while decoding (duplicates, malformed values); never thrown. */
  problems: string[];
}

/** Parses `Extensions ::= SEQUENCE OF Extension` at `t`. */
export function parseExtensions(buf: Uint8Array, t: Tlv): DecodedExtensions {
  return decodeExtensions(readExtensionList(buf, t));
}

/** The raw Extension list at `t` (shared with CRL and CRL-entry extensions). */
export function readExtensionList(buf: Uint8Array, t: Tlv): Extension[] {
  const r = DerReader.of(buf, t);
  const list: Extension[] = [];
  while (r.more()) {
    const e = r.enter(Tag.SEQUENCE, 'Extension');
    const oid = oidOf(buf, e.expect(Tag.OID, 'extnID'));
    let critical = false;
    const c = e.optional(Tag.BOOLEAN);
    if (c) {
      if (c.end - c.body !== 1) throw new DerError('bad BOOLEAN', c.start);
      critical = buf[c.body] !== 0;
    }
    const v = e.expect(Tag.OCTET_STRING, 'extnValue');
    e.done('Extension');
    list.push({ oid, critical, value: bytesOf(buf, v) });
  }
  return list;
}

export function decodeExtensions(list: Extension[]): DecodedExtensions {
  const out: DecodedExtensions = { list, problems: [] };
  const seen = new Set<string>();
  for (const ext of list) {
    if (seen.has(ext.oid)) out.problems.push(`duplicate extension ${ext.oid}`);
    seen.add(ext.oid);
    try {
      switch (ext.oid) {
        case OID.subjectAltName:
          out.subjectAltNames = parseGeneralNames(ext.value);
          break;
        case OID.keyUsage:
          out.keyUsage = parseKeyUsage(ext.value);
          break;
        case OID.extKeyUsage:
          out.extendedKeyUsage = parseEku(ext.value);
          break;
        case OID.basicConstraints:
          out.basicConstraints = parseBasicConstraints(ext.value);
          break;
        case OID.subjectKeyIdentifier: {
          const r = new DerReader(ext.value);
          out.subjectKeyId = bytesOf(ext.value, r.expect(Tag.OCTET_STRING, 'SubjectKeyIdentifier')).toString('hex');
          r.done('SubjectKeyIdentifier');
          break;
        }
        case OID.authorityKeyIdentifier: {
          const r = new DerReader(ext.value);
          const s = r.enter(Tag.SEQUENCE, 'AuthorityKeyIdentifier');
          const kid = s.optional(ctxPrim(0));
          if (kid) out.authorityKeyId = bytesOf(ext.value, kid).toString('hex');
          break;
        }
      }
    } catch (e) {
      out.problems.push(`malformed extension ${ext.oid}: ${(e as Error).message}`);
    }
  }
  return out;
}

function parseGeneralNames(v: Buffer): SubjectAltName[] {
  const r = new DerReader(v);
  const s = r.enter(Tag.SEQUENCE, 'GeneralNames');
  r.done('GeneralNames');
  const out: SubjectAltName[] = [];
  while (s.more()) {
    const g = s.next();
    out.push(generalName(v, g));
  }
  return out;
}

function generalName(buf: Buffer, g: Tlv): SubjectAltName {
  const asText = (): string => buf.subarray(g.body, g.end).toString('latin1');
  switch (g.tag) {
    case ctxPrim(1):
      return { type: 'EMAIL', value: asText() };
    case ctxPrim(2):
      return { type: 'DNS', value: asText() };
    case ctxPrim(6):
      return { type: 'URI', value: asText() };
    case ctxPrim(7):
      return { type: 'IP', value: ipToString(buf.subarray(g.body, g.end)) };
    case ctxPrim(8): {
      // registeredID is an IMPLICIT OID.
      return { type: 'RID', value: oidOf(buf, { tag: Tag.OID, start: g.start, body: g.body, end: g.end }) };
    }
    case ctx(4): {
      const r = DerReader.of(buf, g);
      return { type: 'DIRNAME', value: nameToString(parseName(buf, r.expect(Tag.SEQUENCE, 'directoryName'))) };
    }
    case ctx(0): {
      const r = DerReader.of(buf, g);
      const typeId = oidOf(buf, r.expect(Tag.OID, 'otherName type'));
      let shown = typeId;
      const val = r.optional(ctx(0));
      if (val) {
        try {
          shown += ';' + stringOf(buf, DerReader.of(buf, val).next());
        } catch {
          /* non-string otherName value: type only */
        }
      }
      return { type: 'OTHERNAME', value: shown };
    }
    case ctx(3):
      return { type: 'X400', value: buf.subarray(g.start, g.end).toString('hex') };
    case ctx(5):
      return { type: 'EDIPARTY', value: buf.subarray(g.start, g.end).toString('hex') };
    default:
      throw new DerError(`unknown GeneralName tag 0x${g.tag.toString(16)}`, g.start);
  }
}

export function ipToString(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const parts: string[] = [];
    for (let i = 0; i < 16; i += 2) parts.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    // Canonical RFC 5952 form: compress the longest run of zero groups.
    let best = -1, bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (parts[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && parts[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return parts.join(':');
    return parts.slice(0, best).join(':') + '::' + parts.slice(best + bestLen).join(':');
  }
  // Name constraints use address+mask (8 or 32 bytes); show as hex.
  return Buffer.from(b).toString('hex');
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** IP text to the 4/16 bytes of a SAN iPAddress, or undefined when it does not parse. */
export function ipToBytes(s: string): Buffer | undefined {
  if (V4.test(s)) return Buffer.from(s.split('.').map(Number));
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(s)) return undefined;
  let text = s;
  const tail: number[] = [];
  const dotted = /(?:^|:)([\d.]+)$/.exec(text);
  if (dotted && dotted[1]!.includes('.')) {
    if (!V4.test(dotted[1]!)) return undefined;
    const q = dotted[1]!.split('.').map(Number);
    tail.push((q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!);
    text = text.slice(0, text.length - dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  let all: number[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    all = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  } else all = [...head, ...tail];
  if (all.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function parseKeyUsage(v: Buffer): KeyUsageName[] {
  const r = new DerReader(v);
  const bs = bitStringBytes(v, r.expect(Tag.BIT_STRING, 'KeyUsage'), true);
  r.done('KeyUsage');
  const out: KeyUsageName[] = [];
  KEY_USAGE_NAMES.forEach((name, i) => {
    const byte = bs.bytes[i >> 3];
    if (byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0) out.push(name);
  });
  return out;
}

function parseEku(v: Buffer): string[] {
  const r = new DerReader(v);
  const s = r.enter(Tag.SEQUENCE, 'ExtKeyUsageSyntax');
  const out: string[] = [];
  while (s.more()) {
    const o = oidOf(v, s.expect(Tag.OID, 'KeyPurposeId'));
    out.push(EKU_NAMES[o] ?? o);
  }
  return out;
}

function parseBasicConstraints(v: Buffer): BasicConstraints {
  const r = new DerReader(v);
  const s = r.enter(Tag.SEQUENCE, 'BasicConstraints');
  r.done('BasicConstraints');
  let ca = false;
  const b = s.optional(Tag.BOOLEAN);
  if (b) ca = v[b.body] !== 0;
  const p = s.optional(Tag.INTEGER);
  s.done('BasicConstraints');
  const out: BasicConstraints = { ca };
  if (p) out.path_length = smallInt(v, p);
  return out;
}
