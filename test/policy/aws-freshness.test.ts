import { Duration } from "../../lib/core/duration";
import { AwsResourceType } from "../../lib/policy/aws-backup";
import {
  CONFIG_FREQUENCIES,
  CONFIG_RULES_PER_REGION,
  configFrequency,
  detectionBound,
  FRESHNESS_TAG_KEY,
  FreshnessTagging,
  freshnessTags,
  LAST_RECOVERY_POINT_RULES,
  recoveryPointAge,
  recoveryPointRules,
  vaultFreshness,
} from "../../lib/policy/aws-freshness";
import { freshnessTagApplied } from "../../lib/governance/rules/alerts/freshness-tag-applied";
import { effectivePolicies } from "../../lib/policy/effective";
import { awsCatalog, awsCatalogText, awsService, ruleFindings } from "../support/aws-fixtures";
import { loadCatalogText } from "../../lib/catalog/load";
import { freshnessDetectionBound } from "../../lib/governance/rules/alerts/freshness-detection-bound";
import { configRulesQuota } from "../../lib/governance/rules/aws-limits/config-rules-quota";
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

  it("groups rules by type, age and scope: tag selections by their tags, ARN-selected resources (RDS too) by the estate's freshness tag, never type-wide", () => {
    const catalog = awsCatalog([
      awsService("ledger", { rpo: "1d", aws: { tags: { app: "ledger" }, tagResourceTypes: ["rds", "dynamodb"] } }),
      awsService("orders", {
        aws: {
          resources: [
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            "arn:aws:rds:us-east-1:123456789012:db:orders",
          ],
        },
      }),
      awsService("carts", { aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/carts"] } }),
    ]);
    const rules = recoveryPointRules(effectivePolicies(catalog), catalog);
    expect(
      rules.map((r) => [
        r.name.replace(/tags-[0-9a-f]{8}/, "tags-H"),
        r.identifier,
        r.resourceTags ?? null,
        r.serviceIds,
      ]),
    ).toEqual([
      // orders and carts share one DynamoDB rule; the RDS instance selected by ARN is covered, scoped by the estate's
      // tag (a type-wide rule would judge and alert on every instance in the Region; a resourceId scope names one
      // resource, and AWS Config knows an RDS instance by its DbiResourceId, which the ARN does not carry).
      [
        "dynamodb-arn-28h",
        "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED",
        { [FRESHNESS_TAG_KEY]: "test/28h" },
        ["carts", "orders"],
      ],
      ["dynamodb-tags-H-28h", "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED", { app: "ledger" }, ["ledger"]],
      ["rds-arn-28h", "RDS_LAST_BACKUP_RECOVERY_POINT_CREATED", { [FRESHNESS_TAG_KEY]: "test/28h" }, ["orders"]],
      ["rds-tags-H-28h", "RDS_LAST_BACKUP_RECOVERY_POINT_CREATED", { app: "ledger" }, ["ledger"]],
    ]);
    // Daily snapshots: one day plus the margin (a quarter of the interval, at most 4 hours); evaluated every
    // 6 hours (at most a quarter of the age): a stopped backup is reported within 34 hours.
    for (const r of rules)
      expect([r.age, r.frequency, r.detectionBound.toString()]).toEqual([
        { value: 28, unit: "hours" },
        "Six_Hours",
        "34h",
      ]);
  });

  it("computes the detection bound as the allowed age plus one evaluation period, with AWS Config's frequencies", () => {
    // Source: AWS Config API Reference, ConfigRule.MaximumExecutionFrequency: One_Hour | Three_Hours | Six_Hours |
    // Twelve_Hours | TwentyFour_Hours; a periodic rule is evaluated at that frequency.
    expect(Object.keys(CONFIG_FREQUENCIES)).toEqual([
      "One_Hour",
      "Three_Hours",
      "Six_Hours",
      "Twelve_Hours",
      "TwentyFour_Hours",
    ]);
    expect(configFrequency(2)).toBe("One_Hour");
    expect(configFrequency(28)).toBe("Six_Hours");
    expect(configFrequency(28, Duration.minutes(15))).toBe("One_Hour");
    expect(configFrequency(744)).toBe("TwentyFour_Hours");
    expect(detectionBound({ value: 28, unit: "hours" }, "One_Hour").toString()).toBe("29h");
    expect(detectionBound({ value: 2, unit: "days" }, "Twelve_Hours").toString()).toBe("60h");
  });

  it("keeps a 5,000-service AWS estate under 100 AWS Config rules (the account allows 1,000)", () => {
    // Source: AWS Config Developer Guide, "Service Limits": 1,000 AWS Config rules per account per Region
    // (MaxNumberOfConfigRulesExceededException beyond it).
    expect(CONFIG_RULES_PER_REGION).toBe(1000);
    const services = Array.from({ length: 5000 }, (_, i) =>
      awsService(`svc${i}`, {
        rpo: ["1d", "12h", "4h"][i % 3],
        aws: {
          resources: [
            i % 2
              ? `arn:aws:dynamodb:us-east-1:123456789012:table/t${i}`
              : `arn:aws:rds:us-east-1:123456789012:db:d${i}`,
          ],
        },
      }),
    );
    // Loaded, not validated: this is about the rule count, not the other rules' speed on 5,000 services.
    const catalog = loadCatalogText(awsCatalogText(services), "big.yaml").catalog!;
    const rules = recoveryPointRules(effectivePolicies(catalog), catalog);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.length).toBeLessThan(100);
    expect(new Set(rules.flatMap((r) => r.serviceIds)).size).toBe(5000);
    // Every rule is scoped: none judges every resource of its type in the Region.
    expect(rules.filter((r) => !r.resourceTags || Object.keys(r.resourceTags).length === 0)).toEqual([]);
  });

  it("no rule is type-wide; each ARN-selected resource gets the estate's freshness tag, applied by Terraform where a tag-only resource exists", () => {
    // Sources: AWS Config managed rules <TYPE>_LAST_BACKUP_RECOVERY_POINT_CREATED, parameters resourceTags /
    // resourceId (one id) (Config Developer Guide); hashicorp/aws 5.100 has aws_ec2_tag and aws_dynamodb_tag, no
    // tag-only resource for RDS, S3, EFS or FSx (provider documentation, resource index).
    const catalog = awsCatalog([
      awsService("orders", {
        aws: {
          resources: [
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            "arn:aws:rds:us-east-1:123456789012:db:orders",
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc",
          ],
        },
      }),
    ]);
    const policies = effectivePolicies(catalog);
    for (const r of recoveryPointRules(policies, catalog))
      expect([r.name, r.resourceTags]).toEqual([r.name, { [FRESHNESS_TAG_KEY]: "test/28h" }]);
    expect(
      freshnessTags(policies, catalog).map((t) => [t.arn.split(":").slice(2, 3)[0], t.key, t.value, t.tagging]),
    ).toEqual([
      ["dynamodb", FRESHNESS_TAG_KEY, "test/28h", FreshnessTagging.DYNAMODB_TAG],
      ["ec2", FRESHNESS_TAG_KEY, "test/28h", FreshnessTagging.EC2_TAG],
      ["rds", FRESHNESS_TAG_KEY, "test/28h", FreshnessTagging.OPERATOR],
    ]);
    // GOV-223: the RDS instance must be tagged by hand, with a command that adds the tag and keeps the others.
    const f = ruleFindings(freshnessTagApplied, [
      awsService("orders", {
        aws: {
          resources: [
            "arn:aws:rds:us-east-1:123456789012:db:orders",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
          ],
        },
      }),
    ]);
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(
        /arn:aws:rds:us-east-1:123456789012:db:orders is selected by ARN; .* tagged backup-gov:freshness=test\/28h/,
      ),
    ]);
    expect(f[0].fix).toContain(
      `aws resourcegroupstaggingapi tag-resources --region us-east-1 --resource-arn-list arn:aws:rds:us-east-1:123456789012:db:orders --tags ${FRESHNESS_TAG_KEY}=test/28h`,
    );
    expect(
      ruleFindings(freshnessTagApplied, [
        awsService("carts", { aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/carts"] } }),
      ]),
    ).toEqual([]);
    // A bucket's ARN names no Region: the command names the estate's Region, never an empty --region.
    const bucket = ruleFindings(freshnessTagApplied, [
      awsService("files", { aws: { resources: ["arn:aws:s3:::files-bucket"] } }),
    ]);
    expect(bucket).toHaveLength(1);
    expect(bucket[0].fix).toMatch(/tag-resources --region us-east-1 --resource-arn-list arn:aws:s3:::files-bucket /);
    expect(bucket[0].message).toMatch(/cannot apply to this S3 resource/);
  });

  it("GOV-223 points into the service that selects the ARN when two services share an id (found by the catalog fuzz)", () => {
    // The first "orders" selects nothing by ARN; the rule threw (GOV-000) reading its aws section.
    const f = ruleFindings(freshnessTagApplied, [
      awsService("orders", { aws: { tags: { app: "orders" } } }),
      awsService("orders", { aws: { resources: ["arn:aws:rds:us-east-1:123456789012:db:orders"] } }),
    ]);
    expect(f.map((x) => [x.ruleId, x.path.join(".")])).toEqual([["GOV-223", "services.1.aws.resources.0"]]);
  });

  it("alarms per vault over the shortest rule cadence writing there, at most 7 days", () => {
    const { catalog, policies } = loadValid();
    const v = vaultFreshness(policies, catalog);
    expect(v.map((x) => x.vaultName)).toEqual(["homelab-compliance-14d"]);
    expect(v[0].window.toMinutes()).toBeLessThanOrEqual(7 * 1440);
    expect(v[0].window.toMinutes()).toBeGreaterThanOrEqual(24 * 60);
  });

  it("GOV-221 warns where the detection bound exceeds twice the RPO, not where it fits", () => {
    const daily = { aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/a"] } };
    // RPO 1h: hourly snapshots, recovery points up to 2 hours old (AWS Config counts whole hours), evaluated hourly: 3h > 2 × 1h.
    const f = ruleFindings(freshnessDetectionBound, [awsService("fast", { rpo: "1h", ...daily })]);
    expect(f.map((x) => [x.severity, x.path.join(".")])).toEqual([["warning", "services.0.rpo"]]);
    expect(f[0].message).toMatch(
      /^service fast: a stopped backup is reported within \d+h .*more than twice the RPO 1h$/,
    );
    expect(f[0].message).toContain("within 3h");
    // RPO 4h: snapshots every 4 hours, 5 hours allowed, evaluated hourly: 6h <= 8h. RPO 1d: 34h <= 48h.
    expect(ruleFindings(freshnessDetectionBound, [awsService("mid", { rpo: "4h", ...daily })])).toEqual([]);
    expect(ruleFindings(freshnessDetectionBound, [awsService("slow", { rpo: "1d", ...daily })])).toEqual([]);
  });

  it("GOV-222 warns before the Config rules quota, from 800 rules on", () => {
    // 800 distinct tag sets on RDS: one rule each.
    const services = Array.from({ length: 800 }, (_, i) =>
      awsService(`s${i}`, { aws: { tags: { app: `a${i}` }, tagResourceTypes: ["rds"] } }),
    );
    const f = ruleFindings(configRulesQuota, services);
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(/creates 800 AWS Config rules .* allows 1000 per account and Region/),
    ]);
    expect(ruleFindings(configRulesQuota, services.slice(0, 799))).toEqual([]);
  });
});
