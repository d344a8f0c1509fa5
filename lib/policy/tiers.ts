import { Classification, LockMode } from "../core/vocabulary";
import type { RetentionProps } from "../core/retention";

/** How often a service's restore is proven by a drill or an AWS restore test. */
export enum RestoreTestFrequency {
  WEEKLY = "weekly",
  MONTHLY = "monthly",
  NONE = "none",
}

/** A named, documented policy: what a classification means for backups. */
export interface TierPolicy {
  readonly classification: Classification;
  readonly title: string;
  readonly summary: string;
  /** Default retention counts (overridable per service, key by key). */
  readonly retention: Required<Omit<RetentionProps, "hourly">>;
  /** Sub-daily points cover this many hours when the service does not set `retention.hourly`. */
  readonly hourlyWindowHours: number;
  /** Whether an offsite copy is mandatory (critical) or a recorded decision. */
  readonly offsiteMandatory: boolean;
  /** Whether an immutable copy is required, and in which mode by default. */
  readonly immutableRequired: boolean;
  readonly defaultLockMode?: LockMode;
  readonly restoreTest: RestoreTestFrequency;
  /** Whether the restore SOP must name where secrets live and how to validate. */
  readonly sopRequired: boolean;
  /** Proxmox: run a missed vzdump job at the next boot. */
  readonly repeatMissed: boolean;
}

/**
 * The three built-in tiers. Numbers are this library's documented defaults
 * (docs/policies.md is rendered from this table).
 */
export const TIERS: Readonly<Record<Classification, TierPolicy>> = {
  [Classification.CRITICAL]: {
    classification: Classification.CRITICAL,
    title: "Critical",
    summary: "Loss is not acceptable: offsite and immutable copies are mandatory, restores are drilled weekly.",
    retention: { daily: 14, weekly: 8, monthly: 12, yearly: 1 },
    hourlyWindowHours: 48,
    offsiteMandatory: true,
    immutableRequired: true,
    defaultLockMode: LockMode.COMPLIANCE,
    restoreTest: RestoreTestFrequency.WEEKLY,
    sopRequired: true,
    repeatMissed: true,
  },
  [Classification.IMPORTANT]: {
    classification: Classification.IMPORTANT,
    title: "Important",
    summary:
      "Loss hurts: offsite is a recorded decision, immutability optional (governance mode), restores drilled monthly.",
    retention: { daily: 7, weekly: 4, monthly: 6, yearly: 0 },
    hourlyWindowHours: 24,
    offsiteMandatory: false,
    immutableRequired: false,
    defaultLockMode: LockMode.GOVERNANCE,
    restoreTest: RestoreTestFrequency.MONTHLY,
    sopRequired: true,
    repeatMissed: false,
  },
  [Classification.REBUILDABLE]: {
    classification: Classification.REBUILDABLE,
    title: "Rebuildable",
    summary: "Can be rebuilt from code and sources: short retention, no restore drills.",
    retention: { daily: 3, weekly: 2, monthly: 0, yearly: 0 },
    hourlyWindowHours: 24,
    offsiteMandatory: false,
    immutableRequired: false,
    restoreTest: RestoreTestFrequency.NONE,
    sopRequired: false,
    repeatMissed: false,
  },
};

export function tierOf(c: Classification): TierPolicy {
  return TIERS[c];
}
