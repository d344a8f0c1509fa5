import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupBucket, ObjectLockMode } from "../../lib/constructs/backup-bucket";
import { BackupKey } from "../../lib/constructs/backup-key";
import { OffsiteReplica, ReplicaStorageClass } from "../../lib/constructs/offsite-replica";
import { isWildcardAction } from "../../lib/core/iam-policy";
import { ofType, policyOf, synthAws } from "../support/aws-synth";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/source";

function replicate(
  lock?: { mode: ObjectLockMode; days: number },
  extra: Partial<ConstructorParameters<typeof OffsiteReplica>[2]> = {},
) {
  return synthAws((s, west) => {
    const source = new BackupBucket(s, "Source", {
      bucketName: "estate-app",
      kmsKeyArn: KEY,
      objectLock: lock,
      region: "us-east-1",
    });
    new OffsiteReplica(s, "Replica", {
      source,
      destinationRegion: "us-west-2",
      destinationProvider: west,
      accountId: "123456789012",
      ...extra,
    });
  });
}

describe("OffsiteReplica", () => {
  it("creates a versioned, KMS-encrypted destination bucket and its key in the offsite region", () => {
    const { resources } = replicate();
    const buckets = ofType(resources, "aws_s3_bucket");
    const replica = buckets.find((b) => b.bucket === "estate-app-us-west-2")!;
    expect(replica.provider).toBe("aws.west");
    expect(buckets.find((b) => b.bucket === "estate-app")!.provider).toBeUndefined();
    expect(ofType(resources, "aws_s3_bucket_versioning").map((v) => v.versioning_configuration.status)).toEqual([
      "Enabled",
      "Enabled",
    ]);
    expect(ofType(resources, "aws_kms_key")[0].provider).toBe("aws.west");
    expect(replica.object_lock_enabled).toBeUndefined();
  });

  it("gives the destination Object Lock with the source's default retention whenever the source has it", () => {
    const { resources } = replicate({ mode: ObjectLockMode.COMPLIANCE, days: 14 });
    expect(ofType(resources, "aws_s3_bucket").map((b) => b.object_lock_enabled)).toEqual([true, true]);
    expect(ofType(resources, "aws_s3_bucket_object_lock_configuration").map((l) => l.rule.default_retention)).toEqual([
      { mode: "COMPLIANCE", days: 14 },
      { mode: "COMPLIANCE", days: 14 },
    ]);
    // Locked replicas are protected too.
    expect(ofType(resources, "aws_s3_bucket").find((b) => b.bucket === "estate-app-us-west-2")!.lifecycle).toEqual({
      prevent_destroy: true,
    });
  });

  it("replicates SSE-KMS objects with the replica key, never delete markers by default, and waits for versioning on both sides", () => {
    // Source: S3 User Guide, "Replicating delete markers between buckets": with a V2 (filter) rule, delete
    // markers are replicated only when DeleteMarkerReplication is Enabled; a deletion on the source then hides
    // the object in the replica too. The backup identities may delete (prune), so the offsite copy must not follow.
    const { json, resources } = replicate();
    expect(json).toHaveResourceWithProperties(S3BucketReplicationConfigurationA, {
      rule: [
        expect.objectContaining({
          status: "Enabled",
          filter: { prefix: "" },
          delete_marker_replication: { status: "Disabled" },
          source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
          destination: expect.objectContaining({
            bucket: "arn:aws:s3:::estate-app-us-west-2",
            storage_class: "STANDARD",
            encryption_configuration: { replica_kms_key_id: expect.stringMatching(/aws_kms_key\.Replica_Key.*\.arn/) },
          }),
        }),
      ],
    });
    const rc = ofType(resources, "aws_s3_bucket_replication_configuration")[0];
    expect(rc.depends_on).toEqual([
      expect.stringMatching(/aws_s3_bucket_versioning\.Source_Versioning/),
      expect.stringMatching(/aws_s3_bucket_versioning\.Replica_Bucket_Versioning/),
    ]);
    expect(rc.rule[0].destination.replication_time).toBeUndefined();
    expect(rc.rule[0].destination.metrics).toBeUndefined();
  });

  it("turns on Replication Time Control and metrics at 15 minutes for critical data", () => {
    const { resources } = replicate(undefined, {
      replicationTimeControl: true,
      deleteMarkerReplication: true,
      storageClass: ReplicaStorageClass.STANDARD_IA,
    });
    const rule = ofType(resources, "aws_s3_bucket_replication_configuration")[0].rule[0];
    expect(rule.destination.replication_time).toEqual({ status: "Enabled", time: { minutes: 15 } });
    expect(rule.destination.metrics).toEqual({ status: "Enabled", event_threshold: { minutes: 15 } });
    // Asked for explicitly, delete markers follow (and the role may replicate deletes).
    expect(rule.delete_marker_replication).toEqual({ status: "Enabled" });
    expect(
      policyOf(ofType(resources, "aws_iam_role_policy")[0].policy).Statement.find((x) => x.Sid === "WriteReplicas")!
        .Action,
    ).toContain("s3:ReplicateDelete");
    expect(rule.destination.storage_class).toBe("STANDARD_IA");
  });

  it("allows the replication role only the actions replication needs, each on its own resource", () => {
    const { resources } = replicate({ mode: ObjectLockMode.GOVERNANCE, days: 7 });
    const trust = policyOf(ofType(resources, "aws_iam_role")[0].assume_role_policy).Statement;
    expect(trust).toEqual([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const st = policyOf(ofType(resources, "aws_iam_role_policy")[0].policy).Statement;
    const bySid = Object.fromEntries(st.map((s) => [s.Sid, s]));
    expect(bySid.ReadSourceVersions.Action).toEqual(
      expect.arrayContaining(["s3:GetObjectVersionForReplication", "s3:GetObjectRetention", "s3:GetObjectLegalHold"]),
    );
    expect(bySid.ReadSourceVersions.Resource).toBe("arn:aws:s3:::estate-app/*");
    // No delete markers replicated: the role may not s3:ReplicateDelete (which only replicates delete markers).
    expect(bySid.WriteReplicas).toMatchObject({
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: "arn:aws:s3:::estate-app-us-west-2/*",
    });
    expect(bySid.DecryptSource).toMatchObject({
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
    });
    expect(bySid.EncryptReplica.Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
    });
    for (const s of st) {
      expect(s.Effect).toBe("Allow");
      for (const a of [s.Action].flat()) expect(isWildcardAction(a)).toBe(false);
      expect([s.Resource].flat()).not.toContain("*");
    }
  });

  it("uses a given replica key and name, and shortens long default names to 63 characters", () => {
    const { resources } = synthAws((s, west) => {
      const key = new BackupKey(s, "WestKey", { accountId: "123456789012", provider: west });
      const long = new BackupBucket(s, "Long", { bucketName: "a".repeat(60), kmsKeyArn: KEY });
      new OffsiteReplica(s, "R1", {
        source: long,
        destinationRegion: "us-west-2",
        destinationProvider: west,
        destinationKey: key,
      });
      const named = new BackupBucket(s, "Named", { bucketName: "estate-named", kmsKeyArn: KEY });
      new OffsiteReplica(s, "R2", {
        source: named,
        destinationRegion: "us-west-2",
        destinationProvider: west,
        destinationKey: key,
        destinationBucketName: "estate-named-offsite",
      });
    });
    const names = ofType(resources, "aws_s3_bucket").map((b) => b.bucket);
    expect(names).toContain("estate-named-offsite");
    const short = names.find((n: string) => n.startsWith("aaaa") && n.endsWith("-us-west-2"))!;
    expect(short.length).toBeLessThanOrEqual(63);
    expect(ofType(resources, "aws_kms_key")).toHaveLength(1);
  });

  it("refuses a destination provider of another Region than destinationRegion (CON-007): the bucket would be named for one Region and made in another", () => {
    expect(() =>
      synthAws((s, west) => {
        const source = new BackupBucket(s, "Source", { bucketName: "estate-app", kmsKeyArn: KEY, region: "us-east-1" });
        new OffsiteReplica(s, "Replica", {
          source,
          destinationRegion: "eu-west-1",
          destinationProvider: west,
          accountId: "123456789012",
        });
      }),
    ).toThrow(
      /CON-007: \S*Replica: OffsiteReplica: `destinationProvider` is a provider for us-west-2, not destinationRegion eu-west-1/,
    );
  });

  it("refuses a replica in the source's Region (CON-008), also when the source's Region comes from the stack's default provider", () => {
    expect(() =>
      synthAws((s) => {
        const source = new BackupBucket(s, "Source", { bucketName: "estate-app", kmsKeyArn: KEY });
        const primary = new AwsProvider(s, "primary", { region: "us-east-1" });
        new OffsiteReplica(s, "Replica", {
          source,
          destinationRegion: "us-east-1",
          destinationProvider: primary,
          accountId: "123456789012",
        });
      }),
    ).toThrow(/CON-008: \S*Replica: .*the source's \(us-east-1\)/);
  });

  it("refuses missing props from JavaScript callers with CON-001 (no replica in an undefined Region)", () => {
    expect(() =>
      synthAws((s, west) => {
        const source = new BackupBucket(s, "Source", { bucketName: "estate-app", kmsKeyArn: KEY, region: "us-east-1" });
        new OffsiteReplica(s, "Replica", { source, destinationProvider: west, accountId: "123456789012" } as never);
      }),
    ).toThrow(/CON-001: \S*Replica: OffsiteReplica needs `destinationRegion`/);
  });

  it("needs an account id when it creates the replica key (AWS-009)", () => {
    expect(() =>
      synthAws((s, west) => {
        const source = new BackupBucket(s, "Source", { bucketName: "estate-app", kmsKeyArn: KEY });
        new OffsiteReplica(s, "Replica", { source, destinationRegion: "us-west-2", destinationProvider: west });
      }),
    ).toThrow(/AWS-009/);
  });
});
