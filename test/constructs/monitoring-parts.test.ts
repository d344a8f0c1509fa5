/**
 * The focused monitoring parts BackupMonitoring is made of, used on their own: a stack that
 * wants only heartbeat alarms or only the audit reports composes the parts it needs on a scope
 * of its own, and gets what the facade would have made (the facade's own output is held
 * byte for byte by test/examples/golden.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import {
  AlertTopic,
  AuditReports,
  HeartbeatAlarms,
  type MonitoringScope,
  RecoveryPointFreshness,
} from "../../lib/constructs/backup-monitoring";
import { Construct, Testing, TerraformStack } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { AuditControlName } from "../../lib/policy/audit";
import { AwsResourceType } from "../../lib/policy/aws-backup";

function scope(): { stack: TerraformStack; base: MonitoringScope } {
  const stack = new TerraformStack(Testing.app(), "parts");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return { stack, base: { construct: new Construct(stack, "Ops"), estate: "lab", accountId: "123456789012" } };
}

describe("monitoring parts on their own", () => {
  it("an AlertTopic and HeartbeatAlarms alone: the alarms publish to that topic, and nothing else is created", () => {
    const { stack, base } = scope();
    const topic = new AlertTopic(base);
    const heartbeats = new HeartbeatAlarms(
      { ...base, topicArn: topic.topic.arn },
      { services: [{ serviceId: "db", source: "postgresql", window: Duration.hours(26) }] },
    );
    const json = JSON.parse(Testing.synth(stack));
    expect(heartbeats.alarms).toHaveLength(2);
    expect(Object.keys(json.resource).sort()).toEqual([
      "aws_cloudwatch_metric_alarm",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_sns_topic",
      "aws_sns_topic_policy",
    ]);
    const topicAddress = Object.keys(json.resource.aws_sns_topic)[0];
    for (const alarm of Object.values(json.resource.aws_cloudwatch_metric_alarm) as Array<{
      alarm_actions: string[];
    }>) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicAddress}.arn}`]);
    }
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SnsTopic, { name: "lab-backup-alerts" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "lab-db-postgresql-backup-heartbeat",
      treat_missing_data: "breaching",
    });
  });

  it("AuditReports composes a BackupBucket encrypted with the key it is given, and checks its controls first (MON-003)", () => {
    const { stack, base } = scope();
    const topic = new AlertTopic(base, { reportsUseKey: true });
    const reports = new AuditReports(base, {
      controls: [{ name: AuditControlName.PROTECTED_BY_BACKUP_PLAN }],
      kmsKeyArn: topic.encryptionKey.key.arn,
    });
    expect(reports.bucket?.bucketName).toBe("lab-backup-reports-123456789012");
    expect(Testing.synth(stack)).toHaveResourceWithProperties(S3Bucket, { bucket: "lab-backup-reports-123456789012" });
    const json = JSON.parse(Testing.synth(stack));
    const keyAddress = Object.keys(json.resource.aws_kms_key)[0];
    const sse = Object.values(json.resource.aws_s3_bucket_server_side_encryption_configuration)[0] as {
      rule: Array<{ apply_server_side_encryption_by_default: { kms_master_key_id: string } }>;
    };
    expect(sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(
      `\${aws_kms_key.${keyAddress}.arn}`,
    );
    const bad = scope();
    expect(
      () =>
        new AuditReports(bad.base, {
          controls: [
            {
              name: AuditControlName.PROTECTED_BY_BACKUP_PLAN,
              scope: { tag: { key: "a", value: "b" }, resourceTypes: ["RDS"] },
            },
          ],
          kmsKeyArn: "arn",
        }),
    ).toThrow(/MON-003/);
  });

  it("RecoveryPointFreshness refuses a resource type AWS Config has no rule for (MON-022)", () => {
    const { base } = scope();
    const rules = [{ name: "gw", resourceType: AwsResourceType.NEPTUNE, maxAge: Duration.days(1) }];
    expect(
      () => new RecoveryPointFreshness({ ...base, topicArn: "arn:aws:sns:eu-west-1:123456789012:t" }, { rules }),
    ).toThrow(/MON-022/);
  });

  it("each part is a file of at most 250 lines, and so is the facade", () => {
    const dir = join(__dirname, "../../lib/constructs/monitoring");
    const files = [...readdirSync(dir).map((f) => join(dir, f)), join(dir, "../backup-monitoring.ts")];
    const long = files.map((f) => [f, readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > 250);
    expect(long).toEqual([]);
    expect(files.length).toBeGreaterThan(10);
  });
});
