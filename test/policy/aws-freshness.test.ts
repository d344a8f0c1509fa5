import { Duration } from "../../lib/core/duration";
import { AwsResourceType } from "../../lib/policy/aws-backup";
import { LAST_RECOVERY_POINT_RULES, recoveryPointAge, recoveryPointRules, vaultFreshness } from "../../lib/policy/aws-freshness";
import { effectivePolicies } from "../../lib/policy/effective";
import { awsCatalog, awsService } from "../support/aws-fixtures";
import { loadValid } from "../support/catalogs";

describe("freshness of AWS Backup resources", () => {
  it("uses the age limits AWS Config's last-recovery-point rules accept (744 hours, 31 days)", () => {
    // Source: AWS Config Developer Guide, rds-last-backup-recovery-point-created: recoveryPointAgeValue "No more
    // than 744 for hours, 31 for days"; recoveryPointAgeUnit 'hours' or 'days'.
    expect(recoveryPointAge(Duration.minutes(30))).toEqual({ value: 1, unit: "hours" });
    expect(recoveryPointAge(Duration.hours(28))).toEqual({ value: 28, unit: "hours" });
    expect(recoveryPointAge(Duration.hours(744))).toEqual({ value: 744, unit: "hours" });
    expect(recoveryPointAge(Duration.days(32))).toEqual({ value: 31, unit: "days" });
    // Identifiers as AWS Config names them (e.g. RDS_LAST_BACKUP_RECOVERY_POINT_CREATED, STORAGEGATEWAY_...).
    expect(LAST_RECOVERY_POINT_RULES[AwsResourceType.RDS]).toEqual({ prefix: "RDS", idFromArn: false });
    expect(LAST_RECOVERY_POINT_RULES[AwsResourceType.STORAGE_GATEWAY]!.prefix).toBe("STORAGEGATEWAY");
    expect(LAST_RECOVERY_POINT_RULES[AwsResourceType.REDSHIFT]).toBeUndefined();
  });

  it("judges a tag-selected service by its tags, per declared type, and an ARN-selected table by its id", () => {
    const catalog = awsCatalog([
      awsService("ledger", { rpo: "1d", aws: { tags: { app: "ledger" }, tagResourceTypes: ["rds", "dynamodb"] } }),
      awsService("orders", { aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:rds:us-east-1:123456789012:db:orders"] } }),
    ]);
    const rules = recoveryPointRules(effectivePolicies(catalog), catalog);
    expect(rules.map((r) => [r.name, r.identifier, r.resourceId ?? null, r.resourceTags ?? null])).toEqual([
      ["ledger-dynamodb-tags", "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED", null, { app: "ledger" }],
      ["ledger-rds-tags", "RDS_LAST_BACKUP_RECOVERY_POINT_CREATED", null, { app: "ledger" }],
      // The RDS instance by ARN has no rule: AWS Config's id of it is its DbiResourceId, which the ARN does not carry.
      ["orders-dynamodb", "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED", "orders", null],
    ]);
    // Daily snapshots: one day plus the margin (a quarter of the interval, at most 4 hours).
    for (const r of rules) expect(r.age).toEqual({ value: 28, unit: "hours" });
  });

  it("alarms per vault over the shortest rule cadence writing there, at most 7 days", () => {
    const { catalog, policies } = loadValid();
    const v = vaultFreshness(policies, catalog);
    expect(v.map((x) => x.vaultName)).toEqual(["homelab-compliance-14d"]);
    expect(v[0].window.toMinutes()).toBeLessThanOrEqual(7 * 1440);
    expect(v[0].window.toMinutes()).toBeGreaterThanOrEqual(24 * 60);
  });
});
