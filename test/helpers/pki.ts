// An in-memory mini PKI for tests, pinned to a reference time so nothing ever
// expires: every certificate is valid from REF-1y to REF+10y unless asked.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  authorityKeyIdExt,
  basicConstraintsExt,
  buildCertificate,
  extKeyUsageExt,
  keyIdentifier,
  keyUsageExt,
  spkiOf,
  subjectAltNameExt,
  subjectKeyIdExt,
  type ExtensionInput,
} from '../../src/engine/builder.js';
import type { SubjectAltName } from '../../src/engine/extensions.js';
import type { HashName } from '../../src/engine/signature.js';

/** The reference time every fixture is pinned to. */
export const REF = new Date('2025-06-01T00:00:00Z');
const YEAR = 365 * 24 * 3600 * 1000;

export type KeyAlg = 'RSA2048' | 'RSA4096' | 'EC256' | 'EC384' | 'RSA1024' | 'EC521' | 'Ed25519';

const keyCache = new Map<string, KeyObject>();

/** A key of the given algorithm. `slot` picks among cached keys (RSA generation is slow). */
export function key(alg: KeyAlg = 'EC256', slot?: number): KeyObject {
  const id = slot === undefined ? undefined : `${alg}:${slot}`;
  if (id && keyCache.has(id)) return keyCache.get(id)!;
  let k: KeyObject;
  if (alg.startsWith('RSA')) k = generateKeyPairSync('rsa', { modulusLength: Number(alg.slice(3)) }).privateKey;
  else if (alg === 'Ed25519') k = generateKeyPairSync('ed25519').privateKey;
  else k = generateKeyPairSync('ec', { namedCurve: { EC256: 'P-256', EC384: 'P-384', EC521: 'P-521' }[alg as 'EC256'] }).privateKey;
  if (id) keyCache.set(id, k);
  return k;
}

export interface Issued {
  der: Buffer;
  key: KeyObject;
  name: [string, string][];
}

let serialCounter = 1n;

export interface IssueOpts {
  cn: string;
  key?: KeyObject;
  issuer?: Issued;
  ca?: boolean;
  pathLength?: number;
  sans?: SubjectAltName[];
  notBefore?: Date;
  notAfter?: Date;
  hash?: HashName;
  extensions?: ExtensionInput[];
  noKeyIds?: boolean;
}

/** Issues a certificate; without `issuer` it is self-signed. */
export function issue(o: IssueOpts): Issued {
  const k = o.key ?? key('EC256');
  const name: [string, string][] = [['O', 'ccmkit test'], ['CN', o.cn]];
  const signer = o.issuer?.key ?? k;
  const exts: ExtensionInput[] = [];
  const spki = spkiOf(k);
  if (!o.noKeyIds) {
    exts.push(subjectKeyIdExt(spki));
    exts.push(authorityKeyIdExt(keyIdentifier(spkiOf(signer))));
  }
  if (o.ca) {
    exts.push(basicConstraintsExt(true, o.pathLength), keyUsageExt(['keyCertSign', 'cRLSign']));
  } else {
    exts.push(basicConstraintsExt(false), keyUsageExt(['digitalSignature', 'keyEncipherment']), extKeyUsageExt(['serverAuth', 'clientAuth']));
    exts.push(subjectAltNameExt(o.sans ?? [{ type: 'DNS', value: o.cn }]));
  }
  exts.push(...(o.extensions ?? []));
  const der = buildCertificate({
    serial: serialCounter++,
    subject: name,
    issuer: o.issuer?.name ?? name,
    notBefore: o.notBefore ?? new Date(REF.getTime() - YEAR),
    notAfter: o.notAfter ?? new Date(REF.getTime() + 10 * YEAR),
    publicKey: spki,
    extensions: exts,
    signingKey: signer,
    hash: o.hash ?? 'SHA256',
  });
  return { der, key: k, name };
}

/** root -> intermediates... -> leaf, all EC256 unless `alg`. */
export function chain(depth: number, alg: KeyAlg = 'EC256', leafCn = 'www.example.com'): { root: Issued; intermediates: Issued[]; leaf: Issued } {
  const root = issue({ cn: 'Test Root', ca: true, key: key(alg) });
  const intermediates: Issued[] = [];
  let parent = root;
  for (let i = 1; i < depth; i++) {
    parent = issue({ cn: `Test Intermediate ${i}`, ca: true, issuer: parent, key: key(alg) });
    intermediates.push(parent);
  }
  const leaf = issue({ cn: leafCn, issuer: parent, key: key(alg) });
  return { root, intermediates: intermediates.reverse(), leaf };
}

export function pem(label: string, der: Buffer, eol = '\n'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, `$&${eol}`).replace(new RegExp(`${eol}$`), '');
  return `-----BEGIN ${label}-----${eol}${b64}${eol}-----END ${label}-----${eol}`;
}

export function keyPem(k: KeyObject): string {
  return k.export({ type: 'pkcs8', format: 'pem' }).toString();
}
