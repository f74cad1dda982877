// The PCA v1 endpoints: the offline CA's own operations (src/service/pca,
// PCA_ROUTES) behind HTTP, so `ccmkit ca ...`/`cert ...` and the emulator
// cannot disagree. The emulator's key vault is shared with the PCA context:
// the workspace passphrase is derived once per process.

import { PCA_MIGRATIONS, PCA_ROUTES, createContext } from '../service/pca/index.js';
import type { ServiceMount } from './emulator.js';
import type { Route } from './router.js';

/**
 * Body caps beyond the 64 KiB default: a CA certificate import may carry a
 * chain of up to 2,097,152 characters (pca-import-ca-certificate.txt Table 3),
 * JSON-escaped; 4 MiB leaves room for the escapes.
 */
const MAX_BODY: Record<string, number> = { '/v1/private-certificate-authorities/{ca_id}/import': 4 * 1024 * 1024 };

export async function pcaMounts(): Promise<ServiceMount[]> {
  return [
    {
      migrations: PCA_MIGRATIONS,
      routes: (ws, o) => {
        const ctx = createContext(ws, { now: o.now, random: o.random, passphrase: o.passphrase });
        ctx.vault = o.vault;
        return PCA_ROUTES.map((r): Route => ({ method: r.method, path: r.path, service: 'pca', seed: r.seed, maxBody: MAX_BODY[r.path], handle: (req) => r.op(ctx, req) }));
      },
    },
  ];
}
