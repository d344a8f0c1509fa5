import { effectivePolicies } from "../../lib/policy/effective";
import {
  AwsNames,
  AwsResourceType,
  awsBackupPlans,
  awsBackupVaults,
  parseArn,
  RESTORE_TESTABLE_KEYS,
  resourceTypeInfo,
  resourceTypeOfArn,
  resourceTypeOfKey,
  restoreTestPlans,
  RulePeriod,
} from "../../lib/policy/aws-backup";
import { AWS_RESOURCE_TYPE_KEYS } from "../../lib/catalog/schema/aws";
import { awsCatalog, awsService } from "../support/aws-fixtures";

function plansOf(services: Array<Record<string, unknown>>, aws: Record<string, unknown> = {}) {
  const catalog = awsCatalog(services, aws);
  return { catalog, plans: awsBackupPlans(effectivePolicies(catalog), catalog) };
}

describe("awsBackupPlans", () => {
  it("puts services of one tier with the same rules into one plan", () => {
    const { plans } = plansOf([awsService("app-one"), awsService("app-two"), awsService("app-three")]);
    expect(plans).toHaveLength(1);
    expect(plans[0].serviceIds).toEqual(["app-one", "app-two", "app-three"]);
    expect(plans[0].name).toMatch(/^test-important-[0-9a-f]{6}$/);
  });

  it("gives a service with other rules (retention, tier, lock, offsite) its own plan", () => {
    const { plans } = plansOf([
      awsService("base"),
      awsService("longer", { retention: { daily: 30 } }),
      awsService("locked", { immutable: { mode: "governance", days: 7 } }),
      awsService("away", { offsite: { required: true, reason: "must survive" } }),
      awsService("base-two"),
    ]);
    expect(plans).toHaveLength(4);
    expect(plans.find((p) => p.serviceIds.includes("base"))!.serviceIds).toEqual(["base", "base-two"]);
  });

  it("derives daily/weekly/monthly rules with their lifetimes and schedules", () => {
    const { plans } = plansOf([awsService("app-one")]);
    const rules = Object.fromEntries(plans[0].rules.map((r) => [r.name, r]));
    expect(Object.keys(rules)).toEqual(["daily", "weekly", "monthly"]);
    expect(rules.daily.deleteAfterDays).toBe(7);
    expect(rules.weekly.deleteAfterDays).toBe(28);
    expect(rules.monthly.deleteAfterDays).toBe(183);
    expect(rules.daily.schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/);
    expect(rules.weekly.schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+ \? \* SUN \*\)$/);
    expect(rules.monthly.period).toBe(RulePeriod.MONTH);
    expect(rules.monthly.schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+ 1 \* \? \*\)$/);
    expect(rules.daily.startWindowMinutes).toBe(60);
    expect(rules.daily.completionWindowMinutes).toBe(7 * 1440);
  });

  it("uses a continuous rule (no hourly rule) when the RPO is under an hour, and a yearly rule for critical", () => {
    const { plans } = plansOf([
      awsService("ledger", {
        classification: "critical",
        rpo: "15m",
        offsite: { required: true, reason: "critical" },
        aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:ledger"] },
      }),
    ]);
    const names = plans[0].rules.map((r) => r.name);
    expect(names).toEqual(["continuous", "daily", "weekly", "monthly", "yearly"]);
    const cont = plans[0].rules[0];
    expect(cont.continuous).toBe(true);
    // The critical tier locks (compliance, 14 days); continuous points live as long as daily ones, so they fit.
    expect(cont.vault.lock).toMatchObject({ mode: "compliance", minDays: 14 });
    expect(cont.copy!.vault.lock).toMatchObject({ mode: "compliance", minDays: 14 });
    expect(cont.unlockedReason).toBeUndefined();
    expect(plans[0].rules[4].schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+ 1 1 \? \*\)$/);
    for (const r of plans[0].rules) expect(r.copy?.vault.region).toBe("us-west-2");
  });

  describe("short-RPO points and the vault lock", () => {
    // Source: AWS Backup API reference, PutBackupVaultLockConfiguration: "If this parameter is specified, any backup
    // or copy job to the vault must have a lifecycle policy with a retention period equal to or longer than the
    // minimum retention period" (and, for MaxRetentionDays, equal to or shorter); otherwise the vault fails the job.
    const hourlyRule = (retention: Record<string, number>) =>
      plansOf([
        awsService("ledger", {
          classification: "critical",
          rpo: "4h",
          offsite: { required: true, reason: "critical" },
          immutable: { mode: "compliance", days: 14 },
          retention,
          aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:ledger"] },
        }),
      ]).plans[0].rules.find((r) => r.name === "hourly")!;

    it("sends hourly points to the locked vault (and the locked offsite vault) when they live at least the lock's minimum", () => {
      const r = hourlyRule({ hourly: 100 });
      expect(r.deleteAfterDays).toBeGreaterThanOrEqual(14);
      expect(r.vault).toMatchObject({ name: "test-compliance-14d", lock: { minDays: 14 } });
      expect(r.copy!.vault).toMatchObject({ name: "test-offsite-compliance-14d" });
      expect(r.unlockedReason).toBeUndefined();
    });

    it("keeps hourly points that live shorter than the lock in the unlocked vault, and says why", () => {
      const r = hourlyRule({ hourly: 6 });
      expect(r.deleteAfterDays).toBeLessThan(14);
      expect(r.vault.lock).toBeUndefined();
      expect(r.vault.name).toBe("test-standard");
      expect(r.unlockedReason).toMatch(
        /^hourly points live \d+ days, shorter than the vault lock's minimum of 14 days \(compliance\)/,
      );
    });
  });

  it("runs sub-daily rules at the job cadence with a completion window of one interval", () => {
    const { plans } = plansOf([awsService("hourly", { rpo: "4h" })]);
    const hourly = plans[0].rules.find((r) => r.name === "hourly")!;
    expect(hourly.schedule.toAwsCron()).toMatch(/^cron\(\d+ \d+\/4 \* \* \? \*\)$/);
    expect(hourly.completionWindowMinutes).toBe(240);
  });

  it("never starts two rules writing to one vault at the same minute", () => {
    const services = Array.from({ length: 12 }, (_, i) => awsService(`svc-${i}`, { retention: { daily: 7 + i } }));
    const { plans } = plansOf(services);
    const byVault = new Map<string, number[]>();
    for (const r of plans.flatMap((p) => p.rules)) {
      const starts = byVault.get(r.vault.name) ?? [];
      starts.push(...r.schedule.startsInWeek());
      byVault.set(r.vault.name, starts);
    }
    for (const starts of byVault.values()) expect(new Set(starts).size).toBe(starts.length);
  });

  it("is deterministic whatever the order of the services", () => {
    const a = [awsService("app-one"), awsService("app-two", { retention: { daily: 9 } })];
    const one = plansOf(a).plans;
    const two = plansOf([...a].reverse()).plans;
    expect(one.map((p) => [p.name, p.rules.map((r) => r.schedule.toAwsCron())])).toEqual(
      two.map((p) => [p.name, p.rules.map((r) => r.schedule.toAwsCron())]),
    );
  });

  it("lists every vault once per region, primary first", () => {
    const { plans } = plansOf([
      awsService("app-one", {
        immutable: { mode: "compliance", days: 7 },
        offsite: { required: true, reason: "must survive" },
      }),
    ]);
    expect(awsBackupVaults(plans).map((v) => `${v.region}/${v.name}`)).toEqual([
      "us-east-1/test-compliance-7d",
      "us-west-2/test-offsite-compliance-7d",
    ]);
  });
});

describe("restoreTestPlans", () => {
  it("drills critical services weekly and important ones monthly, one selection per resource type", () => {
    const catalog = awsCatalog([
      awsService("ledger", {
        classification: "critical",
        offsite: { required: true, reason: "critical" },
        aws: {
          resources: [
            "arn:aws:rds:us-east-1:123456789012:db:ledger",
            "arn:aws:s3:::ledger-docs",
            "arn:aws:rds:us-east-1:123456789012:db:ledger-ro",
          ],
        },
      }),
      awsService("shop", { aws: { tags: { app: "shop" }, tagResourceTypes: ["dynamodb", "efs", "redshift"] } }),
      awsService("scratch", { classification: "rebuildable" }),
    ]);
    const plans = restoreTestPlans(effectivePolicies(catalog), catalog);
    expect(plans.map((p) => [p.name, p.selectionWindowDays])).toEqual([
      ["test_weekly", 7],
      ["test_monthly", 30],
    ]);
    expect(plans[0].selections.map((s) => [s.name, s.type, s.arns.length])).toEqual([
      ["ledger_rds", "RDS", 2],
      ["ledger_s3", "S3", 1],
    ]);
    // Redshift is not restore-testable; tag selections carry the tags and no ARNs.
    expect(plans[1].selections.map((s) => [s.name, s.type, s.tags])).toEqual([
      ["shop_dynamodb_tags", "DynamoDB", { app: "shop" }],
      ["shop_efs_tags", "EFS", { app: "shop" }],
    ]);
  });
});

describe("resource types", () => {
  it.each([
    ["arn:aws:rds:us-east-1:123456789012:db:billing", AwsResourceType.RDS],
    ["arn:aws:rds:us-east-1:123456789012:cluster:billing", AwsResourceType.AURORA],
    ["arn:aws:dynamodb:us-east-1:123456789012:table/orders", AwsResourceType.DYNAMODB],
    ["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123", AwsResourceType.EFS],
    ["arn:aws:s3:::invoices", AwsResourceType.S3],
    ["arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", AwsResourceType.EC2],
    ["arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc", AwsResourceType.EBS],
  ])("%s is %s", (arn, type) => {
    expect(resourceTypeOfArn(arn)).toBe(type);
  });

  it.each([
    "arn:aws:s3:::invoices/2024/",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024",
    "arn:aws:rds:us-east-1:123456789012:snapshot:nightly",
    "arn:aws:lambda:us-east-1:123456789012:function:f",
    "not-an-arn",
  ])("%s is nothing AWS Backup protects", (arn) => {
    expect(resourceTypeOfArn(arn)).toBeUndefined();
  });

  it("parses ARNs", () => {
    expect(parseArn("arn:aws:rds:us-east-1:123456789012:db:x")).toEqual({
      partition: "aws",
      service: "rds",
      region: "us-east-1",
      account: "123456789012",
      resource: "db:x",
    });
  });

  it("knows every catalog key of aws.tagResourceTypes, and only those", () => {
    for (const key of AWS_RESOURCE_TYPE_KEYS) expect(resourceTypeInfo(resourceTypeOfKey(key)!).key).toBe(key);
    expect(
      Object.values(AwsResourceType)
        .map((t) => resourceTypeInfo(t).key)
        .sort(),
    ).toEqual([...AWS_RESOURCE_TYPE_KEYS].sort());
    expect(RESTORE_TESTABLE_KEYS).toContain("dynamodb");
    expect(RESTORE_TESTABLE_KEYS).not.toContain("redshift");
  });
});

describe("AwsNames", () => {
  it("keeps bucket names within 63 characters, unique, with a hash of the full name", () => {
    const long = "a".repeat(31);
    const one = AwsNames.bucket(long, "app-compliance-36500d-max36500d-to-ap-southeast-2", "123456789012");
    const two = AwsNames.bucket(long, "app-compliance-36500d-max36500d-to-ap-southeast-1", "123456789012");
    expect(one.length).toBeLessThanOrEqual(63);
    expect(one).toMatch(/^a{31}-app-.*-[0-9a-f]{8}$/);
    expect(one).not.toBe(two);
    expect(AwsNames.bucket("homelab", "audit", "123456789012")).toBe("homelab-audit-123456789012");
    expect(AwsNames.bucket("homelab", "audit")).toBe("homelab-audit");
  });

  it("names restore testing objects without hyphens", () => {
    expect(AwsNames.restoreTestingPlan("my-estate", "weekly")).toBe("my_estate_weekly");
    expect(AwsNames.restoreTestingSelection("my-db", AwsResourceType.DYNAMODB, true)).toBe("my_db_dynamodb_tags");
  });
});
