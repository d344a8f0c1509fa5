import type { Catalog, Service } from "../catalog/model";
import type { CatalogPath, Severity } from "../core/finding";
import type { EffectivePolicy } from "../policy/effective";

/** The onboarding checklist step a rule belongs to. */
export enum ChecklistStep {
  INTAKE = "intake",
  ENROLLMENT = "enrollment",
  APP_LEVEL = "app-level decision",
  REGISTRATION = "registration",
  RESTORE_SOP = "restore SOP",
  OFFSITE = "offsite decision",
  ALERTS = "alert wiring",
  VERIFICATION = "verification",
  PROVIDER_LIMITS = "provider limits",
}

/** What a rule sees: the schema-valid catalog and every service's effective policy. */
export interface RuleContext {
  readonly catalog: Catalog;
  readonly policies: readonly EffectivePolicy[];
  readonly policyOf: (service: Service) => EffectivePolicy;
}

/** One violation a rule found. The engine adds the rule id, severity and position. */
export interface Violation {
  /** YAML path of the offending node (or of its parent when a key is missing). */
  readonly path: CatalogPath;
  /** What is wrong, naming the YAML key. */
  readonly message: string;
  /** What would fix it. */
  readonly fix: string;
  /** Point at the key rather than its value. @default false */
  readonly atKey?: boolean;
}

/**
 * A governance rule: a pure function of the catalog model, with a stable id.
 *
 * Ids are permanent and never reused (docs/rules.md lists them). A rule that guards a
 * hard limit (something the provider or the product cannot work without) is not
 * acknowledgeable: a service cannot accept it, only fix it.
 */
export interface GovernanceRule {
  readonly id: string;
  /** kebab-case name, also the file name. */
  readonly name: string;
  readonly step: ChecklistStep;
  readonly severity: Severity;
  readonly acknowledgeable: boolean;
  /** One line: what the rule demands. */
  readonly summary: string;
  /** Why it matters. */
  readonly explanation: string;
  check(ctx: RuleContext): Violation[];
}

/** Path helper: `["services", i, ...rest]`. */
export function servicePath(service: Service, ...rest: Array<string | number>): CatalogPath {
  return [...service.path, ...rest];
}
