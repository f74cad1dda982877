// Writes the reproducible part of test/fuzz/corpus: the inputs behind the
// crashes of issue 10, each minimised to the smallest input that crashed main
// (35b07d7). Inputs the CLI fuzzer finds are added by hand (copied from the
// path its failure message prints) and listed in corpus.json.
// Run: npx tsx test/fuzz/make-corpus.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../../src/engine/pem.js';
import { issue, key } from '../helpers/pki.js';

const DIR = join(import.meta.dirname, 'corpus');
const w = (name: string, data: string | Buffer): void => writeFileSync(join(DIR, name), data);

// A throwaway certificate (its key is not kept), valid REF-1y .. REF+10y: only its bytes matter.
const der = issue({ cn: 'corpus.example', key: key('EC256') }).der;

// Item 10: malformed certificates crashed export and convert ("indefinite length is not allowed in DER").
const time = der.indexOf(Buffer.from([0x17, 0x0d]));
const badTime = Buffer.from(der);
badTime.write('9X', time + 2, 'latin1');
const indefinite = Buffer.from(der);
indefinite[1] = 0x80;
const oidAt = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]));
const truncatedOid = Buffer.from(der);
truncatedOid[oidAt + 4] = 0x83;
w('cert-bad-utctime.pem', toPem('CERTIFICATE', badTime));
w('cert-trailing-data.pem', toPem('CERTIFICATE', Buffer.concat([der, Buffer.from([0])])));
w('cert-indefinite-length.pem', toPem('CERTIFICATE', indefinite));
w('cert-truncated-oid.pem', toPem('CERTIFICATE', truncatedOid));
w('cert-five-bytes.pem', toPem('CERTIFICATE', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])));
w('export-body-indefinite-cert.json', JSON.stringify({ certificate: toPem('CERTIFICATE', indefinite), certificate_chain: '' }));

// Item 9: 20,000 levels of JSON nesting ("Maximum call stack size exceeded" in 12 commands).
const D = 20_000;
const deepArray = '['.repeat(D) + '"-----BEGIN CERTIFICATE-----"' + ']'.repeat(D);
w('json-deep-array.json', deepArray);
w('json-deep-body.json', `{"name":"deep_body","certificate":${JSON.stringify(deepArray)}}`);

// Item 11: revoked_at out of range ("Invalid time value") and an offset of +99:99.
w('revoked-at-16-digits.csv', '0A,9999999999999999,KEY_COMPROMISE\n');
w('revoked-at-1e300.json', '[{"serial_number":"0A","revoked_at":1e300}]');
w('revoked-at-9e15.json', '[{"serial_number":"0A","revoked_at":9e15}]');
w('revoked-at-offset-99.csv', '0A,2025-05-01T00:00:00+99:99,\n');
