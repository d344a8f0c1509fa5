import { BackupFramework } from "@cdktf/provider-aws/lib/backup-framework";
import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  BackupMonitoring,
  type BackupMonitoringProps,
  ChatChannel,
  DEPRECATED_VAULT_EVENTS,
  evaluationWindow,
  FAILURE_VAULT_EVENTS,
  VaultEvent,
} from "../../lib/constructs/backup-monitoring";
import { createHash } from "node:crypto";
import { BackupKey, KEY_ADMIN_AND_USE_ACTIONS } from "../../lib/constructs/backup-key";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { Testing, TerraformStack } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { AuditControlName } from "../../lib/policy/audit";
import { AwsResourceType } from "../../lib/policy/aws-backup";

function synth(
  given: Partial<BackupMonitoringProps> | ((stack: TerraformStack) => Partial<BackupMonitoringProps>) = {},
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const props = typeof given === "function" ? given(stack) : given;
  const m = new BackupMonitoring(stack, "Monitoring", { estate: "lab", accountId: "123456789012", ...props });
  return { m, json: JSON.parse(Testing.synth(stack)), out: Testing.synth(stack) };
}

interface KeyStatement {
  Sid: string;
  Effect: string;
  Principal: { AWS?: string; Service?: string };
  Action: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/** The statements of the topic key's own policy (one aws_kms_key in these stacks). */
function keyPolicy(json: { resource: { aws_kms_key: Record<string, { policy: string }> } }): KeyStatement[] {
  const keys = Object.values(json.resource.aws_kms_key);
  expect(keys).toHaveLength(1);
  return (JSON.parse(keys[0].policy) as { Statement: KeyStatement[] }).Statement;
}
const actions = (s: KeyStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe("BackupMonitoring", () => {
  it("GIVEN channels WHEN synthesized THEN the topic is KMS-encrypted and every channel is subscribed, URLs only as sensitive variables", () => {
    const { out, json, m } = synth({ emails: ["ops@example.com"], webhooks: ["slack-ops"], pagerDuty: true });
    expect(out).toHaveResourceWithProperties(SnsTopic, {
      name: "lab-backup-alerts",
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/),
    });
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "ops@example.com" });
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "https",
      endpoint: "${var.webhook_slack_ops_url}",
    });
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "https",
      endpoint: "${var.pagerduty_integration_url}",
      endpoint_auto_confirms: true,
    });
    expect(json.variable.webhook_slack_ops_url).toMatchObject({ sensitive: true, type: "string" });
    expect(json.variable.pagerduty_integration_url).toMatchObject({ sensitive: true });
    expect(m.webhookVariables.get("slack-ops")).toBeDefined();
    expect(out).not.toMatch(/hooks\.slack\.com|events\.pagerduty\.com/);
  });

  it("lets AWS Backup, EventBridge and CloudWatch use the key and publish to the topic, this account only, TLS only", () => {
    const { json } = synth();
    const key = keyPolicy(json);
    const publishers = key.filter((s) => s.Sid.endsWith("UsesKey"));
    expect(publishers.map((p) => p.Principal.Service)).toEqual([
      "backup.amazonaws.com",
      "events.amazonaws.com",
      "cloudwatch.amazonaws.com",
    ]);
    for (const p of publishers) expect(actions(p)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    for (const s of key) for (const a of actions(s)) expect(a).not.toMatch(/\*/);
    const docs = json.data.aws_iam_policy_document;
    const topic = Object.entries(docs).find(([k]) => k.includes("TopicPolicyDocument"))![1] as {
      statement: Array<{ sid: string; effect?: string; condition: Array<{ variable: string; values: string[] }> }>;
    };
    expect(topic.statement.map((s) => s.sid)).toEqual([
      "AllowBackupPublish",
      "AllowEventsPublish",
      "AllowCloudwatchPublish",
      "DenyPublishWithoutTls",
    ]);
    expect(topic.statement[0].condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
    ]);
    expect(topic.statement[3]).toMatchObject({
      effect: "Deny",
      condition: [{ variable: "aws:SecureTransport", values: ["false"] }],
    });
  });

  describe("the topic key's grant to each publisher", () => {
    const grant = (svc: string) => keyPolicy(synth().json).find((s) => s.Principal.Service === svc)!;

    it("EventBridge: the SNS developer guide's statement, with no condition that its delivery would fail", () => {
      // Source: SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
      // topics" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
      // Principal events.amazonaws.com, kms:GenerateDataKey* and kms:Decrypt, no Condition. re:Post
      // "sns-not-getting-eventbridge-notification": a key policy EventBridge's delivery does not satisfy fails every
      // publish, seen only in the rule's FailedInvocations. (kms:GenerateDataKey is the one SNS calls.)
      const g = grant("events.amazonaws.com");
      expect(g).toMatchObject({
        Sid: "EventsUsesKey",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
      });
      expect(actions(g)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(g.Condition).toBeUndefined();
    });

    it("AWS Backup: its vault notifications' key grant, bound to this account's vaults", () => {
      // Source: AWS Backup Developer Guide, "Use Amazon SNS to track AWS Backup events" (an encrypted topic's key
      // policy lets backup.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt); IAM User Guide, "The confused
      // deputy problem" (aws:SourceAccount / aws:SourceArn on service-principal grants).
      const g = grant("backup.amazonaws.com");
      expect(actions(g)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(g.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:backup:*:123456789012:backup-vault:*" },
      });
    });

    it("CloudWatch: its alarm actions' key grant, bound to this account's alarms", () => {
      // Source: CloudWatch User Guide, "Using Amazon CloudWatch alarms" (alarm actions to an encrypted topic need
      // cloudwatch.amazonaws.com to use kms:Decrypt and kms:GenerateDataKey* on its key); IAM User Guide, "The
      // confused deputy problem".
      const g = grant("cloudwatch.amazonaws.com");
      expect(actions(g)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(g.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:*:123456789012:alarm:*" },
      });
    });
  });

  it("builds its key from BackupKey (one key policy and hardening for the library) at the key's old Terraform address", () => {
    const { json, m } = synth({ auditControls: [{ name: AuditControlName.PLAN_MIN_FREQUENCY_AND_RETENTION }] });
    expect(m.encryptionKey).toBeInstanceOf(BackupKey);
    expect(m.key).toBe(m.encryptionKey.key);
    const key = keyPolicy(json);
    // BackupKey's administration statement: the library's one action list, for the account root.
    expect(key[0]).toMatchObject({
      Sid: "AccountAdministersAndDelegatesUse",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
    });
    expect(actions(key[0])).toEqual([...KEY_ADMIN_AND_USE_ACTIONS]);
    // The reports role may use the key only through the condition on its ARN (it may not exist yet).
    expect(key.find((s) => s.Sid === "BackupReportsUseKey")).toMatchObject({
      Principal: { AWS: "*" },
      Condition: {
        ArnEquals: {
          "aws:PrincipalArn":
            "arn:aws:iam::123456789012:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports",
        },
      },
    });
    // A deployed key has prevent_destroy: a new address would plan a replacement that Terraform
    // refuses. The address is cdktf's id of "Monitoring/Key" (md5 of the path, first 8 hex digits).
    const old = `Monitoring_Key_${createHash("md5").update("Monitoring/Key").digest("hex").slice(0, 8).toUpperCase()}`;
    expect(Object.keys(json.resource.aws_kms_key)).toEqual([old]);
    expect(json.resource.aws_kms_key[old]).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(Object.keys(json.resource.aws_kms_alias)).toEqual([
      `Monitoring_KeyAlias_${createHash("md5").update("Monitoring/KeyAlias").digest("hex").slice(0, 8).toUpperCase()}`,
    ]);
    // The report bucket is encrypted with the same key.
    expect(JSON.stringify(json.resource.aws_s3_bucket_server_side_encryption_configuration)).toContain(
      `\${aws_kms_key.${old}.arn}`,
    );
    // No hand-built key policy document is left.
    expect(Object.keys(json.data.aws_iam_policy_document).filter((k) => k.includes("KeyPolicy"))).toEqual([]);
  });

  it("matches every failing state AWS Backup reports (backup and copy jobs by state, restores by status, restore tests by validation), with a readable message", () => {
    // Sources: AWS Backup Developer Guide, "Monitoring AWS Backup events using Amazon EventBridge" (restore
    // events report `status`, the others `state`); API reference: CopyJob.State CREATED | RUNNING | COMPLETED |
    // FAILED | PARTIAL; DescribeRestoreJob.Status PENDING | RUNNING | COMPLETED | ABORTED | FAILED;
    // PutRestoreValidationResult.ValidationStatus FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING.
    const { out, json } = synth();
    const pattern = (detailType: string, detail: Record<string, string[]>) =>
      JSON.stringify({ source: ["aws.backup"], "detail-type": [detailType], detail });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: pattern("Backup Job State Change", { state: ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] }),
    });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: pattern("Copy Job State Change", { state: ["FAILED", "PARTIAL"] }),
    });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: pattern("Restore Job State Change", { status: ["FAILED", "ABORTED"] }),
    });
    expect(out).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: pattern("Restore Job State Change", { validationStatus: ["FAILED", "TIMED_OUT"] }),
    });
    // The AWS Backup job rules (the key and lock guard's are tested in test/policy/aws-guard.test.ts).
    const targets = (
      Object.values(json.resource.aws_cloudwatch_event_target) as Array<{
        rule: string;
        input_transformer: { input_paths: Record<string, string>; input_template: string };
      }>
    ).filter((t) => !t.rule.includes("Guard"));
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      // Every placeholder of the template has an input path.
      for (const [, p] of t.input_transformer.input_template.matchAll(/<([a-z]+)>/g))
        expect(t.input_transformer.input_paths[p]).toBeDefined();
      // AWS Chatbot's custom-notification schema (test/policy/aws-chatbot.test.ts validates it in full).
      expect(JSON.parse(t.input_transformer.input_template)).toMatchObject({
        version: "1.0",
        source: "custom",
        content: { description: expect.stringMatching(/^AWS Backup /) },
      });
    }
  });

  it("alarms per vault with missing data not breaching, and notifies on failure events only", () => {
    const { out, m } = synth({ vaultNames: ["lab-standard"], copyDestinationVaultNames: ["lab-offsite-standard"] });
    expect(out).toHaveResourceWithProperties(BackupVaultNotifications, {
      backup_vault_name: "lab-standard",
      backup_vault_events: ["S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED"],
    });
    for (const metric of ["NumberOfBackupJobsFailed", "NumberOfCopyJobsFailed", "NumberOfRecoveryPointsExpired"]) {
      expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        namespace: "AWS/Backup",
        metric_name: metric,
        dimensions: { BackupVaultName: "lab-standard" },
        treat_missing_data: "notBreaching",
      });
    }
    // Source: AWS Backup Developer Guide, "AWS Backup metrics with Amazon CloudWatch": job metrics carry the
    // dimensions resource type and vault name, and "the vault name of copy jobs is that of their destination
    // vault"; a copy job runs (and is listed, ListCopyJobs) in the source Region, where this alarm lives.
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "lab-offsite-standard-copy-jobs-failed",
      dimensions: { BackupVaultName: "lab-offsite-standard" },
    });
    expect(m.alarms).toHaveLength(4);
  });

  it("alarms per source: each source of a service its own heartbeat and size series", () => {
    const { out, m } = synth({
      heartbeats: [
        { serviceId: "wiki", source: "postgresql", window: Duration.hours(28) },
        { serviceId: "wiki", source: "vzdump", window: Duration.hours(28) },
      ],
    });
    for (const source of ["postgresql", "vzdump"]) {
      expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: `lab-wiki-${source}-backup-heartbeat`,
        dimensions: { Estate: "lab", Service: "wiki", Source: source },
      });
      expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: `lab-wiki-${source}-backup-size-anomaly`,
      });
    }
    expect(m.alarms).toHaveLength(4);
  });

  it("alarms when no heartbeat arrives over the service's window (missing data breaching)", () => {
    const { out } = synth({ heartbeats: [{ serviceId: "wiki", window: Duration.hours(28) }] });
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "lab-wiki-backup-heartbeat",
      namespace: "BackupGovernance",
      metric_name: "BackupSuccess",
      dimensions: { Estate: "lab", Service: "wiki" },
      period: 3600,
      evaluation_periods: 28,
      datapoints_to_alarm: 28,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "lab-wiki-backup-size-anomaly",
      comparison_operator: "LessThanLowerOrGreaterThanUpperThreshold",
      threshold_metric_id: "band",
      metric_query: expect.arrayContaining([
        expect.objectContaining({ id: "band", expression: "ANOMALY_DETECTION_BAND(size, 2)" }),
      ]),
    });
  });

  it("builds an audit framework and report plans delivering to an encrypted, versioned bucket", () => {
    const { json } = synth({
      auditControls: [
        {
          name: AuditControlName.RESTORE_TIME_MEETS_TARGET,
          parameters: { maxRestoreTime: "120" },
          scope: { tag: { key: "app", value: "wiki" } },
        },
      ],
    });
    const fw = Object.values(json.resource.aws_backup_framework)[0] as { name: string; control: unknown[] };
    expect(fw.name).toBe("lab_backup_governance");
    expect(fw.control).toEqual([
      {
        name: "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
        input_parameter: [{ name: "maxRestoreTime", value: "120" }],
        scope: { tags: { app: "wiki" } },
      },
    ]);
    const plans = Object.values(json.resource.aws_backup_report_plan) as Array<{
      report_setting: { report_template: string };
    }>;
    expect(plans.map((p) => p.report_setting.report_template).sort()).toEqual([
      "BACKUP_JOB_REPORT",
      "CONTROL_COMPLIANCE_REPORT",
    ]);
    const sse = Object.values(json.resource.aws_s3_bucket_server_side_encryption_configuration)[0] as {
      rule: Array<{ apply_server_side_encryption_by_default: { sse_algorithm: string } }>;
    };
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    const bucket = Object.values(json.resource.aws_s3_bucket)[0] as { bucket: string; lifecycle: unknown };
    expect(bucket).toMatchObject({ bucket: "lab-backup-reports-123456789012", lifecycle: { prevent_destroy: true } });
  });

  it("delivers to a given bucket instead of creating one", () => {
    const { json } = synth({
      auditControls: [{ name: AuditControlName.RECOVERY_POINT_ENCRYPTED }],
      reportBucketName: "existing-audit",
    });
    expect(json.resource.aws_s3_bucket).toBeUndefined();
    expect(JSON.stringify(json.resource.aws_backup_report_plan)).toContain('"s3_bucket_name":"existing-audit"');
  });

  it("drops deletion protection only when asked", () => {
    const { json } = synth({ deletionProtection: false });
    expect((Object.values(json.resource.aws_kms_key)[0] as { lifecycle: unknown }).lifecycle).toEqual({
      prevent_destroy: false,
    });
  });

  it("refuses vault events AWS deprecated (MON-020): accepted by the API and the provider, never delivered", () => {
    // Source: AWS Backup API reference, PutBackupVaultNotifications, BackupVaultEvents: "The list below
    // includes both supported events and deprecated events that are no longer in use (for reference).
    // Deprecated events do not return statuses or notifications." Supported: BACKUP_JOB_STARTED |
    // BACKUP_JOB_COMPLETED, COPY_JOB_STARTED | COPY_JOB_SUCCESSFUL | COPY_JOB_FAILED, RESTORE_JOB_STARTED |
    // RESTORE_JOB_COMPLETED | RECOVERY_POINT_MODIFIED, S3_BACKUP_OBJECT_FAILED | S3_RESTORE_OBJECT_FAILED.
    expect([...DEPRECATED_VAULT_EVENTS].sort()).toEqual([
      "BACKUP_JOB_EXPIRED",
      "BACKUP_JOB_FAILED",
      "BACKUP_JOB_SUCCESSFUL",
      "BACKUP_PLAN_CREATED",
      "BACKUP_PLAN_MODIFIED",
      "RESTORE_JOB_FAILED",
      "RESTORE_JOB_SUCCESSFUL",
    ]);
    for (const e of DEPRECATED_VAULT_EVENTS)
      expect(() => synth({ vaultNames: ["lab-standard"], vaultEvents: [e] })).toThrow(/MON-020/);
    for (const e of FAILURE_VAULT_EVENTS) expect(DEPRECATED_VAULT_EVENTS).not.toContain(e);
    expect(() =>
      synth({
        vaultNames: ["lab-standard"],
        vaultEvents: [VaultEvent.BACKUP_JOB_COMPLETED, VaultEvent.COPY_JOB_FAILED],
      }),
    ).not.toThrow();
  });

  it("refuses vault events the provider rejects (MON-002) and scopes Audit Manager does not accept (MON-003)", () => {
    expect(() => synth({ vaultEvents: ["CONTINUOUS_BACKUP_INTERRUPTED" as VaultEvent] })).toThrow(/MON-002/);
    expect(() =>
      synth({
        auditControls: [
          {
            name: AuditControlName.PROTECTED_BY_BACKUP_PLAN,
            scope: { tag: { key: "a", value: "b" }, resourceTypes: ["RDS"] },
          },
        ],
      }),
    ).toThrow(/MON-003/);
    expect(() =>
      synth({
        auditControls: [
          {
            name: AuditControlName.PROTECTED_BY_BACKUP_PLAN,
            scope: { resourceIds: ["db-1"], resourceTypes: ["RDS", "S3"] },
          },
        ],
      }),
    ).toThrow(/MON-003/);
    expect(() =>
      synth({ auditControls: Array.from({ length: 51 }, () => ({ name: AuditControlName.RECOVERY_POINT_ENCRYPTED })) }),
    ).toThrow(/MON-001/);
  });

  it("creates no framework without controls", () => {
    const { out } = synth();
    expect(out).not.toHaveResource(BackupFramework);
  });
});

describe("evaluationWindow", () => {
  it("uses hourly periods, minutes below an hour, and CloudWatch's 7-day maximum", () => {
    expect(evaluationWindow(5 * 3600)).toEqual({ period: 3600, periods: 5, capped: false });
    expect(evaluationWindow(75 * 60)).toEqual({ period: 3600, periods: 2, capped: false });
    expect(evaluationWindow(45 * 60)).toEqual({ period: 60, periods: 45, capped: false });
    expect(evaluationWindow(172 * 3600)).toEqual({ period: 3600, periods: 168, capped: true });
  });
});

describe("BackupMonitoring in more than one Region", () => {
  it("forwards the failing AWS Backup events of the offsite Region to this Region's default bus, where the same rules alert", () => {
    // Source: EventBridge User Guide, "Sending and receiving events between AWS Regions": a rule's target
    // can be an event bus in another Region (with a role allowed events:PutEvents on it); an SNS target must
    // be in the rule's own Region, so a topic in us-east-1 never sees us-west-2's restore failures otherwise.
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const primary = new AwsProvider(stack, "aws", { region: "us-east-1" });
    const west = new AwsProvider(stack, "west", { region: "us-west-2", alias: "west" });
    new BackupMonitoring(stack, "Monitoring", {
      estate: "lab",
      accountId: "123456789012",
      provider: primary,
      forwardEventsFrom: [west],
    });
    const json = JSON.parse(Testing.synth(stack));
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule) as Array<{
      provider?: string;
      event_pattern: string;
      name: string;
    }>;
    const forwarded = rules.filter((r) => r.provider === "aws.west");
    const local = rules.filter((r) => r.provider !== "aws.west");
    expect(forwarded.map((r) => r.event_pattern).sort()).toEqual(local.map((r) => r.event_pattern).sort());
    expect(forwarded.some((r) => JSON.parse(r.event_pattern)["detail-type"][0] === "Restore Job State Change")).toBe(
      true,
    );
    const targets = Object.values(json.resource.aws_cloudwatch_event_target) as Array<{
      provider?: string;
      arn: string;
      role_arn?: string;
    }>;
    for (const t of targets.filter((x) => x.provider === "aws.west")) {
      expect(t.arn).toBe("arn:aws:events:us-east-1:123456789012:event-bus/default");
      expect(t.role_arn).toMatch(/aws_iam_role\..*ForwardRole.*\.arn/);
    }
    const policy = Object.entries(json.data.aws_iam_policy_document).find(([k]) =>
      k.includes("ForwardPolicyDocument"),
    )![1] as { statement: Array<{ actions: string[]; resources: string[] }> };
    expect(policy.statement).toEqual([
      expect.objectContaining({
        actions: ["events:PutEvents"],
        resources: ["arn:aws:events:us-east-1:123456789012:event-bus/default"],
      }),
    ]);
  });

  it("needs its Region to forward to (MON-021)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const west = new AwsProvider(stack, "west", { region: "us-west-2", alias: "west" });
    expect(
      () =>
        new BackupMonitoring(stack, "Monitoring", {
          estate: "lab",
          accountId: "123456789012",
          forwardEventsFrom: [west],
        }),
    ).toThrow(/MON-021/);
  });

  it("refuses to watch a vault of another Region (MON-024): its notifications and metrics exist only in the vault's Region", () => {
    // AWS Backup is a regional service: PutBackupVaultNotifications names a vault of the Region it is
    // called in, and the AWS/Backup CloudWatch metrics are published in the Region of the job.
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const west = new AwsProvider(stack, "west", { region: "us-west-2", alias: "west" });
    const arn = EncryptedVault.fromVaultArn(
      stack,
      "Existing",
      "arn:aws:backup:us-west-2:123456789012:backup-vault:far",
    );
    const key = "arn:aws:kms:us-west-2:123456789012:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000";
    const built = new EncryptedVault(stack, "Built", {
      vaultName: "built-west",
      accountId: "123456789012",
      kmsKeyArn: key,
      provider: west,
    });
    const base = { estate: "lab", accountId: "123456789012" };
    // The default provider's Region, a given region, and a provider's: each is this construct's Region.
    expect(() => new BackupMonitoring(stack, "M1", { ...base, vaults: [arn] })).toThrow(
      /MON-024: .*vault far is in us-west-2, but this BackupMonitoring creates its notifications and alarms in us-east-1.*fix: monitor it with a BackupMonitoring built with a provider for us-west-2/s,
    );
    expect(() => new BackupMonitoring(stack, "M2", { ...base, region: "eu-west-1", vaults: [built] })).toThrow(
      /MON-024: .*built-west is in us-west-2.*in eu-west-1/s,
    );
    // Built with that Region's provider, or listed as a copy destination, it is accepted.
    expect(() => new BackupMonitoring(stack, "M3", { ...base, provider: west, vaults: [arn, built] })).not.toThrow();
    expect(() => new BackupMonitoring(stack, "M4", { ...base, copyDestinationVaults: [arn, built] })).not.toThrow();
    // A vault whose Region is unknown is not judged.
    expect(
      () =>
        new BackupMonitoring(stack, "M5", {
          ...base,
          vaults: [EncryptedVault.fromVaultName(stack, "ByName", "somewhere")],
        }),
    ).not.toThrow();
  });
});

describe("BackupMonitoring chat channels", () => {
  it("delivers the topic to Slack and Teams through AWS Chatbot, with a role that may do nothing and a read-only guardrail", () => {
    // Source: AWS Chatbot API reference, SlackChannelConfiguration / TeamsChannelConfiguration (SnsTopicArns,
    // IamRoleArn, GuardrailPolicyArns); provider docs: "The AWS managed AdministratorAccess policy is applied by
    // default if this is not set" for guardrail_policy_arns.
    const { json } = synth((stack) => ({
      // The Chatbot API is served from us-east-2 (and three other Regions) only: test/policy/aws-chatbot.test.ts.
      chatbotProvider: new AwsProvider(stack, "chatbot", { region: "us-east-2", alias: "chatbot" }),
      chatChannels: [
        ChatChannel.slack({ name: "ops", workspaceId: "T07EA123LEP", channelId: "C07EZ1ABC23" }),
        ChatChannel.teams({
          name: "it",
          tenantId: "11111111-2222-3333-4444-555555555555",
          teamId: "66666666-7777-8888-9999-000000000000",
          channelId: "19:x@thread.tacv2",
        }),
      ],
    }));
    const slack = Object.values(json.resource.aws_chatbot_slack_channel_configuration) as Array<
      Record<string, unknown>
    >;
    const teams = Object.values(json.resource.aws_chatbot_teams_channel_configuration) as Array<
      Record<string, unknown>
    >;
    expect(slack).toEqual([
      expect.objectContaining({
        configuration_name: "lab-backup-ops",
        slack_team_id: "T07EA123LEP",
        slack_channel_id: "C07EZ1ABC23",
      }),
    ]);
    expect(teams).toEqual([
      expect.objectContaining({ configuration_name: "lab-backup-it", team_id: "66666666-7777-8888-9999-000000000000" }),
    ]);
    for (const c of [...slack, ...teams]) {
      expect(c.sns_topic_arns).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*\.arn\}$/)]);
      expect(c.guardrail_policy_arns).toEqual(["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]);
      expect(c.iam_role_arn).toMatch(/aws_iam_role\..*ChatbotRole.*\.arn/);
    }
    // The role has no policy at all: notifications need none.
    expect(json.resource.aws_iam_role_policy).toBeUndefined();
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });
});

describe("BackupMonitoring freshness of AWS Backup resources", () => {
  it("creates AWS Config last-recovery-point rules and routes their NON_COMPLIANT changes to the topic", () => {
    // Source: AWS Config Developer Guide, rds-last-backup-recovery-point-created (identifier
    // RDS_LAST_BACKUP_RECOVERY_POINT_CREATED, periodic, parameters resourceTags, resourceId, recoveryPointAgeValue,
    // recoveryPointAgeUnit); EventBridge "Config Rules Compliance Change" events carry configRuleName and
    // newEvaluationResult.complianceType.
    const { json } = synth({
      recoveryPointRules: [
        {
          name: "ledger-rds-tags",
          resourceType: AwsResourceType.RDS,
          maxAge: Duration.hours(28),
          resourceTags: { app: "ledger" },
        },
        {
          name: "orders-dynamodb",
          resourceType: AwsResourceType.DYNAMODB,
          maxAge: Duration.days(40),
          resourceId: "orders",
        },
      ],
    });
    const rules = Object.values(json.resource.aws_config_config_rule) as Array<{
      name: string;
      source: { owner: string; source_identifier: string };
      input_parameters: string;
      maximum_execution_frequency: string;
    }>;
    expect(rules.map((r) => [r.name, r.source.owner, r.source.source_identifier])).toEqual([
      ["lab-ledger-rds-tags-last-recovery-point", "AWS", "RDS_LAST_BACKUP_RECOVERY_POINT_CREATED"],
      ["lab-orders-dynamodb-last-recovery-point", "AWS", "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED"],
    ]);
    expect(JSON.parse(rules[0].input_parameters)).toEqual({
      recoveryPointAgeValue: "28",
      recoveryPointAgeUnit: "hours",
      resourceTags: JSON.stringify({ app: "ledger" }),
    });
    // 40 days is more than the rule accepts: cut to its 31-day maximum.
    expect(JSON.parse(rules[1].input_parameters)).toEqual({
      recoveryPointAgeValue: "31",
      recoveryPointAgeUnit: "days",
      resourceId: "orders",
    });
    // 28 hours allowed: evaluated every 6 hours (at most a quarter of the age), reported within 34 hours.
    expect(rules[0].maximum_execution_frequency).toBe("Six_Hours");
    // One EventBridge rule per detection bound (34h and 31d + 24h), each alert naming its own.
    const stale = (
      Object.values(json.resource.aws_cloudwatch_event_rule) as Array<{ name: string; event_pattern: string }>
    )
      .filter((r) => r.name.startsWith("lab-recovery-point-stale"))
      .sort((a, b) => a.name.length - b.name.length);
    expect(stale.map((r) => r.name)).toEqual(["lab-recovery-point-stale", "lab-recovery-point-stale-32d"]);
    expect(stale.map((r) => JSON.parse(r.event_pattern))).toEqual(
      rules.map((r) => ({
        source: ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        detail: {
          messageType: ["ComplianceChangeNotification"],
          configRuleName: [r.name],
          newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
        },
      })),
    );
    const texts = (
      Object.values(json.resource.aws_cloudwatch_event_target) as Array<{
        rule: string;
        input_transformer: { input_template: string };
      }>
    )
      .filter((t) => t.rule.includes("RecoveryPointStale"))
      .map((t) => JSON.parse(t.input_transformer.input_template).content.description as string);
    expect(texts).toHaveLength(2);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Evaluated every 6 hours: backups may have stopped up to 34h ago"),
        expect.stringContaining("Evaluated every 1 day: backups may have stopped up to 32d ago"),
      ]),
    );
  });

  it("alarms when no backup job into a vault completed over its window (missing data breaching)", () => {
    // Source: AWS Backup Developer Guide, "AWS Backup metrics with Amazon CloudWatch": job metrics are reported only
    // when there is a nonzero value, so no NumberOfBackupJobsCompleted datapoint means nothing completed.
    const { out } = synth({ vaultFreshness: [{ vaultName: "lab-standard", window: Duration.hours(28) }] });
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "lab-standard-no-completed-backups",
      namespace: "AWS/Backup",
      metric_name: "NumberOfBackupJobsCompleted",
      dimensions: { BackupVaultName: "lab-standard" },
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
      period: 3600,
      evaluation_periods: 28,
    });
  });

  it("refuses resource types without a managed rule (MON-022) and two scopes at once (MON-023)", () => {
    expect(() =>
      synth({ recoveryPointRules: [{ name: "x", resourceType: AwsResourceType.REDSHIFT, maxAge: Duration.days(1) }] }),
    ).toThrow(/MON-022/);
    expect(() =>
      synth({
        recoveryPointRules: [
          {
            name: "x",
            resourceType: AwsResourceType.S3,
            maxAge: Duration.days(1),
            resourceId: "b",
            resourceTags: { a: "b" },
          },
        ],
      }),
    ).toThrow(/MON-023/);
  });
});
