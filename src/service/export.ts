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
import { readInput, type InputObject } from '../engine/input.js';
import { readJks } from '../engine/jks.js';
import { parseJson } from '../engine/json.js';
import { requireKeyPair } from '../engine/match.js';
import { toPem } from '../engine/pem.js';
import { readPkcs12 } from '../engine/pkcs12.js';
import { parsePrivateKey, type PrivateKeyInfo } from '../engine/privatekey.js';
import type { Pkcs12Profile } from '../engine/pkcs12.js';
import { readZip, writeZip } from './zip.js';

export interface NamedBytes {
  name: string;
  bytes: Buffer;
}

export interface Material {
  /** Private keys found, each with where it came from. */
  keys: { source: string; key: PrivateKeyInfo }[];
  /** Certificate DERs, in input order. */
  certificates: { source: string; der: Buffer }[];
  /** What was read and how (for reports): "server.pfx#1: PKCS#12, MAC sha1...". */
  notes: string[];
}

export interface GatherOptions {
  /** Password of keystores and encrypted keys in the input. */
  password?: string;
  /** With several key entries in a JKS/JCEKS: which alias to take. */
  alias?: string;
  /** JKS/JCEKS key password when it differs from the store password. */
  keyPassword?: string;
}

const MAX_ZIP_DEPTH = 1;

/** Reads every object of every input into keys and certificates; keystores and zips are opened. */
export function gather(inputs: NamedBytes[], o: GatherOptions = {}): Material {
  const m: Material = { keys: [], certificates: [], notes: [] };
  for (const i of inputs) addBytes(m, i.bytes, i.name, o, 0);
  return m;
}

function addBytes(m: Material, bytes: Buffer, name: string, o: GatherOptions, depth: number): void {
  const r = readInput(bytes, name);
  if (r.problems.length) throw r.problems[0]!.error;
  for (const obj of r.objects) addObject(m, obj, o, depth);
}

function withSource(e: unknown, source: string): never {
  if (e instanceof CcmError) throw e.source ? e : new CcmError(e.status, e.code, `${source}: ${e.message}`, source);
  if (e instanceof DerError) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: malformed input (${e.message}).`, source);
  throw e;
}

function addKey(m: Material, der: Buffer, source: string, o: GatherOptions, obj?: InputObject): void {
  try {
    m.keys.push({ source, key: parsePrivateKey(der, { password: o.password, pem: obj?.legacyPem }) });
  } catch (e) {
    withSource(e, source);
  }
}

/** Every certificate is parsed where it is read, so a malformed one is SCM.0031 naming its source (as inspect says), not a crash later. */
function addCertificate(m: Material, der: Buffer, source: string): void {
  certificateFrom(der, source);
  m.certificates.push({ source, der });
}

function addObject(m: Material, obj: InputObject, o: GatherOptions, depth: number): void {
  const src = obj.source;
  try {
    switch (obj.kind) {
      case 'certificate':
        addCertificate(m, obj.der, src);
        return;
      case 'private-key':
        addKey(m, obj.der, src, o, obj);
        return;
      case 'pkcs12': {
        const p = readPkcs12(obj.der, { password: o.password });
        m.notes.push(`${src}: PKCS#12, ${p.keys.length} key(s), ${p.certificates.length} certificate(s)${p.mac ? `, MAC ${p.mac.hash} x${p.mac.iterations}` : ', no MAC'}${p.schemes.length ? `, ${[...new Set(p.schemes)].join(' + ')}` : ''}`);
        p.keys.forEach((k, i) => addKey(m, k.der, `${src}/key${i + 1}`, {}));
        p.certificates.forEach((c, i) => addCertificate(m, c.der, `${src}/cert${i + 1}`));
        return;
      }
      case 'jks':
      case 'jceks': {
        const ks = readJks(obj.der, { password: o.password, keyPassword: o.keyPassword });
        let keyEntries = ks.entries.filter((e) => e.kind === 'private-key');
        if (o.alias !== undefined) {
          keyEntries = keyEntries.filter((e) => e.alias.toLowerCase() === o.alias!.toLowerCase());
          if (keyEntries.length === 0) throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${src}: no key entry with alias "${o.alias.slice(0, 64)}".`, src);
        } else if (keyEntries.length > 1) {
          throw new CcmError(400, LocalCode.USAGE, `${src}: ${keyEntries.length} key entries (${keyEntries.map((e) => e.alias).join(', ')}); choose one with --alias.`, src);
        }
        m.notes.push(`${src}: ${ks.format.toUpperCase()} v${ks.version}, ${ks.entries.length} entr${ks.entries.length === 1 ? 'y' : 'ies'}`);
        for (const e of ks.entries) {
          if (e.kind === 'private-key' && !keyEntries.includes(e)) continue;
          if (e.key) addKey(m, e.key, `${src}/${e.alias}`, {});
          e.certificates.forEach((c, i) => addCertificate(m, c, `${src}/${e.alias}#${i + 1}`));
        }
        return;
      }
      case 'zip': {
        if (depth >= MAX_ZIP_DEPTH) throw new CcmError(400, LocalCode.UNSUPPORTED, `${src}: a zip inside a zip is not read.`, src);
        const entries = readZip(obj.der, src.replace(/#1$/, ''));
        const pass = entries.find((e) => e.name.split('/').pop() === 'keystorePass.txt');
        // CCM puts the keystore password next to the keystore: use it when the user gave none.
        const inner: GatherOptions = { ...o, password: o.password ?? pass?.data.toString('utf8').trim() };
        for (const e of entries) {
          if (e.name.split('/').pop() === 'keystorePass.txt') continue;
          addBytes(m, e.data, `${src.replace(/#1$/, '')}:${e.name}`, inner, depth + 1);
        }
        return;
      }
      default:
        m.notes.push(`${src}: ${obj.kind} ignored`);
    }
  } catch (e) {
    withSource(e, src);
  }
}

export interface Resolved {
  leaf: Certificate;
  chain: Certificate[];
  key?: KeyObject;
  unrelated: Certificate[];
  notes: string[];
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
  return { leaf: bag.leaf, chain: bag.chain, key: key?.key.keyObject, unrelated: bag.unrelated, notes: m.notes };
}

/** The JSON body SCM (entire_certificate, certificate, certificate_chain, private_key) or PCA export returns. */
export function materialFromExportJson(text: string, source: string, password?: string): Material {
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
  return gather(parts, { password });
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

