/**
 * The one way catalog values reach bash: as quoted words of a data file that the runtime
 * sources (the service's `service.conf`, the env template, the vzdump hook's guest table).
 * No function here builds code; each turns a value into a word that bash reads back as
 * exactly that value, whatever it holds (quotes, `$(...)`, backticks, newlines).
 */

import { must } from "../../private/must";

/** Characters that never need quoting in a bash word. */
const PLAIN = /^[A-Za-z0-9_./:=@%+,-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * One bash word that reads back as `value`.
 *
 * Plain words stay bare; others are single-quoted (nothing expands inside), except that a
 * value with control characters (a newline) becomes an ANSI-C `$'...'` word, so that every
 * assignment stays on one line of its file.
 */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (PLAIN.test(s)) return s;
  if (!CONTROL.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const ch of s) {
    const code = must(ch.codePointAt(0), "the code point of a character");
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + "'";
}

/** A bash array literal, `(a 'b c')`, each element quoted by {@link shellQuote}. */
export function shellArray(values: readonly (string | number)[]): string {
  return `(${values.map(shellQuote).join(" ")})`;
}

/** Names a data file may assign: upper case, so that they never collide with the runtime's locals. */
const NAME = /^[A-Z][A-Z0-9_]*$/;

/** `NAME=value` (or `NAME=(a b)` for an array) with the value quoted; an empty value is `NAME=`. */
export function shellAssign(name: string, value: string | number | readonly (string | number)[] | undefined): string {
  if (!NAME.test(name)) throw new Error(`not a variable name for a data file: ${JSON.stringify(name)}`);
  if (Array.isArray(value)) return `${name}=${shellArray(value)}`;
  if (value === undefined || value === "") return `${name}=`;
  return `${name}=${shellQuote(value as string | number)}`;
}

/**
 * Text for a `# ...` comment: a catalog value inside a comment must not end it. Control
 * characters (a newline would start a line of code) become `?`.
 */
export function shellComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}
