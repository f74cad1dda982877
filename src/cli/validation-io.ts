// Shared edges of the `validate ...` commands: reading a request body the way
// it may arrive (any bytes), and printing a ValidationResult.

import { finding } from '../ccm/rules.js';
import { toResult, type ValidationResult } from '../ccm/validation.js';
import { parseJson } from '../engine/json.js';
import { printFindings } from './report.js';
import { out, printJson, readInputFile } from './io.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads BODY.json. Bytes that are not UTF-8 or not JSON are not a usage
 * error: they are what CCM would refuse, so they come back as a result.
 */
export function readBody(path: string, shapeRule: string): { body: unknown } | { result: ValidationResult } {
  const bytes = readInputFile(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { result: toResult([finding(shapeRule, 'The body is not UTF-8 text.', 'Send the JSON body encoded as UTF-8.')]) };
  }
  try {
    return { body: parseJson(text) };
  } catch (e) {
    return { result: toResult([finding(shapeRule, `The body is not valid JSON (${(e as Error).message.slice(0, 80)}).`, 'Check quotes and escapes: line breaks inside strings must be written \\n.')]) };
  }
}

export function printResult(r: ValidationResult, json: boolean): number {
  if (json) printJson(r);
  else {
    if (r.valid) out(`valid: CCM would accept this request (HTTP ${r.status})`);
    else out(`invalid: CCM would answer HTTP ${r.status} ${r.error_code}: ${r.error_msg}`);
    printFindings(r.findings);
  }
  return r.valid ? 0 : 1;
}
