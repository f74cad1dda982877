// Terminal safety for human-readable output. Certificates, keystores and zips
// carry attacker-chosen text (a CN, an alias, an entry name); printed raw, an
// ESC sequence can recolour or clear the terminal and a newline can forge a
// whole line ("leaf.pem#1: OK (trusted root)"). Every human line the CLI
// prints goes through escapeControl; JSON output escapes by itself.

// C0 controls, DEL, C1 controls, and the Unicode bidi/line controls that can
// reorder or split what a terminal shows (Trojan Source, CVE-2021-42574).
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

/** `s` with every control character shown as an escape (\n, \e, \x07, \u202e). */
export function escapeControl(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Escapes each line of a multi-line text, keeping the line breaks that separate them. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((l) => escapeControl(l))
    .join('\n');
}
