// Issue 10, item 2: `validate scm-import --fix` picks the leaf by its key (by
// chain position when there is no key), whatever order fullchain.pem has, and
// never writes a body CCM would like less than its input.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixScmImport, validateScmImport } from '../../src/ccm/scm-import.js';
import { chain, keyPem, pem, REF } from '../helpers/pki.js';
import { ccmkit, tempDir, scratchFile } from '../helpers/run.js';

const tmp = tempDir('ccmkit-fix-');
afterAll(tmp.cleanup);
const f = scratchFile(tmp.dir);
const AT = REF.toISOString();
const c = chain(3, 'EC256', 'fix.example.com');
const [i1, i2] = c.intermediates;
const P = (d: Buffer): string => pem('CERTIFICATE', d);
const ORDERS: [string, Buffer[]][] = [
  ['root first', [c.root.der, i2!.der, i1!.der, c.leaf.der]],
  ['intermediate first', [i1!.der, c.leaf.der, i2!.der, c.root.der]],
  ['leaf last, shuffled chain', [i2!.der, c.root.der, i1!.der, c.leaf.der]],
];

describe.each(ORDERS)('fullchain.pem %s in certificate', (name, order) => {
  const body = { name: 'fix_test', certificate: order.map(P).join(''), private_key: keyPem(c.leaf.key) };

  it('--fix writes a body whose certificate is the leaf and whose chain is ordered; it validates', () => {
    const file = f(`${name}.json`, JSON.stringify(body));
    const out = join(tmp.dir, `${name}-fixed.json`);
    const r = ccmkit(['validate', 'scm-import', '--json', '--at', AT, file, '--fix', '-o', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
    const fixed = JSON.parse(readFileSync(out, 'utf8'));
    expect(fixed.certificate).toBe(P(c.leaf.der));
    expect(fixed.certificate_chain).toBe(P(i1!.der) + P(i2!.der) + P(c.root.der));
  });

  it('without a usable key, the leaf is the certificate that issued no other', () => {
    const fixed = fixScmImport({ ...body, private_key: '' }, { at: REF })!;
    expect(fixed.body.certificate).toBe(P(c.leaf.der));
    expect(fixed.worse).toBeUndefined();
  });
});

describe('never worse than the input', () => {
  it('a valid body is written back unchanged in substance', () => {
    const body = { name: 'fix_test', certificate: P(c.leaf.der), certificate_chain: P(i1!.der) + P(i2!.der), private_key: keyPem(c.leaf.key) };
    const fixed = fixScmImport(body, { at: REF })!;
    expect(fixed.worse).toBeUndefined();
    expect(validateScmImport(fixed.body, { at: REF }).valid).toBe(true);
  });

  it('a key that matches none of the certificates: no new error appears', () => {
    const other = chain(1, 'EC256', 'other.example.com');
    const body = { name: 'fix_test', certificate: [c.root.der, c.leaf.der].map(P).join(''), private_key: keyPem(other.leaf.key) };
    const fixed = fixScmImport(body, { at: REF })!;
    const errs = (b: unknown): string[] => validateScmImport(b, { at: REF }).findings.filter((x) => x.severity === 'error').map((x) => x.code);
    expect(fixed.worse).toBeUndefined();
    expect(errs(fixed.body).every((e) => errs(body).includes(e))).toBe(true);
  });

  it('the CLI writes nothing when the corrected body would be refused for a new reason', () => {
    // The key is the root's: "the certificate holding the key" is the root, a CA whose CN is no domain
    // (SCM.0070), a reason the input (leaf first, SCM.0014) was not refused for. Nothing is written.
    const body = { name: 'fix_test', certificate: P(c.leaf.der) + P(c.root.der), private_key: keyPem(c.root.key) };
    expect(fixScmImport(body, { at: REF })!.worse).toMatch(/SCM\.0070/);
    const file = f('root-key.json', JSON.stringify(body));
    const out = join(tmp.dir, 'root-key-fixed.json');
    const r = ccmkit(['validate', 'scm-import', '--json', '--at', AT, file, '--fix', '-o', out]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toContain('Nothing written');
  });
});
