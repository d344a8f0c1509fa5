import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { loadRuns, type PlanResource, resources, ROOT, TF_DIR } from "./offline";

const run = loadRuns("default").find((r) => r.stack === "homelab-aws")!;
const of = (type: string) => resources(run, type);
/** The one resource of a type that the monitoring construct made (the AWS builder makes keys and buckets too). */
const one = (type: string, pred: (r: PlanResource) => boolean = (r) => r.address.includes("Monitoring")) => {
  const found = of(type).filter(pred);
  expect(found).toHaveLength(1);
  return found[0].values;
};

describe("offline plan of the default catalog: backup monitoring", () => {
  it("has the estate's topic, encrypted with its own rotating key", () => {
    expect(one("aws_sns_topic").name).toBe("homelab-backup-alerts");
    const cfg = run.plan.configuration.root_module.resources!.find(
      (r) => r.type === "aws_sns_topic" && r.address.includes("Monitoring"),
    )!;
    expect(JSON.stringify(cfg.expressions)).toMatch(/aws_kms_key\.Monitoring_Key/);
    expect(one("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(one("aws_kms_alias").name).toBe("alias/homelab-backup-alerts");
  });

  it("lets AWS Backup, EventBridge and CloudWatch publish (key and topic policies)", () => {
    // The key policy is BackupKey's literal JSON, so the plan shows it in full.
    const keyPolicy = JSON.parse(one("aws_kms_key").policy as string) as {
      Statement: Array<{ Sid: string; Principal: { Service?: string } }>;
    };
    expect(keyPolicy.Statement.map((s) => s.Principal.Service).filter(Boolean)).toEqual([
      "backup.amazonaws.com",
      "events.amazonaws.com",
      "cloudwatch.amazonaws.com",
    ]);
    expect(keyPolicy.Statement[0].Sid).toBe("AccountAdministersAndDelegatesUse");
    // The topic policy is a data source computed at apply; its statements are in the configuration.
    const docs = run.plan.configuration.root_module.resources!.filter(
      (r) => r.type === "aws_iam_policy_document" && r.address.includes("TopicPolicy"),
    );
    const text = JSON.stringify(docs.map((d) => d.expressions));
    for (const p of ["backup.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"])
      expect(text).toContain(p);
    expect(text).toContain("aws:SecureTransport");
    expect(of("aws_sns_topic_policy")).toHaveLength(1);
  });

  it("subscribes the email literally and PagerDuty through a sensitive variable; Slack gets the topic through AWS Chatbot, not its webhook", () => {
    const subs = of("aws_sns_topic_subscription").map((r) => r.values);
    expect(subs.find((s) => s.protocol === "email")!.endpoint).toBe("ops@example.com");
    // Only PagerDuty: a Slack incoming webhook cannot confirm an SNS subscription (SNS Developer Guide,
    // HTTP/HTTPS subscription confirmation), so it serves Alertmanager only.
    expect(subs.filter((s) => s.protocol === "https")).toHaveLength(1);
    const vars = run.plan.configuration.root_module.variables!;
    expect(vars.webhook_slack_ops_url).toBeUndefined();
    expect(vars.pagerduty_integration_url.sensitive).toBe(true);
    expect(of("aws_chatbot_slack_channel_configuration").map((r) => r.values)).toEqual([
      expect.objectContaining({
        configuration_name: "homelab-backup-ops",
        slack_team_id: "T0123ABCDE",
        slack_channel_id: "C0123ABCDE",
        guardrail_policy_arns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
      }),
    ]);
    const json = readFileSync(join(TF_DIR, "default", "synth", "stacks", "homelab-aws", "cdk.tf.json"), "utf8");
    expect(json).not.toContain("${var.webhook_slack_ops_url}");
  });

  it("routes failed, aborted and expired jobs from EventBridge to the topic (restore jobs by status)", () => {
    const patterns = of("aws_cloudwatch_event_rule").map((r) => JSON.parse(r.values.event_pattern as string));
    expect(patterns).toEqual(
      expect.arrayContaining([
        {
          source: ["aws.backup"],
          "detail-type": ["Backup Job State Change"],
          detail: { state: ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] },
        },
        { source: ["aws.backup"], "detail-type": ["Copy Job State Change"], detail: { state: ["FAILED", "PARTIAL"] } },
        {
          source: ["aws.backup"],
          "detail-type": ["Restore Job State Change"],
          detail: { status: ["FAILED", "ABORTED"] },
        },
        {
          source: ["aws.backup"],
          "detail-type": ["Restore Job State Change"],
          detail: { validationStatus: ["FAILED", "TIMED_OUT"] },
        },
      ]),
    );
    const targets = of("aws_cloudwatch_event_target");
    const forwarders = targets.filter((t) => String(t.values.arn ?? "").endsWith(":event-bus/default"));
    // The offsite Region's rules forward to the primary default bus (same patterns), where the rules above write the message.
    expect(forwarders.map((t) => t.values.arn)).toEqual(
      forwarders.map(() => "arn:aws:events:us-east-1:123456789012:event-bus/default"),
    );
    // Every rule but the Config staleness one (AWS Config rules are the primary Region's) has its forwarding twin.
    expect(forwarders.length).toBe(patterns.filter((p) => p.source[0] !== "aws.config").length / 2);
    // Everything sent to the topic is an AWS Chatbot custom notification (test/policy/aws-chatbot.test.ts validates the schema).
    for (const t of targets.filter((x) => !forwarders.includes(x))) {
      expect(
        JSON.parse((t.values.input_transformer as Array<{ input_template: string }>)[0].input_template),
      ).toMatchObject({
        version: "1.0",
        source: "custom",
        content: { description: expect.stringMatching(/^(AWS Backup|AWS Config|CloudTrail) /) },
      });
    }
  });

  it("notifies on failure events that still deliver, on every primary vault the AWS Backup rules write to", () => {
    const names = of("aws_backup_vault_notifications")
      .map((r) => r.values.backup_vault_name)
      .sort();
    // Every rule of the default catalog's AWS service fits its lock (continuous points included), so only the locked vault is written to.
    expect(names).toEqual(["homelab-compliance-14d"]);
    // BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED and RESTORE_JOB_FAILED are deprecated (PutBackupVaultNotifications:
    // "Deprecated events do not return statuses or notifications"); the EventBridge rules carry those states.
    for (const r of of("aws_backup_vault_notifications"))
      expect(r.values.backup_vault_events).toEqual(["S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED"]);
  });

  it("alarms on AWS/Backup metrics with missing data not breaching, and on the heartbeat with missing data breaching", () => {
    const alarms = of("aws_cloudwatch_metric_alarm").map((r) => r.values);
    // Failure alarms; the freshness alarm (NumberOfBackupJobsCompleted, breaching) has its own test below.
    const backup = alarms.filter(
      (a) => a.namespace === "AWS/Backup" && a.metric_name !== "NumberOfBackupJobsCompleted",
    );
    expect(new Set(backup.map((a) => a.metric_name))).toEqual(
      new Set(["NumberOfBackupJobsFailed", "NumberOfCopyJobsFailed", "NumberOfRecoveryPointsExpired"]),
    );
    for (const a of backup) expect(a.treat_missing_data).toBe("notBreaching");
    expect(
      backup
        .filter((a) => (a.dimensions as Record<string, string>).BackupVaultName.startsWith("homelab-offsite-"))
        .map((a) => a.metric_name),
    ).toEqual(["NumberOfCopyJobsFailed"]);
    const heartbeats = alarms.filter((a) => a.metric_name === "BackupSuccess");
    // Only app-level backups into the estate's bucket put the heartbeat (their identity may): paperless
    // (borg to the NAS) and the vzdump-only guests would only ever be in ALARM, so they get none.
    expect(heartbeats.map((a) => (a.dimensions as Record<string, string>).Service).sort()).toEqual([
      "gitea",
      "nextcloud",
      "photos",
      "unifi",
      "vaultwarden",
    ]);
    for (const a of heartbeats)
      expect(a).toMatchObject({
        treat_missing_data: "breaching",
        comparison_operator: "LessThanThreshold",
        namespace: "BackupGovernance",
      });
    expect(heartbeats.find((a) => (a.dimensions as Record<string, string>).Service === "vaultwarden")).toMatchObject({
      period: 3600,
      evaluation_periods: 5,
    });
    expect(alarms.filter((a) => a.comparison_operator === "LessThanLowerOrGreaterThanUpperThreshold")).toHaveLength(5);
  });

  it("watches the freshness of AWS Backup resources: AWS Config last-recovery-point rules and a no-completed-backups alarm per vault", () => {
    // Source: AWS Config Developer Guide, <type>-last-backup-recovery-point-created (managed rules, periodic);
    // AWS Backup metrics are reported only when non-zero, so the vault alarm treats missing data as breaching.
    const rules = of("aws_config_config_rule").map((r) => r.values);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect((r.source as Array<{ owner: string; source_identifier: string }>)[0]).toMatchObject({
        owner: "AWS",
        source_identifier: expect.stringMatching(/^[A-Z0-9]+_LAST_BACKUP_RECOVERY_POINT_CREATED$/),
      });
      const p = JSON.parse(r.input_parameters as string);
      expect(
        p.recoveryPointAgeUnit === "hours"
          ? Number(p.recoveryPointAgeValue) <= 744
          : Number(p.recoveryPointAgeValue) <= 31,
      ).toBe(true);
    }
    // No rule judges every resource of its type in the Region (it would alert on resources outside the estate):
    // each carries the service's tags or the estate's freshness tag (GOV-223; Config rule parameter resourceTags).
    for (const r of rules)
      expect(
        Object.keys(JSON.parse(JSON.parse(r.input_parameters as string).resourceTags ?? "{}")).length,
      ).toBeGreaterThan(0);
    // billing's RDS instance and bucket selected by ARN: judged within the estate's freshness tag.
    expect(
      rules
        .filter(
          (r) =>
            JSON.parse(r.input_parameters as string).resourceTags ===
            JSON.stringify({ "backup-gov:freshness": "homelab/28h" }),
        )
        .map((r) => (r.source as Array<{ source_identifier: string }>)[0].source_identifier)
        .sort(),
    ).toEqual(["RDS_LAST_BACKUP_RECOVERY_POINT_CREATED", "S3_LAST_BACKUP_RECOVERY_POINT_CREATED"]);
    // billing selects rds and s3 by tags: both types are judged by its tags.
    expect(
      rules
        .filter(
          (r) =>
            JSON.parse(r.input_parameters as string).resourceTags === JSON.stringify({ app: "billing", env: "prod" }),
        )
        .map((r) => (r.source as Array<{ source_identifier: string }>)[0].source_identifier)
        .sort(),
    ).toEqual(["RDS_LAST_BACKUP_RECOVERY_POINT_CREATED", "S3_LAST_BACKUP_RECOVERY_POINT_CREATED"]);
    const stale = of("aws_cloudwatch_event_rule")
      .map((r) => JSON.parse(r.values.event_pattern as string))
      .find((p) => p.source[0] === "aws.config");
    expect(stale.detail.configRuleName.sort()).toEqual(rules.map((r) => r.name).sort());
    const fresh = of("aws_cloudwatch_metric_alarm")
      .map((r) => r.values)
      .filter((a) => a.metric_name === "NumberOfBackupJobsCompleted");
    expect(fresh.map((a) => (a.dimensions as Record<string, string>).BackupVaultName)).toEqual([
      "homelab-compliance-14d",
    ]);
    for (const a of fresh)
      expect(a).toMatchObject({ treat_missing_data: "breaching", comparison_operator: "LessThanThreshold" });
  });

  it("audits the catalog with Audit Manager and reports to an encrypted bucket", () => {
    const fw = one("aws_backup_framework");
    const controls = fw.control as Array<{ name: string; input_parameter: Array<{ name: string; value: string }> }>;
    expect(controls.length).toBeLessThanOrEqual(50);
    expect(controls.find((c) => c.name === "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET")!.input_parameter).toEqual([
      { name: "maxRestoreTime", value: "240" },
    ]);
    expect(of("aws_backup_report_plan")).toHaveLength(2);
    expect(
      (
        one("aws_s3_bucket_server_side_encryption_configuration").rule as Array<{
          apply_server_side_encryption_by_default: Array<{ sse_algorithm: string }>;
        }>
      )[0].apply_server_side_encryption_by_default[0].sse_algorithm,
    ).toBe("aws:kms");
    expect(one("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      restrict_public_buckets: true,
    });
  });
});

describe("the real provider as the oracle for vault event names", () => {
  it("rejects CONTINUOUS_BACKUP_INTERRUPTED, which the library never sends", () => {
    const src = join(TF_DIR, "default", "tf", "homelab-aws");
    const dir = join(TF_DIR, "default", "tf", "homelab-aws-bad-event");
    cpSync(src, dir, { recursive: true });
    const file = join(dir, "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    const first = Object.values(json.resource.aws_backup_vault_notifications)[0] as { backup_vault_events: string[] };
    first.backup_vault_events.push("CONTINUOUS_BACKUP_INTERRUPTED");
    writeFileSync(file, JSON.stringify(json));
    let out = "";
    try {
      execFileSync(join(ROOT, "scripts", "tf-offline.sh"), [dir, "validate", "-no-color"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      out = String((e as { stderr?: string }).stderr) + String((e as { stdout?: string }).stdout);
    }
    expect(out).toMatch(/expected backup_vault_events to be one of .*got CONTINUOUS_BACKUP_INTERRUPTED/);
  });
});

it("the small-office example (no PagerDuty) plans its monitoring too", () => {
  const office = loadRuns("small-office")[0];
  expect(resources(office, "aws_sns_topic")).toHaveLength(1);
  // The Teams webhook serves Alertmanager only; AWS alerts reach Teams through AWS Chatbot.
  expect(
    resources(office, "aws_sns_topic_subscription")
      .map((r) => r.values.protocol)
      .sort(),
  ).toEqual(["email"]);
  expect(resources(office, "aws_chatbot_teams_channel_configuration").map((r) => r.values.team_id)).toEqual([
    "66666666-7777-8888-9999-000000000000",
  ]);
  // No webhook or PagerDuty variable is left: the stack has no sensitive channel variable at all.
  expect(office.plan.configuration.root_module.variables?.pagerduty_integration_url).toBeUndefined();
});

it("configures every chat channel through a provider in a Region that serves the AWS Chatbot API (us-east-2 by default)", () => {
  // Source: AWS General Reference, "Amazon Q Developer in chat applications endpoints and quotas": the API is
  // served from us-east-2, us-west-2, eu-west-1 and ap-southeast-1 only (aws/aws-cli#8658). The default
  // catalog's Region is us-east-1, the small office's eu-central-1: neither serves it.
  for (const [catalog, type] of [
    ["default", "aws_chatbot_slack_channel_configuration"],
    ["small-office", "aws_chatbot_teams_channel_configuration"],
  ] as const) {
    const r = loadRuns(catalog).find((x) => resources(x, type).length > 0)!;
    const cfg = r.plan.configuration.root_module.resources!.filter((x) => x.type === type);
    expect(cfg.length).toBeGreaterThan(0);
    for (const c of cfg) {
      const provider = r.plan.configuration.provider_config[c.provider_config_key];
      expect({ catalog, key: c.provider_config_key, region: provider.expressions?.region?.constant_value }).toEqual({
        catalog,
        key: "aws.chatbot",
        region: "us-east-2",
      });
    }
  }
});

it("the key and lock guard's rules plan in the primary Region and forward from the offsite one, and every key denies deletion to all but the break-glass role", () => {
  const rules = of("aws_cloudwatch_event_rule").map(
    (r) => JSON.parse(r.values.event_pattern as string) as { source: string[]; "detail-type": string[] },
  );
  const guard = rules
    .filter((p) => p["detail-type"][0] === "AWS API Call via CloudTrail")
    .map((p) => p.source[0])
    .sort();
  expect(guard).toEqual(["aws.backup", "aws.backup", "aws.kms", "aws.kms", "aws.s3", "aws.s3"]);
  const keys = of("aws_kms_key").map(
    (k) =>
      JSON.parse(k.values.policy as string) as { Statement: Array<{ Sid: string; Effect: string; Action: string[] }> },
  );
  expect(keys.length).toBeGreaterThan(2);
  for (const k of keys)
    expect(k.Statement.find((s) => s.Sid === "OnlyBreakGlassDisablesOrDeletes")).toMatchObject({
      Effect: "Deny",
      Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
    });
});
