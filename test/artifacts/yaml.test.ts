import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { toYaml } from "../../lib/artifacts/yaml";
import { Duration } from "../../lib/core/duration";

/** Strings a careless emitter writes plain and a reader then takes for something else. */
const TRICKY = [
  "",
  " lead",
  "trail ",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "n",
  "true",
  "False",
  "null",
  "~",
  "NULL",
  "123",
  "-1",
  "+1",
  "1.5",
  ".5",
  "1e3",
  "0x1f",
  "0o17",
  "0b101",
  ".inf",
  "-.inf",
  ".nan",
  "1:20",
  "1_000",
  "a: b",
  "a:b",
  "a:",
  "a#b",
  "#x",
  "a #b",
  'x{a="b"}',
  "https://x.test:8006",
  "- x",
  "-x",
  "? x",
  "[x]",
  "{x}",
  "x]",
  "&a",
  "*a",
  "!tag",
  "|",
  ">",
  "%x",
  "@x",
  "`x",
  "'x'",
  '"x"',
  "a\nb",
  "a\tb",
  "back\\slash",
  "é ü ✓",
  "line\u2028sep",
  "del\u007f",
  "bom\ufeff",
  "<<",
  "4h",
  "30m",
  "20GiB",
  "1d",
  "svc-0001",
  "/srv/data",
  "s3://bucket/prefix/",
  "time() - max by (service) (x) > 60",
];

describe("toYaml", () => {
  it("writes every tricky string so that the yaml package reads it back unchanged", () => {
    // GIVEN strings as values, as keys and inside sequences
    const doc = {
      values: TRICKY,
      keys: Object.fromEntries(TRICKY.map((s, i) => [s, i])),
      nested: [[TRICKY], { a: [{ b: TRICKY }] }],
    };
    // WHEN written and parsed again THEN nothing changed
    expect(parse(toYaml(doc))).toEqual(doc);
  });

  it("quotes what YAML 1.1 readers (go-yaml in Prometheus) take for booleans or numbers, and leaves durations plain", () => {
    const text = toYaml({ a: "yes", b: "on", c: "0x1f", d: "1:20", e: "4h", f: "20GiB", g: "svc-1" });
    expect(text).toBe('a: "yes"\nb: "on"\nc: "0x1f"\nd: "1:20"\ne: 4h\nf: 20GiB\ng: svc-1\n');
  });

  it("follows JSON semantics: toJSON, undefined members dropped, undefined in arrays as null, empty collections inline", () => {
    const doc = { d: Duration.parse("4h"), gone: undefined, list: [1, undefined, true], empty: [], none: {}, n: null };
    expect(parse(toYaml(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(toYaml({ empty: [], none: {} })).toBe("empty: []\nnone: {}\n");
  });

  it("writes block style with sequences indented under their key, as the yaml package does", () => {
    const doc = {
      groups: [{ name: "g", rules: [{ alert: "A", labels: { severity: "warning" } }] }],
      top: ["x", ["w", "z"]],
    };
    expect(toYaml(doc)).toBe(stringify(doc));
  });

  it("is read back by promtool (go-yaml): a rules file written with it passes `promtool check rules`", () => {
    const rules = {
      groups: [
        {
          name: "t",
          rules: [
            {
              alert: "yes",
              expr: 'up{job="on"} == 0',
              for: "5m",
              labels: { severity: "no", code: "0x1f" },
              annotations: { summary: "a: b #c" },
            },
          ],
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), "toyaml-"));
    writeFileSync(join(dir, "r.yml"), toYaml(rules));
    const r = spawnSync("promtool", ["check", "rules", join(dir, "r.yml")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 1 rules found/);
  });
});
