import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { Testing } from "../../lib/core/cdk";
import { Severity } from "../../lib/core/finding";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";

const ROOT = join(__dirname, "..", "..");
const catalogs = [
  join(ROOT, "stacks", "catalog.yaml"),
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(ROOT, "examples", f)),
];

describe("Estate applies GovernanceChecks to its own stacks", () => {
  it.each(catalogs)("%s: what validate accepts passes the construct checks, through a real app.synth()", (file) => {
    const app = Testing.app();
    const estate = Estate.fromReport(app, validateCatalogFile(file));
    expect(() => app.synth()).not.toThrow();
    expect(estate.governance.findings.filter((f) => f.severity === Severity.ERROR && !f.acknowledged)).toEqual([]);
  });

  it("what stack code adds to an estate's stack is checked too (the checks run on the estate)", () => {
    const app = Testing.app();
    const estate = Estate.fromReport(app, validateCatalogFile(join(ROOT, "examples", "aws-only.yaml")));
    new BackupVaultLockConfiguration(estate.awsStack!, "HandMade", {
      backupVaultName: "extra",
      minRetentionDays: 40,
      maxRetentionDays: 30,
    });
    expect(() => app.synth()).toThrow(
      /GOV-018: vault lock min_retention_days 40, max_retention_days 30: minimum above maximum/,
    );
  });
});
