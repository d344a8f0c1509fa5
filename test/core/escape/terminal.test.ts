import fc from "fast-check";
import { terminalText } from "../../../lib/core/escape/terminal";

describe("terminalText", () => {
  it.each([
    ["plain", "plain"],
    ["web-1 (prod)", "web-1 (prod)"],
    ["näme 名前 🙂", "näme 名前 🙂"],
    ["a\nunenrolled pve/999 -: forged", "a\\nunenrolled pve/999 -: forged"],
    ["\u001b[31mred\u001b[0m", "\\e[31mred\\e[0m"],
    ["\u001b]0;title\u0007", "\\e]0;title\\x07"],
    ["cr\rover", "cr\\rover"],
    ["c1\u009bcsi", "c1\\x9bcsi"],
    ["del\u007f", "del\\x7f"],
    ["nul\u0000", "nul\\x00"],
    ["tab\there", "tab\\there"],
    ["bidi\u202eevil\u2066", "bidi\\u{202e}evil\\u{2066}"],
    ["sep\u2028line", "sep\\u{2028}line"],
    ["back\\nslash", "back\\\\nslash"],
  ])("%j is shown as %j", (input, shown) => expect(terminalText(input)).toBe(shown));

  it("leaves no character a terminal acts on, and distinct inputs stay distinct", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        const ta = terminalText(a);
        // eslint-disable-next-line no-control-regex
        expect(ta).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
        if (a !== b) expect(ta).not.toBe(terminalText(b));
      }),
      { numRuns: 500 },
    );
  });
});
