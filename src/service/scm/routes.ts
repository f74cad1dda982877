// Every SCM v3 operation the emulator serves, at SCM's method and path, with
// where it is documented. The README's endpoint table lists the same rows.

import { deleteCertificate, exportCertificate, importCertificate, listCertificates, showCertificate } from './certificates.js';
import type { ScmContext, ScmRequest, ScmResponse } from './context.js';
import { createCsr, csrPrivateKey, deleteCsr, listCsrs, showCsr, uploadCsr } from './csrs.js';

export interface ScmRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  op: (ctx: ScmContext, req: ScmRequest) => ScmResponse | Promise<ScmResponse>;
  seed: string;
}

const NOTES = 'notes/ccm-api.md "SCM CSR endpoints"';

export const SCM_ROUTES: readonly ScmRoute[] = [
  { method: 'GET', path: '/v3/scm/certificates', op: listCertificates, seed: '4.1.1' },
  { method: 'POST', path: '/v3/scm/certificates/import', op: importCertificate, seed: 'scm-import-certificate.txt (4.1.2)' },
  { method: 'GET', path: '/v3/scm/certificates/{certificate_id}', op: showCertificate, seed: '4.1.3' },
  { method: 'DELETE', path: '/v3/scm/certificates/{certificate_id}', op: deleteCertificate, seed: '4.1.4' },
  { method: 'POST', path: '/v3/scm/certificates/{certificate_id}/export', op: exportCertificate, seed: 'scm-export-certificate.txt (4.1.5)' },
  { method: 'POST', path: '/v3/scm/csr/upload', op: uploadCsr, seed: 'scm-upload-csr.txt' },
  { method: 'POST', path: '/v3/scm/csr', op: createCsr, seed: NOTES },
  { method: 'GET', path: '/v3/scm/csr', op: listCsrs, seed: NOTES },
  { method: 'GET', path: '/v3/scm/csr/{csr_id}', op: showCsr, seed: NOTES },
  { method: 'DELETE', path: '/v3/scm/csr/{csr_id}', op: deleteCsr, seed: NOTES },
  { method: 'GET', path: '/v3/scm/csr/{csr_id}/private-key', op: csrPrivateKey, seed: NOTES },
];
