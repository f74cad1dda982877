// Shared edges of the `validate ...` commands: reading request bodies the way
// they may arrive (any bytes; one body per file, or many as NDJSON), and
// printing ValidationResults.

import { finding, parseJson, toResult, type ValidationResult } from '../api/validate.js';
import { printFindings } from './report.js';
import { out, printJson, printJsonLine, readInputFile } from './io.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ReadBody = { source: string } & ({ body: unknown } | { result: ValidationResult });

function notJson(shapeRule: string, e: unknown): ValidationResult {
  return toResult([finding(shapeRule, `The body is not valid JSON (${(e as Error).message.slice(0, 80)}).`, 'Check quotes and escapes: line breaks inside strings must be written \\n.')]);
}

/**
 * The bodies in one file: a JSON document is one body (named FILE); a file of
 * JSON lines (NDJSON) is one body per non-empty line (named FILE#n). Bytes
 * that are not UTF-8 or not JSON are not a usage error: they are what CCM
 * would refuse, so they come back as a result.
 */
export function readBodies(path: string, shapeRule: string): ReadBody[] {
  const name = path === '-' ? 'stdin' : path;
  const bytes = readInputFile(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return [{ source: name, result: toResult([finding(shapeRule, 'The body is not UTF-8 text.', 'Send the JSON body encoded as UTF-8.')]) }];
  }
  try {
    return [{ source: name, body: parseJson(text) }];
  } catch (whole) {
    const lines = text.split(/\r?\n/).map((l, i) => ({ l, i })).filter((x) => x.l.trim() !== '');
    // NDJSON: more than one line, the first of which is JSON on its own.
    if (lines.length < 2 || !parses(lines[0]!.l)) return [{ source: name, result: notJson(shapeRule, whole) }];
    return lines.map((x, n) => {
      const source = `${name}#${n + 1}`;
      try {
        return { source, body: parseJson(x.l) };
      } catch (e) {
        return { source, result: notJson(shapeRule, new Error(`line ${x.i + 1}: ${(e as Error).message}`)) };
      }
    });
  }
}

function parses(s: string): boolean {
  try {
    parseJson(s);
    return true;
  } catch {
    return false;
  }
}

/** Reads BODY.json (the first body when the file holds several). */
export function readBody(path: string, shapeRule: string): { body: unknown } | { result: ValidationResult } {
  return readBodies(path, shapeRule)[0]!;
}

export function printResult(r: ValidationResult, json: boolean): number {
  if (json) printJson(r);
  else printHuman(r, '');
  return r.valid ? 0 : 1;
}

function printHuman(r: ValidationResult, prefix: string): void {
  if (r.valid) out(`${prefix}valid: CCM would accept this request (HTTP ${r.status})`);
  else out(`${prefix}invalid: CCM would answer HTTP ${r.status} ${r.error_code}: ${r.error_msg}`);
  printFindings(r.findings);
}

/**
 * Validates every body of every file, one result per body. One body prints
 * as before (a JSON object, or text); several print one result each, named by
 * source (NDJSON with "source" under --json, as csr parse does).
 * Exit 0 when every body is valid, 1 otherwise.
 */
export function validateAll(paths: readonly string[], shapeRule: string, validate: (body: unknown) => ValidationResult, json: boolean): number {
  const bodies = paths.flatMap((p) => readBodies(p, shapeRule));
  if (bodies.length === 1) {
    const b = bodies[0]!;
    return printResult('result' in b ? b.result : validate(b.body), json);
  }
  let worst = 0;
  for (const b of bodies) {
    const r = 'result' in b ? b.result : validate(b.body);
    if (!r.valid) worst = 1;
    if (json) printJsonLine({ source: b.source, ...r });
    else printHuman(r, `${b.source}: `);
  }
  return worst;
}
