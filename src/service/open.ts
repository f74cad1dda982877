// The one place that opens containers: every command that takes certificates
// or keys reads PFX/P12, JKS, JCEKS, PKCS#7 (.p7b) and zips (CCM exports,
// jars, anything with PKI files in it) through here, and gets back the same
// flat list of objects it would get from PEM files.
//
// Secrets come through a SecretSource the CLI builds (file, environment,
// command line, then a no-echo prompt): the opener asks for the input
// passphrase only when a container really needs it, and may first ask
// without prompting (to see whether one was given). Without one, the
// container becomes a PASSWORD_REQUIRED problem for that file only, and the
// other files are still read.
//
// Every key derivation and MAC, over every file and zip entry, is charged to
// the one WorkBudget the command passes in.

import { createHash } from 'node:crypto';
import { WorkBudget } from '../engine/budget.js';
import { parseCertificate } from '../engine/certificate.js';
import { DerError } from '../engine/der.js';
import { CcmError, LocalCode } from '../engine/errors.js';
import { MAX_CRL_BYTES, MAX_OBJECT_BYTES, readInput, type InputObject, type InputProblem } from '../engine/input.js';
import { readJks, type KeystoreContents } from '../engine/jks.js';
import { readPkcs12, type Pkcs12Contents } from '../engine/pkcs12.js';
import { readPkcs7 } from '../engine/pkcs7.js';
import { parsePrivateKey } from '../engine/privatekey.js';
import { fixedSecrets, type SecretSource } from './keys.js';
import { readZip } from './zip.js';

// Kept here too: the opener's callers import them from this module.
export { fixedSecrets, openKey, type SecretSource } from './keys.js';

/**
 * One input and the name it goes by in reports (`name#1`, `name:entry#1`...).
 *
 * @example
 * ```ts
 * const input: NamedBytes = { name: 'server.pfx', bytes: readFileSync('server.pfx') };
 * ```
 */
export interface NamedBytes {
  /** What to call it: usually the file name. */
  name: string;
  /** Its content: bytes, or text (PEM, JSON). */
  bytes: Uint8Array | string;
}

/**
 * How {@link openInputs} opens containers.
 *
 * @example
 * ```ts
 * const o: OpenOptions = { secrets: fixedSecrets('changeit'), budget: new WorkBudget(), needKeys: true };
 * ```
 */
export interface OpenOptions {
  /** The passwords; without one, protected containers become PASSWORD_REQUIRED problems. */
  secrets?: SecretSource;
  /** The command's work budget (one per command); a fresh one when absent. */
  budget?: WorkBudget;
  /**
   * The command needs the private keys: a JKS without a password is then a
   * "password required" problem rather than an unchecked listing.
   */
  needKeys?: boolean;
  /** JKS/JCEKS: take only the key entry with this alias (others are left out). */
  alias?: string;
}

/**
 * One entry of a container, as `keytool -list -v` shows it.
 *
 * @example
 * ```ts
 * const keyEntries = container.entries.filter((e) => e.entry_type === 'PrivateKeyEntry');
 * ```
 */
export interface ListingEntry {
  /** The alias (JKS/JCEKS), friendlyName (PKCS#12), or a position. */
  alias: string;
  /** What the entry holds. */
  entry_type: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry' | 'Certificate';
  /** Only JKS/JCEKS store one. */
  creation_date?: Date;
  /** The entry's certificates, leaf first: sources of objects in Opened.objects, and their DER. */
  certificates: { source: string; der: Buffer }[];
  /** Key entries: the key object's source, when it was decrypted. */
  key?: string;
  /** How the key entry is protected (scheme, iterations), when known. */
  protection?: string;
}

/**
 * A keystore, PKCS#7 bag or zip that was opened, and what it held.
 *
 * @example
 * ```ts
 * for (const c of opened.containers) console.log(c.source, c.type, c.integrity, c.entries.length);
 * ```
 */
export interface Container {
  /** The container's own source (`file#1`). */
  source: string;
  /** Its format. */
  type: 'PKCS12' | 'JKS' | 'JCEKS' | 'PKCS7' | 'ZIP';
  /** verified: a MAC or integrity hash matched; unchecked: listed without a password; none: the format has none. */
  integrity: 'verified' | 'unchecked' | 'none';
  /** Its entries, in stored order. */
  entries: ListingEntry[];
  /** What is worth saying about it (MAC algorithm, skipped entries...). */
  notes: string[];
  /** PKCS#12: the encryption schemes met (for weak-cipher warnings). */
  schemes?: string[];
}

/**
 * One thing {@link openInputs} read, in reading order: a plain object or a container.
 *
 * @example
 * ```ts
 * for (const item of opened.items) console.log(item.kind === 'container' ? item.container.type : item.object.kind);
 * ```
 */
export type OpenedItem = { kind: 'object'; object: InputObject } | { kind: 'container'; container: Container };

/**
 * Everything {@link openInputs} read from its inputs, containers opened.
 *
 * @example
 * ```ts
 * const { objects, containers, problems } = await openInputs([{ name: 'server.pfx', bytes }], { secrets: fixedSecrets('pw') });
 * ```
 */
export interface Opened {
  /** Objects and containers in reading order (a container comes before what it holds). */
  items: OpenedItem[];
  /** The plain objects only: certificates, keys (keystore keys as unencrypted PKCS#8), CSRs, CRLs, public keys. */
  objects: InputObject[];
  /** The containers opened. */
  containers: Container[];
  /** What could not be read or opened, one per input or object; the rest is still read. */
  problems: InputProblem[];
  /** Things deliberately left out: PEM blocks (EC PARAMETERS...) and zip entries holding no PKI object. */
  skipped: { source: string; label: string }[];
  /** One line per container read, for reports ("x.pfx#1: PKCS#12, 1 key(s), 3 certificate(s), MAC sha256 x2048"). */
  notes: string[];
}

/** Zips are read one level deep: a zip inside a zip is refused. */
const MAX_ZIP_DEPTH = 1;

const CCM_PASSWORD_FILE = 'keystorePass.txt';

/**
 * Reads every input and opens every container in it: PKCS#12/PFX (PBES1,
 * PBES2, PBMAC1, Windows BER), JKS, JCEKS, PKCS#7 bags and zips (CCM's export
 * zips, with their keystorePass.txt). What they hold comes back as plain
 * objects, keystore keys as unencrypted PKCS#8, exactly as if they had been
 * PEM files. Never throws for one bad input: that is a problem, and the
 * other inputs are still read. Async because zips are inflated.
 *
 * @example
 * ```ts
 * const opened = await openInputs(
 *   [{ name: 'server.pfx', bytes: readFileSync('server.pfx') }, { name: 'chain.p7b', bytes: readFileSync('chain.p7b') }],
 *   { secrets: fixedSecrets('changeit') },
 * );
 * const certs = opened.objects.filter((o) => o.kind === 'certificate');
 * ```
 */
export async function openInputs(inputs: NamedBytes[], o: OpenOptions = {}): Promise<Opened> {
  const ctx: Ctx = {
    out: { items: [], objects: [], containers: [], problems: [], skipped: [], notes: [] },
    secrets: o.secrets ?? fixedSecrets(),
    budget: o.budget ?? new WorkBudget(),
    needKeys: o.needKeys ?? false,
    alias: o.alias,
  };
  for (const i of inputs) await addBytes(ctx, i.bytes, i.name, 0, ctx.secrets);
  return ctx.out;
}

interface Ctx {
  out: Opened;
  secrets: SecretSource;
  budget: WorkBudget;
  needKeys: boolean;
  alias?: string;
}

async function addBytes(ctx: Ctx, bytes: Uint8Array | string, name: string, depth: number, secrets: SecretSource, inZip = false): Promise<void> {
  const r = readInput(bytes, name);
  if (inZip && r.objects.length === 0 && r.skipped.length === 0 && r.problems.every((p) => holdsNothing(p.error))) {
    // readme.txt, META-INF/MANIFEST.MF, images...: not an error in a zip, but said.
    ctx.out.skipped.push({ source: name, label: 'no certificate, key, CSR, CRL or keystore' });
    ctx.out.notes.push(`${name}: skipped (no certificate, key, CSR, CRL or keystore in it)`);
    return;
  }
  ctx.out.problems.push(...r.problems);
  ctx.out.skipped.push(...r.skipped);
  for (const obj of r.objects) {
    // Only zips read asynchronously: a 100,000-certificate bag takes no await per certificate.
    if (obj.kind === 'zip') await addZipObject(ctx, obj, depth, secrets);
    else addObject(ctx, obj, secrets);
  }
}

function holdsNothing(e: CcmError): boolean {
  return e.code === LocalCode.INPUT_UNRECOGNISED || (e.code === LocalCode.INPUT_UNREADABLE && / is empty\.$/.test(e.message));
}

function push(ctx: Ctx, obj: InputObject): void {
  ctx.out.items.push({ kind: 'object', object: obj });
  ctx.out.objects.push(obj);
}

function problem(ctx: Ctx, source: string, e: unknown): void {
  if (e instanceof CcmError) {
    ctx.out.problems.push({ source, error: e.source ? e : new CcmError(e.status, e.code, `${source}: ${e.message}`, source) });
    return;
  }
  if (e instanceof DerError) {
    ctx.out.problems.push({ source, error: new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${source}: malformed input (${e.message}).`, source) });
    return;
  }
  throw e;
}

function addObject(ctx: Ctx, obj: InputObject, secrets: SecretSource): void {
  try {
    switch (obj.kind) {
      case 'pkcs12':
        return addPkcs12(ctx, obj, secrets);
      case 'jks':
      case 'jceks':
        return addJks(ctx, obj, secrets);
      case 'pkcs7':
        return addPkcs7(ctx, obj);
      default:
        push(ctx, obj);
    }
  } catch (e) {
    problem(ctx, obj.source, e);
  }
}

async function addZipObject(ctx: Ctx, obj: InputObject, depth: number, secrets: SecretSource): Promise<void> {
  try {
    await addZip(ctx, obj, depth, secrets);
  } catch (e) {
    problem(ctx, obj.source, e);
  }
}

/** Adds a certificate (or CRL) a container holds, bounded like any object read from a file. */
function child(ctx: Ctx, kind: 'certificate' | 'crl' | 'private-key', source: string, der: Buffer, container: string): void {
  const limit = kind === 'crl' ? MAX_CRL_BYTES : MAX_OBJECT_BYTES;
  if (der.length > limit) {
    ctx.out.problems.push({ source, error: new CcmError(400, LocalCode.INPUT_TOO_LARGE, `${source}: object of ${der.length} bytes exceeds the ${limit}-byte limit.`, source) });
    return;
  }
  push(ctx, { kind, source, der, encoding: 'der', container, ...(kind === 'private-key' ? { keyFormat: 'pkcs8' as const } : {}) });
}

/** Runs `read` with the given passphrase; when the file says one is needed and none was given, asks (once). */
function withPassword<T>(secrets: SecretSource, read: (password: string | undefined) => T): T {
  const given = secrets.input(false);
  try {
    return read(given);
  } catch (e) {
    if (given === undefined && e instanceof CcmError && e.code === LocalCode.PASSWORD_REQUIRED) {
      const asked = secrets.input(true);
      if (asked !== undefined) return read(asked);
    }
    throw e;
  }
}

function addPkcs12(ctx: Ctx, obj: InputObject, secrets: SecretSource): void {
  const src = obj.source;
  const p = withPassword(secrets, (password) => readPkcs12(obj.der, { password, budget: ctx.budget }));
  const c: Container = { source: src, type: 'PKCS12', integrity: p.mac ? 'verified' : 'none', entries: [], notes: pkcs12Notes(p), schemes: p.schemes };
  ctx.out.items.push({ kind: 'container', container: c });
  ctx.out.containers.push(c);
  ctx.out.notes.push(`${src}: PKCS#12, ${p.keys.length} key(s), ${p.certificates.length} certificate(s)${p.mac ? `, MAC ${p.mac.hash} x${p.mac.iterations}` : ', no MAC'}${p.schemes.length ? `, ${[...new Set(p.schemes)].join(' + ')}` : ''}${p.folded ? `, ${p.folded} duplicate bag(s) folded` : ''}`);
  const certs = p.certificates.map((x, i) => ({ source: `${src}/cert${i + 1}`, der: x.der, item: x }));
  for (const x of certs) child(ctx, 'certificate', x.source, x.der, src);
  const used = new Set<string>();
  p.keys.forEach((k, i) => {
    const keySource = `${src}/key${i + 1}`;
    child(ctx, 'private-key', keySource, k.der, src);
    // The key's chain: the certificate with the same localKeyId (or public key), then its issuers in the bag.
    const leaf = certs.find((x) => k.localKeyId && x.item.localKeyId?.equals(k.localKeyId)) ?? certs.find((x) => samePublicKey(k.der, x.der));
    const chain = leaf ? issuerChain(leaf, certs) : [];
    for (const x of chain) used.add(x.source);
    c.entries.push({ alias: k.friendlyName ?? leaf?.item.friendlyName ?? String(i + 1), entry_type: 'PrivateKeyEntry', certificates: chain.map(({ source, der }) => ({ source, der })), key: keySource });
  });
  for (const x of certs) {
    if (!used.has(x.source)) c.entries.push({ alias: x.item.friendlyName ?? x.source.slice(src.length + 1), entry_type: 'trustedCertEntry', certificates: [{ source: x.source, der: x.der }] });
  }
}

function pkcs12Notes(p: Pkcs12Contents): string[] {
  const notes: string[] = [];
  notes.push(p.mac ? `integrity: MAC ${p.mac.hash}, ${p.mac.iterations} iteration(s)` : 'integrity: no MAC (contents unauthenticated)');
  if (p.schemes.length) notes.push(`encryption: ${[...new Set(p.schemes)].join(', ')}`);
  if (p.password !== 'given') notes.push(`opened with ${p.password === 'empty' ? 'the empty password' : 'no password'}`);
  if (p.folded) notes.push(`${p.folded} exact duplicate bag(s) folded into one`);
  for (const s of p.skipped) notes.push(`skipped: ${s}`);
  return notes;
}

function samePublicKey(pkcs8: Buffer, cert: Buffer): boolean {
  try {
    return parsePrivateKey(pkcs8, { lazy: true }).publicKey.id === parseCertificate(cert).publicKey.id;
  } catch {
    return false;
  }
}

/** Leaf, then issuer by issuer (by name) among `pool`, stopping at a self-issued certificate or a loop. */
function issuerChain<T extends { der: Buffer }>(leaf: T, pool: T[]): T[] {
  const names = new Map<T, { subject: Buffer; issuer: Buffer } | undefined>();
  const nameOf = (x: T): { subject: Buffer; issuer: Buffer } | undefined => {
    if (!names.has(x)) {
      try {
        const c = parseCertificate(x.der);
        names.set(x, { subject: c.subject.der, issuer: c.issuer.der });
      } catch {
        names.set(x, undefined);
      }
    }
    return names.get(x);
  };
  const chain = [leaf];
  for (let cur = leaf; chain.length < 100; ) {
    const n = nameOf(cur);
    if (!n || n.subject.equals(n.issuer)) break;
    const next = pool.find((x) => !chain.includes(x) && nameOf(x)?.subject.equals(n.issuer));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}

function addJks(ctx: Ctx, obj: InputObject, secrets: SecretSource): void {
  const src = obj.source;
  // Keys are decrypted when the command needs them, or (for listing) when a password was given.
  let decryptKeys = ctx.needKeys || secrets.input(false) !== undefined;
  const read = (password: string | undefined, keyPassword: string | undefined): KeystoreContents =>
    readJks(obj.der, { password, keyPassword, budget: ctx.budget, allowUnchecked: !ctx.needKeys, decryptKeys, ...(ctx.alias !== undefined ? { alias: ctx.alias } : {}) });
  let ks: KeystoreContents;
  const keyNotes: string[] = [];
  try {
    ks = withPassword(secrets, (password) => read(password, secrets.key(false)));
  } catch (e) {
    if (!ctx.needKeys && e instanceof CcmError && e.code === LocalCode.WRONG_PASSWORD && /key entry/.test(e.message)) {
      // Listing only: a key with its own password is listed, not decrypted.
      decryptKeys = false;
      keyNotes.push('a key entry has its own password: keys not decrypted (give --key-passphrase-file F to see them)');
      ks = withPassword(secrets, (password) => read(password, undefined));
    } else {
      // A key entry with its own password: ask for that one, then read again.
      if (!(e instanceof CcmError && e.code === LocalCode.WRONG_PASSWORD && /key entry/.test(e.message) && secrets.key(false) === undefined)) throw e;
      const kp = secrets.key(true);
      if (kp === undefined) throw e;
      ks = withPassword(secrets, (password) => read(password, kp));
    }
  }
  const type = ks.format === 'jks' ? 'JKS' : 'JCEKS';
  let entries = ks.entries;
  if (ctx.alias !== undefined) {
    const want = ctx.alias.toLowerCase();
    if (!entries.some((e) => e.kind === 'private-key' && e.alias.toLowerCase() === want)) {
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${src}: no key entry with alias "${ctx.alias.slice(0, 64)}".`, src);
    }
    entries = entries.filter((e) => e.kind !== 'private-key' || e.alias.toLowerCase() === want);
  }
  const notes: string[] = [...keyNotes];
  if (ks.integrity === 'unchecked') {
    notes.push(
      ks.passwordMismatch
        ? 'WARNING: the passphrase given does not match this keystore, so the integrity of the information stored in it has NOT been verified (keys are not decrypted).'
        : 'WARNING: the integrity of the information stored in this keystore has NOT been verified: give its password to verify it (keys are not decrypted without it).',
    );
  }
  for (const s of ks.secretKeys) notes.push(`secret-key entry "${s.alias.slice(0, 64)}" skipped: a Java-serialised sealed key, which ccmkit lists but does not read`);
  const c: Container = { source: src, type, integrity: ks.integrity, entries: [], notes };
  ctx.out.items.push({ kind: 'container', container: c });
  ctx.out.containers.push(c);
  ctx.out.notes.push(`${src}: ${type} v${ks.version}, ${ks.entries.length + ks.secretKeys.length} entr${ks.entries.length + ks.secretKeys.length === 1 ? 'y' : 'ies'}${ks.integrity === 'unchecked' ? ', integrity NOT verified (no password)' : ''}${ks.secretKeys.length ? `, ${ks.secretKeys.length} secret-key entr${ks.secretKeys.length === 1 ? 'y' : 'ies'} skipped` : ''}`);
  for (const e of entries) {
    const certs = e.certificates.map((der, i) => ({ source: `${src}/${e.alias}#${i + 1}`, der }));
    let keySource: string | undefined;
    if (e.key) {
      keySource = `${src}/${e.alias}`;
      child(ctx, 'private-key', keySource, e.key, src);
    }
    for (const x of certs) child(ctx, 'certificate', x.source, x.der, src);
    c.entries.push({
      alias: e.alias,
      entry_type: e.kind === 'private-key' ? 'PrivateKeyEntry' : 'trustedCertEntry',
      creation_date: e.created,
      certificates: certs,
      ...(keySource ? { key: keySource } : {}),
      ...(e.protection ? { protection: e.protection } : {}),
    });
  }
  for (const s of ks.secretKeys) c.entries.push({ alias: s.alias, entry_type: 'SecretKeyEntry', creation_date: s.created, certificates: [] });
}

function addPkcs7(ctx: Ctx, obj: InputObject): void {
  const src = obj.source;
  const p = readPkcs7(obj.der);
  const notes = [`${p.certificates.length} certificate(s)${p.crls.length ? `, ${p.crls.length} CRL(s)` : ''}`];
  if (p.signers || p.hasContent) notes.push(`a signed message (${p.signers} signer(s)${p.hasContent ? ', with content' : ''}): only its certificates and CRLs are read; the signature is not checked`);
  const c: Container = { source: src, type: 'PKCS7', integrity: 'none', entries: [], notes };
  ctx.out.items.push({ kind: 'container', container: c });
  ctx.out.containers.push(c);
  ctx.out.notes.push(`${src}: PKCS#7, ${notes[0]}`);
  p.certificates.forEach((der, i) => {
    const source = `${src}/cert${i + 1}`;
    child(ctx, 'certificate', source, der, src);
    c.entries.push({ alias: `cert${i + 1}`, entry_type: 'Certificate', certificates: [{ source, der }] });
  });
  p.crls.forEach((der, i) => child(ctx, 'crl', `${src}/crl${i + 1}`, der, src));
}

async function addZip(ctx: Ctx, obj: InputObject, depth: number, secrets: SecretSource): Promise<void> {
  const src = obj.source;
  const zipName = src.replace(/#1$/, '');
  if (depth >= MAX_ZIP_DEPTH) throw new CcmError(400, LocalCode.UNSUPPORTED, `${src}: a zip inside a zip is not read.`, src);
  const entries = await readZip(obj.der, zipName);
  const c: Container = { source: src, type: 'ZIP', integrity: 'none', entries: [], notes: [`${entries.length} file(s)`] };
  ctx.out.items.push({ kind: 'container', container: c });
  ctx.out.containers.push(c);
  ctx.out.notes.push(`${src}: zip, ${entries.length} file(s)`);
  // CCM puts the keystore password next to the keystore: use it when the user gave none.
  const passFile = entries.find((e) => e.name.split('/').pop() === CCM_PASSWORD_FILE);
  const pass = passFile?.data.toString('utf8').trim();
  const inner: SecretSource =
    pass === undefined
      ? secrets
      : { input: (prompt) => secrets.input(false) ?? pass ?? (prompt ? secrets.input(true) : undefined), key: (prompt) => secrets.key(prompt) };
  if (passFile) {
    c.notes.push(
      secrets.input(false) !== undefined
        ? `${CCM_PASSWORD_FILE} found; the passphrase given opens the keystores instead`
        : `${CCM_PASSWORD_FILE}: used as the password of the keystores in this zip`,
    );
  }
  for (const e of entries) {
    if (e === passFile) continue;
    await addBytes(ctx, e.data, `${zipName}:${e.name}`, depth + 1, inner, true);
  }
}

/** SHA-256 of DER, hex: the fingerprint every report uses. */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

