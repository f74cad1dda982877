// The CLI fuzzer's runner: ccmkit's own dispatcher (dist/cli/main.js, exactly
// what bin/ccmkit runs) called for many argument lists in one process, so the
// fuzzer spends its budget on inputs rather than on Node start-up (~100 ms a
// run). One JSON request per line on stdin, {"id","argv"}; one JSON answer per
// line on stdout, {"id","code","stdout","stderr"}, with the command's output
// captured. An exception that escapes main() or an unhandled rejection is
// reported as code "threw" with its stack: exactly what the fuzzer hunts.
import { createInterface } from 'node:readline';
import { main } from '../../dist/cli/main.js';

const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
let current;
const answer = (o) => realOut(JSON.stringify(o) + '\n');
const crash = (e) => {
  answer({ id: current?.id ?? null, code: 'threw', stdout: '', stderr: String(e?.stack ?? e) });
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const text = (chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
const LIMIT = 64 * 1024;

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  current = JSON.parse(line);
  let out = '';
  let err = '';
  process.stdout.write = (chunk, ...rest) => {
    if (out.length < LIMIT) out += text(chunk);
    const cb = rest.find((r) => typeof r === 'function');
    if (cb) cb();
    return true;
  };
  process.stderr.write = (chunk, ...rest) => {
    if (err.length < LIMIT) err += text(chunk);
    const cb = rest.find((r) => typeof r === 'function');
    if (cb) cb();
    return true;
  };
  let code;
  try {
    code = await main(current.argv);
  } catch (e) {
    code = 'threw';
    err += String(e?.stack ?? e);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  answer({ id: current.id, code, stdout: out, stderr: err });
}
