// One file may hold hundreds of thousands of PEM objects (the file limit is
// 256 MiB; a small CSR is under 500 bytes). Collecting them must not depend on
// the engine's call-stack limit for spread arguments (~150,000 items), whether
// the file is streamed (over 16 MiB) or read whole.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFiles, openFiles } from '../../src/cli/load.js';
import { tempDir } from '../helpers/run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('loadFiles', () => {
  it('collects 300,000 objects from one file', () => {
    const f = join(tmp.dir, 'many.pem');
    // The smallest well-formed PEM block: an empty SEQUENCE labelled as a CSR.
    writeFileSync(f, '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n'.repeat(300_000));
    const r = loadFiles([f]);
    expect(r.objects).toHaveLength(300_000);
    expect(r.objects[299_999]!.source).toBe(`${f}#300000`);
  });

  it('opens 200,000 objects from a file read whole (under the streaming threshold)', async () => {
    const f = join(tmp.dir, 'many-small.pem');
    writeFileSync(f, '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n'.repeat(200_000));
    const r = await openFiles([f], {});
    expect(r.objects).toHaveLength(200_000);
    expect(r.objects[199_999]!.source).toBe(`${f}#200000`);
  });
});
