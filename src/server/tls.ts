// `ccmkit emulator --tls`: the HTTPS certificate, from the workspace's own CA.
//
// The workspace keeps a dedicated TLS root for its emulator (table
// emulator_tls, module "emulator"), apart from the PCA tables: what the PCA
// API lists is only what clients created. The root (EC P-256, 10 years) is
// made once; the server certificate (EC P-256, 397 days, SANs localhost,
// 127.0.0.1 and ::1, serverAuth) is re-issued when it has less than 30 days
// left. Both keys are sealed by the workspace vault like every other key.
// The root's PEM is published as DIR/emulator-tls-ca.pem for clients
// (`--ca-bundle`, NODE_EXTRA_CA_CERTS, curl --cacert).

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { authorityKeyIdExt, basicConstraintsExt, buildCertificate, extKeyUsageExt, keyIdentifier, keyUsageExt, spkiOf, subjectAltNameExt, subjectKeyIdExt } from '../engine/builder.js';
import { parseCertificate } from '../engine/certificate.js';
import { toPem } from '../engine/pem.js';
import type { Migration } from '../store/migrations.js';
import type { KeyVault } from '../store/vault.js';
import type { Workspace } from '../store/workspace.js';

export const EMULATOR_MIGRATIONS: readonly Migration[] = [
  {
    module: 'emulator',
    version: 1,
    description: 'TLS root and server certificate of ccmkit emulator --tls',
    up: `CREATE TABLE emulator_tls (
  role TEXT PRIMARY KEY CHECK (role IN ('ca', 'server')),
  certificate BLOB NOT NULL,
  private_key BLOB NOT NULL,
  not_after INTEGER NOT NULL
)`,
  },
];

export const TLS_CA_FILE = 'emulator-tls-ca.pem';
const DAY = 24 * 60 * 60 * 1000;

export interface TlsMaterial {
  key: string;
  cert: string;
  caPem: string;
  caFile: string;
}

function serial(random: (n: number) => Buffer): Buffer {
  const b = Buffer.from(random(16));
  b[0] = (b[0]! & 0x7f) | 0x01; // positive, never a leading zero byte
  return b;
}

/** The server key and certificate chain (PEM) for --tls, issuing what is missing or about to expire. */
export function tlsMaterial(ws: Workspace, vault: KeyVault, now: Date, random: (n: number) => Buffer): TlsMaterial {
  const get = (role: string): { certificate: Buffer; private_key: Buffer; not_after: number } | undefined =>
    ws.read(() => ws.db.prepare('SELECT certificate, private_key, not_after FROM emulator_tls WHERE role = ?').get(role) as { certificate: Buffer; private_key: Buffer; not_after: number } | undefined);
  const put = (role: string, cert: Buffer, key: KeyObject): void => {
    const notAfter = parseCertificate(cert).notAfter.getTime();
    ws.db.prepare('INSERT INTO emulator_tls (role, certificate, private_key, not_after) VALUES (?, ?, ?, ?) ON CONFLICT(role) DO UPDATE SET certificate = excluded.certificate, private_key = excluded.private_key, not_after = excluded.not_after').run(role, cert, vault.seal(key), notAfter);
  };
  const t = now.getTime();
  const start = new Date(Math.floor(t / 1000) * 1000 - 60_000);

  let ca = get('ca');
  let caKey: KeyObject;
  if (!ca || ca.not_after - t < 400 * DAY) {
    caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const spki = spkiOf(caKey);
    const name: [string, string][] = [
      ['O', 'ccmkit'],
      ['CN', `ccmkit emulator TLS root (${basename(ws.dir).slice(0, 32)})`],
    ];
    const der = buildCertificate({
      serial: serial(random),
      subject: name,
      issuer: name,
      notBefore: start,
      notAfter: new Date(start.getTime() + 3650 * DAY),
      publicKey: spki,
      signingKey: caKey,
      extensions: [basicConstraintsExt(true, 0), keyUsageExt(['keyCertSign', 'cRLSign']), subjectKeyIdExt(spki)],
    });
    ws.tx(() => {
      put('ca', der, caKey);
      ws.db.prepare(`DELETE FROM emulator_tls WHERE role = 'server'`).run();
    });
    ca = get('ca')!;
  } else {
    caKey = vault.open(ca.private_key, 'the emulator TLS root');
  }
  const caCert = parseCertificate(ca.certificate);

  let srv = get('server');
  if (!srv || srv.not_after - t < 30 * DAY) {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const spki = spkiOf(key);
    const der = buildCertificate({
      serial: serial(random),
      subject: [
        ['O', 'ccmkit'],
        ['CN', 'localhost'],
      ],
      issuer: caCert.subject.der,
      notBefore: start,
      notAfter: new Date(Math.min(start.getTime() + 397 * DAY, caCert.notAfter.getTime())),
      publicKey: spki,
      signingKey: caKey,
      extensions: [
        basicConstraintsExt(false),
        keyUsageExt(['digitalSignature']),
        extKeyUsageExt(['serverAuth']),
        subjectAltNameExt([
          { type: 'DNS', value: 'localhost' },
          { type: 'IP', value: '127.0.0.1' },
          { type: 'IP', value: '::1' },
        ]),
        subjectKeyIdExt(spki),
        authorityKeyIdExt(keyIdentifier(caCert.publicKey.spki)),
      ],
    });
    ws.tx(() => put('server', der, key));
    srv = get('server')!;
  }
  const serverKey = vault.open(srv.private_key, 'the emulator TLS key');
  const caPem = toPem('CERTIFICATE', ca.certificate);
  const caFile = ws.publish(TLS_CA_FILE, Buffer.from(caPem));
  return {
    key: serverKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: toPem('CERTIFICATE', srv.certificate) + caPem,
    caPem,
    caFile,
  };
}
