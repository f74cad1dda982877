// CLI-level fuzzing (issue 10): mutations of valid inputs fed to the real
// commands, through the same dispatcher bin/ccmkit runs (test/fuzz/cli-driver.mjs),
// because the crashes were in the glue between the parsers and the commands,
// not in the parsers. Every run must: exit 0, 1 or 2; print no "internal
// error" and no stack trace; leave no file behind.
//
// Budget: CCMKIT_FUZZ_SECONDS (default 60) for the whole file, shared by the
// scenarios; fast-check stops at the time limit. A failure prints the
// scenario, the seed and the path to replay; minimised crashing inputs belong
// in test/fuzz/corpus (replayed through bin/ccmkit by corpus.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver, listAll, makeSeeds, SCENARIOS, verdict, writeSeeds, type Scenario } from './cli-harness.js';

const SECONDS = Number(process.env.CCMKIT_FUZZ_SECONDS ?? 60);
const root = mkdtempSync(join(tmpdir(), 'ccmkit-clifuzz-'));
const seedDir = join(root, 'seeds');
let driver: Driver;
let runs = 0;

beforeAll(async () => {
  mkdirSync(join(root, 'cwd'));
  driver = new Driver(join(root, 'cwd'));
  await writeSeeds(seedDir, makeSeeds(), driver);
}, 120_000);
afterAll(() => {
  driver?.close();
  // Nothing may land in the current folder either (a default output path).
  expect(listAll(join(root, 'cwd'))).toEqual([]);
  rmSync(root, { recursive: true, force: true });
  if (process.env.CCMKIT_FUZZ_VERBOSE) console.log(`cli fuzz: ${runs} runs`);
});

// ---- mutations ----------------------------------------------------------------------

type Edit = [number, number, number];

/** Byte edits as the engine fuzzer makes them: overwrite, truncate, insert, increment (length octets). */
function applyEdits(src: Buffer, edits: Edit[]): Buffer {
  let b = Buffer.from(src);
  for (const [pos, val, op] of edits) {
    const at = b.length ? pos % b.length : 0;
    if (op === 0) b[at] = val;
    else if (op === 1) b = b.subarray(0, at);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), Buffer.from([val]), b.subarray(at)]);
    else b[at] = (b[at]! + 1) & 0xff;
  }
  return b;
}

/** PEM blocks decoded, mutated as DER and re-armoured: reaches the parsers behind the base64. */
function mutatePemDer(text: string, edits: Edit[]): Buffer | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const der = applyEdits(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'), edits);
  const armoured = `-----BEGIN ${m[1]}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${m[1]}-----`;
  return Buffer.from(text.slice(0, m.index) + armoured + text.slice(m.index + m[0].length));
}

const STRANGE: unknown[] = [null, 0, -1, 1e300, 9e15, '9999999999999999', '', ' ', 'x'.repeat(5000), '\u001b[31m\n', [], {}, [[[[[]]]]], true, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', '2025-05-01T00:00:00+99:99'];

/** A JSON body with one value replaced: strange values, mutated PEM, nesting. */
function mutateJson(text: string, pick: number, edits: Edit[], strange: number): Buffer | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const slots: { get: () => unknown; set: (x: unknown) => void }[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach((x, i) => (slots.push({ get: () => o[i], set: (y) => (o[i] = y) }), walk(x)));
    else if (o && typeof o === 'object') {
      for (const k of Object.keys(o)) {
        const r = o as Record<string, unknown>;
        slots.push({ get: () => r[k], set: (y) => (r[k] = y) });
        walk(r[k]);
      }
    }
  };
  walk(v);
  if (!slots.length) return undefined;
  const slot = slots[pick % slots.length]!;
  const cur = slot.get();
  if (typeof cur === 'string' && cur.includes('-----BEGIN') && strange % 2 === 0) slot.set(mutatePemDer(cur, edits)?.toString('latin1') ?? cur);
  else slot.set(STRANGE[strange % STRANGE.length]);
  return Buffer.from(JSON.stringify(v));
}

const mutation = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 6 }),
  pick: fc.nat(),
  strange: fc.nat(),
});

function mutate(seed: Buffer, m: { kind: number; edits: Edit[]; pick: number; strange: number }): Buffer {
  const text = seed.toString('latin1');
  if (m.kind <= 3 && text.includes('-----BEGIN')) return mutatePemDer(text, m.edits) ?? applyEdits(seed, m.edits);
  if (m.kind <= 6 && /^\s*[[{]/.test(text)) return mutateJson(text, m.pick, m.edits, m.strange) ?? applyEdits(seed, m.edits);
  return applyEdits(seed, m.edits);
}

// ---- the property -------------------------------------------------------------------

let counter = 0;

async function runOnce(s: Scenario, bytes: Buffer): Promise<string> {
  const dir = join(root, `run${counter++}`);
  mkdirSync(dir);
  const input = join(dir, `input${extname(s.target) || '.bin'}`);
  writeFileSync(input, bytes);
  const outDir = join(dir, 'out');
  mkdirSync(outDir);
  const before = listAll(dir);
  const out = s.outDir ? outDir : join(outDir, 'result');
  const o = await driver.run(s.argv((n) => join(seedDir, n), input, out));
  runs++;
  const why = verdict(o, dir, before, s.outputOnFailure && o.code === 1 ? ['out/result'] : []);
  if (why) {
    const keep = join(tmpdir(), `ccmkit-fuzz-crash-${Date.now()}${extname(input)}`);
    writeFileSync(keep, bytes);
    return `${s.name}: ${why}\ninput kept at ${keep}`;
  }
  rmSync(dir, { recursive: true, force: true });
  return '';
}

describe('CLI fuzz: mutated inputs through the real commands', () => {
  const perScenario = Math.max(1, (SECONDS * 1000) / SCENARIOS.length);
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const seed = readFileSync(join(seedDir, s.target));
    // The unmutated seed must pass too (and mostly succeed): otherwise the scenario tests nothing.
    expect(await runOnce(s, seed)).toBe('');
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const why = await runOnce(s, mutate(seed, m));
        if (why) throw new Error(why);
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: perScenario, markInterruptAsFailure: false },
    );
  }, SECONDS * 1000 + 120_000);
});
