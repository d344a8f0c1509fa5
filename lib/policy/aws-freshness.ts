import type { Catalog } from "../catalog/model";
import { Duration } from "../core/duration";
import { AwsResourceType, awsBackupRules, parseArn, resourceTypeInfo, resourceTypeOfArn, resourceTypeOfKey, usesAwsBackup } from "./aws-backup";
import type { EffectivePolicy } from "./effective";
import { intervalWindow } from "./freshness";

/**
 * Freshness of AWS Backup resources: what notices that a resource's backups stopped although
 * nothing failed (a tag removed, a selection or plan deleted). Failure events and alarms on
 * failed jobs cannot: a job that is never created never fails.
 *
 * Two signals, both pure data here, built by BackupMonitoring:
 * - per resource, AWS Config's managed rules `<TYPE>_LAST_BACKUP_RECOVERY_POINT_CREATED`
 *   (NON_COMPLIANT when no recovery point was created within the age), scoped by the
 *   service's tags or the resource's id; their compliance changes go to the alert topic;
 * - per vault, a breaching alarm on `NumberOfBackupJobsCompleted`: AWS/Backup metrics exist
 *   only when non-zero, so no datapoint for a window means no backup completed in it.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/rds-last-backup-recovery-point-created.html
 */

/**
 * Resource types with an AWS Config managed rule `<prefix>_LAST_BACKUP_RECOVERY_POINT_CREATED`,
 * and whether the rule's `resourceId` parameter is the last part of the resource's ARN (for
 * RDS and Aurora AWS Config's resource id is the DbiResourceId/cluster resource id, which an
 * ARN does not carry: those are scoped by tags only).
 */
export const LAST_RECOVERY_POINT_RULES: Readonly<Partial<Record<AwsResourceType, { readonly prefix: string; readonly idFromArn: boolean }>>> = {
  [AwsResourceType.AURORA]: { prefix: "AURORA", idFromArn: false },
  [AwsResourceType.DYNAMODB]: { prefix: "DYNAMODB", idFromArn: true },
  [AwsResourceType.EBS]: { prefix: "EBS", idFromArn: true },
  [AwsResourceType.EC2]: { prefix: "EC2", idFromArn: true },
  [AwsResourceType.EFS]: { prefix: "EFS", idFromArn: true },
  [AwsResourceType.FSX]: { prefix: "FSX", idFromArn: true },
  [AwsResourceType.RDS]: { prefix: "RDS", idFromArn: false },
  [AwsResourceType.S3]: { prefix: "S3", idFromArn: true },
  [AwsResourceType.STORAGE_GATEWAY]: { prefix: "STORAGEGATEWAY", idFromArn: false },
  [AwsResourceType.VIRTUAL_MACHINE]: { prefix: "VIRTUALMACHINE", idFromArn: false },
};

/** AWS Config's limit on the rules' `recoveryPointAgeValue`: 744 hours, or 31 days. */
export const RECOVERY_POINT_AGE_LIMITS = { maxHours: 744, maxDays: 31 } as const;

/** One AWS Config rule that judges the freshness of one service's resources of one type. */
export interface RecoveryPointRuleSpec {
  readonly serviceId: string;
  /** Unique among the estate's rules: `<service>-<type key>[-tags|-<n>]`. */
  readonly name: string;
  readonly type: AwsResourceType;
  /** The managed rule's identifier, e.g. `RDS_LAST_BACKUP_RECOVERY_POINT_CREATED`. */
  readonly identifier: string;
  /** The rule's `recoveryPointAgeValue`/`recoveryPointAgeUnit`. */
  readonly age: { readonly value: number; readonly unit: "hours" | "days" };
  /** Exactly one of these scopes the rule. */
  readonly resourceId?: string;
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/** A vault whose backup jobs must keep completing, and over which window. */
export interface VaultFreshnessSpec {
  readonly vaultName: string;
  readonly window: Duration;
}

/** The age a rule accepts for a threshold: hours when they fit, else whole days, at most 31. */
export function recoveryPointAge(threshold: Duration): { value: number; unit: "hours" | "days" } {
  const hours = Math.ceil(threshold.toMinutes() / 60);
  if (hours <= RECOVERY_POINT_AGE_LIMITS.maxHours) return { value: Math.max(1, hours), unit: "hours" };
  return { value: Math.min(RECOVERY_POINT_AGE_LIMITS.maxDays, Math.ceil(hours / 24)), unit: "days" };
}

/**
 * The AWS Config rules that judge each AWS Backup service's freshness: one per tag-selected
 * resource type (scoped by the service's tags), and one per ARN-selected resource whose
 * AWS Config id is in its ARN. The age is the cadence of the service's most frequent snapshot
 * rule plus the usual margin.
 */
export function recoveryPointRules(policies: readonly EffectivePolicy[], catalog: Pick<Catalog, "name" | "aws" | "notifications">): RecoveryPointRuleSpec[] {
  const out: RecoveryPointRuleSpec[] = [];
  for (const p of policies) {
    if (!usesAwsBackup(p)) continue;
    const aws = p.service.aws!;
    // Recovery points are created by the snapshot rules (a continuous point is one long-lived point): the most frequent one sets the age.
    const snapshots = awsBackupRules(p, catalog).filter((r) => !r.continuous);
    if (snapshots.length === 0) continue;
    const age = recoveryPointAge(intervalWindow(Math.min(...snapshots.map((r) => r.cadence.intervalMinutes)), catalog.notifications.staleMargin).threshold);
    const id = p.service.id;
    if (Object.keys(aws.tags).length) {
      for (const type of [...new Set(aws.tagResourceTypes.map(resourceTypeOfKey).filter((t): t is AwsResourceType => !!t))].sort()) {
        const r = LAST_RECOVERY_POINT_RULES[type];
        if (r) out.push({ serviceId: id, name: `${id}-${keyOf(type)}-tags`, type, identifier: `${r.prefix}_LAST_BACKUP_RECOVERY_POINT_CREATED`, age, resourceTags: aws.tags });
      }
    }
    const byType = new Map<AwsResourceType, string[]>();
    for (const arn of aws.resources) {
      const type = resourceTypeOfArn(arn);
      const r = type && LAST_RECOVERY_POINT_RULES[type];
      if (!type || !r?.idFromArn) continue;
      byType.set(type, [...(byType.get(type) ?? []), resourceIdOf(arn)]);
    }
    for (const [type, ids] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      ids.forEach((resourceId, i) =>
        out.push({ serviceId: id, name: `${id}-${keyOf(type)}${ids.length > 1 ? `-${i + 1}` : ""}`, type, identifier: `${LAST_RECOVERY_POINT_RULES[type]!.prefix}_LAST_BACKUP_RECOVERY_POINT_CREATED`, age, resourceId }),
      );
    }
  }
  return out;
}

/**
 * Per primary-region vault, the window without a completed backup job after which something
 * stopped: the shortest cadence (plus margin) of the rules that write there (any completion
 * resets it), at most CloudWatch's seven days.
 */
export function vaultFreshness(policies: readonly EffectivePolicy[], catalog: Pick<Catalog, "name" | "aws" | "notifications">): VaultFreshnessSpec[] {
  const primary = catalog.aws?.region;
  const windows = new Map<string, number>();
  for (const p of policies) {
    for (const r of awsBackupRules(p, catalog)) {
      if (r.vault.region !== primary) continue;
      // A continuous rule's schedule (daily) still runs a job; every rule's cadence says when the next completes.
      const minutes = intervalWindow(r.cadence.intervalMinutes, catalog.notifications.staleMargin).threshold.toMinutes();
      windows.set(r.vault.name, Math.min(windows.get(r.vault.name) ?? Infinity, minutes));
    }
  }
  return [...windows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([vaultName, m]) => ({ vaultName, window: Duration.minutes(Math.min(m, 7 * 1440)) }));
}

function keyOf(type: AwsResourceType): string {
  return resourceTypeInfo(type).key;
}

/** AWS Config's id of a resource whose id is the last part of its ARN (table, bucket, volume, ...). */
function resourceIdOf(arn: string): string {
  const p = parseArn(arn)!;
  return p.resource.split(/[/:]/).pop()!;
}
