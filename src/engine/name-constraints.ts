// Name constraints (RFC 5280 4.2.1.10, applied as 6.1.3 (b)/(c) and 6.1.4
// (g) do): permitted and excluded subtrees for DNS names, IP ranges (v4 and
// v6), directory names, email addresses and URIs, checked against the subject
// and every subjectAltName of each certificate below the constraining CA.
//
// Fail-closed where the RFC leaves a choice: a malformed constraint (a DNS
// constraint with a wildcard or a leading period, an IP constraint that is not
// address+prefix mask, an email constraint with two "@") rejects the chain; a
// constraint on a name form ccmkit does not evaluate (otherName, x400Address,
// ediPartyName, registeredID) rejects a certificate that carries a name of
// that form, and is ignored otherwise ("MUST either process the constraint or
// reject the certificate").
//
// The subject CN is never treated as a DNS name here: browsers and pyca do not
// use it for host names, so a constraint cannot be dodged through it, and
// x509-limbo's BetterTLS cases expect a CN outside the constraints to pass.
//
// Pure and lazy: nothing is parsed until a chain actually crosses a CA with
// the extension, so bags without name constraints pay nothing.

import { DerError, DerReader, Tag, bytesOf, ctx, ctxPrim, oidOf, smallInt, type Tlv } from './der.js';
import type { Certificate } from './certificate.js';
import { parseName, type Name, type NameAttribute } from './name.js';
import { OID } from './oids.js';

/** A GeneralName in the form name constraints compare (RFC 5280 4.2.1.6). */
export type GeneralNameValue =
  | { form: 'DNS'; value: string }
  | { form: 'IP'; bytes: Buffer }
  | { form: 'EMAIL'; value: string }
  | { form: 'URI'; value: string }
  | { form: 'DIRNAME'; name: Name }
  | { form: 'OTHER'; tag: string };

export type NameForm = GeneralNameValue['form'];

export interface Subtree {
  base: GeneralNameValue;
}

export interface NameConstraints {
  permitted: Subtree[];
  excluded: Subtree[];
  /** Why the extension cannot be used (malformed, or a form ccmkit must refuse); set means: reject. */
  malformed?: string;
}

const FORM_TEXT: Record<NameForm, string> = { DNS: 'dNSName', IP: 'iPAddress', EMAIL: 'rfc822Name', URI: 'uniformResourceIdentifier', DIRNAME: 'directoryName', OTHER: 'otherName' };

function ia5(buf: Buffer, g: Tlv): string {
  const b = buf.subarray(g.body, g.end);
  for (const x of b) if (x > 0x7e || x < 0x20) throw new DerError('non-printable IA5String in a GeneralName', g.start);
  return b.toString('latin1');
}

/** One GeneralName, raw enough to compare (IP bytes, DN structure). */
export function readGeneralName(buf: Buffer, g: Tlv): GeneralNameValue {
  switch (g.tag) {
    case ctxPrim(1):
      return { form: 'EMAIL', value: ia5(buf, g) };
    case ctxPrim(2):
      return { form: 'DNS', value: ia5(buf, g) };
    case ctxPrim(6):
      return { form: 'URI', value: ia5(buf, g) };
    case ctxPrim(7):
      return { form: 'IP', bytes: bytesOf(buf, g) };
    case ctx(4): {
      const r = DerReader.of(buf, g);
      const n = parseName(buf, r.expect(Tag.SEQUENCE, 'directoryName'));
      r.done('directoryName');
      return { form: 'DIRNAME', name: n };
    }
    case ctx(0): {
      const r = DerReader.of(buf, g);
      return { form: 'OTHER', tag: `otherName ${oidOf(buf, r.expect(Tag.OID, 'otherName type-id'))}` };
    }
    case ctx(3):
      return { form: 'OTHER', tag: 'x400Address' };
    case ctx(5):
      return { form: 'OTHER', tag: 'ediPartyName' };
    case ctxPrim(8):
      return { form: 'OTHER', tag: 'registeredID' };
    default:
      throw new DerError(`unknown GeneralName tag 0x${g.tag.toString(16)}`, g.start);
  }
}

/** The subjectAltNames of a certificate, raw; undefined when it has none, a string when the extension is malformed. */
export function subjectAltNamesRaw(cert: Certificate): GeneralNameValue[] | undefined | string {
  const ext = cert.extensions.list.find((e) => e.oid === OID.subjectAltName);
  if (!ext) return undefined;
  try {
    const r = new DerReader(ext.value);
    const s = r.enter(Tag.SEQUENCE, 'GeneralNames');
    r.done('GeneralNames');
    const out: GeneralNameValue[] = [];
    while (s.more()) out.push(readGeneralName(ext.value, s.next()));
    if (out.length === 0) return 'empty subjectAltName';
    return out;
  } catch (e) {
    return `malformed subjectAltName: ${(e as Error).message}`;
  }
}

/** Parses a NameConstraints extension value; problems land in `malformed`, never thrown. */
export function parseNameConstraints(value: Buffer): NameConstraints {
  const nc: NameConstraints = { permitted: [], excluded: [] };
  try {
    const r = new DerReader(value);
    const s = r.enter(Tag.SEQUENCE, 'NameConstraints');
    r.done('NameConstraints');
    const read = (tag: number, into: Subtree[]): void => {
      const t = s.optional(tag);
      if (!t) return;
      const subs = DerReader.of(value, t);
      if (!subs.more()) throw new DerError('empty GeneralSubtrees (RFC 5280 4.2.1.10: SIZE (1..MAX))', t.start);
      while (subs.more()) {
        const st = subs.enter(Tag.SEQUENCE, 'GeneralSubtree');
        const base = readGeneralName(value, st.next());
        // minimum MUST be zero and maximum MUST be absent (RFC 5280 4.2.1.10).
        const min = st.optional(ctxPrim(0));
        if (min && smallInt(value, min) !== 0) throw new DerError('GeneralSubtree minimum other than 0', min.start);
        if (st.optional(ctxPrim(1))) throw new DerError('GeneralSubtree with a maximum', 0);
        st.done('GeneralSubtree');
        into.push({ base });
      }
    };
    read(ctx(0), nc.permitted);
    read(ctx(1), nc.excluded);
    s.done('NameConstraints');
    if (!nc.permitted.length && !nc.excluded.length) throw new DerError('neither permittedSubtrees nor excludedSubtrees (RFC 5280 4.2.1.10)', 0);
    for (const st of [...nc.permitted, ...nc.excluded]) {
      const why = constraintSyntax(st.base);
      if (why) {
        nc.malformed = why;
        break;
      }
    }
  } catch (e) {
    nc.malformed = `malformed nameConstraints: ${(e as Error).message}`;
  }
  return nc;
}

const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Is `s` a host name in preferred name syntax (RFC 1034 3.5, RFC 5280 4.2.1.6)? */
export function validHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((l) => LDH_LABEL.test(l));
}

function constraintSyntax(b: GeneralNameValue): string | undefined {
  switch (b.form) {
    case 'DNS':
      // RFC 5280 4.2.1.10: "host.example.com"; zero or more labels added on the left.
      // An empty constraint matches every name; a wildcard or a leading period is malformed.
      if (b.value !== '' && !validHostname(b.value)) return `dNSName constraint "${b.value}" is not a host name (no wildcards or leading periods in DNS constraints)`;
      return undefined;
    case 'IP': {
      if (b.bytes.length !== 8 && b.bytes.length !== 32) return `iPAddress constraint of ${b.bytes.length} octets (must be address + mask: 8 for IPv4, 32 for IPv6)`;
      if (prefixLength(b.bytes.subarray(b.bytes.length / 2)) < 0) return 'iPAddress constraint mask is not a contiguous prefix';
      return undefined;
    }
    case 'EMAIL': {
      const at = b.value.split('@').length - 1;
      if (at > 1) return `rfc822Name constraint "${b.value}" has more than one "@"`;
      if (at === 1) return validMailbox(b.value) ? undefined : `rfc822Name constraint "${b.value}" is not a mailbox`;
      const host = b.value.startsWith('.') ? b.value.slice(1) : b.value;
      return validHostname(host) ? undefined : `rfc822Name constraint "${b.value}" is not a host or domain`;
    }
    case 'URI': {
      const host = b.value.startsWith('.') ? b.value.slice(1) : b.value;
      return validHostname(host) ? undefined : `uniformResourceIdentifier constraint "${b.value}" is not a host or domain`;
    }
    default:
      return undefined;
  }
}

function prefixLength(mask: Buffer): number {
  let n = 0;
  let ended = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const on = (byte >> bit) & 1;
      if (on && ended) return -1;
      if (on) n++;
      else ended = true;
    }
  }
  return n;
}

function validMailbox(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0 || s.indexOf('@') !== at) return false;
  const local = s.slice(0, at);
  return /^[\x21-\x7e]+$/.test(local) && validHostname(s.slice(at + 1));
}

// ---- matching -----------------------------------------------------------------

const lower = (s: string): string => s.toLowerCase();

/** `name` is `base` or below it, label-wise ("www.host.example.com" is within "example.com"). */
function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  const n = lower(name.replace(/\.$/, ''));
  const b = lower(base);
  return n === b || n.endsWith('.' + b);
}

/**
 * For an excluded subtree, a wildcard SAN ("*.example.com") is caught when any
 * name it can stand for is: the subtree is under the wildcard's base or is
 * exactly one label below it.
 */
function dnsMayOverlap(name: string, base: string): boolean {
  if (dnsWithin(name, base)) return true;
  if (!name.startsWith('*.')) return false;
  const rest = lower(name.slice(2));
  const b = lower(base);
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot + 1) === rest;
}

function ipWithin(ip: Buffer, base: Buffer): boolean {
  const half = base.length / 2;
  if (ip.length !== half) return false;
  for (let i = 0; i < half; i++) if ((ip[i]! & base[half + i]!) !== (base[i]! & base[half + i]!)) return false;
  return true;
}

function hostWithin(host: string, base: string): boolean {
  // ".example.com": any host below example.com, not example.com itself; "host": exactly that host.
  const h = lower(host);
  const b = lower(base);
  return b.startsWith('.') ? h.endsWith(b) : h === b;
}

function emailWithin(mail: string, base: string): boolean {
  const at = mail.lastIndexOf('@');
  const host = mail.slice(at + 1);
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    // The local part is case-sensitive, the host is not (RFC 5280 4.2.1.10 / 7.5).
    return mail.slice(0, at) === base.slice(0, bat) && lower(host) === lower(base.slice(bat + 1));
  }
  return hostWithin(host, base);
}

/** The host of a URI with an authority (scheme://[userinfo@]host[:port]...), or undefined. */
function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (!m) return undefined;
  let auth = m[1]!;
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith('[')) return undefined; // IP literal: not a host name a URI constraint can name
  const colon = auth.indexOf(':');
  const host = colon >= 0 ? auth.slice(0, colon) : auth;
  return host === '' ? undefined : host;
}

const normValue = (a: NameAttribute): string => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`;
const rdnKey = (rdn: NameAttribute[]): string => rdn.map(normValue).sort().join('+');

/** `name` starts with the RDNs of `base` (RFC 5280 7.1 comparison, case-folded). */
function dnWithin(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) if (rdnKey(base.rdns[i]!) !== rdnKey(name.rdns[i]!)) return false;
  return true;
}

/** Does name `n` fall in subtree `b`? Both of one form. `excluded` widens wildcard DNS names. */
function within(n: GeneralNameValue, b: GeneralNameValue, excluded: boolean): boolean {
  switch (n.form) {
    case 'DNS':
      return b.form === 'DNS' && (excluded ? dnsMayOverlap(n.value, b.value) : dnsWithin(n.value, b.value));
    case 'IP':
      return b.form === 'IP' && ipWithin(n.bytes, b.bytes);
    case 'EMAIL':
      return b.form === 'EMAIL' && emailWithin(n.value, b.value);
    case 'URI': {
      const host = uriHost(n.value);
      return b.form === 'URI' && host !== undefined && hostWithin(host, b.value);
    }
    case 'DIRNAME':
      return b.form === 'DIRNAME' && dnWithin(n.name, b.name);
    default:
      return false;
  }
}

function show(n: GeneralNameValue): string {
  switch (n.form) {
    case 'IP':
      return n.bytes.length === 4 ? Array.from(n.bytes).join('.') : n.bytes.length === 16 ? ipv6Text(n.bytes) : `0x${n.bytes.toString('hex')}`;
    case 'DIRNAME':
      return n.name.rdns.map((r) => r.map((a) => `${a.type}=${a.value}`).join('+')).join(', ') || '(empty)';
    case 'OTHER':
      return n.tag;
    default:
      return n.value;
  }
}

function ipv6Text(b: Buffer): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return g.join(':');
}

/** Why a name of this form cannot be checked at all (malformed), or undefined. */
function nameSyntax(n: GeneralNameValue): string | undefined {
  switch (n.form) {
    case 'DNS': {
      const v = n.value.replace(/\.$/, '');
      const host = v.startsWith('*.') ? v.slice(2) : v;
      return validHostname(host) ? undefined : `dNSName "${n.value}" is not a host name`;
    }
    case 'IP':
      return n.bytes.length === 4 || n.bytes.length === 16 ? undefined : `iPAddress of ${n.bytes.length} octets is not an address`;
    case 'EMAIL':
      return validMailbox(n.value) ? undefined : `rfc822Name "${n.value}" is not a mailbox`;
    case 'URI':
      return uriHost(n.value) === undefined ? `URI "${n.value}" has no host` : undefined;
    default:
      return undefined;
  }
}

/**
 * The names a certificate presents to name constraints: the subject (when not
 * empty) as a directoryName, its emailAddress attributes as rfc822Names when
 * it has no subjectAltName (RFC 5280 4.2.1.10), and every subjectAltName.
 */
export function constrainedNames(cert: Certificate): GeneralNameValue[] | string {
  const sans = subjectAltNamesRaw(cert);
  if (typeof sans === 'string') return sans;
  const out: GeneralNameValue[] = [];
  if (cert.subject.rdns.length) out.push({ form: 'DIRNAME', name: cert.subject });
  if (sans === undefined) {
    for (const rdn of cert.subject.rdns) for (const a of rdn) if (a.oid === OID.emailAddress) out.push({ form: 'EMAIL', value: a.value });
  } else out.push(...sans);
  return out;
}

/**
 * Checks `names` (of one certificate) against one CA's constraints. Returns
 * the first violation, or undefined when every name is permitted.
 */
export function violation(names: readonly GeneralNameValue[], nc: NameConstraints): string | undefined {
  if (nc.malformed) return nc.malformed;
  for (const n of names) {
    const permitted = nc.permitted.filter((s) => s.base.form === n.form);
    const excluded = nc.excluded.filter((s) => s.base.form === n.form);
    if (!permitted.length && !excluded.length) continue;
    if (n.form === 'OTHER') {
      // Fail closed: a constraint on a form ccmkit does not evaluate, and a name of that form.
      const kind = n.tag.split(' ')[0]!;
      const same = [...permitted, ...excluded].some((s) => s.base.form === 'OTHER' && s.base.tag.split(' ')[0] === kind);
      if (same) return `the certificate names ${n.tag} and the CA constrains ${kind} names, which ccmkit does not evaluate`;
      continue;
    }
    const bad = nameSyntax(n);
    if (bad) return `${bad}, so it cannot be checked against the ${FORM_TEXT[n.form]} constraints`;
    const ex = excluded.find((s) => within(n, s.base, true));
    if (ex) return `${FORM_TEXT[n.form]} ${show(n)} is in the excluded subtree ${show(ex.base)}`;
    if (permitted.length && !permitted.some((s) => within(n, s.base, false))) {
      return `${FORM_TEXT[n.form]} ${show(n)} is outside the permitted subtrees (${permitted.map((s) => show(s.base)).slice(0, 5).join(', ')})`;
    }
  }
  return undefined;
}
