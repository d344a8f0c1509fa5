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
      .describe(
        "Create the CloudTrail trail (S3 data events on the backup buckets, management events incl. AWS Backup). Default `true`; set `false` when an organization trail already records them.",
      )
      .optional(),
    lockMode: z
      .enum(LockMode)
      .describe(
        "Object Lock mode of the trail's log bucket. Default `compliance`, or `governance` when `deletionProtection` is `false`.",
      )
      .optional(),
    retentionDays: z
      .int()
      .min(1)
      .max(36500)
      .describe("How long every log file stays locked, and is then expired. Default 365.")
      .optional(),
  })
  .describe("The audit trail of the backup estate (CloudTrail into a locked, KMS-encrypted bucket).");

/**
 * What the account must already have for the estate's AWS signals to work: things the estate
 * does not create (they are account-wide singletons other teams may own), declared once so
 * that GOV-104 and GOV-105 can tell a checked account from an unchecked one.
 */
export const prerequisitesSchema = z
  .strictObject({
    configRecorder: z
      .boolean()
      .describe(
        "An AWS Config configuration recorder records in the primary region (yours, or AWS Control Tower's), covering AWS Backup resources and the resource types the estate protects. The Audit Manager framework and the last-recovery-point rules evaluate nothing without it. Default `false` (GOV-104 warns).",
      )
      .optional(),
    backupOptIn: z
      .array(z.enum(AWS_RESOURCE_TYPE_KEYS))
      .describe(
        "Resource types opted in to AWS Backup in the primary region's settings (`aws backup describe-region-settings`, `aws_backup_region_settings`). A tag selection silently selects nothing of a type that is not opted in. Default: none checked (GOV-105 warns for tag selections).",
      )
      .optional(),
  })
  .describe("Account-wide prerequisites the estate relies on but does not create: declare them once they are checked.");

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
      .describe(
        "12-digit account id, used in ARNs and policies. Taken from here, never looked up, so plans work offline.",
      )
      .optional(),
    deletionProtection: z
      .boolean()
      .describe(
        "Protect vaults, backup buckets and KMS keys with Terraform `prevent_destroy`. Default `true`; set `false` only for throw-away test estates (the audit log bucket then defaults to governance mode).",
      )
      .optional(),
    tags: tagMap("Tags added to every AWS resource the estate creates.").optional(),
    breakGlassPrincipal: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]{1,512}$/)
      .describe(
        "The one IAM role or user (its ARN) that may disable the estate's KMS keys or schedule their deletion: every key policy denies both to anyone else, account administrators included. Deleting a key makes every backup encrypted with it unreadable, locked or not. Default: none, the account delegates both (GOV-220 warns).",
      )
      .optional(),
    rolesAnywhere: rolesAnywhereSchema.optional(),
    audit: auditSchema.optional(),
    prerequisites: prerequisitesSchema.optional(),
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
    tags: tagMap("Select resources carrying all of these tags (AND semantics: every tag must match).").optional(),
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
