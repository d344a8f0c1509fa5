import type { GovernanceRule } from "../rule";
import { appDecisionRecorded } from "../rules/app-level/app-decision-recorded";
import { appEngineOptions } from "../rules/app-level/app-engine-options";
import { appRequiredFields } from "../rules/app-level/app-required-fields";
import { awsSectionDeclared } from "../rules/app-level/aws-section-declared";
import { borgBandwidthLimit } from "../rules/app-level/borg-bandwidth-limit";
import { repositoryPathNormalized } from "../rules/app-level/repository-path-normalized";
import { artifactNames } from "../rules/app-level/artifact-names";
import { pitrEngineCapable } from "../rules/app-level/pitr-engine-capable";
import { platformOnlyNeedsPlatform } from "../rules/app-level/platform-only-needs-platform";
import { vzdumpOnlyNeedsVm } from "../rules/app-level/vzdump-only-needs-vm";
import { heartbeatNeedsAws } from "../rules/alerts/heartbeat-needs-aws";
import { notificationChannel } from "../rules/alerts/notification-channel";
import { webhookNamesUnique } from "../rules/alerts/webhook-names-unique";
import { awsNames } from "../rules/aws-limits/aws-names";
import { awsResourceLocation } from "../rules/aws-limits/aws-resource-location";
import { awsResourceSupported } from "../rules/aws-limits/aws-resource-supported";
import { s3BackupVersioning } from "../rules/aws-limits/s3-backup-versioning";
import { coldStorageMinimum } from "../rules/aws-limits/cold-storage-minimum";
import { continuousBackupLimits } from "../rules/aws-limits/continuous-backup-limits";
import { retentionInsideLock } from "../rules/aws-limits/retention-inside-lock";
import { vaultLockRange } from "../rules/aws-limits/vault-lock-range";
import { complianceRetention } from "../rules/compliance/compliance-retention";
import { vmHostDeclared } from "../rules/enrollment/vm-host-declared";
import { vmidUniquePerHost } from "../rules/enrollment/vmid-unique-per-host";
import { rpoFeasible } from "../rules/feasibility/rpo-feasible";
import { immutableCopyPossible } from "../rules/immutability/immutable-copy-possible";
import { immutableDaysWithinDaily } from "../rules/immutability/immutable-days-within-daily";
import { serviceOwner } from "../rules/intake/service-owner";
import { uniqueServiceIds } from "../rules/intake/unique-service-ids";
import { criticalOffsiteRequired } from "../rules/offsite/critical-offsite-required";
import { offsiteDecisionRecorded } from "../rules/offsite/offsite-decision-recorded";
import { offsiteDestination } from "../rules/offsite/offsite-destination";
import { dependsOnAcyclic } from "../rules/restore/depends-on-acyclic";
import { dependsOnExists } from "../rules/restore/depends-on-exists";
import { restoreSop } from "../rules/restore/restore-sop";
import { restoreTestCoverage } from "../rules/restore/restore-test-coverage";
import { noInlineSecrets } from "../rules/secrets/no-inline-secrets";
import { localDirTarget } from "../rules/proxmox/local-dir-target";
import { pbsFingerprint } from "../rules/proxmox/pbs-fingerprint";
import { storageDeclaredOnce } from "../rules/proxmox/storage-declared-once";
import { targetStorageOnNode } from "../rules/proxmox/target-storage-on-node";
import { vzdumpFailureMail } from "../rules/proxmox/vzdump-failure-mail";
import { vzdumpFreshnessWatched } from "../rules/proxmox/vzdump-freshness-watched";
import { kubernetesClusterDeclared } from "../rules/kubernetes/kubernetes-cluster-declared";
import { kubernetesNeedsAws } from "../rules/kubernetes/kubernetes-needs-aws";
import { snapshotNeedsCsi } from "../rules/kubernetes/snapshot-needs-csi";
import { transferFitsWindow } from "../rules/estimate/transfer-fits-window";
import { jobHookNeedsRootPassword } from "../rules/proxmox/job-hook-needs-root-password";
import { mysql8PitrUnsupported } from "../rules/app-level/mysql8-pitr-unsupported";
import { mysql8DrillUnsupported } from "../rules/app-level/mysql8-drill-unsupported";
import { chatWebhookOverSns } from "../rules/alerts/chat-webhook-over-sns";
import { chatbotNamesUnique } from "../rules/alerts/chatbot-names-unique";
import { backupOptInDeclared } from "../rules/aws-limits/backup-opt-in-declared";
import { configRecorderDeclared } from "../rules/aws-limits/config-recorder-declared";
import { keyBreakGlassNamed } from "../rules/immutability/key-break-glass-named";
import { freshnessDetectionBound } from "../rules/alerts/freshness-detection-bound";
import { freshnessTagApplied } from "../rules/alerts/freshness-tag-applied";
import { configRulesQuota } from "../rules/aws-limits/config-rules-quota";
import { hostSchedulesStaggered } from "../rules/stack-code/host-schedules-staggered";
import { replicaLockParity } from "../rules/stack-code/replica-lock-parity";
import { replicationVersioning } from "../rules/stack-code/replication-versioning";
import { selectionTagsAnd } from "../rules/stack-code/selection-tags-and";
import { stacksChecked } from "../rules/stack-code/stacks-checked";
import { stateBucketName } from "../rules/state/state-bucket-name";
import { stateKeyPrefix } from "../rules/state/state-key-prefix";
import { retentionKeepsPoints } from "../rules/retention/retention-keeps-points";

/**
 * The baseline pack: every governance rule the catalog is checked against, in id order.
 * Ids are stable and never reused; GOV-000 is the engine's "could not evaluate" finding.
 */
export const BASELINE_RULES: readonly GovernanceRule[] = [
  uniqueServiceIds,
  serviceOwner,
  vmHostDeclared,
  vmidUniquePerHost,
  appDecisionRecorded,
  appRequiredFields,
  vzdumpOnlyNeedsVm,
  platformOnlyNeedsPlatform,
  offsiteDecisionRecorded,
  criticalOffsiteRequired,
  offsiteDestination,
  notificationChannel,
  rpoFeasible,
  restoreSop,
  dependsOnExists,
  dependsOnAcyclic,
  coldStorageMinimum,
  vaultLockRange,
  retentionInsideLock,
  continuousBackupLimits,
  awsNames,
  immutableDaysWithinDaily,
  immutableCopyPossible,
  complianceRetention,
  noInlineSecrets,
  awsSectionDeclared,
  pitrEngineCapable,
  appEngineOptions,
  borgBandwidthLimit,
  repositoryPathNormalized,
  artifactNames,
  awsResourceLocation,
  awsResourceSupported,
  s3BackupVersioning,
  restoreTestCoverage,
  storageDeclaredOnce,
  pbsFingerprint,
  vzdumpFailureMail,
  targetStorageOnNode,
  localDirTarget,
  vzdumpFreshnessWatched,
  webhookNamesUnique,
  heartbeatNeedsAws,
  kubernetesClusterDeclared,
  kubernetesNeedsAws,
  snapshotNeedsCsi,
  transferFitsWindow,
  jobHookNeedsRootPassword,
  mysql8PitrUnsupported,
  mysql8DrillUnsupported,
  chatWebhookOverSns,
  chatbotNamesUnique,
  configRecorderDeclared,
  keyBreakGlassNamed,
  freshnessDetectionBound,
  freshnessTagApplied,
  configRulesQuota,
  backupOptInDeclared,
  stateBucketName,
  stateKeyPrefix,
  retentionKeepsPoints,
  // Stack code only (GovernanceChecks): the catalog's builders cannot produce these.
  selectionTagsAnd,
  replicaLockParity,
  hostSchedulesStaggered,
  replicationVersioning,
  stacksChecked,
];
