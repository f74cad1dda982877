// Export bundles laid out exactly as PCA's "Exporting a Certificate"
// (ccm-api-reference.txt 4.2.2.8) and the SDK notes (notes/ccm-api.md):
//
// | type   | with a key                          | key-less (issued from a CSR) |
// |--------|-------------------------------------|------------------------------|
// | APACHE | server.key, chain.crt, server.crt   | chain.crt, server.crt        |
// | NGINX  | server.key, server.crt (leaf+chain) | server.crt                   |
// | IIS    | server.pfx, keystorePass.txt        | chain.crt, server.crt        |
// | TOMCAT | server.jks, keystorePass.txt        | chain.crt, server.crt        |
// | OTHER  | server.key, chain.pem, server.pem   | chain.pem, cert.pem          |
//
// With a user password, server.key is encrypted (PKCS#8, PBES2 AES-256-CBC)
// and no keystorePass.txt is written; keystores are then protected with the
// user's password. Pure: bytes in, named files out; the CLI zips and writes.

import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { certificateFrom, type Certificate } from './certificate.js';
import { chainForLeaf } from './chain.js';
import { CcmError, LocalCode } from './errors.js';
import { writeJks, DEFAULT_ALIAS } from './jks.js';
import { requireKeyPair } from './match.js';
import { toPem } from './pem.js';
import { writePkcs12, type Pkcs12Profile } from './pkcs12.js';
import { parseSpki } from './publickey.js';

/**
 * CCM's export bundle types (PCA "Exporting a Certificate", 4.2.2.8): which
 * files a server of that kind loads.
 *
 * @example
 * ```ts
 * for (const type of EXPORT_TYPES) console.log(type); // APACHE NGINX IIS TOMCAT OTHER
 * ```
 */
export const EXPORT_TYPES = ['APACHE', 'NGINX', 'IIS', 'TOMCAT', 'OTHER'] as const;
/**
 * One of {@link EXPORT_TYPES}.
 *
 * @example
 * ```ts
 * const type: ExportType = 'NGINX';
 * ```
 */
export type ExportType = (typeof EXPORT_TYPES)[number];

/** CCM accepts the type case-insensitively (the seed example sends "other"). */
export function parseExportType(s: string): ExportType {
  const t = s.toUpperCase();
  if (!(EXPORT_TYPES as readonly string[]).includes(t)) {
    throw new CcmError(400, LocalCode.USAGE, `export type "${s.slice(0, 32)}" is not one of ${EXPORT_TYPES.join(', ')}.`);
  }
  return t as ExportType;
}

/**
 * One file of an export bundle.
 *
 * @example
 * ```ts
 * for (const f of bundle.files) writeFileSync(join(dir, f.name), f.data, { mode: f.secret ? 0o600 : 0o644 });
 * ```
 */
export interface BundleFile {
  /** Its name in the zip: server.key, server.crt, chain.crt, server.pfx, keystorePass.txt... */
  name: string;
  /** Its content. */
  data: Buffer;
  /** Holds a private key or a password: write it 0600. */
  secret: boolean;
}

export interface BundleInput {
  type: ExportType;
  /** Leaf certificate DER. */
  leaf: Buffer;
  /** Issuers in order: intermediate > ... > root. */
  chain: Buffer[];
  key?: KeyObject;
  /** The user's export password (CCM: at most 32 bytes). */
  password?: string;
  /** IIS keystore profile; `legacy` (3DES, SHA-1 MAC) by default so Windows Server 2016 imports it. */
  pfxProfile?: Pkcs12Profile;
  /** JKS alias, lower-cased; `tomcat` by default. */
  alias?: string;
  /** PFX friendlyName; the leaf's CN by default. */
  friendlyName?: string;
  /** Creation date written into the JKS entry. */
  at: Date;
  random?: (n: number) => Buffer;
}

/**
 * The files of CCM's export bundle for one server type, in CCM's order.
 *
 * @example
 * ```ts
 * const names = exportZip(resolved, { type: 'APACHE', name: 'shop', at: new Date() }).bundle.files.map((f) => f.name);
 * // ['server.key', 'chain.crt', 'server.crt']
 * ```
 */
export interface Bundle {
  /** The files. */
  files: BundleFile[];
}

/** CCM's export password limit (notes/ccm-api.md: "optional password (<= 32 bytes)"). */
export const MAX_EXPORT_PASSWORD_BYTES = 32;
export const GENERATED_PASSWORD_LENGTH = 20;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A keystore password from a CSPRNG: uniform over 62 characters (rejection sampling, no modulo bias). */
export function generatePassword(random: (n: number) => Buffer = randomBytes, length = GENERATED_PASSWORD_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export function checkExportPassword(password: string): void {
  const n = Buffer.byteLength(password, 'utf8');
  if (n === 0 || n > MAX_EXPORT_PASSWORD_BYTES) {
    throw new CcmError(400, LocalCode.USAGE, `the export password must be 1 to ${MAX_EXPORT_PASSWORD_BYTES} bytes (it is ${n}).`);
  }
}

/**
 * A private key as CCM's bundles hold it in server.key: traditional PEM (RSA
 * PRIVATE KEY / EC PRIVATE KEY) like CCM's own export example, or encrypted
 * PKCS#8 (AES-256-CBC) with a password.
 *
 * @param eol - line breaks: `\n`, or `\r\n` as CCM's JSON bodies carry them
 *
 * @example
 * ```ts
 * const body = { name: 'www_example', certificate: certPem, private_key: keyPem(readPrivateKey(keyBytes, 'k.pem').keyObject) };
 * ```
 */
export function keyPem(key: KeyObject, password?: string, eol = '\n'): string {
  if (password !== undefined) {
    const pem = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }).toString();
    return eol === '\n' ? pem : pem.replace(/\n/g, eol);
  }
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return toPem('RSA PRIVATE KEY', key.export({ type: 'pkcs1', format: 'der' }), eol);
  if (t === 'ec') return toPem('EC PRIVATE KEY', key.export({ type: 'sec1', format: 'der' }), eol);
  return toPem('PRIVATE KEY', key.export({ type: 'pkcs8', format: 'der' }), eol);
}

/** The key must belong to the leaf, proven by signing (SCM.0014, the code CCM answers for a mismatched pair). */
export function checkKeyMatchesLeaf(key: KeyObject, leaf: Certificate): void {
  const publicKey = parseSpki(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  requireKeyPair({ publicKey, keyObject: key }, leaf.publicKey, 'the private key', 'the leaf certificate');
}

const pems = (ders: Buffer[], eol = '\n'): string => ders.map((d) => toPem('CERTIFICATE', d, eol)).join('');

export function buildBundle(i: BundleInput): Bundle {
  const random = i.random ?? randomBytes;
  const leaf = certificateFrom(i.leaf, 'the leaf certificate');
  const file = (name: string, data: string | Buffer, secret = false): BundleFile => ({ name, data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), secret });
  if (i.password !== undefined) checkExportPassword(i.password);
  if (!i.key) {
    // Key-less sets (notes/ccm-api.md: certificates issued from a CSR).
    switch (i.type) {
      case 'NGINX':
        return { files: [file('server.crt', pems([i.leaf, ...i.chain]))] };
      case 'OTHER':
        return { files: [file('chain.pem', pems(i.chain)), file('cert.pem', pems([i.leaf]))] };
      default:
        return { files: [file('chain.crt', pems(i.chain)), file('server.crt', pems([i.leaf]))] };
    }
  }
  checkKeyMatchesLeaf(i.key, leaf);
  const serverKey = (): BundleFile => file('server.key', keyPem(i.key!, i.password), true);
  switch (i.type) {
    case 'APACHE':
      return { files: [serverKey(), file('chain.crt', pems(i.chain)), file('server.crt', pems([i.leaf]))] };
    case 'NGINX':
      return { files: [serverKey(), file('server.crt', pems([i.leaf, ...i.chain]))] };
    case 'OTHER':
      return { files: [serverKey(), file('chain.pem', pems(i.chain)), file('server.pem', pems([i.leaf]))] };
    case 'IIS':
    case 'TOMCAT': {
      const password = i.password ?? generatePassword(random);
      const pkcs8 = i.key.export({ type: 'pkcs8', format: 'der' });
      const certificates = [i.leaf, ...i.chain];
      const store =
        i.type === 'IIS'
          ? file('server.pfx', writePkcs12({ key: pkcs8, certificates, password, profile: i.pfxProfile ?? 'legacy', friendlyName: i.friendlyName ?? leafName(leaf), random }), true)
          : file('server.jks', writeJks({ key: pkcs8, certificates, password, alias: i.alias ?? DEFAULT_ALIAS, at: i.at, random }), true);
      return { files: i.password !== undefined ? [store] : [store, file('keystorePass.txt', password, true)] };
    }
  }
}

function leafName(c: Certificate): string {
  return c.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? 'server';
}

/**
 * CCM's non-compressed export body (`is_compressed: false`): PEM with `\r\n`,
 * as the seed's example response shows.
 *
 * @example
 * ```ts
 * const body: ExportJson = exportBody(resolved, { type: 'NGINX', name: 'shop', at: new Date() });
 * ```
 */
export interface ExportJson {
  /** The leaf, PEM. */
  certificate: string;
  /** The chain, intermediate first, PEM. */
  certificate_chain: string;
  /** The key, when there is one (encrypted with a password). */
  private_key?: string;
}

export function exportJson(type: ExportType, leaf: Buffer, chain: Buffer[], key?: KeyObject, password?: string): ExportJson {
  if (type === 'IIS' || type === 'TOMCAT') {
    // 4.2.2.8: 'If type is set to "IIS" or "TOMCAT", it is not defined currently.'
    throw new CcmError(400, LocalCode.UNSUPPORTED, `CCM defines no JSON (non-compressed) export for type ${type}; export a zip instead (--format zip, the default).`);
  }
  const strip = (s: string): string => s.replace(/\r\n$/, '');
  const out: ExportJson = { certificate: strip(toPem('CERTIFICATE', leaf, '\r\n')), certificate_chain: strip(pems(chain, '\r\n')) };
  if (key) {
    checkKeyMatchesLeaf(key, certificateFrom(leaf, 'the leaf certificate'));
    out.private_key = keyPem(key, password, '\r\n');
  }
  return out;
}

export function zipName(name: string, type: ExportType): string {
  return `${name}_${type.toLowerCase()}.zip`;
}

// ---- chain ordering ----------------------------------------------------------------

export interface OrderedBag {
  leaf: Certificate;
  /** Issuers of the leaf, nearest first, ending at a self-issued root when the bag has one. */
  chain: Certificate[];
  /** Certificates of the bag that are not on the leaf's path (reported, never silently exported). */
  unrelated: Certificate[];
}

/**
 * Orders a bag of certificates: the leaf is the one whose key is `leafKeyId`
 * (PublicKeyInfo.id of the private key), else the one that issued nothing
 * else in the bag; then issuer by issuer, each link checked by name and
 * signature. Duplicate DERs are merged.
 */
export function orderBag(leafKeyId: string | undefined, ders: Buffer[], at: Date): OrderedBag {
  const seen = new Set<string>();
  const certs: Certificate[] = [];
  ders.forEach((d, i) => {
    const k = d.toString('base64');
    if (seen.has(k)) return;
    seen.add(k);
    certs.push(certificateFrom(d, `certificate ${i + 1}`));
  });
  if (certs.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in the input.');
  let leaf: Certificate | undefined;
  if (leafKeyId !== undefined) {
    const hits = certs.filter((c) => c.publicKey.id === leafKeyId);
    if (hits.length === 0) throw new CcmError(400, 'SCM.0014', 'The uploaded certificate does not match the private key: no certificate in the input holds the private key\'s public key.');
    // A CA certificate re-issued for the same key is possible; prefer the end-entity one.
    leaf = hits.find((c) => c.extensions.basicConstraints?.ca !== true) ?? hits[0]!;
  } else {
    const issuesAnother = (c: Certificate): boolean => certs.some((o) => o !== c && !o.subject.der.equals(o.issuer.der) && o.issuer.der.equals(c.subject.der));
    const candidates = certs.filter((c) => !issuesAnother(c));
    if (candidates.length !== 1) {
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `cannot tell the leaf certificate: ${candidates.length} certificates issue no other certificate in the input. Give the private key too.`);
    }
    leaf = candidates[0]!;
  }
  // The chain engine picks the best path (cross-signs, distractors, duplicates); the bag has no trust anchors of its own.
  const { chain, unused } = chainForLeaf(leaf, certs.filter((c) => c !== leaf), at);
  return { leaf, chain, unrelated: unused };
}
