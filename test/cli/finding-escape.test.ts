import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { type Finding, formatFinding, Severity } from "../../lib/core/finding";
import { cli } from "../support/cli";
import { DEFAULT_CATALOG, ROOT } from "../support/catalogs";

/**
 * Findings quote the catalog (a key, a value, an acknowledgement's reason): every finding line
 * the CLI prints goes through terminalText, so a catalog value can neither forge a line nor send
 * an escape sequence, a C1 control or a bidi override (Trojan Source) to the operator's terminal.
 */
// A character a terminal acts on, but the line end.
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const EVIL = "\u001b]0;owned\u0007\u001b[2J\u202eevil\u2066\u0085x\u009b31m\nGOV-001 forged";

/** The default catalog with EVIL in an unknown key and in a value a rule echoes. */
function hostileCatalog(): string {
  const doc = parse(readFileSync(DEFAULT_CATALOG, "utf8")) as { services: Array<Record<string, unknown>> };
  doc.services[0][`extra${EVIL}`] = 1;
  doc.services[1].classification = `gold${EVIL}`;
  const dir = mkdtempSync(join(ROOT, ".tmp", "finding-escape-"));
  const file = join(dir, `catalog${EVIL.slice(0, 12).replace(/\n/g, "")}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

function expectClean(out: string): void {
  for (const line of out.split("\n"))
    expect({ line, active: ACTIVE.exec(line)?.[0].codePointAt(0) ?? null }).toEqual({ line, active: null });
  // The forged finding stays inside the line of the finding that quotes it.
  expect(out).not.toMatch(/^GOV-001 forged/m);
}

describe("finding lines printed by the CLI are escaped for the terminal", () => {
  const file = hostileCatalog();

  it.each([
    ["validate", [] as string[]],
    ["synth", ["--out", join(mkdtempSync(join(ROOT, ".tmp", "finding-escape-out-")), "out")]],
    ["report", ["--format", "json"]],
  ])(
    "%s: the findings quoting the key and the value show escapes, never the raw characters",
    async (command, extra) => {
      const r = await cli(command, file, ...extra);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/\\e\]0;owned\\x07\\e\[2J\\u\{202e\}evil\\u\{2066\}\\x85x\\x9b31m\\nGOV-001 forged/);
      expectClean(r.out + r.err);
    },
  );

  it("status on a catalog that does not parse prints its findings escaped too", async () => {
    const dir = mkdtempSync(join(ROOT, ".tmp", "finding-escape-status-"));
    // The file name is quoted in every finding line: it holds the active characters here.
    const bad = join(dir, `bad${EVIL.replace(/\n/g, "")}.yaml`);
    writeFileSync(bad, `version: 1\nname: [unclosed ${EVIL.replace(/\n/g, " ")}\n`);
    const r = await cli("status", bad, "--metrics-dir", dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/CAT-001/);
    expectClean(r.out + r.err);
  });

  it("formatFinding escapes the file, message, fix, path and acknowledgement it is given", () => {
    const f: Finding = {
      ruleId: "GOV-001",
      severity: Severity.ERROR,
      message: `m${EVIL}`,
      fix: `f${EVIL}`,
      path: ["services", 0, `k${EVIL}`],
      position: { file: `c${EVIL}.yaml`, line: 1, column: 1 },
      acknowledged: { reason: `r${EVIL}` },
    } as Finding;
    const line = formatFinding(f);
    expect(line).not.toMatch(/\n/);
    expectClean(line);
  });
});
