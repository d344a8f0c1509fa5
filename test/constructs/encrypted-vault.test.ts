import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { EncryptedVault } from "../../lib/constructs/encrypted-vault";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/abc";

describe("EncryptedVault", () => {
  it("encrypts with the given key, is protected and denies manual deletion of recovery points", () => {
    const { json, resources } = synthAws(
      (s) => new EncryptedVault(s, "Vault", { vaultName: "estate-standard", kmsKeyArn: KEY }),
    );
    expect(json).toHaveResourceWithProperties(BackupVault, {
      name: "estate-standard",
      kms_key_arn: KEY,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(ofType(resources, "aws_backup_vault_lock_configuration")).toHaveLength(0);
    const st = policyOf(ofType(resources, "aws_backup_vault_policy")[0].policy).Statement;
    expect(st).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
      }),
    ]);
  });

  it("locks in compliance mode with a 3-day grace period by default", () => {
    const { json } = synthAws(
      (s) =>
        new EncryptedVault(s, "Vault", {
          vaultName: "estate-c",
          kmsKeyArn: KEY,
          lock: { mode: ObjectLockMode.COMPLIANCE, minRetentionDays: 14, maxRetentionDays: 400 },
        }),
    );
    expect(json).toHaveResourceWithProperties(BackupVaultLockConfiguration, {
      min_retention_days: 14,
      max_retention_days: 400,
      changeable_for_days: 3,
    });
  });

  it("locks in governance mode without a grace period", () => {
    const { resources } = synthAws(
      (s) =>
        new EncryptedVault(s, "Vault", {
          vaultName: "estate-g",
          kmsKeyArn: KEY,
          lock: { mode: ObjectLockMode.GOVERNANCE, minRetentionDays: 7 },
        }),
    );
    const lock = ofType(resources, "aws_backup_vault_lock_configuration")[0];
    expect(lock.min_retention_days).toBe(7);
    expect(lock.changeable_for_days).toBeUndefined();
  });

  it("knows its ARN at synth time when region and account are given, and references it otherwise", () => {
    let known = "";
    let ref = "";
    synthAws((s) => {
      known = new EncryptedVault(s, "A", {
        vaultName: "estate-a",
        kmsKeyArn: KEY,
        region: "us-west-2",
        accountId: "123456789012",
      }).vaultArn;
      ref = new EncryptedVault(s, "B", { vaultName: "estate-b", kmsKeyArn: KEY }).vaultArn;
    });
    expect(known).toBe("arn:aws:backup:us-west-2:123456789012:backup-vault:estate-a");
    expect(ref).toMatch(/TOKEN/);
  });

  it("can leave manual deletion and destruction open for test estates", () => {
    const { json, resources } = synthAws(
      (s) =>
        new EncryptedVault(s, "Vault", {
          vaultName: "estate-x",
          kmsKeyArn: KEY,
          blockRecoveryPointDeletion: false,
          preventDestroy: false,
        }),
    );
    expect(json).toHaveResourceWithProperties(BackupVault, { lifecycle: { prevent_destroy: false } });
    expect(ofType(resources, "aws_backup_vault_policy")).toHaveLength(0);
  });

  it.each(["x", "a".repeat(51), "bad name", "dots.not.allowed"])("refuses the vault name %j with AWS-005", (name) => {
    expect(() => synthAws((s) => new EncryptedVault(s, "Vault", { vaultName: name, kmsKeyArn: KEY }))).toThrow(
      /AWS-005/,
    );
  });

  it.each([
    [0, undefined],
    [30, 7],
    [1, 36501],
  ])("refuses the lock range min %p max %p with AWS-006", (min, max) => {
    expect(() =>
      synthAws(
        (s) =>
          new EncryptedVault(s, "Vault", {
            vaultName: "estate-v",
            kmsKeyArn: KEY,
            lock: { mode: ObjectLockMode.GOVERNANCE, minRetentionDays: min, maxRetentionDays: max },
          }),
      ),
    ).toThrow(/AWS-006/);
  });

  it("refuses a grace period under 3 days in compliance mode, and any in governance mode (AWS-007)", () => {
    expect(() =>
      synthAws(
        (s) =>
          new EncryptedVault(s, "Vault", {
            vaultName: "estate-v",
            kmsKeyArn: KEY,
            lock: { mode: ObjectLockMode.COMPLIANCE, minRetentionDays: 7, changeableForDays: 2 },
          }),
      ),
    ).toThrow(/AWS-007/);
    expect(() =>
      synthAws(
        (s) =>
          new EncryptedVault(s, "Vault", {
            vaultName: "estate-v",
            kmsKeyArn: KEY,
            lock: { mode: ObjectLockMode.GOVERNANCE, minRetentionDays: 7, changeableForDays: 5 },
          }),
      ),
    ).toThrow(/AWS-007/);
  });
});
