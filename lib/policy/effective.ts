import type { Catalog, RetentionCounts, Service } from "../catalog/model";
import type { Duration } from "../core/duration";
import { Retention, RetentionClass, RETENTION_CLASSES } from "../core/retention";
import { Cadence } from "../core/schedule";
import { AppDecision, LockMode } from "../core/vocabulary";
import { type RestoreTestFrequency, type TierPolicy, tierOf } from "./tiers";

/** Where a value of the effective policy came from. */
export enum PolicySource {
  TIER = "tier",
  SERVICE = "service",
}

export interface EffectiveImmutability {
  readonly mode: LockMode;
  readonly days: number;
  readonly maxDays?: number;
  readonly source: PolicySource;
}

export interface EffectiveOffsite {
  readonly required: boolean;
  readonly reason?: string;
  /** The destination region, when one can be resolved. */
  readonly region?: string;
}

/**
 * A service's effective policy: its tier's defaults merged with its own overrides. Pure
 * data derived from the catalog; the inventory shows it, constructs are built from it.
 */
export interface EffectivePolicy {
  readonly service: Service;
  readonly tier: TierPolicy;
  readonly rpo: Duration;
  readonly rto: Duration;
  /**
   * The largest standard cadence that meets the RPO; undefined when the RPO is shorter
   * than the shortest cadence (continuous archiving must close the gap).
   */
  readonly cadence?: Cadence;
  /** The cadence scheduled jobs actually run at: `cadence`, or the shortest one. */
  readonly jobCadence: Cadence;
  /** True when the RPO is shorter than any scheduled cadence. */
  readonly needsContinuous: boolean;
  readonly retention: Retention;
  /** Retention keys the service set itself. */
  readonly retentionOverrides: readonly RetentionClass[];
  readonly offsite: EffectiveOffsite;
  readonly immutable?: EffectiveImmutability;
  readonly restoreTest: RestoreTestFrequency;
  readonly sopRequired: boolean;
  readonly repeatMissed: boolean;
  /** Whether an app-level backup job runs for this service. */
  readonly appBackup: boolean;
}

/**
 * A tier's retention at a cadence, with per-class overrides: sub-daily cadences keep
 * enough hourly points to cover the tier's hourly window.
 */
export function tierRetention(tier: TierPolicy, cadence: Cadence, overrides: RetentionCounts = {}): Retention {
  const hourlyDefault = cadence.isSubDaily ? Math.ceil((tier.hourlyWindowHours * 60) / cadence.intervalMinutes) : 0;
  return Retention.of({
    hourly: cadence.isSubDaily ? (overrides.hourly ?? hourlyDefault) : 0,
    daily: overrides.daily ?? tier.retention.daily,
    weekly: overrides.weekly ?? tier.retention.weekly,
    monthly: overrides.monthly ?? tier.retention.monthly,
    yearly: overrides.yearly ?? tier.retention.yearly,
  });
}

/** Computes a service's effective policy. */
export function effectivePolicy(service: Service, catalog: Pick<Catalog, "aws">): EffectivePolicy {
  const tier = tierOf(service.classification);
  const cadence = Cadence.forRpo(service.rpo);
  const jobCadence = cadence ?? Cadence.shortest();
  const overrides = RETENTION_CLASSES.filter((c) => service.retention[c] !== undefined);
  const retention = tierRetention(tier, jobCadence, service.retention);

  let immutable: EffectiveImmutability | undefined;
  if (service.immutable) {
    immutable = { ...service.immutable, source: PolicySource.SERVICE };
  } else if (tier.immutableRequired && tier.defaultLockMode) {
    // The tier demands an immutable copy: lock every point for as long as daily points live.
    immutable = { mode: tier.defaultLockMode, days: Math.max(1, retention.daily), source: PolicySource.TIER };
  }

  const offsiteRequired = service.offsite?.required ?? tier.offsiteMandatory;
  return {
    service,
    tier,
    rpo: service.rpo,
    rto: service.rto,
    cadence,
    jobCadence,
    needsContinuous: cadence === undefined,
    retention,
    retentionOverrides: overrides,
    offsite: {
      required: offsiteRequired,
      reason: service.offsite?.reason,
      region: offsiteRequired ? (service.offsite?.region ?? catalog.aws?.offsiteRegion) : undefined,
    },
    immutable,
    restoreTest: tier.restoreTest,
    sopRequired: tier.sopRequired,
    repeatMissed: tier.repeatMissed,
    appBackup: service.app?.decision === AppDecision.REQUIRED,
  };
}

/** Effective policies of every (schema-valid) service, in catalog order. */
export function effectivePolicies(catalog: Catalog): EffectivePolicy[] {
  return catalog.services.map((s) => effectivePolicy(s, catalog));
}
