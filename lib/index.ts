/**
 * The public API of cdktf-backup-governance: re-exports only, chosen on purpose.
 *
 * What users are meant to use: the constructs with their props and enums, the value
 * classes and vocabularies they take, the catalog/validate/synth entry points, the
 * GovernanceChecks aspect, the finding type and the errors. Builders, the estate context,
 * the CLI's internals, renderers and policy helpers stay private (import them from their
 * files inside this repository only). api/cdktf-backup-governance.api.md is the committed
 * report of this surface; a test keeps it current (`npm run api` rewrites it).
 *
 * @packageDocumentation
 */

// --- errors --------------------------------------------------------------------------------
export {
  BackupGovError,
  ValidationError,
  UsageError,
  GovernanceError,
  ERRORS_DOC,
  type BackupGovErrorDetails,
} from "./errors";

// --- value classes and vocabularies construct props take ---------------------------------
export * from "./core/duration";
export * from "./core/schedule";
export * from "./core/retention";
export * from "./core/vocabulary";
export { Size } from "./core/size";
export { PolicyEffect, type PolicyPrincipals, type PolicyStatement } from "./core/iam-policy";
export { Metrics, METRIC_HELP, METRIC_LABELS, TEXTFILE_DIR, Heartbeat } from "./core/metrics";

// --- findings (catalog validation and GovernanceChecks) -----------------------------------
export {
  Severity,
  type Finding,
  type CatalogPath,
  type SourcePosition,
  formatFinding,
  formatPath,
  sortFindings,
  isBlocking,
  findingToJson,
  type FindingJson,
} from "./core/finding";

// --- the catalog: load, validate, synthesize ----------------------------------------------
export * from "./catalog/model";
export {
  loadCatalogFile,
  loadCatalogText,
  LoaderRules,
  MAX_CATALOG_BYTES,
  MAX_ALIASES,
  type LoadResult,
} from "./catalog/load";
export type { CatalogSource } from "./catalog/source";
export { catalogJsonSchema, CATALOG_SCHEMA_ID, type JsonSchema } from "./catalog/json-schema";
export {
  validateCatalogFile,
  validateCatalogText,
  validateCatalog,
  type ValidationReport,
} from "./governance/validate";
export { explainRule } from "./governance/docs";
export { BASELINE_RULES } from "./governance/packs/baseline";
export { ChecklistStep, type GovernanceRule, type RuleContext, type Violation } from "./governance/rule";
export { MIN_ACK_REASON } from "./governance/engine";
export {
  GovernanceChecks,
  type GovernanceChecksProps,
  type ConstructFinding,
  COMPLIANCE_TAG_KEYS,
} from "./governance/checks";
export { Estate } from "./estate/estate";
export { BackupEstate, type BackupEstateProps, ProtectedService } from "./estate/protected-service";
export * from "./estate/definition";
export type { AwsProtection } from "./estate/aws";
export type { ProxmoxProtection } from "./estate/proxmox";
export type { KubernetesProtection } from "./estate/kubernetes";
export type { AppBackups, AppBackupsPlacement } from "./estate/app-backups";
export type { Monitoring } from "./estate/monitoring";
export {
  TargetKind,
  type BackupTarget,
  type BuildRecord,
  type ScheduledJob,
  type S3Destination,
  type VeleroDestination,
} from "./estate/context";
export type { AdoptionNoticeEntry, AdoptionReport, ImportEntry } from "./estate/adoption";
export { AwsEstateStack, type AwsEstateStackProps, ACCOUNT_ID_VARIABLE } from "./estate/aws-stack";
export { ProxmoxEstateStack, type ProxmoxEstateStackProps } from "./estate/proxmox-stack";
export { synthesizeCatalog, type SynthOptions, type SynthResult } from "./estate/synth";
export { type Artifact, ArtifactSet } from "./artifacts/artifact";
export type { ServiceFile } from "./artifacts/app/bundle";

// --- policy the constructs and presets share with the catalog -----------------------------
export { TIERS, tierOf, type TierPolicy, RestoreTestFrequency } from "./policy/tiers";
export {
  type EffectivePolicy,
  type EffectiveImmutability,
  type EffectiveOffsite,
  PolicySource,
} from "./policy/effective";
export type { StaggerOptions } from "./policy/stagger";
export { COMPLIANCE, type ComplianceRequirement } from "./policy/compliance";
export {
  AwsLimits,
  AwsResourceType,
  resourceTypeOfArn,
  type ResourceTypeInfo,
  resourceTypeInfo,
} from "./policy/aws-backup";
export { AuditControlName, AuditLimits, type AuditScope, TIER_TAG } from "./policy/audit";

// --- Proxmox VE: provider bindings and constructs -----------------------------------------
export { PROXMOX_PROVIDER_SOURCE, ProxmoxProviderVersions, type IProxmoxVersioned } from "./providers/proxmox/version";
export {
  ProxmoxProvider,
  type ProxmoxProviderConfig,
  type ProxmoxProviderSsh,
  type ProxmoxProviderSshNode,
} from "./providers/proxmox/provider";
export {
  BackupJob,
  type BackupJobConfig,
  type BackupJobFleecing,
  type BackupJobPerformance,
  BACKUP_JOB_ID_MAX,
} from "./providers/proxmox/backup-job";
export {
  ProxmoxStorageResource,
  StoragePbs,
  StorageNfs,
  StorageCifs,
  StorageDirectory,
  STORAGE_CONTENT,
  PBS_FINGERPRINT,
  type StorageBackups,
  type StorageCommonConfig,
  type StoragePbsConfig,
  type StorageNfsConfig,
  type StorageCifsConfig,
  type StorageDirectoryConfig,
  type Field as StorageField,
} from "./providers/proxmox/storage";
export { PRUNE_KEYS, PVE_CONFIG_ID } from "./providers/proxmox/checks";
export * from "./constructs/vzdump-job";
export * from "./constructs/proxmox-host-backups";
export * from "./constructs/protected-vm";
export * from "./constructs/backup-storage";

// --- AWS constructs ------------------------------------------------------------------------
export * from "./constructs/backup-key";
export * from "./constructs/backup-bucket";
export * from "./constructs/encrypted-vault";
export * from "./constructs/immutable-vault";
export * from "./constructs/offsite-replica";
export * from "./constructs/backup-service-role";
export * from "./constructs/tier-backup-plan";
export * from "./constructs/restore-testing-plan";
export * from "./constructs/audit-trail";
export * from "./constructs/backup-monitoring";
export { CONFIG_FREQUENCIES, type ConfigFrequency } from "./policy/aws-freshness";

// --- app-level backups ---------------------------------------------------------------------
export * from "./constructs/app-backup";
export {
  type AppBackupSpec,
  type InstallLayout,
  type CredentialSpec,
  type ObjectLockSpec,
  CredentialSource,
  DEFAULT_LAYOUT,
} from "./artifacts/app/spec";
export { ExitCode, EXIT_CODE_TEXT } from "./artifacts/app/exit-codes";

export * from "./constructs/velero-protection";
export * from "./constructs/velero-identity";
export * from "./estate/kubernetes-stack";
