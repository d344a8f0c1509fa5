import { Token } from "../../core/cdk";
import { at, Errors } from "../../errors";

/**
 * AWS Backup vault events that hashicorp/aws 5.100 accepts for vault notifications: its
 * validator's list (CONTINUOUS_BACKUP_INTERRUPTED, which AWS can send, is rejected). Some
 * are deprecated by AWS and never deliver: see {@link DEPRECATED_VAULT_EVENTS}.
 */
export enum VaultEvent {
  BACKUP_JOB_STARTED = "BACKUP_JOB_STARTED",
  BACKUP_JOB_COMPLETED = "BACKUP_JOB_COMPLETED",
  BACKUP_JOB_SUCCESSFUL = "BACKUP_JOB_SUCCESSFUL",
  BACKUP_JOB_FAILED = "BACKUP_JOB_FAILED",
  BACKUP_JOB_EXPIRED = "BACKUP_JOB_EXPIRED",
  RESTORE_JOB_STARTED = "RESTORE_JOB_STARTED",
  RESTORE_JOB_COMPLETED = "RESTORE_JOB_COMPLETED",
  RESTORE_JOB_SUCCESSFUL = "RESTORE_JOB_SUCCESSFUL",
  RESTORE_JOB_FAILED = "RESTORE_JOB_FAILED",
  COPY_JOB_STARTED = "COPY_JOB_STARTED",
  COPY_JOB_SUCCESSFUL = "COPY_JOB_SUCCESSFUL",
  COPY_JOB_FAILED = "COPY_JOB_FAILED",
  RECOVERY_POINT_MODIFIED = "RECOVERY_POINT_MODIFIED",
  BACKUP_PLAN_CREATED = "BACKUP_PLAN_CREATED",
  BACKUP_PLAN_MODIFIED = "BACKUP_PLAN_MODIFIED",
  S3_BACKUP_OBJECT_FAILED = "S3_BACKUP_OBJECT_FAILED",
  S3_RESTORE_OBJECT_FAILED = "S3_RESTORE_OBJECT_FAILED",
  RECOVERY_POINT_INDEX_COMPLETED = "RECOVERY_POINT_INDEX_COMPLETED",
  RECOVERY_POINT_INDEX_DELETED = "RECOVERY_POINT_INDEX_DELETED",
  RECOVERY_POINT_INDEXING_FAILED = "RECOVERY_POINT_INDEXING_FAILED",
}

/**
 * Vault events AWS Backup still accepts (and hashicorp/aws 5.100 still validates) but no
 * longer sends: PutBackupVaultNotifications lists them as deprecated, "no longer supported
 * and will not return statuses or notifications". A subscription to them plans and applies
 * cleanly and never delivers, so this library refuses them (MON-020).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
 */
export const DEPRECATED_VAULT_EVENTS: readonly VaultEvent[] = [
  VaultEvent.BACKUP_JOB_SUCCESSFUL,
  VaultEvent.BACKUP_JOB_FAILED,
  VaultEvent.BACKUP_JOB_EXPIRED,
  VaultEvent.RESTORE_JOB_SUCCESSFUL,
  VaultEvent.RESTORE_JOB_FAILED,
  VaultEvent.BACKUP_PLAN_CREATED,
  VaultEvent.BACKUP_PLAN_MODIFIED,
];

/**
 * The vault events that mean something went wrong and still deliver: the default of
 * {@link VaultMonitoringProps.events}. Failed, aborted and expired backup jobs, failed
 * copy jobs and failed or aborted restores reach the topic through the EventBridge rules
 * (which see every state); the vault notification adds the per-object S3 failures, which
 * no job state change carries.
 */
export const FAILURE_VAULT_EVENTS: readonly VaultEvent[] = [
  VaultEvent.S3_BACKUP_OBJECT_FAILED,
  VaultEvent.S3_RESTORE_OBJECT_FAILED,
];

/**
 * Refuses an event the provider rejects (MON-002) and one AWS accepts but never sends
 * (MON-020), at `path`: both would leave a vault whose failures nobody hears of.
 */
export function validateVaultEvents(events: readonly VaultEvent[] | undefined, path: string): void {
  const allowed: readonly string[] = Object.values(VaultEvent);
  const deprecated: readonly string[] = DEPRECATED_VAULT_EVENTS;
  for (const e of events ?? []) {
    if (Token.isUnresolved(e)) continue;
    if (!allowed.includes(e)) throw at(path, Errors.invalidVaultEvent(e, allowed.join(", ")));
    if (deprecated.includes(e))
      throw at(path, Errors.deprecatedVaultEvent(e, allowed.filter((a) => !deprecated.includes(a)).join(", ")));
  }
}
