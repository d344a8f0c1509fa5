// Public API: re-exports only.

export * from "./errors";
export * from "./core/duration";
export * from "./core/schedule";
export * from "./core/retention";
export * from "./core/finding";
export * from "./core/vocabulary";
export * from "./core/metrics";
export * from "./core/size";

export * from "./catalog/model";
export { loadCatalogFile, loadCatalogText, LoaderRules, MAX_CATALOG_BYTES, MAX_ALIASES, type LoadResult } from "./catalog/load";
export { catalogJsonSchema, CATALOG_SCHEMA_ID } from "./catalog/json-schema";

export * from "./policy/tiers";
export * from "./policy/effective";
export * from "./policy/stagger";
export * from "./policy/compliance";
export * from "./policy/restore-order";
export * from "./policy/aws-backup";

export * from "./governance/rule";
export { BASELINE_RULES } from "./governance/packs/baseline";
export { evaluateRules, MIN_ACK_REASON } from "./governance/engine";
export { validateCatalogFile, validateCatalogText, type ValidationReport } from "./governance/validate";
export { explainRule } from "./governance/docs";

export * from "./estate/context";
export * from "./estate/aws-stack";
export * from "./estate/proxmox-stack";
export * from "./estate/estate";
export * from "./estate/synth";

export * from "./artifacts/artifact";

export * from "./constructs/app-backup";
export { buildAppBackups } from "./estate/app-backups";
export { type AppBackupSpec, type InstallLayout, CredentialSource, DEFAULT_LAYOUT, unitName } from "./artifacts/app/spec";
export { ExitCode, EXIT_CODE_TEXT } from "./artifacts/app/exit-codes";
export { renderHostFiles, renderHostBundle, hostArtifacts, renderServiceFiles, type ServiceFile } from "./artifacts/app/bundle";

export { runCli } from "./cli/main";
