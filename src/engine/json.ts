// JSON from users, with its nesting bounded.
//
// V8's JSON.parse copes with any depth, but everything that walks the value
// afterwards (our PEM field finder, JSON.stringify in a report) recurses, and a
// 20,000-deep body then ends in "Maximum call stack size exceeded" (issue 10,
// item 9). No CCM body nests more than four levels, so anything past
// MAX_JSON_DEPTH is refused before it is parsed, as a syntax problem the
// callers already report CCM-style.

/** Deepest nesting of arrays and objects accepted in any JSON input. */
export const MAX_JSON_DEPTH = 64;

/** The input nests deeper than MAX_JSON_DEPTH: a SyntaxError, so callers report it as "not valid JSON". */
export class JsonDepthError extends SyntaxError {
  constructor(readonly limit: number) {
    super(`JSON nests deeper than ${limit} levels`);
    this.name = 'JsonDepthError';
  }
}

/** Whether `text` nests arrays/objects deeper than `limit` (brackets inside strings do not count). Linear, no allocation. */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * JSON.parse with bounded nesting, for request bodies from untrusted
 * sources: a body nested deeper than 64 levels (no CCM body nests more than
 * four) is refused before it is parsed, so nothing that walks it later can
 * overflow the stack. Throws SyntaxError as JSON.parse does.
 *
 * @example
 * ```ts
 * let body: unknown;
 * try {
 *   body = parseJson(readFileSync('body.json', 'utf8'));
 * } catch {
 *   body = undefined; // not JSON (or absurdly deep): the pre-flight answers for that too
 * }
 * const r = validateScmImport(body, { at: new Date() });
 * ```
 */
export function parseJson(text: string, limit = MAX_JSON_DEPTH): unknown {
  if (jsonTooDeep(text, limit)) throw new JsonDepthError(limit);
  return JSON.parse(text) as unknown;
}
