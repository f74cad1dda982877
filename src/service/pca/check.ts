// `workspace check`: every row of the PCA tables, checked against what it
// claims.
//
//   database     SQLite's quick_check and foreign_key_check pass
//   CAs          each certificate parses and its signature verifies with its
//                issuer (itself for a root, the local parent, or the first
//                certificate of an imported chain); a PENDING CA's CSR verifies
//   certificates each parses and verifies with its issuing CA's certificate
//   keys         each decrypts under the workspace passphrase and proves (by
//                signing) that it belongs to its certificate or CSR
//   serials      the stored serial is the certificate's, unique per CA
//   CRLs         each CA's latest CRL verifies with the CA, has the CA's CRL
//                number, and lists every certificate and CA it revoked
//
// It reads one consistent snapshot. Problems are collected, never thrown.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate, verifyCertificateSignature, type Certificate } from '../../engine/certificate.js';
import { crlEntries, parseCrl, verifyCrl } from '../../engine/crl.js';
import { parseCsr, verifyCsrSignature } from '../../engine/csr.js';
import { cachedPublicKeyObject } from '../../engine/publickey.js';
import type { CaRow, CertRow } from '../../store/pca-store.js';
import { provesKey, splitDers } from './authority.js';
import { serialDecimal } from './contents.js';
import type { PcaContext } from './context.js';
import { crlFileName, parseCrlConfiguration } from './model.js';

/**
 * One thing wrong in a workspace.
 *
 * @example
 * ```ts
 * for (const p of checkWorkspace(ctx).problems) console.log(p.kind, p.id, p.message);
 * ```
 */
export interface CheckProblem {
  kind: 'database' | 'ca' | 'certificate' | 'key' | 'serial' | 'crl';
  id: string;
  message: string;
}

/**
 * What {@link checkWorkspace} found.
 *
 * @example
 * ```ts
 * const r: CheckReport = checkWorkspace(ctx, { keys: false });
 * ```
 */
export interface CheckReport {
  ok: boolean;
  counts: { cas: number; certificates: number; keys: number; crls: number; revoked: number; signatures: number };
  problems: CheckProblem[];
  /** Not wrong, but worth knowing (a published CRL file older than the database's). */
  warnings: CheckProblem[];
}

const PAGE = 1000;

/**
 * Checks a whole workspace: SQLite's integrity, every CA and certificate
 * (parses, signature verifies with its issuer), serial uniqueness, the CRLs,
 * and with `keys` (default) that every key decrypts and proves, by signing,
 * that it belongs to its certificate.
 *
 * @example
 * ```ts
 * const r = checkWorkspace(ctx);
 * if (!r.ok) for (const p of r.problems) console.log(p.kind, p.id, p.message);
 * ```
 */
export function checkWorkspace(ctx: PcaContext, o: { keys?: boolean } = {}): CheckReport {
  const report: CheckReport = { ok: true, counts: { cas: 0, certificates: 0, keys: 0, crls: 0, revoked: 0, signatures: 0 }, problems: [], warnings: [] };
  const problem = (kind: CheckProblem['kind'], id: string, message: string): void => {
    report.problems.push({ kind, id, message });
  };
  const checkKeys = o.keys ?? true;
  const db = ctx.ws.db;
  ctx.ws.snapshot(() => {
    const quick = db.pragma('quick_check', { simple: true });
    if (quick !== 'ok') problem('database', 'workspace.db', `quick_check: ${String(quick)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problem('database', 'workspace.db', `${fk.length} rows point at rows that do not exist (foreign_key_check)`);
    const live = ctx.store.count('pca_cert', 'delete_time IS NULL');
    if (live !== ctx.store.countCertsInQuota()) problem('database', 'workspace.db', `the certificate counts say ${ctx.store.countCertsInQuota()}, the table holds ${live}`);
    const orphans = ctx.store.count('pca_cert') - ctx.store.count('pca_cert_der');
    if (orphans !== 0) problem('database', 'workspace.db', `${Math.abs(orphans)} certificate rows without their DER (or DER without a row)`);

    // ---- CAs ----
    const cas = ctx.store.allCas();
    const caCert = new Map<string, Certificate>();
    for (const r of cas) {
      if (!r.certificate) continue;
      try {
        caCert.set(r.ca_id, parseCertificate(r.certificate));
      } catch (e) {
        problem('ca', r.ca_id, `the certificate does not parse: ${(e as Error).message}`);
      }
    }
    for (const r of cas) {
      report.counts.cas++;
      checkCa(ctx, r, caCert, problem, report, checkKeys);
    }

    // ---- certificates, a page at a time ----
    let last = 0;
    for (;;) {
      const rows = ctx.store.certPage(last, PAGE);
      if (!rows.length) break;
      last = rows[rows.length - 1]!.rid;
      for (const r of rows) {
        report.counts.certificates++;
        checkCert(ctx, r, caCert, problem, report, checkKeys);
      }
    }

    // ---- serials: one per CA across certificates and subordinate CAs ----
    const dups = db
      .prepare(
        `SELECT issuer_id, serial_number, count(*) AS n FROM (
           SELECT issuer_id, serial_number FROM pca_cert
           UNION ALL SELECT issuer_id, serial_number FROM pca_ca WHERE issuer_id IS NOT NULL AND serial_number IS NOT NULL AND gen_mode <> 'IMPORT'
         ) GROUP BY issuer_id, serial_number HAVING n > 1`,
      )
      .all() as { issuer_id: string; serial_number: string; n: number }[];
    for (const d of dups) problem('serial', d.issuer_id, `serial ${d.serial_number} is used ${d.n} times by this CA`);

    // ---- CRLs ----
    for (const r of cas) {
      const revoked = ctx.store.revokedBy(r.ca_id);
      report.counts.revoked += revoked.length;
      const latest = ctx.store.latestCrl(r.ca_id);
      if (!latest) {
        if (revoked.length) problem('crl', r.ca_id, `${revoked.length} revoked certificate(s) but the CA has no CRL`);
        continue;
      }
      report.counts.crls++;
      const cert = caCert.get(r.ca_id);
      try {
        const crl = parseCrl(latest.crl);
        if (cert) {
          const v = verifyCrl(crl, cert);
          if (!v.valid) problem('crl', r.ca_id, `CRL #${latest.crl_number} does not verify with the CA: ${v.reasons.join('; ')}`);
        }
        if (crl.crlNumber !== BigInt(r.crl_number)) problem('crl', r.ca_id, `the latest CRL has number ${crl.crlNumber}, the CA records ${r.crl_number}`);
        const listed = new Set<string>();
        for (const e of crlEntries(crl)) listed.add(serialDecimal(e.serial));
        const missing = revoked.filter((x) => !listed.has(x.serial_number));
        if (missing.length) problem('crl', r.ca_id, `${missing.length} revoked certificate(s) are not in CRL #${latest.crl_number} (first: serial ${missing[0]!.serial_number})`);
        const file = join(ctx.ws.crlDir, crlFileName(r.ca_id, parseCrlConfiguration(r.crl_configuration)));
        if (!existsSync(file) || !readFileSync(file).equals(latest.crl)) {
          report.warnings.push({ kind: 'crl', id: r.ca_id, message: `${file} is not the latest CRL (#${latest.crl_number}); ccmkit crl generate --ca ${r.ca_id} writes a current one` });
        }
      } catch (e) {
        problem('crl', r.ca_id, `the latest CRL does not parse: ${(e as Error).message}`);
      }
    }
  });
  report.ok = report.problems.length === 0;
  return report;
}

type Problem = (kind: CheckProblem['kind'], id: string, message: string) => void;

function checkCa(ctx: PcaContext, r: CaRow, caCert: Map<string, Certificate>, problem: Problem, report: CheckReport, checkKeys: boolean): void {
  const cert = caCert.get(r.ca_id);
  if (r.status === 'PENDING') {
    if (!r.csr) return problem('ca', r.ca_id, 'PENDING without a CSR');
    try {
      const csr = parseCsr(r.csr);
      if (!verifyCsrSignature(csr).valid) problem('ca', r.ca_id, "the CSR's self-signature does not verify");
      if (checkKeys && r.private_key) {
        report.counts.keys++;
        if (!provesKey(ctx.vault.open(r.private_key, `CA ${r.ca_id}`), csr.publicKey)) problem('key', r.ca_id, 'the stored key does not belong to the CSR');
      }
    } catch (e) {
      problem('ca', r.ca_id, `the CSR: ${(e as Error).message}`);
    }
    return;
  }
  if (!r.certificate) return problem('ca', r.ca_id, `${r.status} without a certificate`);
  if (!cert) return; // reported as not parsing
  if (r.serial_number !== serialDecimal(cert.serial)) problem('serial', r.ca_id, `stored serial ${r.serial_number} is not the certificate's (${serialDecimal(cert.serial)})`);
  let issuerCert: Certificate | undefined;
  if (r.type === 'ROOT') issuerCert = cert;
  else if (r.gen_mode === 'IMPORT') {
    const chain = splitDers(r.certificate_chain);
    issuerCert = chain.length ? parseCertificate(chain[0]!) : r.issuer_id ? caCert.get(r.issuer_id) : undefined;
  } else if (r.issuer_id) issuerCert = caCert.get(r.issuer_id);
  if (issuerCert) {
    report.counts.signatures++;
    if (!verifyCertificateSignature(cert, issuerCert.publicKey).valid) problem('ca', r.ca_id, 'the certificate signature does not verify with its issuer');
  } else if (r.gen_mode !== 'IMPORT') problem('ca', r.ca_id, `the issuer ${r.issuer_id} is not in the workspace`);
  if (checkKeys && r.private_key) {
    report.counts.keys++;
    try {
      if (!provesKey(ctx.vault.open(r.private_key, `CA ${r.ca_id}`), cert.publicKey)) problem('key', r.ca_id, 'the stored key does not belong to the certificate');
    } catch (e) {
      problem('key', r.ca_id, (e as Error).message);
    }
  }
}

function checkCert(ctx: PcaContext, r: CertRow, caCert: Map<string, Certificate>, problem: Problem, report: CheckReport, checkKeys: boolean): void {
  let cert: Certificate;
  try {
    cert = parseCertificate(r.certificate);
  } catch (e) {
    return problem('certificate', r.certificate_id, `does not parse: ${(e as Error).message}`);
  }
  if (r.serial_number !== serialDecimal(cert.serial)) problem('serial', r.certificate_id, `stored serial ${r.serial_number} is not the certificate's (${serialDecimal(cert.serial)})`);
  const issuer = caCert.get(r.issuer_id);
  if (!issuer) problem('certificate', r.certificate_id, `its issuer ${r.issuer_id} has no certificate in the workspace`);
  else {
    report.counts.signatures++;
    if (!verifyCertificateSignature(cert, issuer.publicKey, cachedPublicKeyObject(issuer.publicKey)).valid) problem('certificate', r.certificate_id, 'the signature does not verify with its issuing CA');
  }
  if (checkKeys && r.private_key) {
    report.counts.keys++;
    try {
      if (!provesKey(ctx.vault.open(r.private_key, `certificate ${r.certificate_id}`), cert.publicKey)) problem('key', r.certificate_id, 'the stored key does not belong to the certificate');
    } catch (e) {
      problem('key', r.certificate_id, (e as Error).message);
    }
  }
}
