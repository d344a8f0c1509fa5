import { execFileSync } from "node:child_process";
import { Estate } from "../../lib/estate/estate";
import { TargetKind } from "../../lib/estate/context";
import { Testing } from "../../lib/core/cdk";
import type { Catalog } from "../../lib/catalog/model";
import { awsCatalog, awsService, s3Service } from "../support/aws-fixtures";
import { ofType, type SynthResources } from "../support/aws-synth";

/** Buckets the AWS protection builder creates (the monitoring builder adds its own to the stack). */
function ownBuckets(resources: SynthResources): string[] {
  return ofType(resources, "aws_s3_bucket")
    .map((b) => b.bucket as string)
    .filter((n) => /^test-(app-|audit)/.test(n));
}

function build(catalog: Catalog): { estate: Estate; resources: SynthResources; json: Record<string, any> } {
  const estate = new Estate(Testing.app(), catalog);
  const text = Testing.synth(estate.awsStack!);
  const json = JSON.parse(text);
  return { estate, resources: json.resource ?? {}, json };
}

const services = () => [
  awsService("ledger", {
    classification: "critical",
    rpo: "15m",
    offsite: { required: true, reason: "critical" },
    immutable: { mode: "compliance", days: 14 },
    aws: {
      resources: ["arn:aws:rds:us-east-1:123456789012:db:ledger", "arn:aws:s3:::ledger-docs"],
      tags: { app: "ledger" },
      tagResourceTypes: ["dynamodb"],
    },
    acknowledge: [{ rule: "GOV-013", reason: "the tagged tables only hold caches rebuilt from the RDS ledger" }],
  }),
  awsService("orders"),
  awsService("carts"),
  s3Service("files", { offsite: { required: true, reason: "originals" } }),
  s3Service("vault", { classification: "critical", offsite: { required: true, reason: "critical" } }),
  s3Service("nas", {
    app: {
      decision: "required",
      rationale: "to the NAS",
      engine: "files",
      host: "nas.internal",
      paths: ["/srv"],
      repository: "ssh://nas/./x",
    },
  }),
];

describe("buildAwsProtection", () => {
  const { estate, resources } = build(awsCatalog(services()));
  const ctx = estate.context;

  it("creates one plan per distinct policy, with one selection per service and selection kind", () => {
    const plans = ofType(resources, "aws_backup_plan");
    expect(plans.map((p) => p.name).sort()).toEqual([
      expect.stringMatching(/^test-critical-/),
      expect.stringMatching(/^test-important-/),
    ]);
    const sel = ofType(resources, "aws_backup_selection")
      .map((s) => s.name)
      .sort();
    expect(sel).toEqual(["test-carts", "test-ledger", "test-ledger-tags", "test-orders"]);
  });

  it("copies every rule of an offsite-required service into a vault of the offsite region", () => {
    const critical = ofType(resources, "aws_backup_plan").find((p) => p.name.startsWith("test-critical"))!;
    for (const r of critical.rule)
      expect(r.copy_action[0].destination_vault_arn).toMatch(
        /^arn:aws:backup:us-west-2:123456789012:backup-vault:test-offsite-/,
      );
    const important = ofType(resources, "aws_backup_plan").find((p) => p.name.startsWith("test-important"))!;
    for (const r of important.rule) expect(r.copy_action).toBeUndefined();
    const west = ofType(resources, "aws_backup_vault")
      .filter((v) => v.provider === "aws.us-west-2")
      .map((v) => v.name)
      .sort();
    // Every point of the immutable critical service fits its lock, continuous ones included: all copies are locked too.
    expect(west).toEqual(["test-offsite-compliance-14d"]);
  });

  it("locks the vaults of immutable services, and sends continuous points there when their retention fits the lock", () => {
    // Source: AWS Backup API reference, PutBackupVaultLockConfiguration: a backup or copy job into a locked vault
    // fails only when its retention is shorter than MinRetentionDays or longer than MaxRetentionDays.
    const locks = ofType(resources, "aws_backup_vault_lock_configuration");
    expect(locks.map((l) => [l.min_retention_days, l.changeable_for_days])).toEqual([
      [14, 3],
      [14, 3],
    ]);
    const critical = ofType(resources, "aws_backup_plan").find((p) => p.name.startsWith("test-critical"))!;
    const cont = critical.rule.find((r: { rule_name: string }) => r.rule_name === "continuous");
    expect(cont.lifecycle.delete_after).toBeGreaterThanOrEqual(14);
    expect(cont).toMatchObject({
      enable_continuous_backup: true,
      target_vault_name: expect.stringMatching(/aws_backup_vault\.Vault-us-east-1-test-compliance-14d_/),
    });
  });

  it("gives the backup role the S3 policies because S3 is selected", () => {
    expect(ofType(resources, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toContain(
      "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    );
  });

  it("drills restores of critical services weekly and important ones monthly", () => {
    const rt = ofType(resources, "aws_backup_restore_testing_plan").map((p) => [p.name, p.schedule_expression]);
    expect(rt).toEqual(
      expect.arrayContaining([
        ["test_weekly", expect.stringMatching(/\? \* SUN \*\)$/)],
        ["test_monthly", expect.stringMatching(/^cron\(\d+ \d+ 2 \* \? \*\)$/)],
      ]),
    );
    const sel = ofType(resources, "aws_backup_restore_testing_selection")
      .map((s) => s.name)
      .sort();
    expect(sel).toEqual(["carts_dynamodb", "ledger_dynamodb_tags", "ledger_rds", "ledger_s3", "orders_dynamodb"]);
  });

  it("groups app-level buckets by lock and offsite region, replicating where offsite is required", () => {
    const names = ownBuckets(resources).sort();
    expect(names).toEqual([
      "test-app-compliance-14d-to-us-west-2-123456789012",
      "test-app-compliance-14d-to-us-west-2-replica-123456789012",
      "test-app-standard-to-us-west-2-123456789012",
      "test-app-standard-to-us-west-2-replica-123456789012",
      "test-audit-123456789012",
    ]);
    const rc = ofType(resources, "aws_s3_bucket_replication_configuration");
    expect(rc).toHaveLength(2);
    expect(rc.map((r) => !!r.rule[0].destination.replication_time).sort()).toEqual([false, true]);
  });

  it("registers the S3 destination of every service that backs up to the estate bucket", () => {
    const files = ctx.s3DestinationOf("files")!;
    expect(files).toMatchObject({
      bucketName: "test-app-standard-to-us-west-2-123456789012",
      bucketArn: "arn:aws:s3:::test-app-standard-to-us-west-2-123456789012",
      prefix: "files/",
      region: "us-east-1",
      kmsKeyArn: expect.stringMatching(/TOKEN/),
    });
    expect(files.offsite).toMatchObject({
      bucketName: "test-app-standard-to-us-west-2-replica-123456789012",
      region: "us-west-2",
    });
    expect(ctx.s3DestinationOf("vault")!.prefix).toBe("vault/");
    expect(ctx.s3DestinationOf("nas")).toBeUndefined();
    expect(ctx.s3DestinationOf("orders")).toBeUndefined();
  });

  it("registers targets with restore steps: AWS Backup and its offsite copies, S3 and its replica", () => {
    // The app-backup builder adds its own target (kind app) for services writing to S3: only the AWS builder's count here.
    const kinds = (id: string) =>
      ctx
        .targetsOf(id)
        .map((t) => t.kind)
        .filter((k) => k !== TargetKind.APP);
    expect(kinds("ledger")).toEqual([TargetKind.AWS_BACKUP, TargetKind.OFFSITE]);
    expect(kinds("orders")).toEqual([TargetKind.AWS_BACKUP]);
    expect(kinds("files")).toEqual([TargetKind.S3, TargetKind.OFFSITE]);
    const ledger = ctx.targetsOf("ledger")[0];
    expect(ledger.restoreSteps.join("\n")).toContain("aws backup start-restore-job --region us-east-1");
    expect(ledger.restoreSteps.join("\n")).toContain("arn:aws:iam::123456789012:role/test-aws-backup");
    expect(ledger.details).toMatchObject({ lock: "compliance 14 days", selection: "2 ARN(s) + tags app=ledger" });
    expect(ctx.targetsOf("ledger")[1].restoreSteps.join("\n")).toContain("--region us-west-2");
  });

  it("registers a job per plan rule, grouped by vault, on the plan's schedule", () => {
    const plans = ofType(resources, "aws_backup_plan");
    const jobs = ctx.jobs.filter((j) => j.kind === TargetKind.AWS_BACKUP && j.id.includes("/"));
    expect(jobs).toHaveLength(plans.reduce((n, p) => n + p.rule.length, 0));
    for (const p of plans) {
      for (const r of p.rule) {
        const job = jobs.find((j) => j.id === `${p.name}/${r.rule_name}`)!;
        expect(job.schedule.toAwsCron()).toBe(r.schedule);
        expect(job.group).toMatch(/^us-east-1\/test-/);
      }
    }
    expect(jobs.find((j) => j.id.endsWith("/daily") && j.serviceIds.includes("orders"))!.serviceIds).toEqual([
      "orders",
      "carts",
    ]);
    expect(ctx.jobs.map((j) => j.id)).toEqual(expect.arrayContaining(["test_weekly", "test_monthly"]));
  });

  it("writes the immutability drill for every locked bucket: app buckets, replicas and the audit log", () => {
    const drill = estate.artifacts.get("immutability-drill.sh")!;
    expect(drill.mode).toBe(0o755);
    // The data line, read back by bash itself.
    const line = String(drill.content)
      .split("\n")
      .find((l) => l.startsWith("BUCKETS="))!;
    const rows = execFileSync("bash", ["-c", `${line}; printf '%s\\n' "\${BUCKETS[@]}"`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((r) => r.split("|").join(" "));
    // Name, Region, mode, days and the restic repository prefixes whose oldest object the drill checks
    // (the replica and the audit log hold none: the extension runs on the primary).
    expect(rows).toEqual([
      "test-app-compliance-14d-to-us-west-2-123456789012 us-east-1 COMPLIANCE 14 vault/",
      "test-audit-123456789012 us-east-1 COMPLIANCE 365 ",
      "test-app-compliance-14d-to-us-west-2-replica-123456789012 us-west-2 COMPLIANCE 14 ",
    ]);
  });

  it("protects vaults, buckets and keys from destruction", () => {
    for (const type of ["aws_backup_vault", "aws_s3_bucket", "aws_kms_key"]) {
      for (const r of ofType(resources, type)) expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
  });
});

describe("buildAwsProtection options", () => {
  it("declares a validated account id variable when the catalog has no accountId, and leaves names without it", () => {
    const { json, resources } = build(awsCatalog([awsService("orders"), s3Service("files")], { accountId: undefined }));
    // In JSON configuration the condition must be a template (terraform validate checks it; examples/aws-sandbox.yaml is planned with it).
    expect(json.variable.aws_account_id).toMatchObject({
      type: "string",
      validation: [
        { condition: '${can(regex("^[0-9]{12}$", var.aws_account_id))}', error_message: expect.any(String) },
      ],
    });
    const key = ofType(resources, "aws_kms_key")[0];
    expect(key.policy).toContain("${var.aws_account_id}");
    expect(ownBuckets(resources).sort()).toEqual(["test-app-standard", "test-audit"]);
    expect(ofType(resources, "aws_backup_vault")[0]).toBeDefined();
  });

  it("drops deletion protection and audits in governance mode for a throw-away estate", () => {
    const { resources } = build(
      awsCatalog([awsService("orders", { immutable: { mode: "governance", days: 7 } })], { deletionProtection: false }),
    );
    for (const type of ["aws_backup_vault", "aws_s3_bucket", "aws_kms_key"]) {
      for (const r of ofType(resources, type)) expect(r.lifecycle).toEqual({ prevent_destroy: false });
    }
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].rule.default_retention.mode).toBe(
      "GOVERNANCE",
    );
  });

  it("creates no trail when aws.audit.enabled is false, and takes its lock settings otherwise", () => {
    expect(
      ofType(build(awsCatalog([awsService("orders")], { audit: { enabled: false } })).resources, "aws_cloudtrail"),
    ).toHaveLength(0);
    const { resources } = build(
      awsCatalog([awsService("orders")], { audit: { lockMode: "governance", retentionDays: 30 } }),
    );
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].rule.default_retention).toEqual({
      mode: "GOVERNANCE",
      days: 30,
    });
  });

  it("grants no S3 policies when nothing selected can be S3", () => {
    const { resources } = build(
      awsCatalog([
        awsService("orders"),
        awsService("shop", { aws: { tags: { app: "shop" }, tagResourceTypes: ["dynamodb"] } }),
      ]),
    );
    expect(
      ofType(resources, "aws_iam_role_policy_attachment")
        .map((a) => a.policy_arn)
        .filter((a) => a.includes("S3")),
    ).toEqual([]);
  });

  it("creates no protection when no service uses AWS", () => {
    const { resources } = build(
      awsCatalog([
        s3Service("nas", {
          app: {
            decision: "required",
            rationale: "to the NAS",
            engine: "files",
            host: "nas.internal",
            paths: ["/srv"],
            repository: "ssh://nas/./x",
          },
        }),
      ]),
    );
    for (const type of [
      "aws_backup_plan",
      "aws_backup_vault",
      "aws_backup_selection",
      "aws_backup_restore_testing_plan",
      "aws_cloudtrail",
      "aws_s3_bucket_replication_configuration",
    ])
      expect([type, ofType(resources, type)]).toEqual([type, []]);
    expect(ownBuckets(resources)).toEqual([]);
  });
});
