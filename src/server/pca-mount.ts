// The PCA v1 endpoints: the offline CA's operations (src/service/pca) behind
// HTTP. Until that service is merged into this branch there is nothing to
// mount; see the emulator's README section.

import type { ServiceMount } from './emulator.js';

export async function pcaMounts(): Promise<ServiceMount[]> {
  return [];
}
