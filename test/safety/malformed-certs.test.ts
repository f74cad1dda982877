// Issue 10, item 10: a malformed certificate is CCM's SCM.0031 with the same
// message in export, convert and key match as in inspect; "indefinite length
// is not allowed in DER" used to escape export and convert as an internal error.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { issue, keyPem, pem } from '../helpers/pki.js';
import { ccmkit, tempDir, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-malformed-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const leaf = issue({ cn: 'malformed.example' });
const der = leaf.der;
const KEY = f('leaf.key', keyPem(leaf.key));

/** The certificate's DER with one fault each, as the fuzzer found them. */
function variants(): [string, Buffer][] {
  const time = der.indexOf(Buffer.from([0x17, 0x0d]));
  const badTime = Buffer.from(der);
  badTime.write('9X', time + 2, 'latin1');
  const indefinite = Buffer.from(der);
  indefinite[1] = 0x80;
  const oidAt = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03])); // id-at-commonName
  const truncatedOid = Buffer.from(der);
  truncatedOid[oidAt + 4] = 0x83; // last arc gets a continuation bit: the OID is cut short
  return [
    ['bad UTCTime', badTime],
    ['trailing data', Buffer.concat([der, Buffer.from([0])])],
    ['indefinite length', indefinite],
    ['truncated OID', truncatedOid],
    ['not a certificate at all', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])],
  ];
}

describe.each(variants())('%s', (name, bad) => {
  const id = name.replace(/\W+/g, '-');
  const file = f(`${id}.pem`, pem('CERTIFICATE', bad));
  const exportJson = f(`${id}-export.json`, JSON.stringify({ certificate: pem('CERTIFICATE', bad), certificate_chain: '', private_key: keyPem(leaf.key) }));

  it('export, convert and key match answer what inspect answers', () => {
    const ins = ccmkit(['inspect', '--json', file]);
    expect(ins.code).toBe(1);
    const want = JSON.parse(ins.stdout).errors[0];
    expect(want.error_code).toBe('SCM.0031');
    const out = join(tmp.dir, `out-${id}`);
    mkdirSync(out);
    const runs = [
      ['export', '--type', 'IIS', '--certificate', file, '--private-key', KEY, '-o', out, '--json'],
      ['export', '--type', 'NGINX', '--certificate', file, '--private-key', KEY, '-o', out],
      ['convert', file, KEY, '--to', 'scm-import', '--name', 'malformed'],
      ['convert', file, KEY, '--to', 'pem', '-o', join(out, 'pem')],
    ];
    for (const args of runs) {
      const r = ccmkit(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr + r.stdout).not.toMatch(/internal error/);
      if (args.includes('--json')) expect(JSON.parse(r.stdout)).toMatchObject({ error_code: 'SCM.0031', error_msg: want.error_msg });
      else expect(r.stderr).toContain(`SCM.0031: ${want.error_msg}`);
    }
    expect(readdirSync(out)).toEqual([]);
    const km = JSON.parse(ccmkit(['key', 'match', '--json', file, KEY]).stdout);
    expect(km.errors[0]).toMatchObject({ error_code: 'SCM.0031', error_msg: want.error_msg });
  });

  it('export --from-export: SCM.0031, not an internal error', () => {
    const r = ccmkit(['export', '--type', 'APACHE', '--from-export', exportJson, '-o', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SCM\.0031: .*malformed certificate/);
  });
});
