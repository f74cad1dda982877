// Shared by every `ccmkit validate KIND BODY.json` command: read the body,
// run the validator, print the ValidationResult, exit 0 valid / 1 invalid.

import type { ValidationResult } from '../../ccm/validation.js';
import { usageError } from '../../engine/errors.js';
import { parseArgs } from '../args.js';
import { out, printJson, readInputFile } from '../io.js';
import { printFindings } from '../report.js';

export async function runValidate(argv: string[], kind: string, validate: (bytes: Uint8Array) => ValidationResult): Promise<number> {
  const p = parseArgs(argv, { json: { type: 'bool' } });
  if (p.positionals.length !== 1) throw usageError(`validate ${kind} needs exactly one BODY.json (or - for standard input)`);
  const file = p.positionals[0]!;
  const r = validate(readInputFile(file));
  if (p.bool.has('json')) printJson(r);
  else {
    out(r.valid ? `${file}: valid ${kind} body` : `${file}: CCM would answer ${r.status} ${r.error_code}: ${r.error_msg}`);
    printFindings(r.findings);
  }
  return r.valid ? 0 : 1;
}

export function validateHelp(kind: string, what: string, example: string): string {
  return `Usage: ccmkit validate ${kind} BODY.json [--json]

Pre-flight for ${what}: checks the request body as CCM would, offline.
Prints {"valid","status","error_code","error_msg","findings":[...]}: when
invalid, status/error_code/error_msg are the answer CCM would give (its first
error); findings lists every problem and warning with a fix.

BODY.json is the JSON request body; use - for standard input.

Options:
  --json      print the result as JSON
  -h, --help  this help

Examples:
  ${example}

Exit codes:
  0  the body is valid (warnings may remain)
  1  CCM would refuse the body
  2  usage error, or BODY.json cannot be read`;
}
