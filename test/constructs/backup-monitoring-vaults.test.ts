import { LockMode } from "../../lib/core/vocabulary";
import { AuditControlName } from "../../lib/policy/audit";
import { BackupMonitoring } from "../../lib/constructs/backup-monitoring";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ImmutableVault } from "../../lib/constructs/immutable-vault";
import { TerraformVariable } from "../../lib/core/cdk";
import { ofType, synthAws } from "../support/aws-synth";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";

describe("BackupMonitoring takes vaults by reference", () => {
  it("watches each vault: notifications wait for the vault and its lock; alarms on its name", () => {
    const { resources } = synthAws((s) => {
      const locked = new ImmutableVault(s, "Locked", {
        mode: LockMode.COMPLIANCE,
        days: 14,
        accountId: "123456789012",
        createBucket: false,
        vaultName: "lab-locked",
      });
      const offsite = EncryptedVault.fromVaultArn(
        s,
        "Offsite",
        "arn:aws:backup:us-west-2:123456789012:backup-vault:lab-offsite",
      );
      new BackupMonitoring(s, "Monitoring", {
        estate: "lab",
        accountId: "123456789012",
        vaults: [locked],
        copyDestinationVaults: [offsite],
      });
    });
    const notifications = ofType(resources, "aws_backup_vault_notifications");
    expect(notifications.map((n) => n.backup_vault_name)).toEqual(["lab-locked"]);
    expect(notifications[0].depends_on).toEqual([
      expect.stringMatching(/^aws_backup_vault\./),
      expect.stringMatching(/^aws_backup_vault_lock_configuration\./),
    ]);
    const alarms = ofType(resources, "aws_cloudwatch_metric_alarm").map((a) => [
      a.alarm_name,
      a.dimensions.BackupVaultName,
    ]);
    expect(alarms).toEqual(
      expect.arrayContaining([
        ["lab-locked-backup-jobs-failed", "lab-locked"],
        ["lab-offsite-copy-jobs-failed", "lab-offsite"],
      ]),
    );
    // An imported vault has nothing to wait for, and gets no notification of its own (it is in another Region).
    expect(notifications).toHaveLength(1);
  });

  it("a vault whose name is a token: ids from the construct id, the dimension and the name by reference", () => {
    const { resources } = synthAws((s) => {
      const name = new TerraformVariable(s, "vault_name", { type: "string" });
      const vault = new EncryptedVault(s, "Dynamic", { vaultName: name.stringValue, kmsKeyArn: KEY });
      new BackupMonitoring(s, "Monitoring", { estate: "lab", accountId: "123456789012", vaults: [vault] });
    });
    const n = ofType(resources, "aws_backup_vault_notifications")[0];
    expect(n.backup_vault_name).toMatch(/^\$\{aws_backup_vault\.\w+\.name\}$/);
    const alarm = ofType(resources, "aws_cloudwatch_metric_alarm").find(
      (a) => a.alarm_name === "lab-Dynamic-backup-jobs-failed",
    )!;
    expect(alarm.dimensions.BackupVaultName).toMatch(/^\$\{aws_backup_vault\.\w+\.name\}$/);
  });

  it("vaultNames (deprecated) still work, with vaultDependencies", () => {
    const { resources } = synthAws((s) => {
      new BackupMonitoring(s, "Monitoring", { estate: "lab", accountId: "123456789012", vaultNames: ["lab-standard"] });
    });
    expect(ofType(resources, "aws_backup_vault_notifications").map((n) => [n.backup_vault_name, n.depends_on])).toEqual(
      [["lab-standard", undefined]],
    );
  });

  it("writes every ARN in its partition (GovCloud, China)", () => {
    const { json } = synthAws((s) => {
      new BackupMonitoring(s, "Monitoring", {
        estate: "lab",
        accountId: "123456789012",
        partition: "aws-us-gov",
        auditControls: [{ name: AuditControlName.RECOVERY_POINT_ENCRYPTED }],
      });
    });
    expect(json).not.toMatch(/arn:aws:/);
    expect(json).toMatch(/arn:aws-us-gov:iam::123456789012:root/);
    expect(json).toMatch(/arn:aws-us-gov:iam::123456789012:role\/aws-service-role\/reports\.backup\.amazonaws\.com/);
  });

  it("builds the report bucket as a BackupBucket: TLS only, KMS with the topic key, reports expire, only Audit Manager delivers", () => {
    const { resources } = synthAws((s) => {
      new BackupMonitoring(s, "Monitoring", {
        estate: "lab",
        accountId: "123456789012",
        auditControls: [{ name: AuditControlName.RECOVERY_POINT_ENCRYPTED }],
        reportRetentionDays: 400,
      });
    });
    expect(ofType(resources, "aws_s3_bucket").map((b) => b.bucket)).toEqual(["lab-backup-reports-123456789012"]);
    const policy = JSON.parse(ofType(resources, "aws_s3_bucket_policy")[0].policy);
    const sids = policy.Statement.map((x: { Sid: string }) => x.Sid);
    expect(sids).toEqual(
      expect.arrayContaining(["DenyInsecureTransport", "DenyObjectsNotEncryptedWithKms", "BackupReportsDeliver"]),
    );
    const deliver = policy.Statement.find((x: { Sid: string }) => x.Sid === "BackupReportsDeliver");
    expect(deliver.Condition.ArnEquals["aws:PrincipalArn"]).toMatch(
      /:role\/aws-service-role\/reports\.backup\.amazonaws\.com\/AWSServiceRoleForBackupReports$/,
    );
    const lifecycle = ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0];
    expect(lifecycle.expiration).toEqual([{ days: 400 }]);
    expect(lifecycle.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    const sse = ofType(resources, "aws_s3_bucket_server_side_encryption_configuration")[0].rule[0]
      .apply_server_side_encryption_by_default;
    expect(sse).toMatchObject({
      sse_algorithm: "aws:kms",
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/),
    });
  });
});
