// Pre-flight for PCA "Importing a CA Certificate"
// (POST /v1/private-certificate-authorities/{ca_id}/import; seed
// pca-import-ca-certificate.txt): the certificate a parent CA issued for a
// subordinate CA's CSR, and optionally its chain up to the root.

import { publicKeyProblem } from '../engine/publickey.js';
import { parseCertificate, verifyCertificateSignature, type Certificate } from '../engine/certificate.js';
import { firstBrokenLink } from '../engine/chain.js';
import type { Csr } from '../engine/csr.js';
import { readInput } from '../engine/input.js';
import type { Finding } from './findings.js';
import { finding } from './rules.js';
import { isObject, toResult, typeName, type ValidationResult } from './validation.js';

export const PCA_IMPORT_LIMITS = { certificate: 32768, certificate_chain: 2097152 } as const;

function pemCertificates(text: string, field: string, rule: string, findings: Finding[]): Certificate[] {
  if (!text.includes('-----BEGIN')) {
    findings.push(finding(rule, `${field} is not PEM.`, 'Send PEM text (-----BEGIN CERTIFICATE----- ...), not DER or bare base64.', 'error', field));
    return [];
  }
  const r = readInput(Buffer.from(text, 'utf8'), field);
  const out: Certificate[] = [];
  for (const p of r.problems) findings.push(finding(rule, p.error.message, 'Paste the PEM exactly as issued.', 'error', field));
  for (const o of r.objects) {
    if (o.kind !== 'certificate') {
      findings.push(finding(rule, `${o.source} is a ${o.kind}, not a certificate.`, `Remove it from ${field}.`, 'error', field));
      continue;
    }
    try {
      out.push(parseCertificate(o.der));
    } catch (e) {
      findings.push(finding(rule, `${o.source}: ${(e as Error).message}.`, 'Paste the certificate exactly as issued.', 'error', field));
    }
  }
  return out;
}

/**
 * What PCA's "Importing a CA Certificate"
 * (POST /v1/private-certificate-authorities/\{ca_id\}/import) would answer:
 * certificate 1-32768 and chain 0-2097152 characters, PEM only; the
 * certificate is a CA certificate carrying the key of the CA's CSR
 * (PCA.00030301); the chain is complete and ordered intermediate \> ... \> root
 * (PCA.00020403). Valid is status 204, as PCA answers.
 *
 * @param csr - the CA's CSR as PCA exported it (4.2.1.7); undefined skips the key check
 *
 * @example
 * ```ts
 * const csr = parseCsrOrFail(readInput(readFileSync('sub-ca.csr'), 'sub-ca.csr').objects[0]!.der, 'sub-ca.csr');
 * const r = validatePcaImportCa({ certificate: readFileSync('sub-ca.pem', 'utf8'), certificate_chain: readFileSync('root.pem', 'utf8') }, csr);
 * ```
 */
export function validatePcaImportCa(body: unknown, csr: Csr | undefined): ValidationResult {
  const findings: Finding[] = [];
  if (!isObject(body)) {
    findings.push(finding('pca.body.shape', `The body is ${typeName(body)}, not a JSON object.`, 'Send {"certificate": ..., "certificate_chain": ...}.'));
    return toResult(findings, 204);
  }
  const text = (field: 'certificate' | 'certificate_chain', min: number, max: number, rule: string): string | undefined => {
    const v = body[field];
    if (v === undefined || v === null) {
      if (min > 0) findings.push(finding(rule, `${field} is missing.`, `Add ${field}.`, 'error', field));
      return undefined;
    }
    if (typeof v !== 'string') {
      findings.push(finding(rule, `${field} must be a string, not ${typeName(v)}.`, 'Send PEM text as a JSON string.', 'error', field));
      return undefined;
    }
    if (v.length < min || v.length > max) {
      findings.push(finding(rule, `${field} is ${v.length} characters; CCM accepts ${min}-${max}.`, 'Send the certificate PEM only.', 'error', field));
      return undefined;
    }
    return v;
  };
  const certText = text('certificate', 1, PCA_IMPORT_LIMITS.certificate, 'pca-import-ca.certificate.length');
  const chainText = text('certificate_chain', 0, PCA_IMPORT_LIMITS.certificate_chain, 'pca-import-ca.certificate_chain.length');

  let cert: Certificate | undefined;
  if (certText !== undefined) {
    const certs = pemCertificates(certText, 'certificate', 'pca-import-ca.certificate.parse', findings);
    if (certs.length > 1) findings.push(finding('pca-import-ca.certificate.parse', `certificate holds ${certs.length} certificates.`, 'Put only the CA certificate in certificate and the rest in certificate_chain.'));
    cert = certs[0];
    if (certs.length === 0 && !findings.some((f) => f.field === 'certificate')) {
      findings.push(finding('pca-import-ca.certificate.parse', 'certificate holds no certificate.', 'Paste the issued CA certificate.'));
    }
  }
  if (cert) {
    const keyProblem = publicKeyProblem(cert.publicKey);
    if (keyProblem) findings.push(finding('pca-import-ca.certificate.parse', `The CA certificate's public key is invalid: ${keyProblem}.`, 'Import the CA certificate exactly as its parent CA issued it.'));
    if (!cert.extensions.basicConstraints?.ca) {
      findings.push(finding('pca-import-ca.certificate.parse', 'The certificate is not a CA certificate (basicConstraints cA is not true).', 'Have the parent CA issue it with basicConstraints CA:TRUE (and keyCertSign).'));
    } else if (cert.extensions.keyUsage && !cert.extensions.keyUsage.includes('keyCertSign')) {
      findings.push({ code: 'PCA.00020402', severity: 'warning', field: 'certificate', message: 'The CA certificate lacks keyCertSign in its key usage: it cannot issue certificates.', fix: 'Reissue with keyUsage keyCertSign, cRLSign.' });
    }
    if (csr && csr.publicKey.id !== cert.publicKey.id) {
      findings.push(finding('pca-import-ca.certificate.key', "The certificate's public key is not the one in the CA's CSR.", 'Sign the CSR this CA exported (4.2.1.7), not another one.'));
    }
  }
  if (cert && chainText !== undefined && chainText.trim() !== '') {
    const chain = pemCertificates(chainText, 'certificate_chain', 'pca-import-ca.certificate_chain.order', findings);
    checkCompleteChain(cert, chain, findings);
  }
  return toResult(findings, 204);
}

/** intermediate > ... > root: each element issued the previous one, and the last is a self-signed root. */
function checkCompleteChain(cert: Certificate, chain: Certificate[], findings: Finding[]): void {
  const i = firstBrokenLink(cert, chain);
  if (i >= 0) {
    const child = i === 0 ? cert : chain[i - 1]!;
    const elsewhere = chain.findIndex((x) => verifyCertificateSignature(child, x.publicKey).valid);
    findings.push(
      finding(
        'pca-import-ca.certificate_chain.order',
        elsewhere >= 0
          ? `certificate_chain[${i}] is out of order: the issuer of ${i === 0 ? 'the certificate' : `certificate_chain[${i - 1}]`} is certificate_chain[${elsewhere}].`
          : `certificate_chain[${i}] did not issue ${i === 0 ? 'the certificate' : `certificate_chain[${i - 1}]`}, and no certificate in the chain did.`,
        elsewhere >= 0 ? 'Order the chain intermediate > ... > root (ccmkit chain build --format ccm).' : 'Add the missing issuer and remove unrelated certificates.',
      ),
    );
    return;
  }
  const last = chain.length ? chain[chain.length - 1]! : cert;
  const selfSigned = last.subject.der.equals(last.issuer.der) && verifyCertificateSignature(last, last.publicKey).valid;
  if (!selfSigned) {
    findings.push(
      finding('pca-import-ca.certificate_chain.order', `The chain ends at a certificate issued by someone not in it: it is incomplete.`, 'Append the missing intermediates and the root CA certificate.'),
    );
  }
}
