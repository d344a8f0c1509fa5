import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shellArray, shellAssign, shellComment, shellQuote } from "../../../lib/core/escape/shell";
import { scratch } from "../../support/tools";

/** Values that would run code, end a quote or a line if pasted into bash unquoted. */
function hostile(canary: string): string[] {
  return [
    `$(touch ${canary}/1)`,
    `\`touch ${canary}/2\``,
    `"; touch ${canary}/3; "`,
    `'; touch ${canary}/4; '`,
    `a\ntouch ${canary}/5\n`,
    `\${IFS}$(touch\${IFS}${canary}/6)`,
    "tab\there, cr\r, bell\u0007, backslash \\ and \\' and \\n",
    "plain-value_1.2/x:y=z@w%v+u,t",
    "",
    "ünïcødé — 日本",
    "!history !! and ~tilde and *glob* and ?(ext) and {a,b}",
  ];
}

describe("shellQuote / shellAssign / shellArray: bash reads back exactly the value, and nothing runs", () => {
  const dir = scratch("escape-shell");
  const values = hostile(dir);

  it.each(values.map((v, i) => [i, v]))("value %i", (_, value) => {
    const file = join(dir, "data.sh");
    writeFileSync(
      file,
      [
        `# ${shellComment(`comment with ${value}`)}`,
        shellAssign("VALUE", value),
        shellAssign("LIST", [value, "x", value]),
      ].join("\n") + "\n",
    );
    const r = spawnSync("bash", ["-c", `set -eu; . "$1"; printf '%s\\0' "$VALUE" "\${LIST[@]}"`, "_", file], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\0").slice(0, 4)).toEqual([value, value, "x", value]);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(existsSync(join(dir, String(n)))).toBe(false);
  });

  it("keeps every assignment on one line (control characters become $'...' escapes)", () => {
    for (const v of values) expect(shellAssign("V", v)).not.toMatch(/[\n\r]/);
    expect(shellQuote("a\nb")).toBe("$'a\\nb'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("plain/x")).toBe("plain/x");
    expect(shellArray(["a b", "c"])).toBe("('a b' c)");
  });

  it("a comment cannot be ended by a value", () => {
    expect(shellComment("x\ntouch /tmp/p")).toBe("x?touch /tmp/p");
  });

  it("refuses names a data file must not assign", () => {
    expect(() => shellAssign("PATH;x", "v")).toThrow(/not a variable name/);
    expect(() => shellAssign("lower", "v")).toThrow(/not a variable name/);
  });
});
