/**
 * The props of each construct of the library, for the run-time checks of JavaScript and tsx
 * callers (lib/private/props.ts): the required ones with their kind, and every known name (a
 * misspelt one is refused with the nearest known name). test/constructs/prop-specs.test.ts
 * keeps this table equal to the Props interfaces.
 */
import type { PropKind } from "./props";

/** Required props (with their kind) and every known prop name of one construct. */
export interface PropSpec {
  readonly required: Readonly<Record<string, PropKind>>;
  readonly known: readonly string[];
}

export const PROP_SPECS: Readonly<Record<string, PropSpec>> = {
  AppBackup: { required: { estate: "string", serviceId: "string", host: "string", engine: "any", destination: "any", retention: "any", rpo: "duration", rto: "duration" }, known: ["estate", "serviceId", "host", "engine", "tool", "database", "pitr", "paths", "excludes", "destination", "retention", "rpo", "rto", "schedule", "drill", "bandwidthLimit", "directoryFormatAbove", "jobs", "mysqlFlavour", "mysqlServerVersion", "replicaSet", "fullEvery", "credentials", "layout", "checkReadDataSubset", "secretsRef", "heartbeat", "randomizedDelay", "provider"] },
  AuditTrail: { required: { bucketName: "string", accountId: "string", region: "string" }, known: ["trailName", "bucketName", "accountId", "region", "lockMode", "retentionDays", "dataEventBucketArns", "multiRegion", "preventDestroy", "partition", "provider", "tags"] },
  BackupBucket: { required: { bucketName: "string", kmsKeyArn: "string" }, known: ["bucketName", "kmsKeyArn", "objectLock", "noncurrentVersionExpirationDays", "currentVersionExpirationDays", "abortIncompleteMultipartUploadDays", "policyStatements", "preventDestroy", "region", "partition", "provider", "tags"] },
  BackupKey: { required: { accountId: "string" }, known: ["accountId", "alias", "description", "deletionWindowInDays", "statements", "preventDestroy", "breakGlassPrincipalArn", "partition", "provider", "tags"] },
  BackupMonitoring: { required: { estate: "string", accountId: "string" }, known: ["estate", "accountId", "provider", "emails", "webhooks", "chatChannels", "chatbotProvider", "pagerDuty", "vaults", "copyDestinationVaults", "vaultNames", "copyDestinationVaultNames", "vaultEvents", "vaultDependencies", "heartbeats", "auditControls", "reportBucketName", "reportRetentionDays", "deletionProtection", "recoveryPointRules", "vaultFreshness", "partition", "forwardEventsFrom", "keyAndLockGuard", "region"] },
  BackupServiceRole: { required: {  }, known: ["roleName", "s3", "partition", "provider", "tags"] },
  BackupStorage: { required: { provider: "any", backend: "any" }, known: ["provider", "storageId", "backend", "nodes", "retention", "keepLast", "keepAll", "maxProtectedBackups"] },
  EncryptedVault: { required: { kmsKeyArn: "string" }, known: ["vaultName", "kmsKeyArn", "lock", "blockRecoveryPointDeletion", "preventDestroy", "region", "accountId", "partition", "provider", "tags"] },
  ImmutableVault: { required: { mode: "any", days: "number" }, known: ["mode", "days", "maxRetentionDays", "changeableForDays", "createBucket", "createVault", "bucketName", "vaultName", "kmsKey", "accountId", "noncurrentVersionExpirationDays", "preventDestroy", "region", "partition", "provider", "tags"] },
  OffsiteReplica: { required: { source: "any", destinationRegion: "string", destinationProvider: "any" }, known: ["source", "destinationRegion", "destinationProvider", "destinationBucketName", "destinationKey", "accountId", "replicationTimeControl", "deleteMarkerReplication", "storageClass", "roleName", "preventDestroy", "partition", "tags"] },
  ProtectedVm: { required: { host: "any", vmid: "number" }, known: ["host", "vmid", "kind", "cadence", "retention", "mode", "repeatMissed", "label", "storage"] },
  ProxmoxHostBackups: { required: { provider: "any", storage: "string" }, known: ["provider", "storage", "jobIdPrefix", "mailto", "mailNotification", "compress", "node", "notesTag", "hookScript", "window"] },
  RestoreTestingPlan: { required: { schedule: "any" }, known: ["planName", "schedule", "scheduleTimezone", "startWindowHours", "algorithm", "vaults", "includeVaults", "recoveryPointTypes", "selectionWindowDays", "provider", "tags"] },
  TierBackupPlan: { required: {  }, known: ["planName", "rules", "provider", "tags"] },
  VeleroIdentity: { required: { userName: "string", bucket: "any", prefix: "string" }, known: ["userName", "bucket", "prefix", "offsite", "provider", "tags"] },
  VeleroProtection: { required: { storageLocation: "any" }, known: ["namespace", "storageLocation", "provider", "labels"] },
  VzdumpJob: { required: { provider: "any", storage: "string", retention: "any" }, known: ["provider", "jobId", "storage", "retention", "schedule", "scheduler", "cadence", "mode", "compress", "repeatMissed", "mailto", "mailNotification", "node", "notesTag", "hookScript", "guests"] },
};
