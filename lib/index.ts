// Public API: re-exports only.

export * from "./errors";
export * from "./core/duration";
export * from "./core/schedule";
export * from "./core/retention";
export * from "./core/finding";
export * from "./core/vocabulary";
export * from "./core/metrics";
export * from "./core/size";
export * from "./core/iam-policy";

export * from "./catalog/model";
export { loadCatalogFile, loadCatalogText, LoaderRules, MAX_CATALOG_BYTES, MAX_ALIASES, type LoadResult } from "./catalog/load";
export { catalogJsonSchema, CATALOG_SCHEMA_ID } from "./catalog/json-schema";

export * from "./policy/tiers";
export * from "./policy/effective";
export * from "./policy/stagger";
export * from "./policy/compliance";
export * from "./policy/restore-order";
export * from "./policy/aws-backup";
export * from "./policy/aws-s3";
export * from "./policy/freshness";
export * from "./policy/audit";

export * from "./governance/rule";
export { BASELINE_RULES } from "./governance/packs/baseline";
export { evaluateRules, MIN_ACK_REASON } from "./governance/engine";
export { validateCatalogFile, validateCatalogText, type ValidationReport } from "./governance/validate";
export { explainRule } from "./governance/docs";

export * from "./providers/proxmox";
export * from "./constructs/vzdump-job";
export * from "./constructs/proxmox-host-backups";
export * from "./constructs/protected-vm";
export * from "./constructs/backup-storage";
export * from "./constructs/backup-key";
export * from "./constructs/backup-bucket";
export * from "./constructs/encrypted-vault";
export * from "./constructs/immutable-vault";
export * from "./constructs/offsite-replica";
export * from "./constructs/backup-service-role";
export * from "./constructs/tier-backup-plan";
export * from "./constructs/restore-testing-plan";
export * from "./constructs/audit-trail";

export * from "./estate/context";
export * from "./estate/aws-stack";
export * from "./estate/proxmox-stack";
export * from "./estate/estate";
export * from "./estate/synth";
export { applyRemoteState, stateKey } from "./estate/state";

export * from "./artifacts/artifact";
export * from "./artifacts/immutability-drill";
export { renderInventory, INVENTORY_VERSION } from "./artifacts/inventory";
export { renderCalendarIcs, renderCalendarMarkdown, findOverlaps, type JobOverlap } from "./artifacts/calendar";

export * from "./drift/compare";
export { readLifecycleFile, readNotBackedUpFile, lifecycleSchema, type LifecycleList, type LifecycleGuest, type NotBackedUpGuest } from "./drift/lifecycle";

export * from "./artifacts/prometheus";
export * from "./artifacts/grafana";
export * from "./artifacts/vzdump-hook";
export * from "./artifacts/onboarding-receipt";

export * from "./constructs/backup-monitoring";
export { alertWiringOf, estateVaults } from "./estate/monitoring";
export { parseTextfile, readTextfileDir, queryPrometheus, observe, type MetricSample, type MetricsRead } from "./cli/metrics-source";

export * from "./constructs/app-backup";
export { buildAppBackups } from "./estate/app-backups";
export { type AppBackupSpec, type InstallLayout, CredentialSource, DEFAULT_LAYOUT, unitName } from "./artifacts/app/spec";
export { ExitCode, EXIT_CODE_TEXT } from "./artifacts/app/exit-codes";
export { renderHostFiles, renderHostBundle, hostArtifacts, renderServiceFiles, type ServiceFile } from "./artifacts/app/bundle";

export { runCli } from "./cli/main";
