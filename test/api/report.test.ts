/**
 * The public API is a decision: api/cdktf-backup-governance.api.md is API Extractor's report of
 * everything lib/index.ts exports. A change of the surface changes the report, and this test
 * fails until the report is regenerated (`npm run api`) and committed, so that reviews see it.
 */
import { runApiExtractor } from "../../scripts/api";
import { readFileSync } from "node:fs";
import { join } from "node:path";

jest.setTimeout(180_000);

describe("API report", () => {
  const result = runApiExtractor(false);
  const report = readFileSync(join(__dirname, "..", "..", "api", "cdktf-backup-governance.api.md"), "utf8");

  it("is current (run `npm run api` and commit api/ after changing the public API)", () => {
    expect(result.apiReportChanged).toBe(false);
  });

  it("every type the public API uses is exported (no forgotten exports), and every @link resolves", () => {
    expect(report).not.toMatch(/ae-forgotten-export/);
    expect(result.messages.filter((m) => /@link|forgotten/.test(m))).toEqual([]);
  });

  it("exports what users are meant to use, and not the internals", () => {
    for (const name of [
      "GovernanceChecks",
      "TierBackupPlan",
      "ImmutableVault",
      "IBackupVault",
      "Estate",
      "validateCatalogFile",
      "synthesizeCatalog",
      "Finding",
      "FindingJson",
      "ObjectLockMode",
      "VzdumpMode",
      "Classification",
    ]) {
      expect(report).toMatch(
        new RegExp(`export (declare )?(class|interface|function|enum|const|type|abstract class) ${name}\\b`),
      );
    }
    for (const name of [
      "EstateContext",
      "buildAppBackups",
      "runCli",
      "effectivePolicies",
      "awsBackupRules",
      "stagger",
      "renderInventory",
      "evaluateRules",
    ]) {
      expect(report).not.toMatch(new RegExp(`export (declare )?(class|interface|function|const|type) ${name}\\b`));
    }
  });
});
