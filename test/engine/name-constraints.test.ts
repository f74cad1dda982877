// Name-constraint matching (src/engine/name-constraints.ts) at the edges the
// generated judge cases do not reach: label boundaries, case, trailing dots,
// wildcards against excluded subtrees, email local parts, URI authorities,
// malformed constraints, and the fail-closed rule for forms ccmkit does not
// evaluate. Constraints are written as raw DER so that malformed ones can be.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/engine/certificate.js';
import { ctx, ctxPrim, seq, tlv } from '../../src/engine/der.js';
import { constrainedNames, parseNameConstraints, violation, type GeneralNameValue } from '../../src/engine/name-constraints.js';
import { issue } from '../helpers/pki.js';

const dnsC = (s: string): Buffer => tlv(ctxPrim(2), Buffer.from(s, 'latin1'));
const emailC = (s: string): Buffer => tlv(ctxPrim(1), Buffer.from(s, 'latin1'));
const uriC = (s: string): Buffer => tlv(ctxPrim(6), Buffer.from(s, 'latin1'));
const ipC = (...b: number[]): Buffer => tlv(ctxPrim(7), Buffer.from(b));
const nc = (permitted: Buffer[], excluded: Buffer[] = []): Buffer =>
  seq(...(permitted.length ? [tlv(ctx(0), ...permitted.map((g) => seq(g)))] : []), ...(excluded.length ? [tlv(ctx(1), ...excluded.map((g) => seq(g)))] : []));

const dns = (value: string): GeneralNameValue => ({ form: 'DNS', value });
const email = (value: string): GeneralNameValue => ({ form: 'EMAIL', value });
const uri = (value: string): GeneralNameValue => ({ form: 'URI', value });
const ip = (...b: number[]): GeneralNameValue => ({ form: 'IP', bytes: Buffer.from(b) });

const ok = (names: GeneralNameValue[], der: Buffer): boolean => violation(names, parseNameConstraints(der)) === undefined;

describe('DNS subtrees', () => {
  const c = nc([dnsC('example.com')]);
  it('match on label boundaries, case-insensitively, ignoring a trailing dot', () => {
    expect(ok([dns('example.com')], c)).toBe(true);
    expect(ok([dns('a.b.EXAMPLE.com.')], c)).toBe(true);
    expect(ok([dns('notexample.com')], c)).toBe(false);
    expect(ok([dns('example.com.evil.org')], c)).toBe(false);
  });
  it('an empty DNS constraint permits every DNS name', () => {
    expect(ok([dns('anything.test')], nc([dnsC('')]))).toBe(true);
  });
  it('a wildcard SAN is caught by an excluded subtree one label below its base, not deeper', () => {
    expect(ok([dns('*.example.com')], nc([], [dnsC('bar.example.com')]))).toBe(false);
    expect(ok([dns('*.example.com')], nc([], [dnsC('a.bar.example.com')]))).toBe(true);
    expect(ok([dns('*.example.com')], nc([dnsC('foo.example.com')]))).toBe(false);
  });
  it('a malformed DNS name under a DNS constraint fails closed', () => {
    expect(violation([dns('.example.com')], parseNameConstraints(c))).toMatch(/is not a host name/);
    expect(violation([dns('foo_bar.example.com')], parseNameConstraints(c))).toMatch(/is not a host name/);
  });
});

describe('IP, email and URI subtrees', () => {
  it('IP: prefix masks only; an address of another family is outside', () => {
    const c = nc([ipC(192, 0, 2, 0, 255, 255, 255, 0)]);
    expect(ok([ip(192, 0, 2, 77)], c)).toBe(true);
    expect(ok([ip(192, 0, 3, 1)], c)).toBe(false);
    expect(ok([ip(...new Array<number>(16).fill(0))], c)).toBe(false);
    expect(parseNameConstraints(nc([ipC(10, 0, 0, 0, 255, 0, 255, 0)])).malformed).toMatch(/not a contiguous prefix/);
    expect(parseNameConstraints(nc([ipC(10, 0, 0, 1)])).malformed).toMatch(/4 octets/);
  });
  it('email: a mailbox is exact with a case-sensitive local part; a host is exact; .domain is below it', () => {
    expect(ok([email('Alice@Example.com')], nc([emailC('Alice@example.com')]))).toBe(true);
    expect(ok([email('alice@example.com')], nc([emailC('Alice@example.com')]))).toBe(false);
    expect(ok([email('a@example.com')], nc([emailC('example.com')]))).toBe(true);
    expect(ok([email('a@mail.example.com')], nc([emailC('example.com')]))).toBe(false);
    expect(ok([email('a@mail.example.com')], nc([emailC('.example.com')]))).toBe(true);
    expect(ok([email('a@example.com')], nc([emailC('.example.com')]))).toBe(false);
    expect(parseNameConstraints(nc([emailC('a@b@example.com')])).malformed).toMatch(/more than one "@"/);
  });
  it('URI: by host, past userinfo and port; a URI without a host fails closed', () => {
    const c = nc([uriC('.example.com')]);
    expect(ok([uri('https://user@api.example.com:8443/x?y')], c)).toBe(true);
    expect(ok([uri('https://example.com/')], c)).toBe(false);
    expect(violation([uri('urn:isbn:123')], parseNameConstraints(c))).toMatch(/has no host/);
  });
});

describe('the extension itself', () => {
  it('minimum other than 0, a maximum, or no subtrees at all are malformed', () => {
    expect(parseNameConstraints(seq(tlv(ctx(0), seq(dnsC('a.com'), tlv(ctxPrim(0), Buffer.from([1])))))).malformed).toMatch(/minimum/);
    expect(parseNameConstraints(seq(tlv(ctx(0), seq(dnsC('a.com'), tlv(ctxPrim(1), Buffer.from([3])))))).malformed).toMatch(/maximum/);
    expect(parseNameConstraints(seq()).malformed).toMatch(/neither/);
    expect(parseNameConstraints(Buffer.from([0x30, 0x05, 0x01])).malformed).toMatch(/malformed nameConstraints/);
  });
  it('a constraint on a form ccmkit does not evaluate is ignored without such names, refused with one', () => {
    const other = tlv(ctx(0), Buffer.from('06032a0304a0020500', 'hex'));
    const c = nc([dnsC('example.com')], [other]);
    expect(ok([dns('www.example.com')], c)).toBe(true);
    expect(violation([dns('www.example.com'), { form: 'OTHER', tag: 'otherName 1.2.3.4' }], parseNameConstraints(c))).toMatch(/constrains otherName names, which ccmkit does not evaluate/);
  });
});

describe('the names a certificate presents', () => {
  it('subject as a directoryName, every SAN, and the subject emailAddress only when there is no SAN', () => {
    const withSan = parseCertificate(issue({ cn: 'www.example.com', sans: [{ type: 'DNS', value: 'www.example.com' }, { type: 'EMAIL', value: 'a@example.com' }] }).der);
    const names = constrainedNames(withSan) as GeneralNameValue[];
    expect(names.map((n) => n.form)).toEqual(['DIRNAME', 'DNS', 'EMAIL']);
  });
});

describe('hostile bytes', () => {
  it('any byte string as nameConstraints or SAN values is a finding, never an exception', () => {
    const good = nc([dnsC('example.com'), ipC(10, 0, 0, 0, 255, 0, 0, 0), emailC('.example.com'), uriC('host.example.com')], [dnsC('bad.example.com')]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: good.length - 1 }), fc.nat({ max: 255 }), (bytes, at, b) => {
        const mutated = Buffer.from(good);
        mutated[at] = b;
        for (const der of [Buffer.from(bytes), mutated]) {
          const parsed = parseNameConstraints(der);
          const names: GeneralNameValue[] = [dns(Buffer.from(bytes).toString('latin1')), ip(...bytes.slice(0, 16)), email(Buffer.from(bytes).toString('latin1')), uri(Buffer.from(bytes).toString('latin1'))];
          const v = violation(names, parsed);
          expect(v === undefined || typeof v === 'string').toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
