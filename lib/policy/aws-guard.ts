/**
 * The key and lock guard: the CloudTrail API calls that can undo every lock the estate sets
 * (delete or disable the key that encrypts locked backups, rewrite its policy, change or
 * remove a vault lock or access policy, a bucket's policy, Object Lock or lifecycle). None of
 * them is a failure AWS Backup reports; each reaches the alert topic through an EventBridge
 * rule on "AWS API Call via CloudTrail", which needs a trail with logging on (the estate's
 * audit trail, or an organization trail).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */

/** One guard rule: the CloudTrail calls of one service it matches. */
export interface GuardRule {
  /** Construct id and rule-name suffix. */
  readonly id: string;
  readonly suffix: string;
  /** EventBridge `source` of the service's CloudTrail events. */
  readonly source: string;
  /** CloudTrail `eventSource`. */
  readonly eventSource: string;
  /** CloudTrail `eventName`s (the API actions). */
  readonly eventNames: readonly string[];
  /** More of the event's `detail` to match (the estate's resources), as an EventBridge pattern. */
  readonly scope?: Record<string, unknown>;
  /** What the calls can undo, for the alert. */
  readonly risk: string;
  /** The input path of the resource the call names, for the alert. */
  readonly resourcePath: string;
}

/** The detail-type of every CloudTrail-delivered API call event. */
export const CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail";

/**
 * The guard rules of an estate. KMS calls are matched on every key of the account (a key is
 * named by id, ARN or alias in the request, so no pattern can single out the estate's); vault
 * calls on every vault (a lock change anywhere in the account deserves a look); bucket calls on
 * the estate's buckets (every one is named `<estate>-...`).
 */
export function guardRules(estate: string): GuardRule[] {
  return [
    {
      id: "GuardKeys",
      suffix: "guard-kms-keys",
      source: "aws.kms",
      eventSource: "kms.amazonaws.com",
      eventNames: ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "DeleteAlias"],
      risk: "a deleted or disabled key makes every backup encrypted with it unreadable, locked or not",
      resourcePath: "$.detail.requestParameters.keyId",
    },
    {
      id: "GuardVaults",
      suffix: "guard-backup-vaults",
      source: "aws.backup",
      eventSource: "backup.amazonaws.com",
      eventNames: [
        "PutBackupVaultLockConfiguration",
        "DeleteBackupVaultLockConfiguration",
        "PutBackupVaultAccessPolicy",
        "DeleteBackupVaultAccessPolicy",
        "DeleteBackupVault",
      ],
      risk: "a vault lock or access policy that changes can let recovery points be deleted early",
      resourcePath: "$.detail.requestParameters.backupVaultName",
    },
    {
      id: "GuardBuckets",
      suffix: "guard-s3-buckets",
      source: "aws.s3",
      eventSource: "s3.amazonaws.com",
      eventNames: [
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "PutObjectLockConfiguration",
        "PutBucketLifecycle",
        "DeleteBucketLifecycle",
        "PutBucketVersioning",
        "PutBucketReplication",
        "DeleteBucketReplication",
      ],
      scope: { requestParameters: { bucketName: [{ prefix: `${estate}-` }] } },
      risk: "a bucket policy, Object Lock, lifecycle, versioning or replication change can expose, shorten or stop the backups it holds",
      resourcePath: "$.detail.requestParameters.bucketName",
    },
  ];
}

/** The EventBridge pattern of a guard rule. */
export function guardPattern(r: GuardRule): string {
  return JSON.stringify({
    source: [r.source],
    "detail-type": [CLOUDTRAIL_API_CALL],
    detail: { eventSource: [r.eventSource], eventName: [...r.eventNames], ...(r.scope ?? {}) },
  });
}
