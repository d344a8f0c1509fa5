import { z } from "zod";
import { rolesAnywhereSchema } from "./app";
import { LockMode } from "../../core/vocabulary";
import { awsRegion, Patterns, tagMap } from "./common";

/**
 * AWS Backup resource types in the catalog's words (`aws.tagResourceTypes`). The policy maps
 * each to the name AWS uses (lib/policy/aws-backup.ts, AwsResourceType).
 */
export const AWS_RESOURCE_TYPE_KEYS = [
  "aurora",
  "documentdb",
  "dynamodb",
  "ebs",
  "ec2",
  "efs",
  "fsx",
  "neptune",
  "rds",
  "s3",
  "redshift",
  "storagegateway",
  "timestream",
  "cloudformation",
  "saphana",
  "vmware",
] as const;

/** The estate's audit trail: CloudTrail evidence of restores, deletion attempts and policy changes. */
export const auditSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .describe("Create the CloudTrail trail (S3 data events on the backup buckets, management events incl. AWS Backup). Default `true`; set `false` when an organization trail already records them.")
      .optional(),
    lockMode: z
      .enum(LockMode)
      .describe("Object Lock mode of the trail's log bucket. Default `compliance`, or `governance` when `deletionProtection` is `false`.")
      .optional(),
    retentionDays: z
      .int()
      .min(1)
      .max(36500)
      .describe("How long every log file stays locked, and is then expired. Default 365.")
      .optional(),
  })
  .describe("The audit trail of the backup estate (CloudTrail into a locked, KMS-encrypted bucket).");

/** The estate's AWS account: where AWS Backup plans, vaults and buckets live. */
export const awsSchema = z
  .strictObject({
    region: awsRegion("Primary AWS region: vaults, plans and primary buckets are created here."),
    offsiteRegion: awsRegion(
      "Default destination region for offsite copies (S3 replication and AWS Backup copy actions). Must differ from `region`.",
    ).optional(),
    accountId: z
      .string()
      .regex(Patterns.accountId)
      .describe("12-digit account id, used in ARNs and policies. Taken from here, never looked up, so plans work offline.")
      .optional(),
    deletionProtection: z
      .boolean()
      .describe(
        "Protect vaults, backup buckets and KMS keys with Terraform `prevent_destroy`. Default `true`; set `false` only for throw-away test estates (the audit log bucket then defaults to governance mode).",
      )
      .optional(),
    tags: tagMap("Tags added to every AWS resource the estate creates.").optional(),
    rolesAnywhere: rolesAnywhereSchema.optional(),
    audit: auditSchema.optional(),
  })
  .describe("Optional: omit for a Proxmox-only estate.");

/** AWS-native resources of one service, protected by AWS Backup. */
export const serviceAwsSchema = z
  .strictObject({
    resources: z
      .array(z.string().regex(Patterns.arn))
      .min(1)
      .describe("ARNs of the resources to protect (RDS, DynamoDB, EFS, S3, EC2, EBS, ...). Selected by explicit ARN.")
      .optional(),
    tags: tagMap(
      "Select resources carrying all of these tags (AND semantics: every tag must match).",
    ).optional(),
    tagResourceTypes: z
      .array(z.enum(AWS_RESOURCE_TYPE_KEYS))
      .min(1)
      .describe(
        "Types of the resources the `tags` select (e.g. `[rds, dynamodb]`). Restore tests need a type per selection, and the backup role gets S3 permissions only when S3 may be selected.",
      )
      .optional(),
    coldStorageAfterDays: z
      .int()
      .min(1)
      .max(36500)
      .describe(
        "Move recovery points to cold storage after this many days. AWS requires at least 90 days in cold storage before deletion.",
      )
      .optional(),
  })
  .describe("AWS-native resources protected by AWS Backup (selection by ARNs and/or tags).");
