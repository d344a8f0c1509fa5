import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { tfLiteral, tfLiteralMap } from "../../../lib/core/escape/terraform";
import { synthesizeCatalog } from "../../../lib/estate/synth";
import { hostileCatalog } from "../../support/hostile";

describe("tfLiteral", () => {
  it.each([
    ["${var.x}", "$${var.x}"],
    ["%{ if true }x%{ endif }", "%%{ if true }x%%{ endif }"],
    ["$${already}", "$$${already}"],
    ["cost $5 {not a template} 100%", "cost $5 {not a template} 100%"],
    ["${a}${b}%{c}", "$${a}$${b}%%{c}"],
  ])("%s -> %s", (input, output) => {
    expect(tfLiteral(input)).toBe(output);
  });
  it("escapes the keys of a tag map too (object property names are templates in .tf.json)", () => {
    expect(tfLiteralMap({ "k${x}": "v%{y}" })).toEqual({ "k$${x}": "v%%{y}" });
  });
});

describe("every catalog string that reaches cdk.tf.json is escaped", () => {
  // Terraform evaluates what is left; test/terraform/escape.test.ts proves it with the real binary.
  const MARK = "${MARK}%{MARK}";
  const out = mkdtempSync(join(__dirname, "..", "..", "..", ".tmp", "escape-"));
  const file = join(out, "c.yaml");
  writeFileSync(file, stringify(hostileCatalog(MARK)));
  const result = synthesizeCatalog(file, join(out, "out"));

  it("the hostile catalog validates", () => {
    expect(result.report.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it.each(["testlab-aws", "testlab-proxmox"])("%s: the payload appears, and only escaped", (stack) => {
    const text = readFileSync(join(out, "out", "stacks", stack, "cdk.tf.json"), "utf8");
    const escaped = text.split("$${MARK}%%{MARK}").length - 1;
    expect(escaped).toBeGreaterThan(3);
    // Remove the escaped copies: no unescaped `${MARK}` or `%{MARK}` may be left.
    const rest = text.split("$${MARK}%%{MARK}").join("");
    expect(rest).not.toMatch(/[$%]\{MARK\}/);
  });

  it("artifacts keep the text as written (escaping is Terraform's only)", () => {
    const inventory = readFileSync(join(out, "out", "artifacts", "inventory.yaml"), "utf8");
    expect(inventory).toContain("/export${MARK}%{MARK}");
  });
});
