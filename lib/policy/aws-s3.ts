import type { Catalog } from "../catalog/model";
import { Classification, type LockMode } from "../core/vocabulary";
import { AwsNames, vaultKey } from "./aws-backup";
import type { EffectivePolicy } from "./effective";

/** Noncurrent versions in an unlocked bucket stay this long: a window to undo a deletion. */
export const UNLOCKED_NONCURRENT_DAYS = 30;

/**
 * One S3 bucket of app-level backups. Services share a bucket when their objects need the
 * same Object Lock and go to the same offsite region, each under its own `<service-id>/`
 * prefix; so the number of buckets grows with distinct policies, not with services.
 */
export interface AppBucketSpec {
  /** `app-standard`, `app-compliance-14d`, `app-governance-7d-to-us-west-2`, ... */
  readonly purpose: string;
  readonly name: string;
  readonly region: string;
  /** Object Lock default retention of every new version, when the services are immutable. */
  readonly lock?: { readonly mode: LockMode; readonly days: number };
  /** How long noncurrent versions are kept: the lock period, or a fixed undo window. */
  readonly noncurrentDays: number;
  /** The offsite replica, when the services' offsite decision is `required`. */
  readonly replica?: {
    readonly name: string;
    readonly region: string;
    /** Replication Time Control (and its metrics) for buckets holding critical services. */
    readonly replicationTimeControl: boolean;
  };
  /** Services writing here, in catalog order. */
  readonly serviceIds: readonly string[];
}

/** Whether the service's app-level backups go to the estate's S3 bucket (not a named repository). */
export function writesToEstateBucket(policy: EffectivePolicy): boolean {
  return policy.appBackup && !policy.service.app?.repository;
}

/** The prefix of a service's objects in its bucket. */
export function appBucketPrefix(serviceId: string): string {
  return `${serviceId}/`;
}

/**
 * The estate's app-level backup buckets, grouped by Object Lock configuration and offsite
 * destination; deterministic and sorted by name.
 */
export function appBucketSpecs(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws">,
): AppBucketSpec[] {
  const aws = catalog.aws;
  if (!aws) return [];
  const groups = new Map<
    string,
    { lock?: AppBucketSpec["lock"]; offsite?: string; serviceIds: string[]; critical: boolean }
  >();
  for (const p of policies) {
    if (!writesToEstateBucket(p)) continue;
    const lock = p.immutable && { mode: p.immutable.mode, days: p.immutable.days };
    const offsite = p.offsite.required && p.offsite.region ? p.offsite.region : undefined;
    const purpose = `app-${vaultKey(lock && { mode: lock.mode, minDays: lock.days })}${offsite ? `-to-${offsite}` : ""}`;
    const g = groups.get(purpose) ?? { lock, offsite, serviceIds: [], critical: false };
    g.serviceIds.push(p.service.id);
    g.critical ||= p.service.classification === Classification.CRITICAL;
    groups.set(purpose, g);
  }
  return [...groups.entries()]
    .map(([purpose, g]): AppBucketSpec => ({
      purpose,
      name: AwsNames.bucket(catalog.name, purpose, aws.accountId),
      region: aws.region,
      lock: g.lock,
      noncurrentDays: g.lock ? g.lock.days : UNLOCKED_NONCURRENT_DAYS,
      replica: g.offsite
        ? {
            name: AwsNames.replicaBucket(catalog.name, purpose, aws.accountId),
            region: g.offsite,
            replicationTimeControl: g.critical,
          }
        : undefined,
      serviceIds: g.serviceIds,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
