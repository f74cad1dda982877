// `ccmkit chain build` / `chain verify` through the real binary, judged by
// OpenSSL: random PKIs made by openssl at test time (depth 1-4, RSA and EC,
// shuffled, with distractors); every chain ccmkit builds must pass
// `openssl verify -CAfile root -untrusted intermediates`, and when ccmkit says
// a bag is incomplete, openssl must fail on it too.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ccmkit, openssl, run, tempDir } from '../helpers/run.js';

const tmp = tempDir('ccmkit-chain-');
afterAll(() => tmp.cleanup());

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g;
const pems = (text: string): string[] => (text.match(PEM_RE) ?? []).map((p) => (p.endsWith('\n') ? p : p + '\n'));

interface Made {
  dir: string;
  root: string;
  intermediates: string[]; // issuer of the leaf first
  leaf: string;
  distractor: string;
  unrelated: string;
}

let counter = 0;
function makePki(depth: number, alg: 'RSA' | 'EC', seed: number): Made {
  const dir = join(tmp.dir, `pki${++counter}`);
  run('mkdir', ['-p', dir]);
  const f = (n: string): string => join(dir, n);
  const genKey = (name: string): string => {
    const args = alg === 'RSA' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    openssl(['genpkey', ...args, '-out', f(`${name}.key`)]);
    return f(`${name}.key`);
  };
  const caExt = f('ca.ext');
  writeFileSync(caExt, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const leafExt = f('leaf.ext');
  writeFileSync(leafExt, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:www.pki' + seed + '.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const selfSigned = (name: string, cn: string): string => {
    openssl(['req', '-x509', '-new', '-key', genKey(name), '-subj', `/O=ccmkit interop/CN=${cn}`, '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f(`${name}.pem`)]);
    return f(`${name}.pem`);
  };
  const signed = (name: string, cn: string, parent: string, ext: string, days: number): string => {
    openssl(['req', '-new', '-key', genKey(name), '-subj', `/O=ccmkit interop/CN=${cn}`, '-out', f(`${name}.csr`)]);
    openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${parent}.pem`), '-CAkey', f(`${parent}.key`), '-set_serial', String(1000 + counter * 10 + name.length), '-days', String(days), '-extfile', ext, '-out', f(`${name}.pem`)]);
    return f(`${name}.pem`);
  };
  const root = selfSigned('root', `Root ${seed}`);
  let parent = 'root';
  const inters: string[] = [];
  for (let i = 1; i < depth; i++) {
    inters.unshift(signed(`int${i}`, `Intermediate ${seed}.${i}`, parent, caExt, 2000));
    parent = `int${i}`;
  }
  const leaf = signed('leaf', `www.pki${seed}.test`, parent, leafExt, 365);
  // Distractor: the name of the leaf's issuer, another key, signed by the root.
  const issuerCn = depth > 1 ? `Intermediate ${seed}.${depth - 1}` : `Root ${seed}`;
  const distractor = signed('distractor', issuerCn, 'root', caExt, 2000);
  const unrelated = selfSigned('unrelated', `Unrelated ${seed}`);
  const read = (p: string): string => readFileSync(p, 'utf8');
  return { dir, root: read(root), intermediates: inters.map(read), leaf: read(leaf), distractor: read(distractor), unrelated: read(unrelated) };
}

function shuffled<T>(a: T[], seed: number): T[] {
  const out = a.slice();
  let s = seed * 7919 + 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 48271) % 2147483647;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function opensslVerify(dir: string, root: string, inters: string[], leaf: string): { ok: boolean; out: string } {
  writeFileSync(join(dir, 'v-root.pem'), root);
  writeFileSync(join(dir, 'v-inters.pem'), inters.join('') || '\n');
  writeFileSync(join(dir, 'v-leaf.pem'), leaf);
  const args = ['verify', '-CAfile', join(dir, 'v-root.pem')];
  if (inters.length) args.push('-untrusted', join(dir, 'v-inters.pem'));
  const r = run('openssl', [...args, join(dir, 'v-leaf.pem')]);
  return { ok: r.code === 0 && /: OK/.test(r.stdout), out: r.stdout + r.stderr };
}

const PLANS: { depth: number; alg: 'RSA' | 'EC' }[] = [
  { depth: 1, alg: 'EC' },
  { depth: 2, alg: 'RSA' },
  { depth: 3, alg: 'EC' },
  { depth: 4, alg: 'EC' },
  { depth: 3, alg: 'RSA' },
  { depth: 4, alg: 'RSA' },
];

describe('chain build vs openssl verify (random PKIs made by openssl)', () => {
  PLANS.forEach(({ depth, alg }, n) => {
    it(`depth ${depth} ${alg}: the built chain passes openssl verify; a gap fails both`, () => {
      const pki = makePki(depth, alg, n);
      const bag = shuffled([pki.leaf, pki.root, ...pki.intermediates, pki.distractor, pki.unrelated, pki.leaf], n + 1);
      const bagFile = join(pki.dir, 'bag.pem');
      // Garbage between the blocks, as pasted from mail or a web page.
      writeFileSync(bagFile, bag.map((p, i) => `junk line ${i}\n${p}`).join('\n'));
      const r = ccmkit(['chain', 'build', bagFile]);
      expect(r.code, r.stderr).toBe(0);
      const out = pems(r.stdout);
      expect(out).toEqual([pki.leaf, ...pki.intermediates, pki.root]);
      const v = opensslVerify(pki.dir, out.at(-1)!, out.slice(1, -1), out[0]!);
      expect(v.ok, v.out).toBe(true);

      // With --roots, the same chain ends in a trusted anchor; with another root, it is incomplete.
      const rootFile = join(pki.dir, 'trusted-root.pem');
      writeFileSync(rootFile, pki.root);
      const t = JSON.parse(ccmkit(['chain', 'build', '--json', '--roots', rootFile, bagFile]).stdout) as { chains: { anchor: string; best: boolean }[]; unused: { subject: string }[] };
      expect(t.chains.filter((c) => c.best).map((c) => c.anchor)).toEqual(['trusted']);
      expect(t.unused.map((u) => u.subject).sort()).toEqual([`O=ccmkit interop, CN=${depth > 1 ? `Intermediate ${n}.${depth - 1}` : `Root ${n}`}`, `O=ccmkit interop, CN=Unrelated ${n}`]);
      const otherRoot = join(pki.dir, 'other-root.pem');
      writeFileSync(otherRoot, pki.unrelated);
      expect(ccmkit(['chain', 'build', '--roots', otherRoot, bagFile]).code).toBe(1);

      // --no-root and --format ccm
      const nr = ccmkit(['chain', 'build', '--no-root', '--format', 'ccm', bagFile]);
      expect(nr.code).toBe(0);
      const body = JSON.parse(nr.stdout) as { certificate: string; certificate_chain: string };
      expect(body.certificate).toBe(pki.leaf);
      expect(pems(body.certificate_chain)).toEqual(depth === 1 ? [] : pki.intermediates);
      // A CCM body (JSON, escaped newlines) reads back as input: with the root it is complete, without it the root is named.
      const full = ccmkit(['chain', 'build', '--format', 'ccm', bagFile]).stdout;
      const back = ccmkit(['chain', 'build', '-'], { input: full });
      expect(back.code).toBe(0);
      expect(pems(back.stdout)).toEqual([pki.leaf, ...pki.intermediates, pki.root]);
      const noRoot = JSON.parse(ccmkit(['chain', 'build', '--json', '-'], { input: nr.stdout }).stdout) as { missing_issuers: { issuer: string }[] };
      expect(noRoot.missing_issuers.map((m) => m.issuer)).toEqual([`O=ccmkit interop, CN=Root ${n}`]);

      if (depth >= 2) {
        // Drop the intermediate above the leaf: incomplete for ccmkit and for openssl.
        const gap = bag.filter((p) => p !== pki.intermediates[0]);
        writeFileSync(bagFile, gap.join(''));
        const g = ccmkit(['chain', 'build', '--json', bagFile]);
        expect(g.code).toBe(1);
        const rep = JSON.parse(g.stdout) as { missing_issuers: { issuer: string; authority_key_id: string }[]; chains: { complete: boolean }[] };
        expect(rep.chains[0]!.complete).toBe(false);
        expect(rep.missing_issuers.map((m) => m.issuer)).toEqual([`O=ccmkit interop, CN=Intermediate ${n}.${depth - 1}`]);
        expect(rep.missing_issuers[0]!.authority_key_id).toMatch(/^[0-9a-f]{40}$/);
        const others = gap.filter((p) => p !== pki.root && p !== pki.leaf);
        expect(opensslVerify(pki.dir, pki.root, others, pki.leaf).ok).toBe(false);
      }
    });
  });
});

describe('chain verify', () => {
  const pki = makePki(3, 'EC', 42);
  const w = (name: string, text: string): string => {
    const p = join(pki.dir, name);
    writeFileSync(p, text);
    return p;
  };
  const root = w('root-only.pem', pki.root);
  const inters = w('inters.pem', pki.intermediates.join(''));
  const leaf = w('leaf-only.pem', pki.leaf);

  it('agrees with openssl verify -verify_hostname', () => {
    for (const host of ['www.pki42.test', 'other.pki42.test']) {
      const r = ccmkit(['chain', 'verify', leaf, '--roots', root, '--untrusted', inters, '--hostname', host, '--json']);
      const o = run('openssl', ['verify', '-CAfile', root, '-untrusted', inters, '-verify_hostname', host, leaf]);
      const rep = JSON.parse(r.stdout) as { valid: boolean; reason: string | null; anchor: string; chain: unknown[] };
      expect(rep.valid).toBe(o.code === 0);
      expect(r.code).toBe(o.code === 0 ? 0 : 1);
      if (rep.valid) {
        expect(rep.anchor).toBe('trusted');
        expect(rep.chain).toHaveLength(4);
      } else expect(rep.reason).toMatch(/no DNS SAN matches other\.pki42\.test/);
    }
  });

  it('takes the intermediates from the LEAF file too (fullchain.pem)', () => {
    const full = w('fullchain.pem', pki.leaf + pki.intermediates.join(''));
    const r = ccmkit(['chain', 'verify', full, '--roots', root, '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { chain: unknown[] }).chain).toHaveLength(4);
  });

  it('fails without the intermediates, and after expiry, with the reason', () => {
    const r = ccmkit(['chain', 'verify', leaf, '--roots', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INVALID: issuer "O=ccmkit interop, CN=Intermediate 42.2"/);
    const late = ccmkit(['chain', 'verify', leaf, '--roots', root, '--untrusted', inters, '--at', '2099-01-01T00:00:00Z']);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/INVALID: expired at/);
    const deep = ccmkit(['chain', 'verify', leaf, '--roots', root, '--untrusted', inters, '--max-depth', '1']);
    expect(deep.code).toBe(1);
    expect(deep.stdout).toMatch(/more than 1 intermediates/);
  });

  it('usage errors exit 2; a missing file exits 1 (CCMKIT.0002, 400)', () => {
    expect(ccmkit(['chain', 'verify', leaf]).code).toBe(2);
    expect(ccmkit(['chain', 'verify', leaf, '--roots', root, '--hostname', 'a', '--ip', '1.2.3.4']).code).toBe(2);
    expect(ccmkit(['chain', 'verify', leaf, '--roots', root, '--max-depth', 'x']).code).toBe(2);
    const nope = ccmkit(['chain', 'verify', leaf, '--roots', join(pki.dir, 'nope.pem')]);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toMatch(/CCMKIT\.0002: .*nope\.pem: no such file/);
    expect(ccmkit(['chain', 'build', leaf, '--format', 'der']).code).toBe(2);
    expect(ccmkit(['chain', 'build']).code).toBe(2);
    const j = ccmkit(['chain', 'build', '--json', join(pki.dir, 'missing.pem')]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ status: 400, error_code: 'CCMKIT.0002' });
  });
});

describe('chain build: bad input', () => {
  const pki = makePki(2, 'EC', 77);
  const w = (name: string, text: string | Buffer): string => {
    const p = join(pki.dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('a corrupt PEM block is reported, the rest still builds, exit 1, no stack trace', () => {
    const f = w('corrupt.pem', pki.leaf + '-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n');
    const g = w('good.pem', pki.intermediates.join('') + pki.root);
    const r = ccmkit(['chain', 'build', '--json', f, g]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as { errors: { error_msg: string }[] };
    expect(rep.errors[0]!.error_msg).toMatch(/corrupt base64/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a structurally broken certificate and a key are reported, not fatal', () => {
    const der = Buffer.from(pki.leaf.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const broken = Buffer.concat([der.subarray(0, 4), der.subarray(4, 120)]); // outer length now lies: truncated
    const bad = `-----BEGIN CERTIFICATE-----\n${broken.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const f = w('mixed.pem', bad + pki.leaf + pki.intermediates.join('') + pki.root + readFileSync(join(pki.dir, 'leaf.key'), 'utf8'));
    const r = ccmkit(['chain', 'build', '--json', f]);
    const rep = JSON.parse(r.stdout) as { chains: { complete: boolean }[]; ignored: { kind: string }[]; errors: { source: string; error_code: string }[] };
    expect(rep.chains).toHaveLength(1);
    expect(rep.chains[0]!.complete).toBe(true);
    expect(rep.ignored.map((i) => i.kind)).toEqual(['private-key']);
    expect(rep.errors.map((e) => [e.source, e.error_code])).toEqual([[`${f}#1`, 'SCM.0031']]);
    expect(r.code).toBe(1);
  });

  it('an oversized (1 MiB+) certificate is refused with a clear error', () => {
    const big = `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(1024 * 1024 + 10, 0x30).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const f = w('big.pem', big + pki.leaf + pki.intermediates.join('') + pki.root);
    const r = ccmkit(['chain', 'build', '--json', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/exceeds the 1048576-byte limit/);
  });

  it('input without any certificate exits 1 with CCMKIT.0004', () => {
    const f = w('nocert.pem', readFileSync(join(pki.dir, 'leaf.key')));
    const r = ccmkit(['chain', 'build', '--json', f]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error_code: 'CCMKIT.0004' });
  });
});
