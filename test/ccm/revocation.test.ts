// CCM revocation vocabulary and the revoked-list reader (CSV/JSON, fast and slow paths).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CCM_REVOCATION_REASONS,
  JsonArrayScanner,
  parseReason,
  parseRevokedAt,
  parseRevokedFile,
  parseSerial,
  reasonCodeFor,
  reasonName,
  type CcmRevocationReason,
} from '../../src/ccm/revocation.js';
import { rule } from '../../src/ccm/rules.js';
import { NO_REASON, type RevokedList } from '../../src/engine/crl.js';

const AT = new Date('2025-06-01T00:00:00Z');
const read = (text: string | Buffer | Buffer[], at = AT) => parseRevokedFile(typeof text === 'string' ? Buffer.from(text) : text, { at, source: 'r' });
const rows = (l: RevokedList): [string, string, number][] =>
  Array.from({ length: l.count }, (_, i) => [l.serials.subarray(l.offsets[i]!, l.offsets[i + 1]!).toString('hex'), new Date(l.times[i]!).toISOString(), l.reasons[i]!]);

describe('CCM revocation reasons', () => {
  it('maps every CCM reason to its RFC 5280 code, UNSPECIFIED to no extension, and back', () => {
    expect(CCM_REVOCATION_REASONS).toEqual({
      UNSPECIFIED: 0,
      KEY_COMPROMISE: 1,
      CERTIFICATE_AUTHORITY_COMPROMISE: 2,
      AFFILIATION_CHANGED: 3,
      SUPERSEDED: 4,
      CESSATION_OF_OPERATION: 5,
      CERTIFICATE_HOLD: 6,
      PRIVILEGE_WITHDRAWN: 9,
      ATTRIBUTE_AUTHORITY_COMPROMISE: 10,
    });
    expect(reasonCodeFor('UNSPECIFIED')).toBe(NO_REASON);
    for (const [name, code] of Object.entries(CCM_REVOCATION_REASONS)) {
      if (code) expect(reasonCodeFor(name as CcmRevocationReason)).toBe(code);
      expect(reasonName(code)).toBe(name);
    }
    expect(reasonName(undefined)).toBe('UNSPECIFIED');
    expect(reasonName(8)).toBe('REMOVE_FROM_CRL');
    expect(reasonName(7)).toBe('UNKNOWN(7)');
    expect(rule('pca-crl.revoked.reason').seed).toMatch(/4\.2\.2\.9.*4\.2\.1\.13/);
  });
});

describe('serials and dates', () => {
  it('reads serials as openssl prints them and refuses zero, negative and over-20-octet ones', () => {
    const ok = (s: string): string => {
      const r = parseSerial(s);
      if (!r.ok) throw new Error(r.problem);
      return r.content.toString('hex');
    };
    expect(ok('0A:1b')).toBe('0a1b');
    expect(ok('00FF')).toBe('00ff'); // sign octet added for the high bit
    expect(ok('7f')).toBe('7f');
    expect(ok('7F'.padEnd(40, 'F'))).toHaveLength(40);
    const bad = (s: string): string => {
      const r = parseSerial(s);
      return r.ok ? 'accepted' : r.problem;
    };
    expect(bad('00:00')).toMatch(/zero/);
    expect(bad('-1A')).toMatch(/negative/);
    expect(bad('80'.padEnd(40, '0'))).toMatch(/21 octets/);
    expect(bad('01'.repeat(21))).toMatch(/21 octets/);
    expect(bad('01'.repeat(22))).toMatch(/longer than 20 octets/);
    expect(bad('0x12')).toMatch(/not hexadecimal/);
    expect(bad('')).toMatch(/not hexadecimal/);
  });

  it('reads ISO 8601 with a zone and epoch milliseconds, to whole seconds', () => {
    const ms = (v: unknown): number | string => {
      const r = parseRevokedAt(v);
      return r.ok ? r.ms : r.problem;
    };
    expect(ms('2025-05-01T10:00:00Z')).toBe(Date.UTC(2025, 4, 1, 10));
    expect(ms('2025-05-01T12:00:00+02:00')).toBe(Date.UTC(2025, 4, 1, 10));
    expect(ms('2025-05-01T10:00:00.999Z')).toBe(Date.UTC(2025, 4, 1, 10));
    expect(ms(1746093600123)).toBe(Date.UTC(2025, 4, 1, 10));
    expect(ms('1746093600000')).toBe(Date.UTC(2025, 4, 1, 10));
    expect(ms('2025-05-01T10:00:00')).toMatch(/time zone/);
    expect(ms('2025-02-30T10:00:00Z')).toMatch(/not a real date/);
    expect(ms(-5)).toMatch(/out of range/);
    expect(ms(1.5)).toMatch(/whole milliseconds/);
    expect(ms(undefined)).toMatch(/missing/);
  });
});

describe('revoked list', () => {
  const CSV = [
    'serial,revoked_at,reason',
    '# a comment',
    '0A:1B,2025-05-01T00:00:00Z,KEY_COMPROMISE',
    '0fff,1746057600000,',
    '80,2025-05-02T00:00:00+02:00,CERTIFICATE_HOLD',
    ' "12" , 2025-05-03T00:00:00Z , SUPERSEDED ',
    '13,2025-05-04T00:00:00Z',
  ].join('\r\n');
  const EXPECTED: [string, string, number][] = [
    ['0a1b', '2025-05-01T00:00:00.000Z', 1],
    ['0fff', '2025-05-01T00:00:00.000Z', NO_REASON],
    ['0080', '2025-05-01T22:00:00.000Z', 6],
    ['12', '2025-05-03T00:00:00.000Z', 4],
    ['13', '2025-05-04T00:00:00.000Z', NO_REASON],
  ];

  it('reads CSV (header, comments, CRLF, quotes, empty or absent reason)', () => {
    const r = read(CSV);
    expect(r.findings).toEqual([]);
    expect(rows(r.list)).toEqual(EXPECTED);
  });

  it('reads the same list from JSON', () => {
    const json = JSON.stringify([
      { serial_number: '0A:1B', revoked_at: '2025-05-01T00:00:00Z', reason: 'KEY_COMPROMISE' },
      { serial_number: '0fff', revoked_at: 1746057600000 },
      { serial_number: '80', revoked_at: '2025-05-02T00:00:00+02:00', reason: 'CERTIFICATE_HOLD' },
      { serial_number: '12', revoked_at: '2025-05-03T00:00:00Z', reason: 'SUPERSEDED' },
      { serial_number: '13', revoked_at: '2025-05-04T00:00:00Z', reason: 'UNSPECIFIED' },
    ]);
    const r = read(json);
    expect(r.findings).toEqual([]);
    expect(rows(r.list)).toEqual(EXPECTED);
  });

  it('gives one finding per bad row, with CCM codes, and lists nothing bad', () => {
    const text = [
      '01,2025-05-01T00:00:00Z,removeFromCRL',
      '00,2025-05-01T00:00:00Z,',
      '-05,2025-05-01T00:00:00Z,',
      `${'FF'.repeat(20)},2025-05-01T00:00:00Z,`,
      '10,2025-05-01,',
      '11,2026-05-01T00:00:00Z,',
      '12,2025-05-01T00:00:00Z,KEY_COMPROMISE',
      '0012,2025-05-01T00:00:00Z,SUPERSEDED',
      '14,2025-05-01T00:00:00Z,NOT_A_REASON',
      '15,2025-05-01T00:00:00Z,A,B',
    ].join('\n');
    const r = read(text);
    const msgs = r.findings.map((f) => `${f.code} ${f.message}`);
    expect(msgs).toHaveLength(9);
    expect(r.findings.every((f) => f.code === 'PCA.00020001' && f.severity === 'error')).toBe(true);
    expect(msgs[0]).toMatch(/line 1: unknown reason "removeFromCRL" \(removeFromCRL is written only in delta CRLs/);
    expect(msgs[1]).toMatch(/line 2: serial "00" is zero/);
    expect(msgs[2]).toMatch(/line 3: serial "-05" is negative/);
    expect(msgs[3]).toMatch(/line 4: .*21 octets/);
    expect(msgs[4]).toMatch(/line 5: .*time zone/);
    expect(msgs[5]).toMatch(/line 6: revoked_at 2026-05-01T00:00:00Z is after the CRL's thisUpdate/);
    expect(msgs[6]).toMatch(/line 9: unknown reason "NOT_A_REASON"/);
    expect(msgs[7]).toMatch(/line 10: expected serial,revoked_at,reason but found 4/);
    expect(msgs[8]).toMatch(/serial 12 is listed twice \(line 7 and line 8\)/);
    expect(r.badRows).toBe(9);
  });

  it('takes reasons in any case and openssl\'s names (keyCompromise, CACompromise, AACompromise), stored as CCM\'s', () => {
    const text = [
      '01,2025-05-01T00:00:00Z,keyCompromise',
      '02,2025-05-01T00:00:00Z,CACompromise',
      '03,2025-05-01T00:00:00Z,affiliationChanged',
      '04,2025-05-01T00:00:00Z,key_compromise',
      '05,2025-05-01T00:00:00Z,cessation-of-operation',
      '06,2025-05-01T00:00:00Z,certificateHold',
      '07,2025-05-01T00:00:00Z,AACompromise',
      '08,2025-05-01T00:00:00Z,privilegeWithdrawn',
      '09,2025-05-01T00:00:00Z,unspecified',
    ].join('\n');
    const r = read(text);
    expect(r.findings).toEqual([]);
    expect(rows(r.list).map((x) => x[2])).toEqual([1, 2, 3, 1, 5, 6, 10, 9, 255]);
    expect(parseReason('KeyCompromise')).toBe('KEY_COMPROMISE');
    expect(parseReason('removeFromCRL')).toBeUndefined();
    expect(parseReason('lost it')).toBeUndefined();
  });

  it('caps findings for huge bad lists and says how many more', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i + 1},2025-05-01T00:00:00Z,BAD`).join('\n');
    const r = read(text);
    expect(r.findings).toHaveLength(21);
    expect(r.findings[20]!.message).toMatch(/and 4980 more bad entries/);
    expect(r.list.count).toBe(0);
  });

  it('refuses JSON that is not an array of objects', () => {
    expect(read('{"serial_number":"01"}').findings[0]!.message).toMatch(/JSON must be an array/);
    expect(read('[1, {"serial_number": 5}]').findings.map((f) => f.message).join()).toMatch(/\[0\]: not an object.*\[1\]: serial_number is missing/);
    expect(read('[{"serial_number":').findings[0]!.message).toMatch(/not valid JSON/);
  });

  it('fuzz: splitting the input into chunks anywhere gives the same list as reading it whole', () => {
    const whole = rows(read(CSV).list);
    fc.assert(
      fc.property(fc.array(fc.nat(CSV.length), { maxLength: 8 }), (cuts) => {
        const b = Buffer.from(CSV);
        const points = [...new Set([0, ...cuts, b.length])].sort((x, y) => x - y);
        const chunks = points.slice(1).map((p, i) => b.subarray(points[i]!, p));
        expect(rows(read(chunks).list)).toEqual(whole);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('fuzz: any text gives a list and findings, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const r = read(s);
        expect(r.list.count + r.badRows).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000, seed: 12 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:'), maxLength: 44 }), fc.oneof(fc.integer(), fc.string({ maxLength: 25 })), fc.constantFrom('', 'KEY_COMPROMISE', 'X', 'SUPERSEDED')), { maxLength: 30 }), (rs) => {
        const csv = rs.map(([s, d, r]) => `${s},${d},${r}`).join('\n');
        const r = read(csv);
        // Every row is either listed or reported.
        expect(r.list.count + r.badRows).toBe(rs.length);
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it('streams JSON: any array split anywhere gives the elements JSON.parse gives; broken JSON is refused', () => {
    const scan = (chunks: Buffer[]): { values: unknown[]; error?: string } => {
      const values: unknown[] = [];
      const sc = new JsonArrayScanner((v) => values.push(v));
      for (const c of chunks) sc.push(c);
      sc.end();
      return sc.error ? { values, error: sc.error } : { values };
    };
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.array(fc.nat(400), { maxLength: 6 }), fc.boolean(), (arr, cuts, pretty) => {
        const b = Buffer.from(JSON.stringify(arr, null, pretty ? 2 : undefined));
        const points = [...new Set([0, ...cuts.filter((c) => c < b.length), b.length])].sort((x, y) => x - y);
        const r = scan(points.slice(1).map((p, i) => b.subarray(points[i]!, p)));
        expect(r.error).toBeUndefined();
        expect(r.values).toEqual(JSON.parse(b.toString()));
      }),
      { numRuns: 500, seed: 14 },
    );
    expect(scan([Buffer.from('[{"a":"],{\\"}"}, 2]')]).values).toEqual([{ a: '],{"}' }, 2]);
    expect(scan([Buffer.from('[1,]')]).error).toMatch(/empty element \[1\]/);
    expect(scan([Buffer.from('[1] x')]).error).toMatch(/data after the closing/);
    expect(scan([Buffer.from('[1, 2')]).error).toMatch(/not closed/);
    expect(scan([Buffer.from('[}')]).error).toMatch(/unbalanced/);
    expect(scan([Buffer.from('[' + JSON.stringify({ x: 'a'.repeat(70000) }) + ']')]).error).toMatch(/larger than 65536 bytes/);
    expect(scan([Buffer.from('[ ]')])).toEqual({ values: [] });
    expect(scan([Buffer.from('\uFEFF[3]')]).values).toEqual([3]);
  });
});

