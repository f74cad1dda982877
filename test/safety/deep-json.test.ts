// Issue 10, item 9: JSON nested 20,000 deep crashed 12 commands with
// "Maximum call stack size exceeded". Every command that reads JSON, in every
// place it reads it, now answers with a CCM-style error and exit 1 or 2.
import { afterAll, describe, expect, it } from 'vitest';
import { jsonTooDeep, MAX_JSON_DEPTH, parseJson } from '../../src/engine/json.js';
import { issue, keyPem, pem } from '../helpers/pki.js';
import { ccmkitAsync, tempDir, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-deep-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const D = 20_000;
const ca = issue({ cn: 'Deep CA', ca: true });
const CA = f('ca.pem', pem('CERTIFICATE', ca.der));
const KEY = f('ca.key', keyPem(ca.key));
const deepArray = '['.repeat(D) + '"-----BEGIN CERTIFICATE-----"' + ']'.repeat(D);
const ARR = f('array.json', deepArray);
const OBJ = f('object.json', '{"a":'.repeat(D) + '1' + '}'.repeat(D));
const inner = JSON.stringify(deepArray);
const BODY = f('body.json', `{"name":"deep_body","certificate":${inner},"certificate_chain":${inner},"private_key":${inner},"csr":${inner},"issuer_id":"x"}`);
const REVOKED = f('revoked.json', `[{"serial_number":"0A","revoked_at":${'['.repeat(D)}1${']'.repeat(D)}}]`);

const crlBuild = (caCert: string, caKey: string, revoked: string): string[] => ['crl', 'build', '--ca-cert', caCert, '--ca-key', caKey, '--revoked', revoked, '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z'];
const COMMANDS: string[][] = [];
for (const F of [ARR, OBJ, BODY]) {
  COMMANDS.push(
    ['inspect', F],
    ['csr', 'parse', F],
    ['key', 'match', F],
    ['chain', 'build', F],
    ['chain', 'verify', F, '--roots', CA],
    ['chain', 'verify', CA, '--roots', F],
    ['crl', 'inspect', F],
    ['crl', 'check', '--crl', F, '--certificate', CA],
    ['export', '--type', 'NGINX', '--certificate', F],
    ['export', '--type', 'NGINX', '--from-export', F],
    ['convert', F, '--to', 'scm-import', '--name', 'deep_body'],
    ['csr', 'create', '--key', KEY, '--subject-json', F],
    ['csr', 'create', '--key', F, '--cn', 'deep.example'],
    ['validate', 'scm-import', '--name', 'deep_body', '--certificate', F, '--private-key', KEY],
    crlBuild(F, KEY, REVOKED),
    crlBuild(CA, F, REVOKED),
    ...['scm-import', 'scm-upload-csr', 'pca-create-ca', 'pca-apply-cert', 'pca-issue-csr', 'pca-import-ca'].map((v) => ['validate', v, F]),
  );
}
COMMANDS.push(crlBuild(CA, KEY, REVOKED));

describe('JSON nested 20,000 deep', () => {
  it('engine: depth is checked before parsing, strings do not count', () => {
    expect(jsonTooDeep(deepArray)).toBe(true);
    expect(jsonTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ s: '[[[[['.repeat(100) }))).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ s: '\\"[[[[['.repeat(100) }))).toBe(false);
    expect(() => parseJson(deepArray)).toThrow(SyntaxError);
  });

  it.each(COMMANDS.map((c) => [c.join(' ').replaceAll(tmp.dir + '/', ''), c] as const))('%s: CCM error, exit 1 or 2, no crash', async (_name, args) => {
    for (const json of [false, true]) {
      const r = await ccmkitAsync(json ? [...args, '--json'] : args);
      expect([1, 2]).toContain(r.code);
      expect(r.stderr + r.stdout).not.toMatch(/internal error|call stack|\n\s+at /);
      if (json) expect(r.stdout).toMatch(/"error_code"/);
    }
  });
});
