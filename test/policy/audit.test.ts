import { AuditControlName, auditControls, auditResourceType, TIER_TAG } from "../../lib/policy/audit";
import { effectivePolicies } from "../../lib/policy/effective";
import { loadValid, miniCatalog, validateText } from "../support/catalogs";

describe("auditControls for the default catalog", () => {
  const { catalog, policies } = loadValid();
  const controls = auditControls(policies, catalog);
  const named = (n: AuditControlName) => controls.filter((c) => c.name === n);

  it("has every control the catalog promises, within Audit Manager's limit", () => {
    expect(new Set(controls.map((c) => c.name))).toEqual(
      new Set([
        AuditControlName.PROTECTED_BY_BACKUP_PLAN,
        AuditControlName.PLAN_MIN_FREQUENCY_AND_RETENTION,
        AuditControlName.RECOVERY_POINT_ENCRYPTED,
        AuditControlName.MANUAL_DELETION_DISABLED,
        AuditControlName.PROTECTED_BY_CROSS_REGION,
        AuditControlName.PROTECTED_BY_VAULT_LOCK,
        AuditControlName.LAST_RECOVERY_POINT_CREATED,
        AuditControlName.RESTORE_TIME_MEETS_TARGET,
      ]),
    );
    expect(controls.length).toBeLessThanOrEqual(50);
  });

  it("states RPO and RTO of the AWS service (RTO in minutes), scoped by one of its tags", () => {
    expect(named(AuditControlName.RESTORE_TIME_MEETS_TARGET)).toEqual([
      {
        name: AuditControlName.RESTORE_TIME_MEETS_TARGET,
        parameters: { maxRestoreTime: "240" },
        scope: { tag: { key: "app", value: "billing" } },
        serviceIds: ["billing"],
      },
    ]);
    // A 15m RPO is met by continuous backup, whose one recovery point is long-lived: the newest
    // point comes from the daily snapshot rule, so it may be 24h old plus the 60-minute start window.
    expect(named(AuditControlName.LAST_RECOVERY_POINT_CREATED)[0].parameters).toEqual({
      recoveryPointAgeUnit: "hours",
      recoveryPointAgeValue: "25",
    });
    expect(named(AuditControlName.PROTECTED_BY_CROSS_REGION)[0].parameters).toEqual({ crossRegionList: "us-west-2" });
    expect(named(AuditControlName.PROTECTED_BY_VAULT_LOCK)[0].parameters).toEqual({ minRetentionDays: "14" });
  });

  it("checks frequency and retention per tier, scoped by the tier tag", () => {
    expect(named(AuditControlName.PLAN_MIN_FREQUENCY_AND_RETENTION)).toEqual([
      expect.objectContaining({
        parameters: { requiredFrequencyUnit: "days", requiredFrequencyValue: "1", requiredRetentionDays: "14" },
        scope: { tag: { key: TIER_TAG, value: "critical" } },
      }),
    ]);
  });

  it("is empty for an estate without AWS services", () => {
    const { catalog: c, policies: p } = loadValid(require("../support/catalogs").EXAMPLES[0]);
    expect(auditControls(p, c)).toEqual([]);
  });
});

describe("auditControls and the 50-control limit", () => {
  const services = Array.from(
    { length: 12 },
    (_, i) => `  - id: db-${i}
    classification: ${i % 2 ? "critical" : "important"}
    rpo: ${i % 3 ? "1d" : "4h"}
    rto: 4h
    app: { decision: platform-only, rationale: "RDS snapshots by AWS Backup" }
    aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:db-${i}"], tags: { app: db-${i} } }
    offsite: { required: true, reason: "must survive the region" }
    restore: { secrets: "aws-sm:db-${i}", validate: ["psql -c 'select 1'"] }
`,
  ).join("");
  const text = miniCatalog({
    top: 'aws: { region: us-east-1, offsiteRegion: us-west-2, accountId: "123456789012" }\nnotifications:\n  email: [ops@example.com]\n',
    services,
  });
  const report = validateText(text);
  const policies = effectivePolicies(report.catalog!);

  it("merges per-service controls by parameters over resource types when they would not fit", () => {
    expect(report.ok).toBe(true);
    const controls = auditControls(policies, report.catalog!);
    expect(controls.length).toBeLessThanOrEqual(50);
    const rto = controls.filter((c) => c.name === AuditControlName.RESTORE_TIME_MEETS_TARGET);
    expect(rto).toHaveLength(1);
    expect(rto[0]).toMatchObject({ scope: { resourceTypes: ["RDS"] }, parameters: { maxRestoreTime: "240" } });
    expect(rto[0].serviceIds).toHaveLength(12);
  });

  it("keeps per-service scopes while they fit", () => {
    const controls = auditControls(policies, report.catalog!, 500);
    expect(controls.filter((c) => c.name === AuditControlName.RESTORE_TIME_MEETS_TARGET)).toHaveLength(12);
  });

  it("refuses (MON-001) when even merged controls exceed the limit", () => {
    expect(() => auditControls(policies, report.catalog!, 5)).toThrow(/MON-001/);
  });
});

describe("auditResourceType", () => {
  it.each([
    ["arn:aws:rds:us-east-1:123456789012:db:billing", "RDS"],
    ["arn:aws:rds:us-east-1:123456789012:cluster:erp", "Aurora"],
    ["arn:aws:s3:::homelab-invoices", "S3"],
    ["arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "EBS"],
    ["arn:aws:dynamodb:us-east-1:123456789012:table/t", "DynamoDB"],
  ])("%s is %s", (arn, type) => expect(auditResourceType(arn)).toBe(type));
});
