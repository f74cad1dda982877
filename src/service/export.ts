// Export and convert: the operations behind `ccmkit export` and `ccmkit convert`.
//
// Export gathers a leaf, its chain and (optionally) its key from PEM files or
// from the JSON body CCM's SCM/PCA export returns, orders the chain, and packs
// CCM's bundle for a server type. Convert goes the other way: from whatever a
// user holds (PFX/P12, JKS, JCEKS, CCM zips, PEM bags, CCM export JSON) to an
// SCM import body or plain PEM files.

import type { KeyObject } from 'node:crypto';
import { validateScmImport } from '../ccm/scm-import.js';
import { buildBundle, exportJson, keyPem, orderBag, zipName, type Bundle, type ExportJson, type ExportType } from '../engine/bundle.js';
import { certificateFrom, type Certificate } from '../engine/certificate.js';
import { DerError } from '../engine/der.js';
import { CcmError, LocalCode } from '../engine/errors.js';
import { WorkBudget } from '../engine/budget.js';
import { parseJson } from '../engine/json.js';
import { requireKeyPair } from '../engine/match.js';
import { toPem } from '../engine/pem.js';
import { writePkcs7 } from '../engine/pkcs7.js';
import type { PrivateKeyInfo } from '../engine/privatekey.js';
import type { Pkcs12Profile } from '../engine/pkcs12.js';
import { weakSchemeWarnings } from './bundle-warnings.js';
import { fixedSecrets, openInputs, openKey, type NamedBytes, type SecretSource } from './open.js';
import { writeZip } from './zip.js';

export type { NamedBytes } from './open.js';

/**
 * The keys and certificates of a set of inputs, containers opened.
 *
 * @example
 * ```ts
 * const m: Material = await gatherMaterial([{ name: 'server.pfx', bytes }], { password: 'changeit' });
 * console.log(m.keys.length, m.certificates.length, m.notes);
 * ```
 */
export interface Material {
  /** Private keys found, each with where it came from. */
  keys: { source: string; key: PrivateKeyInfo }[];
  /** Certificate DERs, in input order. */
  certificates: { source: string; der: Buffer }[];
  /** What was read and how (for reports): "server.pfx#1: PKCS#12, MAC sha1...". */
  notes: string[];
  /** What the user should hear about the inputs (broken keystore ciphers). */
  warnings: string[];
}

/**
 * How {@link gatherMaterial} opens its inputs.
 *
 * @example
 * ```ts
 * const o: GatherOptions = { password: 'storepass', keyPassword: 'keypass', alias: 'tomcat' };
 * ```
 */
export interface GatherOptions {
  /** Password of keystores and encrypted keys in the input (ignored when `secrets` is given). */
  password?: string;
  /** With several key entries in a JKS/JCEKS: which alias to take. */
  alias?: string;
  /** JKS/JCEKS key password when it differs from the store password (ignored when `secrets` is given). */
  keyPassword?: string;
  /** Where passwords come from (the CLI's file/env/prompt chain). */
  secrets?: SecretSource;
  /** The command's work budget. */
  budget?: WorkBudget;
  /** Keys are wanted (default): a keystore without its password is then refused, not listed unchecked. */
  needKeys?: boolean;
}

/**
 * Reads every object of every input into keys and certificates, keystores,
 * PKCS#7 bags and zips opened (as {@link openInputs} does). The first
 * unreadable input is thrown: export and convert need all of what they were
 * given. A JKS with several key entries needs `alias`.
 *
 * @example
 * ```ts
 * const m = await gatherMaterial(
 *   [{ name: 'leaf.pem', bytes: readFileSync('leaf.pem') }, { name: 'chain.pem', bytes: readFileSync('chain.pem') }, { name: 'leaf.key', bytes: readFileSync('leaf.key') }],
 * );
 * const r = resolveMaterial(m, new Date());
 * ```
 */
export async function gatherMaterial(inputs: NamedBytes[], o: GatherOptions = {}): Promise<Material> {
  const secrets = o.secrets ?? fixedSecrets(o.password, o.keyPassword);
  const budget = o.budget ?? new WorkBudget();
  const opened = await openInputs(inputs, { secrets, budget, needKeys: o.needKeys ?? true, ...(o.alias !== undefined ? { alias: o.alias } : {}) });
  if (opened.problems.length) throw opened.problems[0]!.error;
  const m: Material = { keys: [], certificates: [], notes: [...opened.notes], warnings: [] };
  for (const c of opened.containers) {
    // Broken keystore ciphers (RC2-40, RC4...) are named, with the modern profile as the way out.
    if (c.schemes) m.warnings.push(...weakSchemeWarnings(c.source.replace(/#1$/, ''), c.schemes));
    const keyEntries = c.type === 'JKS' || c.type === 'JCEKS' ? c.entries.filter((e) => e.entry_type === 'PrivateKeyEntry') : [];
    if (keyEntries.length > 1) {
      throw new CcmError(400, LocalCode.USAGE, `${c.source}: ${keyEntries.length} key entries (${keyEntries.map((e) => e.alias).join(', ')}); choose one with --alias.`, c.source);
    }
  }
  for (const obj of opened.objects) {
    // Every certificate is parsed where it is read: a malformed one is SCM.0031 naming its source (as inspect says), not a crash later.
    if (obj.kind === 'certificate') m.certificates.push({ source: obj.source, der: certificateFrom(obj.der, obj.source).der });
    else if (obj.kind === 'private-key') {
      try {
        m.keys.push({ source: obj.source, key: openKey(obj, secrets, budget) });
      } catch (e) {
        withSource(e, obj.source);
      }
    } else m.notes.push(`${obj.source}: ${obj.kind} ignored`);
  }
  return m;
}

function withSource(e: unknown, source: string): never {
  if (e instanceof CcmError) throw e.source ? e : new CcmError(e.status, e.code, `${source}: ${e.message}`, source);
  if (e instanceof DerError) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: malformed input (${e.message}).`, source);
  throw e;
}

/**
 * A leaf, its chain in order, and its key: what a bundle or import body is made of.
 *
 * @example
 * ```ts
 * const r: Resolved = resolveMaterial(material, new Date());
 * console.log(r.leaf.serial, r.chain.length, r.key ? 'with key' : 'no key', r.unrelated.length);
 * ```
 */
export interface Resolved {
  /** The leaf: the certificate of the key, or the one that issued nothing else. */
  leaf: Certificate;
  /** Its issuers, nearest first (intermediate \> ... \> root). */
  chain: Certificate[];
  /** The leaf's private key, when the inputs held it. */
  key?: KeyObject;
  /** Certificates of the inputs not on the leaf's chain (left out, and said). */
  unrelated: Certificate[];
  /** What was read and how. */
  notes: string[];
  /** What the user should hear about the inputs (broken keystore ciphers...). */
  warnings: string[];
}

/**
 * One key (or none), the leaf it belongs to (by public key), and the chain
 * ordered issuer by issuer, each link's signature checked. Several different
 * keys, or no way to tell the leaf, are CcmErrors.
 *
 * @example
 * ```ts
 * const { leaf, chain, key } = resolveMaterial(await gatherMaterial(inputs), new Date());
 * ```
 */
export function resolveMaterial(m: Material, at: Date): Resolved {
  const distinct = new Map<string, { source: string; key: PrivateKeyInfo }>();
  for (const k of m.keys) if (!distinct.has(k.key.publicKey.id)) distinct.set(k.key.publicKey.id, k);
  if (distinct.size > 1) {
    throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `the input holds ${distinct.size} different private keys (${[...distinct.values()].map((k) => k.source).join(', ')}); give one key per export.`);
  }
  const key = [...distinct.values()][0];
  const bag = orderBag(key?.key.publicKey.id, m.certificates.map((c) => c.der), at);
  // The leaf was picked by public key; the key must also prove it by signing (issue 10, item 1).
  if (key) requireKeyPair(key.key, bag.leaf.publicKey, key.source, 'the leaf certificate');
  return { leaf: bag.leaf, chain: bag.chain, key: key?.key.keyObject, unrelated: bag.unrelated, notes: m.notes, warnings: m.warnings };
}

/**
 * The material of the JSON body SCM's or PCA's export returns
 * (entire_certificate, certificate, certificate_chain, private_key).
 *
 * @param password - the export's key password, or the full {@link GatherOptions}
 *
 * @example
 * ```ts
 * const m = await materialFromExportJson(readFileSync('scm-export.json', 'utf8'), 'scm-export.json');
 * const zip = exportZip(resolveMaterial(m, new Date()), { type: 'IIS', name: 'shop', at: new Date() });
 * ```
 */
export async function materialFromExportJson(text: string, source: string, password?: string | GatherOptions): Promise<Material> {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch (e) {
    throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: not JSON (${String((e as Error).message).slice(0, 80)}).`, source);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: not a CCM export body (a JSON object).`, source);
  const b = body as Record<string, unknown>;
  const field = (k: string): string | undefined => (typeof b[k] === 'string' && (b[k] as string).trim() !== '' ? (b[k] as string) : undefined);
  const cert = field('certificate') ?? field('entire_certificate');
  if (!cert) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: the export body has no "certificate" or "entire_certificate".`, source);
  const parts: NamedBytes[] = [{ name: `${source}:certificate`, bytes: Buffer.from(cert) }];
  const chain = field('certificate_chain');
  if (chain && field('certificate')) parts.push({ name: `${source}:certificate_chain`, bytes: Buffer.from(chain) });
  const key = field('private_key');
  if (key) parts.push({ name: `${source}:private_key`, bytes: Buffer.from(key) });
  return gatherMaterial(parts, typeof password === 'object' ? password : { password });
}

/**
 * CCM's export zip and the files in it.
 *
 * @example
 * ```ts
 * const res: ExportResult = exportZip(resolved, { type: 'NGINX', name: 'shop', at: new Date() });
 * writeFileSync(res.zipName, res.zip, { mode: res.secret ? 0o600 : 0o644 });
 * ```
 */
export interface ExportResult {
  /** CCM's file name: `NAME_TYPE.zip` (`shop_nginx.zip`). */
  zipName: string;
  /** The zip's bytes. */
  zip: Buffer;
  /** The files it holds. */
  bundle: Bundle;
  /** It holds a key or a password: write it 0600. */
  secret: boolean;
}

/**
 * What to export and how.
 *
 * @example
 * ```ts
 * const o: ExportOptions = { type: 'TOMCAT', name: 'shop', password: 'S3cret!', alias: 'shop', at: new Date() };
 * ```
 */
export interface ExportOptions {
  /** The server type. */
  type: ExportType;
  /** The bundle's name (the zip is `NAME_TYPE.zip`). */
  name: string;
  /** Protects server.key, the PFX or the JKS (CCM: at most 32 bytes); without it keystores get a generated password in keystorePass.txt. */
  password?: string;
  /** IIS: `legacy` (default; Windows Server 2016 imports it) or `modern`. */
  pfxProfile?: Pkcs12Profile;
  /** TOMCAT: the JKS alias (default `tomcat`). */
  alias?: string;
  /** The time written into the zip and the JKS entry. */
  at: Date;
}

/**
 * Packs CCM's export bundle for a server type, zipped as CCM's
 * "Exporting a Certificate" returns it: APACHE (server.key, chain.crt,
 * server.crt), NGINX (server.key, server.crt with the chain), IIS
 * (server.pfx + keystorePass.txt), TOMCAT (server.jks + keystorePass.txt),
 * OTHER; without a key, CCM's key-less file set. The key must prove it
 * belongs to the leaf (SCM.0014 otherwise).
 *
 * @example
 * ```ts
 * const r = resolveMaterial(await gatherMaterial(inputs), new Date());
 * const { zipName, zip } = exportZip(r, { type: 'NGINX', name: defaultBundleName(r.leaf), at: new Date() });
 * writeFileSync(zipName, zip, { mode: 0o600 });
 * ```
 */
export function exportZip(r: Resolved, o: ExportOptions): ExportResult {
  const bundle = buildBundle({
    type: o.type,
    leaf: r.leaf.der,
    chain: r.chain.map((c) => c.der),
    key: r.key,
    password: o.password,
    pfxProfile: o.pfxProfile,
    alias: o.alias,
    at: o.at,
  });
  const zip = writeZip(
    bundle.files.map((f) => ({ name: f.name, data: f.data, mode: f.secret ? 0o600 : 0o644 })),
    o.at,
  );
  return { zipName: zipName(o.name, o.type), zip, bundle, secret: bundle.files.some((f) => f.secret) };
}

/**
 * CCM's non-compressed export body (`is_compressed: false`) for APACHE,
 * NGINX or OTHER: PEM with `\r\n`. IIS and TOMCAT have none (CCM defines
 * none): CcmError `CCMKIT.0007`.
 *
 * @example
 * ```ts
 * const body = exportBody(resolved, { type: 'OTHER', name: 'shop', at: new Date() });
 * console.log(JSON.stringify(body));
 * ```
 */
export function exportBody(r: Resolved, o: ExportOptions): ExportJson {
  return exportJson(o.type, r.leaf.der, r.chain.map((c) => c.der), r.key, o.password);
}

/**
 * SCM "Importing a Certificate" body: leaf, ordered chain, unencrypted key,
 * checked by the SCM import pre-flight ({@link validateScmImport}) before it
 * is handed out, so what it returns is what CCM accepts at `at`; a body CCM
 * would refuse is thrown with CCM's code.
 *
 * @example
 * ```ts
 * const m = await gatherMaterial([{ name: 'server.pfx', bytes: readFileSync('server.pfx') }], { password: 'changeit' });
 * const body = scmImportBody(resolveMaterial(m, new Date()), 'www_example', new Date());
 * ```
 */
export function scmImportBody(r: Resolved, name: string, at: Date): Record<string, string> {
  // Table 2: "The private key protected by password cannot be uploaded"; a missing key is SCM.0059.
  if (!r.key) throw new CcmError(400, 'SCM.0059', 'The certificate private key is empty: an SCM import needs the private key, and the input holds none.');
  const body: Record<string, string> = { name, certificate: toPem('CERTIFICATE', r.leaf.der) };
  if (r.chain.length) body.certificate_chain = r.chain.map((c) => toPem('CERTIFICATE', c.der)).join('');
  body.private_key = keyPem(r.key);
  const result = validateScmImport(body, { at });
  const first = result.findings.find((f) => f.severity === 'error');
  if (!result.valid && first) throw new CcmError(result.status, first.code, `${first.message}${first.fix ? ` Fix: ${first.fix}` : ''}`, first.field);
  return body;
}

/**
 * A certs-only PKCS#7 bag of the input's certificates: the leaf and its chain
 * in issuing order when a leaf can be told (by its key, or as the one
 * certificate that issues no other), else every distinct certificate in input
 * order (a truststore or a CA bundle has no leaf). Keys are never written.
 *
 * @example
 * ```ts
 * const { der, certificates } = p7bFrom(await gatherMaterial(inputs, { needKeys: false }), new Date());
 * writeFileSync('chain.p7b', toPem('PKCS7', der));
 * ```
 */
export function p7bFrom(m: Material, at: Date): { der: Buffer; certificates: number; ordered: boolean; unrelated: number } {
  let ordered: Certificate[] | undefined;
  let unrelated = 0;
  try {
    const r = resolveMaterial(m, at);
    ordered = [r.leaf, ...r.chain];
    unrelated = r.unrelated.length;
  } catch (e) {
    if (!(e instanceof CcmError) || e.code !== LocalCode.INPUT_UNRECOGNISED || !/cannot tell the leaf/.test(e.message)) throw e;
  }
  const seen = new Set<string>();
  const ders = (ordered ? [...ordered.map((c) => c.der), ...m.certificates.map((c) => c.der)] : m.certificates.map((c) => c.der)).filter((d) => {
    const k = d.toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (ders.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, 'no certificate found in the input.');
  return { der: writePkcs7(ders), certificates: ders.length, ordered: ordered !== undefined, unrelated };
}

/**
 * The plain PEM files of a resolved bundle: server.crt, chain.crt, and
 * server.key (secret) when there is a key.
 *
 * @example
 * ```ts
 * for (const f of pemFiles(resolved)) writeFileSync(join('out', f.name), f.data, { mode: f.secret ? 0o600 : 0o644 });
 * ```
 */
export function pemFiles(r: Resolved): { name: string; data: Buffer; secret: boolean }[] {
  const files = [
    { name: 'server.crt', data: Buffer.from(toPem('CERTIFICATE', r.leaf.der)), secret: false },
    { name: 'chain.crt', data: Buffer.from(r.chain.map((c) => toPem('CERTIFICATE', c.der)).join('')), secret: false },
  ];
  if (r.key) files.push({ name: 'server.key', data: Buffer.from(keyPem(r.key)), secret: true });
  return files;
}

/**
 * A default bundle name from the leaf's CN, safe as a file name
 * (`*.example.com` becomes `wildcard.example.com`).
 *
 * @example
 * ```ts
 * defaultBundleName(resolved.leaf); // 'www.example.com'
 * ```
 */
export function defaultBundleName(leaf: Certificate): string {
  const cn = leaf.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? 'certificate';
  return cn.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'certificate';
}

