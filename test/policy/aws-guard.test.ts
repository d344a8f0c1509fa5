import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupKey, KEY_DESTRUCTIVE_ACTIONS } from "../../lib/constructs/backup-key";
import { BackupMonitoring } from "../../lib/constructs/backup-monitoring";
import { Testing, TerraformStack } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { CLOUDTRAIL_API_CALL, guardRules } from "../../lib/policy/aws-guard";
import { catalogWith, findingsOf, ROOT, validate } from "../support/catalogs";

type Json = { resource: Record<string, Record<string, Record<string, any>>> };

function monitoring(props: { forward?: boolean; guard?: boolean } = {}): Json {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const west = new AwsProvider(stack, "west", { region: "us-west-2", alias: "west" });
  new BackupMonitoring(stack, "Monitoring", {
    estate: "lab",
    accountId: "123456789012",
    region: "us-east-1",
    forwardEventsFrom: props.forward ? [west] : undefined,
    keyAndLockGuard: props.guard,
  });
  return JSON.parse(Testing.synth(stack));
}

const patterns = (json: Json) =>
  Object.values(json.resource.aws_cloudwatch_event_rule).map((r) => ({
    provider: r.provider as string | undefined,
    pattern: JSON.parse(r.event_pattern),
  }));
const cloudTrail = (json: Json) => patterns(json).filter((p) => p.pattern["detail-type"][0] === CLOUDTRAIL_API_CALL);

describe("the key and lock guard", () => {
  it("matches the CloudTrail calls that can undo a lock, by their documented event names", () => {
    // Sources: EventBridge User Guide, "AWS service events delivered via AWS CloudTrail" (detail-type "AWS API Call
    // via CloudTrail", detail.eventSource / detail.eventName; a trail with logging on is required). Event names are
    // the API actions: AWS KMS API Reference (ScheduleKeyDeletion, DisableKey, PutKeyPolicy, DeleteAlias); AWS Backup
    // API Reference (PutBackupVaultLockConfiguration, DeleteBackupVaultLockConfiguration, PutBackupVaultAccessPolicy,
    // DeleteBackupVaultAccessPolicy, DeleteBackupVault); S3 User Guide, "Amazon S3 CloudTrail events" (bucket-level
    // management events; PutBucketLifecycleConfiguration is logged as PutBucketLifecycle).
    const json = monitoring();
    const order = ["aws.kms", "aws.backup", "aws.s3"];
    const rules = cloudTrail(json)
      .map((p) => p.pattern)
      .sort((a, b) => order.indexOf(a.source[0]) - order.indexOf(b.source[0]));
    expect(rules).toEqual([
      {
        source: ["aws.kms"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: ["kms.amazonaws.com"],
          eventName: ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "DeleteAlias"],
        },
      },
      {
        source: ["aws.backup"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: ["backup.amazonaws.com"],
          eventName: [
            "PutBackupVaultLockConfiguration",
            "DeleteBackupVaultLockConfiguration",
            "PutBackupVaultAccessPolicy",
            "DeleteBackupVaultAccessPolicy",
            "DeleteBackupVault",
          ],
        },
      },
      {
        source: ["aws.s3"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: ["s3.amazonaws.com"],
          eventName: [
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "PutObjectLockConfiguration",
            "PutBucketLifecycle",
            "DeleteBucketLifecycle",
            "PutBucketVersioning",
            "PutBucketReplication",
            "DeleteBucketReplication",
          ],
          // Every bucket of the estate is named <estate>-... (AwsNames.bucket).
          requestParameters: { bucketName: [{ prefix: "lab-" }] },
        },
      },
    ]);
    // Each goes to the alert topic, as a Chatbot custom notification naming who called what.
    const targets = Object.values(json.resource.aws_cloudwatch_event_target).filter((t) =>
      String(t.rule).includes("Guard"),
    );
    expect(targets).toHaveLength(3);
    for (const t of targets) {
      expect(t.arn).toMatch(/aws_sns_topic\..*\.arn/);
      const message = JSON.parse(t.input_transformer.input_template);
      expect(message).toMatchObject({ version: "1.0", source: "custom" });
      expect(message.content.description).toContain("<who> called <call> on <resource>");
      expect(t.input_transformer.input_paths.who).toBe("$.detail.userIdentity.arn");
    }
  });

  it("forwards the guarded calls of other Regions (offsite keys and vaults) to this Region's bus; can be turned off", () => {
    const json = monitoring({ forward: true });
    const west = cloudTrail(json).filter((p) => p.provider === "aws.west");
    expect(west.map((p) => p.pattern.source[0]).sort()).toEqual(["aws.backup", "aws.kms", "aws.s3"]);
    expect(cloudTrail(monitoring({ guard: false }))).toEqual([]);
  });

  it("the guard rule list is the one the construct uses", () => {
    expect(guardRules("lab").map((g) => g.eventNames.length)).toEqual([4, 5, 8]);
  });
});

describe("key deletion and disabling limited to a named break-glass principal", () => {
  const keyStatements = (json: Json) =>
    Object.values(json.resource.aws_kms_key).map((k) => JSON.parse(k.policy).Statement as Array<Record<string, any>>);

  it("denies DisableKey and ScheduleKeyDeletion to everyone but the break-glass principal; nothing without one", () => {
    // Source: AWS KMS Developer Guide, "Deleting AWS KMS keys" ("Deleting a KMS key is destructive and potentially
    // dangerous ... you can no longer decrypt the data that was encrypted under that KMS key") and "Controlling access
    // to key deletion" (deny kms:ScheduleKeyDeletion in the key policy); IAM User Guide: an explicit Deny overrides
    // every Allow, the account root's included.
    const synthKey = (props: { arn?: string; context?: string }) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "test");
      if (props.context) stack.node.setContext("cdktf-backup-governance:breakGlassPrincipalArn", props.context);
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      new BackupKey(stack, "Key", { accountId: "123456789012", breakGlassPrincipalArn: props.arn });
      return JSON.parse(Testing.synth(stack)) as Json;
    };
    const arn = "arn:aws:iam::123456789012:role/break-glass";
    for (const json of [synthKey({ arn }), synthKey({ context: arn })]) {
      const deny = keyStatements(json)[0].find((s) => s.Effect === "Deny");
      expect(deny).toEqual({
        Sid: "OnlyBreakGlassDisablesOrDeletes",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: [...KEY_DESTRUCTIVE_ACTIONS],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": arn } },
      });
      // PutKeyPolicy stays allowed to the account: KMS refuses a policy that locks out the caller of PutKeyPolicy.
      expect(deny!.Action).not.toContain("kms:PutKeyPolicy");
    }
    expect(keyStatements(synthKey({}))[0].some((s) => s.Effect === "Deny")).toBe(false);
  });

  it("the default catalog names one, and every KMS key of its AWS stack carries the deny", () => {
    const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, "stacks", "catalog.yaml")));
    const all = keyStatements(JSON.parse(Testing.synth(estate.awsStack!)));
    expect(all.length).toBeGreaterThan(2);
    for (const statements of all)
      expect(statements.find((s) => s.Sid === "OnlyBreakGlassDisablesOrDeletes")?.Condition).toEqual({
        ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/backup-break-glass" },
      });
  });

  it("GOV-220 warns when an estate with AWS names no break-glass principal, and not when it does", () => {
    const f = findingsOf(
      validate(catalogWith([], { aws: { region: "us-east-1", accountId: "123456789012" } })),
      "GOV-220",
    );
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toMatch(/disable the keys or schedule their deletion/);
    const named = catalogWith([], {
      aws: { region: "us-east-1", accountId: "123456789012", breakGlassPrincipal: "arn:aws:iam::123456789012:role/bg" },
    });
    expect(findingsOf(validate(named), "GOV-220")).toEqual([]);
    const bad = catalogWith([], { aws: { region: "us-east-1", breakGlassPrincipal: "bg-role" } });
    expect(validate(bad).findings.some((x) => x.path.join(".") === "aws.breakGlassPrincipal")).toBe(true);
  });
});
