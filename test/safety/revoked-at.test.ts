// Issue 10, item 11: revoked_at values outside what a Date holds crashed
// `crl build` ("Invalid time value", and no error body under --json); an
// offset of +99:99 was accepted. Each is now a finding with a clear message.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRevokedAt } from '../../src/ccm/revocation.js';
import { issue, key, keyPem, pem } from '../helpers/pki.js';
import { ccmkit, tempDir, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-revat-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const ca = issue({ cn: 'RevokedAt CA', ca: true, key: key('EC256', 50) });
const CA = f('ca.pem', pem('CERTIFICATE', ca.der));
const KEY = f('ca.key', keyPem(ca.key));

const BAD: [string, string, string][] = [
  ['16-digit epoch', '0A,9999999999999999,KEY_COMPROMISE\n', '[{"serial_number":"0A","revoked_at":"9999999999999999"}]'],
  ['1e300', '0A,1e300,\n', '[{"serial_number":"0A","revoked_at":1e300}]'],
  ['9e15', '0A,9000000000000000,\n', '[{"serial_number":"0A","revoked_at":9e15}]'],
  ['offset +99:99', '0A,2025-05-01T00:00:00+99:99,\n', '[{"serial_number":"0A","revoked_at":"2025-05-01T00:00:00+99:99"}]'],
  ['year 0099 (Date.UTC would read 1999)', '0A,0099-05-01T00:00:00Z,\n', '[{"serial_number":"0A","revoked_at":"0099-05-01T00:00:00Z"}]'],
  ['negative epoch', '0A,-5,\n', '[{"serial_number":"0A","revoked_at":-5}]'],
];

describe('revoked_at out of range', () => {
  it.each(BAD)('%s: parseRevokedAt refuses it without throwing', (_n, csv) => {
    const v = csv.split(',')[1]!;
    const r = parseRevokedAt(/^-?\d+$/.test(v) ? v : v === '1e300' ? 1e300 : v);
    expect(r.ok).toBe(false);
  });

  it.each(BAD)('%s: crl build exits 1 with a finding, and an error body under --json', (name, csv, json) => {
    for (const [ext, text] of [['csv', csv], ['json', json]] as const) {
      const revoked = f(`${name.replace(/\W+/g, '_')}.${ext}`, text);
      const out = join(tmp.dir, `${name.replace(/\W+/g, '_')}-${ext}.crl`);
      const args = ['crl', 'build', '--ca-cert', CA, '--ca-key', KEY, '--revoked', revoked, '--crl-number', '1', '--valid-days', '7', '--at', '2025-06-01T00:00:00Z', '--out', out];
      const human = ccmkit(args);
      expect(human.code).toBe(1);
      expect(human.stderr).toMatch(/revoked_at .*(out of range|offset|whole milliseconds|neither ISO 8601)/);
      expect(human.stderr).not.toMatch(/internal error|Invalid time value/);
      const j = ccmkit([...args, '--json']);
      expect(j.code).toBe(1);
      const body = JSON.parse(j.stdout);
      expect(body.error_code).toBe('PCA.00020001');
      expect(body.error_msg).toMatch(/revoked_at/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('in-range values with real offsets still work', () => {
    expect(parseRevokedAt('2025-05-01T02:00:00+02:00')).toEqual({ ok: true, ms: Date.UTC(2025, 4, 1) });
    expect(parseRevokedAt('2025-05-01T00:00:00-23:59')).toMatchObject({ ok: true });
    expect(parseRevokedAt(1746057600000)).toEqual({ ok: true, ms: 1746057600000 });
    expect(parseRevokedAt('9999-12-31T23:59:59Z')).toMatchObject({ ok: true });
  });
});
