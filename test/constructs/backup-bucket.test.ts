import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { BackupBucket, ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { PolicyEffect } from "../../lib/core/iam-policy";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/abc";

describe("BackupBucket", () => {
  it("is versioned, SSE-KMS with the given key, private, ACL-free and not locked by default", () => {
    const { json, resources } = synthAws(
      (s) => new BackupBucket(s, "Bucket", { bucketName: "estate-app-standard", kmsKeyArn: KEY }),
    );
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: "estate-app-standard",
      force_destroy: false,
      lifecycle: { prevent_destroy: false },
    });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY },
          bucket_key_enabled: true,
        },
      ],
    });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(ofType(resources, "aws_s3_bucket")[0].object_lock_enabled).toBeUndefined();
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")).toHaveLength(0);
    const rule = ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  it("denies plain HTTP, other encryption and customer keys in its policy, with a synth-time ARN", () => {
    const { resources } = synthAws(
      (s) => new BackupBucket(s, "Bucket", { bucketName: "estate-app-standard", kmsKeyArn: KEY }),
    );
    const st = policyOf(ofType(resources, "aws_s3_bucket_policy")[0].policy).Statement;
    expect(st[0]).toMatchObject({
      Effect: "Deny",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::estate-app-standard", "arn:aws:s3:::estate-app-standard/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(st[1]).toMatchObject({
      Effect: "Deny",
      Action: "s3:PutObject",
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"] } },
    });
    expect(st[2]).toMatchObject({
      Effect: "Deny",
      Action: "s3:PutObject",
      Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    });
    expect(st.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  it("is created with Object Lock and a default retention, keeps noncurrent versions for the lock period and is protected", () => {
    const { json, resources } = synthAws(
      (s) =>
        new BackupBucket(s, "Bucket", {
          bucketName: "estate-locked",
          kmsKeyArn: KEY,
          objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 14 },
        }),
    );
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      object_lock_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(json).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: "COMPLIANCE", days: 14 } },
    });
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration")[0].depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_versioning\./),
    ]);
    expect(ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0].noncurrent_version_expiration).toEqual(
      [{ noncurrent_days: 14 }],
    );
  });

  it("expires current versions when asked (write-once logs) and takes extra policy statements", () => {
    const { resources } = synthAws((s) => {
      const b = new BackupBucket(s, "Bucket", {
        bucketName: "estate-logs",
        kmsKeyArn: KEY,
        currentVersionExpirationDays: 365,
        objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 365 },
      });
      b.addToPolicy({
        sid: "Extra",
        effect: PolicyEffect.ALLOW,
        principals: { service: ["cloudtrail.amazonaws.com"] },
        actions: ["s3:GetBucketAcl"],
        resources: [b.bucketArn],
      });
    });
    expect(ofType(resources, "aws_s3_bucket_lifecycle_configuration")[0].rule[0].expiration).toEqual([{ days: 365 }]);
    expect(policyOf(ofType(resources, "aws_s3_bucket_policy")[0].policy).Statement.map((s) => s.Sid)).toContain(
      "Extra",
    );
  });

  it.each([
    ["UPPER-case", /AWS-002.*lowercase/],
    ["ab", /AWS-002.*2 characters/],
    ["a".repeat(64), /AWS-002/],
    ["bad..name", /AWS-002.*'\.\.'/],
    ["192.168.1.10", /AWS-002.*IP address/],
    ["xn--bucket", /AWS-002.*reserves/],
  ])("refuses the bucket name %j", (name, error) => {
    expect(() => synthAws((s) => new BackupBucket(s, "Bucket", { bucketName: name, kmsKeyArn: KEY }))).toThrow(error);
  });

  it.each([0, 36501, 1.5])("refuses Object Lock days %p with AWS-003", (days) => {
    expect(() =>
      synthAws(
        (s) =>
          new BackupBucket(s, "Bucket", {
            bucketName: "estate-x",
            kmsKeyArn: KEY,
            objectLock: { mode: ObjectLockMode.GOVERNANCE, days },
          }),
      ),
    ).toThrow(/AWS-003/);
  });

  it("refuses to expire noncurrent versions before their lock ends (AWS-004)", () => {
    expect(() =>
      synthAws(
        (s) =>
          new BackupBucket(s, "Bucket", {
            bucketName: "estate-x",
            kmsKeyArn: KEY,
            objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 30 },
            noncurrentVersionExpirationDays: 7,
          }),
      ),
    ).toThrow(/AWS-004/);
  });
});
