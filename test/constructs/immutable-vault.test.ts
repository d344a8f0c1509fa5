import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { BackupKey } from "../../lib/constructs/backup-key";
import { ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { ImmutableVault } from "../../lib/constructs/immutable-vault";
import { ofType, synthAws } from "../support/aws-synth";
import { LockMode } from "../../lib/core/vocabulary";

describe("ImmutableVault", () => {
  it("creates a locked bucket and a locked vault sharing one new key, all protected", () => {
    // GIVEN / WHEN
    const { json, resources } = synthAws(
      (s) =>
        new ImmutableVault(s, "Immutable", {
          mode: ObjectLockMode.COMPLIANCE,
          days: 14,
          accountId: "123456789012",
          bucketName: "estate-immutable",
          vaultName: "estate-immutable",
        }),
    );
    // THEN
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: "estate-immutable",
      object_lock_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(json).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: "COMPLIANCE", days: 14 } },
    });
    expect(json).toHaveResourceWithProperties(BackupVaultLockConfiguration, {
      min_retention_days: 14,
      changeable_for_days: 3,
    });
    expect(json).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(ofType(resources, "aws_kms_key")).toHaveLength(1);
    const keyRef = expect.stringMatching(/^\$\{aws_kms_key\.Immutable_Key_.*\.arn\}$/);
    expect(ofType(resources, "aws_backup_vault")[0].kms_key_arn).toEqual(keyRef);
    expect(
      ofType(resources, "aws_s3_bucket_server_side_encryption_configuration")[0].rule[0]
        .apply_server_side_encryption_by_default.kms_master_key_id,
    ).toEqual(keyRef);
    expect(ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0].noncurrent_version_expiration).toEqual(
      [{ noncurrent_days: 14 }],
    );
  });

  it("uses governance mode without a vault grace period, and a vault maximum", () => {
    const { resources } = synthAws(
      (s) =>
        new ImmutableVault(s, "Immutable", {
          mode: ObjectLockMode.GOVERNANCE,
          days: 7,
          maxRetentionDays: 365,
          accountId: "123456789012",
        }),
    );
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].rule.default_retention.mode).toBe(
      "GOVERNANCE",
    );
    const lock = ofType(resources, "aws_backup_vault_lock_configuration")[0];
    expect([lock.min_retention_days, lock.max_retention_days, lock.changeable_for_days]).toEqual([7, 365, undefined]);
  });

  it("creates only the bucket, or only the vault, with an existing key", () => {
    const { resources } = synthAws((s) => {
      const key = new BackupKey(s, "Key", { accountId: "123456789012" });
      new ImmutableVault(s, "BucketOnly", {
        mode: ObjectLockMode.GOVERNANCE,
        days: 7,
        kmsKey: key,
        createVault: false,
        bucketName: "estate-bucket-only",
      });
      new ImmutableVault(s, "VaultOnly", {
        mode: ObjectLockMode.GOVERNANCE,
        days: 7,
        kmsKey: key,
        createBucket: false,
        vaultName: "estate-vault-only",
      });
    });
    expect(ofType(resources, "aws_kms_key")).toHaveLength(1);
    expect(ofType(resources, "aws_s3_bucket").map((b) => b.bucket)).toEqual(["estate-bucket-only"]);
    expect(ofType(resources, "aws_backup_vault").map((v) => v.name)).toEqual(["estate-vault-only"]);
  });

  it("derives valid default names from the construct id", () => {
    const { resources } = synthAws(
      (s) =>
        new ImmutableVault(s, "Ledger_Store", { mode: ObjectLockMode.GOVERNANCE, days: 7, accountId: "123456789012" }),
    );
    expect(ofType(resources, "aws_s3_bucket")[0].bucket).toMatch(/^ledger-store-[0-9a-f]{8}$/);
    expect(ofType(resources, "aws_backup_vault")[0].name).toMatch(/^Ledger_Store-[0-9a-f]{8}$/);
  });

  it("can drop deletion protection", () => {
    const { resources } = synthAws(
      (s) =>
        new ImmutableVault(s, "Immutable", {
          mode: ObjectLockMode.GOVERNANCE,
          days: 7,
          accountId: "123456789012",
          preventDestroy: false,
        }),
    );
    for (const type of ["aws_s3_bucket", "aws_backup_vault", "aws_kms_key"])
      expect(ofType(resources, type)[0].lifecycle).toEqual({ prevent_destroy: false });
  });

  it("refuses to create nothing (AWS-008) and a new key without an account (AWS-009)", () => {
    expect(() =>
      synthAws(
        (s) =>
          new ImmutableVault(s, "I", {
            mode: ObjectLockMode.GOVERNANCE,
            days: 7,
            accountId: "123456789012",
            createBucket: false,
            createVault: false,
          }),
      ),
    ).toThrow(/AWS-008/);
    expect(() => synthAws((s) => new ImmutableVault(s, "I", { mode: ObjectLockMode.GOVERNANCE, days: 7 }))).toThrow(
      /AWS-009/,
    );
  });

  it("refuses days neither lock accepts (AWS-044), naming its own prop rather than its bucket's", () => {
    for (const days of [0, 1.5, 36501]) {
      for (const createBucket of [true, false]) {
        let message = "";
        try {
          synthAws(
            (s) =>
              new ImmutableVault(s, "I", {
                mode: ObjectLockMode.COMPLIANCE,
                days,
                accountId: "123456789012",
                createBucket,
              }),
          );
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toMatch(
          new RegExp(
            `^AWS-044: .*I: days of an ImmutableVault must be a whole number.*received "${days}".*allowed: 1\\.\\.36500`,
            "s",
          ),
        );
        expect(message).not.toMatch(/objectLock|minRetentionDays/);
      }
    }
  });

  it("passes lock validation on to the bucket and the vault", () => {
    expect(() =>
      synthAws(
        (s) =>
          new ImmutableVault(s, "I", {
            mode: ObjectLockMode.COMPLIANCE,
            days: 30,
            maxRetentionDays: 7,
            accountId: "123456789012",
          }),
      ),
    ).toThrow(/AWS-006/);
    expect(() =>
      synthAws(
        (s) =>
          new ImmutableVault(s, "I", {
            mode: ObjectLockMode.COMPLIANCE,
            days: 7,
            changeableForDays: 1,
            accountId: "123456789012",
          }),
      ),
    ).toThrow(/AWS-007/);
  });
});

describe("ImmutableVault handles: non-optional where it creates them", () => {
  it("gives bucket and vault without `!` by default, and says which parts exist; reading a part it did not create is a coded error", () => {
    let both!: ImmutableVault;
    let vaultOnly!: ImmutableVault;
    synthAws((s) => {
      both = new ImmutableVault(s, "Both", { mode: LockMode.COMPLIANCE, days: 14, accountId: "123456789012" });
      vaultOnly = new ImmutableVault(s, "VaultOnly", {
        mode: LockMode.COMPLIANCE,
        days: 14,
        accountId: "123456789012",
        createBucket: false,
      });
    });
    const bucketName: string = both.bucket.bucketName; // typed BackupBucket, not BackupBucket | undefined
    expect(bucketName).toBeDefined();
    expect(both.vault.vaultName).toBe(both.vaultName);
    expect([both.hasBucket, both.hasVault, vaultOnly.hasBucket, vaultOnly.hasVault]).toEqual([true, true, false, true]);
    expect(() => vaultOnly.bucket).toThrow(
      /CON-010: .*VaultOnly: this construct creates no bucket \(createBucket: false\)/,
    );
  });
});
