/**
 * The one way text read from outside (a guest name in an API answer, a label in a metrics
 * file, a file name) reaches the terminal: every character that a terminal acts on instead
 * of printing becomes a visible escape, so that a value can neither start a line of its own
 * (and forge a finding) nor send an escape sequence (colours, cursor moves, a window title,
 * a hyperlink) to the operator's terminal.
 */

import { must } from "../../private/must";

/**
 * C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional
 * overrides and isolates (they reorder what is shown, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/gu;

const NAMED: Readonly<Record<string, string>> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\u001b": "\\e",
  "\\": "\\\\",
};

/** How {@link terminalText} escapes. */
export interface TerminalTextOptions {
  /**
   * Leave backslashes as they are: for text that was escaped once already (a finding's
   * message, escaped when the finding was made), so that escaping it again changes nothing.
   * Every other active character is still escaped.
   * @default false
   */
  readonly keepBackslash?: boolean;
}

/**
 * `text` with every active character shown as an escape: `\n`, `\r`, `\t`, `\e` (ESC),
 * `\\` for a backslash (so that an escape in the output always means one in the input),
 * `\xNN` for other controls and `\u{NNNN}` for separators and bidirectional controls.
 * Printable text, other languages and emoji included, is unchanged.
 */
export function terminalText(text: string, options: TerminalTextOptions = {}): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- the escape must hold for whatever a caller passes (a thrown non-Error's message, a JavaScript caller's value)
  return String(text).replace(ACTIVE, (ch) => {
    if (ch === "\\" && options.keepBackslash) return ch;
    const named = NAMED[ch];
    if (named) return named;
    const code = must(ch.codePointAt(0), "the code point of a character");
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * Text of several lines (a tool's error output, a report block) escaped line by line: its own
 * line ends stay, and no line holds an active character.
 */
export function terminalLines(text: string, options: TerminalTextOptions = {}): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- the escape must hold for whatever a caller passes (a thrown non-Error's message, a JavaScript caller's value)
  return String(text)
    .split("\n")
    .map((line) => terminalText(line, options))
    .join("\n");
}
