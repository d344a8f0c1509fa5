import { z } from "zod";
import { rolesAnywhereSchema } from "./app";
import { awsRegion, Patterns, tagMap } from "./common";

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
        "Protect vaults, locked buckets and KMS keys with Terraform `prevent_destroy`. Default `true`; set `false` only for throw-away test estates.",
      )
      .optional(),
    tags: tagMap("Tags added to every AWS resource the estate creates.").optional(),
    rolesAnywhere: rolesAnywhereSchema.optional(),
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
