// SDK-HMAC-SHA256: the AK/SK request signature of Huawei Cloud's API gateway.
//
// Written once for both ends: the emulator verifies with it, the sync client
// signs with it. The algorithm (../shared/notes/ccm-api.md, "AK/SK signing"):
//
//   canonical request = METHOD \n canonical URI \n canonical query \n
//                       canonical headers \n signed header list \n hex sha256(body)
//   string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex sha256(canonical request)
//   signature         = hex HMAC-SHA256(SK, string to sign)
//   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex
//
// A verifier never copies anything from the URL into the canonical request:
// the query is decoded to pairs and re-encoded (the SDKs send it in model
// order with `!'()*` unescaped, and sign it sorted and RFC 3986-encoded), the
// header block is rebuilt from the *declared* SignedHeaders (Go, Python and
// Node sign different sets), and the body hash is over the exact bytes
// received. Pure: no clock, no I/O (the date is an argument).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` replaces the body hash (SDKs send it for non-JSON bodies only). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const HEADER_DATE = 'x-sdk-date';
export const HEADER_CONTENT_SHA256 = 'x-sdk-content-sha256';

// ---- encoding -------------------------------------------------------------------------

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
const HEX = '0123456789ABCDEF';

/** RFC 3986 percent-encoding of a string's UTF-8 bytes: `A-Za-z0-9-_.~` kept, everything else `%XX` (upper-case hex). */
export function encodeComponent(s: string): string {
  let out = '';
  for (const ch of s) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += '%' + HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict percent-decoding to a UTF-8 string (`+` stays `+`). Undefined when an
 * escape is broken (`%4`, `%zz`) or the bytes are not UTF-8: such a string
 * cannot have come out of any SDK's encoder.
 */
export function decodeComponent(s: string): string | undefined {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A raw non-ASCII character in a URL (not sent by the SDKs, tolerated by Node's parser): its UTF-8 bytes.
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

// ---- canonical parts ------------------------------------------------------------------

/** Characters Node's legacy url.parse escapes in a path (its autoEscape set) that a request line may carry bare. */
const LEGACY_AUTO_ESCAPE = /['^|"<>`{} \t\r\n]/g;

/**
 * The canonical URI of a path: each segment encoded, always ending with `/`.
 * `segments` says what is encoded: `decoded` (Go and Python SDKs: the path's
 * decoded segments, so `%41` and `A` sign alike) or `raw` (the Node SDK
 * encodes the path as its legacy url.parse returns it, escapes included, so
 * an escaped character is escaped twice, and `'`, `^`, `|` that the request
 * line carries bare are escaped once more). A segment that does not decode
 * is taken raw.
 */
export function canonicalUri(path: string, segments: 'decoded' | 'raw' = 'decoded'): string {
  const p = path === '' ? '/' : path;
  const enc = p
    .split('/')
    .map((seg) => encodeComponent(segments === 'raw' ? seg.replace(LEGACY_AUTO_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')) : (decodeComponent(seg) ?? seg)))
    .join('/');
  return enc.endsWith('/') ? enc : enc + '/';
}

/**
 * The decoded pairs of a raw query string (without `?`), in wire order.
 * `+` is a space, as form encoding and Go's `url.ParseQuery` (the gateway's
 * reference signer) read it; a key without `=` has the empty value.
 * Undefined when an escape is broken or not UTF-8.
 */
export function parseQuery(raw: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const v = decodeComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' '));
    if (k === undefined || v === undefined) return undefined;
    out.push([k, v]);
  }
  return out;
}

/** Keys sorted, values of a repeated key sorted, each `k=v` RFC 3986-encoded, joined by `&`. */
export function canonicalQuery(pairs: Iterable<readonly [string, string]>): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const list = byKey.get(k);
    if (list) list.push(v);
    else byKey.set(k, [v]);
  }
  // Default JS ordering (UTF-16 code units), as the Node SDK's keys.sort() and value.sort().
  const keys = [...byKey.keys()].sort();
  const parts: string[] = [];
  for (const k of keys) {
    for (const v of byKey.get(k)!.sort()) parts.push(`${encodeComponent(k)}=${encodeComponent(v)}`);
  }
  return parts.join('&');
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** A header's value by case-insensitive name; repeated headers joined with "," (as HTTP allows). */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  let found: string | string[] | undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower && v !== undefined) {
      found = found === undefined ? v : [...[found].flat(), ...[v].flat()];
    }
  }
  if (found === undefined) return undefined;
  return Array.isArray(found) ? found.join(',') : found;
}

/** The declared header names, as the signer lists them: lower-case, `;`-separated, sorted. */
export function parseSignedHeaders(list: string): string[] | undefined {
  const names = list.split(';').map((n) => n.trim().toLowerCase());
  if (names.length === 0 || names.some((n) => !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(n))) return undefined;
  return names;
}

/**
 * `name:value\n` for each signed header, in the order given (signers sort the
 * names); values trimmed. The block ends with an empty line.
 */
export function canonicalHeaders(headers: HeaderBag, signed: readonly string[]): string | undefined {
  let out = '';
  for (const name of signed) {
    const v = headerValue(headers, name);
    if (v === undefined) return undefined;
    out += `${name}:${v.trim()}\n`;
  }
  return out;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface CanonicalParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): string {
  return [p.method.toUpperCase(), p.canonicalUri, p.canonicalQuery, p.canonicalHeaders, p.signedHeaders.join(';'), p.payloadHash].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function signatureOf(sk: string, toSign: string): string {
  return createHmac('sha256', sk).update(toSign).digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` (UTC) for an instant. */
export function formatSdkDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The instant of an `X-Sdk-Date` value, or undefined when it is not `YYYYMMDDTHHMMSSZ` or not a real date. */
export function parseSdkDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return back;
}

// ---- the Authorization header --------------------------------------------------------

export interface Authorization {
  access: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`. Undefined when
 * it is another scheme or malformed (the three fields, each once, any order).
 */
export function parseAuthorization(header: string): Authorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const k = part.slice(0, eq).trim();
    if (fields.has(k)) return undefined;
    fields.set(k, part.slice(eq + 1).trim());
  }
  const access = fields.get('Access');
  const list = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (fields.size !== 3 || !access || !list || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return undefined;
  const signedHeaders = parseSignedHeaders(list);
  if (!signedHeaders) return undefined;
  return { access, signedHeaders, signature: signature.toLowerCase() };
}

// ---- signing (the client side) -------------------------------------------------------

export interface RequestToSign {
  method: string;
  /** The URL's path as it will be sent (already percent-encoded where needed). */
  path: string;
  /** The query pairs (decoded values); the sender encodes them however it likes. */
  query?: Iterable<readonly [string, string]>;
  /** The headers that will be sent; every one of them is signed unless `signed` says otherwise. */
  headers: Record<string, string>;
  /** The exact body bytes (empty when absent). */
  body?: Buffer | string;
}

export interface SignOptions {
  ak: string;
  sk: string;
  /** The signing instant (X-Sdk-Date). */
  at: Date;
  /** Lower-case names of the headers to sign (default: all of `headers`, plus x-sdk-date). */
  signed?: readonly string[];
}

/**
 * Signs a request. Returns the headers to add: `X-Sdk-Date` (unless the
 * request has one) and `Authorization`. The caller must send `headers` (incl.
 * `host` if signed) and the body exactly as given.
 */
export function signRequest(req: RequestToSign, o: SignOptions): Record<string, string> {
  const added: Record<string, string> = {};
  const headers: HeaderBag = { ...req.headers };
  let date = headerValue(headers, HEADER_DATE);
  if (date === undefined) {
    date = formatSdkDate(o.at);
    added['X-Sdk-Date'] = date;
    headers['X-Sdk-Date'] = date;
  }
  const signed = [...new Set((o.signed ?? [...Object.keys(headers).map((k) => k.toLowerCase())]).map((n) => n.toLowerCase()))].sort();
  const block = canonicalHeaders(headers, signed);
  if (block === undefined) throw new Error(`signRequest: a signed header is missing (${signed.join(';')})`);
  const body = req.body ?? '';
  const explicit = headerValue(headers, HEADER_CONTENT_SHA256);
  const canonical = canonicalRequest({
    method: req.method,
    canonicalUri: canonicalUri(req.path),
    canonicalQuery: canonicalQuery(req.query ?? []),
    canonicalHeaders: block,
    signedHeaders: signed,
    payloadHash: explicit ?? sha256Hex(body),
  });
  const sig = signatureOf(o.sk, stringToSign(date, canonical));
  added.Authorization = `${ALGORITHM} Access=${o.ak}, SignedHeaders=${signed.join(';')}, Signature=${sig}`;
  return added;
}

// ---- verifying (the server side) -----------------------------------------------------

export interface ReceivedRequest {
  method: string;
  /** The path exactly as received (percent-encoded), without the query. */
  path: string;
  /** The query string exactly as received, without `?`. */
  rawQuery: string;
  headers: HeaderBag;
  /** The exact body bytes received. */
  body: Buffer;
}

export type SignatureCheck =
  | { ok: true; auth: Authorization; date: Date; signedHeaders: readonly string[] }
  | { ok: false; why: 'no-authorization' | 'malformed-authorization' | 'no-date' | 'bad-date' | 'missing-signed-header' | 'bad-query' | 'bad-content-sha256' | 'unsigned-payload' | 'bad-signature'; detail: string };

/** The parts of a received request a verifier checks before it knows the SK. */
export function readAuthorization(req: ReceivedRequest): { auth: Authorization; date: Date; sdkDate: string } | Extract<SignatureCheck, { ok: false }> {
  const header = headerValue(req.headers, 'authorization');
  if (header === undefined) return { ok: false, why: 'no-authorization', detail: 'no Authorization header' };
  const auth = parseAuthorization(header);
  if (!auth) return { ok: false, why: 'malformed-authorization', detail: 'the Authorization header is not "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..."' };
  const sdkDate = headerValue(req.headers, HEADER_DATE);
  if (sdkDate === undefined) return { ok: false, why: 'no-date', detail: 'no X-Sdk-Date header' };
  const date = parseSdkDate(sdkDate.trim());
  if (!date) return { ok: false, why: 'bad-date', detail: 'X-Sdk-Date is not YYYYMMDDTHHMMSSZ' };
  return { auth, date, sdkDate: sdkDate.trim() };
}

/**
 * Checks a received request's signature with the SK of its access key.
 * Rebuilds the canonical request from what was received: the declared
 * SignedHeaders, the decoded-and-re-encoded query, the exact body bytes.
 * The path is tried as the Go/Python SDKs sign it (decoded segments) and, if
 * it holds escapes or characters Node's legacy URL parser escapes, as the
 * Node SDK signs it (raw segments). Both are functions of the path received,
 * so either binds the signature to it.
 */
export function verifySignature(req: ReceivedRequest, sk: string): SignatureCheck {
  const pre = readAuthorization(req);
  if ('ok' in pre) return pre;
  const { auth, date, sdkDate } = pre;
  const block = canonicalHeaders(req.headers, auth.signedHeaders);
  if (block === undefined) return { ok: false, why: 'missing-signed-header', detail: `a header named in SignedHeaders is not in the request (${auth.signedHeaders.join(';')})` };
  // The header block in the declared order; the Node SDK declares code-unit order but writes the
  // block in localeCompare order, which differs for some names ("-" against "_"): try that too.
  const blocks = [block];
  const locale = [...auth.signedHeaders].sort((a, b) => a.localeCompare(b));
  if (locale.some((n, i) => n !== auth.signedHeaders[i])) blocks.push(canonicalHeaders(req.headers, locale)!);
  const pairs = parseQuery(req.rawQuery);
  if (!pairs) return { ok: false, why: 'bad-query', detail: 'the query string has a broken %-escape or is not UTF-8' };
  const actual = sha256Hex(req.body);
  let payloadHash = actual;
  const declared = headerValue(req.headers, HEADER_CONTENT_SHA256);
  if (declared !== undefined) {
    // CCM's APIs all take JSON, and the SDKs only send UNSIGNED-PAYLOAD for non-JSON bodies: an
    // unsigned body would let anyone on the path change a certificate import undetected.
    if (declared.trim() === UNSIGNED_PAYLOAD) return { ok: false, why: 'unsigned-payload', detail: 'X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is not accepted: sign the JSON body' };
    if (declared.trim().toLowerCase() !== actual) return { ok: false, why: 'bad-content-sha256', detail: 'X-Sdk-Content-Sha256 is not the SHA-256 of the body received' };
    payloadHash = declared.trim();
  }
  const query = canonicalQuery(pairs);
  const want = Buffer.from(auth.signature, 'hex');
  const styles: ('decoded' | 'raw')[] = /[%'^|"<>`{} ]/.test(req.path) ? ['decoded', 'raw'] : ['decoded'];
  for (const style of styles) {
    for (const b of blocks) {
      const canonical = canonicalRequest({ method: req.method, canonicalUri: canonicalUri(req.path, style), canonicalQuery: query, canonicalHeaders: b, signedHeaders: auth.signedHeaders, payloadHash });
      const got = Buffer.from(signatureOf(sk, stringToSign(sdkDate, canonical)), 'hex');
      if (timingSafeEqual(got, want)) return { ok: true, auth, date, signedHeaders: auth.signedHeaders };
    }
  }
  return { ok: false, why: 'bad-signature', detail: 'verify aksk signature fail' };
}
