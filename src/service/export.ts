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
 * PKCS#7 bags and zips opened (service/open.ts). The first unreadable input
 * is thrown: export and convert need all of what they were given.
 */
export async function gather(inputs: NamedBytes[], o: GatherOptions = {}): Promise<Material> {
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

export interface Resolved {
  leaf: Certificate;
  chain: Certificate[];
  key?: KeyObject;
  unrelated: Certificate[];
  notes: string[];
  warnings: string[];
}

/** One key (or none), the leaf it belongs to, and the chain ordered issuer by issuer. */
export function resolve(m: Material, at: Date): Resolved {
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

/** The JSON body SCM (entire_certificate, certificate, certificate_chain, private_key) or PCA export returns. */
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
  return gather(parts, typeof password === 'object' ? password : { password });
}

export interface ExportResult {
  zipName: string;
  zip: Buffer;
  bundle: Bundle;
  secret: boolean;
}

export interface ExportOptions {
  type: ExportType;
  name: string;
  password?: string;
  pfxProfile?: Pkcs12Profile;
  alias?: string;
  at: Date;
}

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

export function exportBody(r: Resolved, o: ExportOptions): ExportJson {
  return exportJson(o.type, r.leaf.der, r.chain.map((c) => c.der), r.key, o.password);
}

/**
 * SCM "Importing a Certificate" body: leaf, ordered chain, unencrypted key,
 * checked by the SCM import pre-flight (src/ccm/scm-import.ts) before it is
 * handed out, so what convert prints is what CCM accepts at `at`.
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
 */
export function p7bFrom(m: Material, at: Date): { der: Buffer; certificates: number; ordered: boolean; unrelated: number } {
  let ordered: Certificate[] | undefined;
  let unrelated = 0;
  try {
    const r = resolve(m, at);
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

/** server.crt, chain.crt, server.key (when there is a key). */
export function pemFiles(r: Resolved): { name: string; data: Buffer; secret: boolean }[] {
  const files = [
    { name: 'server.crt', data: Buffer.from(toPem('CERTIFICATE', r.leaf.der)), secret: false },
    { name: 'chain.crt', data: Buffer.from(r.chain.map((c) => toPem('CERTIFICATE', c.der)).join('')), secret: false },
  ];
  if (r.key) files.push({ name: 'server.key', data: Buffer.from(keyPem(r.key)), secret: true });
  return files;
}

/** A default bundle name from the leaf's CN, safe as a file name. */
export function defaultName(leaf: Certificate): string {
  const cn = leaf.subject.rdns.flat().find((a) => a.type === 'CN')?.value ?? 'certificate';
  return cn.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'certificate';
}

