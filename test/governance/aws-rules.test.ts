import { awsNames } from "../../lib/governance/rules/aws-limits/aws-names";
import { awsResourceLocation } from "../../lib/governance/rules/aws-limits/aws-resource-location";
import { awsResourceSupported } from "../../lib/governance/rules/aws-limits/aws-resource-supported";
import { s3BackupVersioning } from "../../lib/governance/rules/aws-limits/s3-backup-versioning";
import { restoreTestCoverage } from "../../lib/governance/rules/restore/restore-test-coverage";
import { BASELINE_RULES } from "../../lib/governance/packs/baseline";
import { backupOptInDeclared } from "../../lib/governance/rules/aws-limits/backup-opt-in-declared";
import { configRecorderDeclared } from "../../lib/governance/rules/aws-limits/config-recorder-declared";
import { Severity } from "../../lib/core/finding";
import { awsReport, awsService, lineOf, ruleFindings } from "../support/aws-fixtures";

const arns = (...resources: string[]) => ({ aws: { resources } });

describe("GOV-027: aws-resource-location", () => {
  it("non-compliant 1: a resource in another region, reported at its ARN's line", () => {
    const services = [awsService("orders", arns("arn:aws:dynamodb:eu-west-1:123456789012:table/orders"))];
    const f = ruleFindings(awsResourceLocation, services);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, path: ["services", 0, "aws", "resources", 0] });
    expect(f[0].message).toMatch(/region eu-west-1 .*never back it up/);
    expect(f[0].position.line).toBe(lineOf(services, "arn:aws:dynamodb:eu-west-1"));
  });

  it("non-compliant 2: a resource of another account, or another partition", () => {
    expect(
      ruleFindings(awsResourceLocation, [awsService("orders", arns("arn:aws:rds:us-east-1:999999999999:db:x"))])[0]
        .message,
    ).toMatch(/account 999999999999/);
    expect(
      ruleFindings(awsResourceLocation, [awsService("orders", arns("arn:aws-cn:rds:us-east-1:123456789012:db:x"))])[0]
        .message,
    ).toMatch(/partition aws-cn/);
  });

  it("compliant: resources of the estate's region and account; S3 bucket ARNs name no region", () => {
    expect(
      ruleFindings(awsResourceLocation, [
        awsService("orders", arns("arn:aws:rds:us-east-1:123456789012:db:x", "arn:aws:s3:::any-bucket")),
      ]),
    ).toEqual([]);
  });

  it("compliant: any account when the catalog names none", () => {
    expect(
      ruleFindings(awsResourceLocation, [awsService("orders", arns("arn:aws:rds:us-east-1:999999999999:db:x"))], {
        accountId: undefined,
      }),
    ).toEqual([]);
  });

  it("blocks validation and cannot be acknowledged", () => {
    expect(awsReport([awsService("orders", arns("arn:aws:rds:eu-west-1:123456789012:db:x"))]).ok).toBe(false);
    expect(awsResourceLocation.acknowledgeable).toBe(false);
  });
});

describe("GOV-028: aws-resource-supported", () => {
  it.each([
    ["an S3 prefix", "arn:aws:s3:::invoices/2024", /whole buckets/],
    ["a DynamoDB stream", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024", /resource itself/],
    ["a Lambda function", "arn:aws:lambda:us-east-1:123456789012:function:f", /resource itself/],
    ["an RDS snapshot", "arn:aws:rds:us-east-1:123456789012:snapshot:nightly", /resource itself/],
  ])("non-compliant: %s", (_what, arn, fix) => {
    const f = ruleFindings(awsResourceSupported, [
      awsService("orders", arns("arn:aws:rds:us-east-1:123456789012:db:ok", arn)),
    ]);
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["services", 0, "aws", "resources", 1]);
    expect(f[0].fix).toMatch(fix);
  });

  it("compliant: RDS, Aurora, DynamoDB, EFS, S3, EC2, EBS, FSx", () => {
    const services = [
      awsService(
        "orders",
        arns(
          "arn:aws:rds:us-east-1:123456789012:db:a",
          "arn:aws:rds:us-east-1:123456789012:cluster:b",
          "arn:aws:dynamodb:us-east-1:123456789012:table/c",
          "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
          "arn:aws:s3:::bucket-d",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
          "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
          "arn:aws:fsx:us-east-1:123456789012:file-system/fs-2",
        ),
      ),
    ];
    expect(ruleFindings(awsResourceSupported, services)).toEqual([]);
  });
});

describe("GOV-029: s3-backup-versioning", () => {
  it("non-compliant 1: an S3 bucket selected by ARN (a warning: versioning cannot be seen offline)", () => {
    const f = ruleFindings(s3BackupVersioning, [awsService("docs", arns("arn:aws:s3:::docs-bucket"))]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.WARNING, path: ["services", 0, "aws", "resources"] });
    expect(f[0].message).toContain("`docs-bucket`");
  });

  it("non-compliant 2: tags that select S3 buckets", () => {
    const f = ruleFindings(s3BackupVersioning, [
      awsService("docs", { aws: { tags: { app: "docs" }, tagResourceTypes: ["s3"] } }),
    ]);
    expect(f.map((x) => x.path)).toEqual([["services", 0, "aws", "tagResourceTypes"]]);
  });

  it("compliant: an acknowledgement records that versioning is on", () => {
    const f = ruleFindings(s3BackupVersioning, [
      awsService("docs", {
        ...arns("arn:aws:s3:::docs-bucket"),
        acknowledge: [{ rule: "GOV-029", reason: "versioning enforced by an SCP on every bucket" }],
      }),
    ]);
    expect(f[0].acknowledged).toEqual({ reason: "versioning enforced by an SCP on every bucket" });
  });

  it("not applicable: no S3 selected", () => {
    expect(ruleFindings(s3BackupVersioning, [awsService("orders")])).toEqual([]);
  });
});

describe("GOV-030: restore-test-coverage", () => {
  it("non-compliant 1: a drilled service selecting by tags without declaring their types", () => {
    const f = ruleFindings(restoreTestCoverage, [awsService("shop", { aws: { tags: { app: "shop" } } })]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.WARNING, path: ["services", 0, "aws", "tags"] });
    expect(f[0].message).toMatch(/never restore-tested/);
  });

  it("non-compliant 2: types restore testing cannot test, by ARN or by tag type", () => {
    const byArn = ruleFindings(restoreTestCoverage, [
      awsService("dw", arns("arn:aws:redshift:us-east-1:123456789012:cluster:dw")),
    ]);
    expect(byArn[0].message).toMatch(/cannot test `arn:aws:redshift/);
    const byTag = ruleFindings(restoreTestCoverage, [
      awsService("dw", { aws: { tags: { app: "dw" }, tagResourceTypes: ["redshift", "rds"] } }),
    ]);
    expect(byTag[0]).toMatchObject({
      path: ["services", 0, "aws", "tagResourceTypes"],
      message: expect.stringMatching(/cannot test redshift resources/),
    });
  });

  it("compliant: declared, testable tag types", () => {
    expect(
      ruleFindings(restoreTestCoverage, [
        awsService("shop", { aws: { tags: { app: "shop" }, tagResourceTypes: ["dynamodb"] } }),
      ]),
    ).toEqual([]);
  });

  it("not applicable: a rebuildable service (no restore drills)", () => {
    expect(
      ruleFindings(restoreTestCoverage, [
        awsService("shop", { classification: "rebuildable", aws: { tags: { app: "shop" } } }),
      ]),
    ).toEqual([]);
  });
});

describe("GOV-021: aws-names (extended to plans, tag selections and restore-testing selections)", () => {
  it("non-compliant: a tag selection name over 50 characters", () => {
    // "test-" + 41 + "-tags" = 51; the ARN selection (46) still fits.
    const id = "s".repeat(41);
    const f = ruleFindings(awsNames, [awsService(id, { aws: { tags: { app: "x" }, tagResourceTypes: ["dynamodb"] } })]);
    expect(f.map((x) => x.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/backup selection name `test-s+-tags` is 51 characters/)]),
    );
  });

  it("non-compliant: a restore testing selection name over 50 characters", () => {
    const id = "d".repeat(38);
    // `<id>_dynamodb` is 47 characters and fits; `<id>_dynamodb_tags` is 52 and does not.
    expect(
      ruleFindings(awsNames, [
        awsService(id, { aws: { resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"] } }),
      ]),
    ).toEqual([]);
    const tagged = ruleFindings(awsNames, [
      awsService(id, { aws: { tags: { a: "b" }, tagResourceTypes: ["dynamodb"] } }),
    ]);
    expect(
      tagged.some((x) => /restore testing selection name `d+_dynamodb_tags` is 52 characters/.test(x.message)),
    ).toBe(true);
  });

  it("compliant: short names", () => {
    expect(ruleFindings(awsNames, [awsService("orders")])).toEqual([]);
  });
});

describe("new AWS rules are registered with unique ids in the reserved range", () => {
  it("GOV-027..030 are in the baseline pack", () => {
    const ids = BASELINE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["GOV-027", "GOV-028", "GOV-029", "GOV-030"]));
  });
});

describe("GOV-104: config-recorder-declared", () => {
  // Source: AWS Backup Developer Guide, "Choosing your controls": each Audit Manager control lists the AWS Config
  // recording resource type it needs; AWS Config rules (the last-recovery-point ones) evaluate recorded resources.
  it("non-compliant: AWS Backup services, no recorder declared", () => {
    const f = ruleFindings(configRecorderDeclared, [awsService("orders")]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.WARNING, path: ["aws"] });
    expect(f[0].message).toMatch(/configuration recorder runs in us-east-1/);
    expect(f[0].fix).toMatch(/describe-configuration-recorder-status --region us-east-1/);
  });

  it("compliant: the recorder is declared", () => {
    expect(
      ruleFindings(configRecorderDeclared, [awsService("orders")], { prerequisites: { configRecorder: true } }),
    ).toEqual([]);
  });

  it("not applicable: no service uses AWS Backup", () => {
    expect(ruleFindings(configRecorderDeclared, [])).toEqual([]);
  });
});

describe("GOV-105: backup-opt-in-declared", () => {
  // Source: AWS Backup API reference, UpdateRegionSettings / DescribeRegionSettings: ResourceTypeOptInPreference
  // decides which resource types AWS Backup protects in the Region; a tag selection selects nothing of an opted-out type.
  const tagged = (types: string[]) => [
    awsService("ledger", { aws: { tags: { app: "ledger" }, tagResourceTypes: types } }),
  ];

  it("non-compliant 1: a tag-selected type not declared opted in", () => {
    const f = ruleFindings(backupOptInDeclared, tagged(["rds", "dynamodb"]), {
      prerequisites: { backupOptIn: ["rds"] },
    });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.WARNING, path: ["services", 0, "aws", "tagResourceTypes"] });
    expect(f[0].message).toMatch(/selects dynamodb by tags/);
    expect(f[0].fix).toMatch(/describe-region-settings --region us-east-1/);
  });

  it("non-compliant 2: a tag selection that names no types cannot be checked", () => {
    const f = ruleFindings(backupOptInDeclared, [awsService("ledger", { aws: { tags: { app: "ledger" } } })], {
      prerequisites: { backupOptIn: ["rds"] },
    });
    expect(f).toHaveLength(1);
    expect(f[0].path).toEqual(["services", 0, "aws", "tags"]);
  });

  it("compliant: every tag-selected type is declared", () => {
    expect(
      ruleFindings(backupOptInDeclared, tagged(["rds", "dynamodb"]), {
        prerequisites: { backupOptIn: ["dynamodb", "rds"] },
      }),
    ).toEqual([]);
  });

  it("not applicable: selection by ARN only", () => {
    expect(ruleFindings(backupOptInDeclared, [awsService("orders")])).toEqual([]);
  });
});
