import { createHash } from "node:crypto";
import type { Catalog } from "../catalog/model";
import { Duration } from "../core/duration";
import {
  AwsResourceType,
  awsBackupRules,
  resourceTypeInfo,
  resourceTypeOfArn,
  resourceTypeOfKey,
  usesAwsBackup,
} from "./aws-backup";
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
export const LAST_RECOVERY_POINT_RULES: Readonly<
  Partial<Record<AwsResourceType, { readonly prefix: string; readonly idFromArn: boolean }>>
> = {
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

/** How often AWS Config runs a periodic rule (`MaximumExecutionFrequency`), in hours. */
export const CONFIG_FREQUENCIES = {
  One_Hour: 1,
  Three_Hours: 3,
  Six_Hours: 6,
  Twelve_Hours: 12,
  TwentyFour_Hours: 24,
} as const;
export type ConfigFrequency = keyof typeof CONFIG_FREQUENCIES;

/**
 * AWS Config's quota of rules per account and Region: a PutConfigRule beyond it fails with
 * MaxNumberOfConfigRulesExceededException ("the maximum number of 1000 rules").
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html
 */
export const CONFIG_RULES_PER_REGION = 1000;

/** GOV-222 warns from this many estate rules on: the rest of the quota belongs to the account's other owners. */
export const CONFIG_RULES_WARN_AT = 800;

/**
 * One AWS Config rule that judges the freshness of every resource of one type that shares an
 * allowed age and a scope: rules are grouped (resource type × age × scope), so that the count
 * grows with the distinct thresholds and tag sets, not with the services (the account has 1,000).
 */
export interface RecoveryPointRuleSpec {
  /** The services the rule watches. */
  readonly serviceIds: readonly string[];
  /** Unique among the estate's rules: `<type key>-<arn|tags-<hash>>-<age>`. */
  readonly name: string;
  readonly type: AwsResourceType;
  /** The managed rule's identifier, e.g. `RDS_LAST_BACKUP_RECOVERY_POINT_CREATED`. */
  readonly identifier: string;
  /** The rule's `recoveryPointAgeValue`/`recoveryPointAgeUnit`. */
  readonly age: { readonly value: number; readonly unit: "hours" | "days" };
  /** How often AWS Config evaluates it. */
  readonly frequency: ConfigFrequency;
  /**
   * The longest a stopped backup can go unreported: the allowed age plus one evaluation
   * period (a point that turns stale just after an evaluation is judged at the next one).
   */
  readonly detectionBound: Duration;
  /**
   * The rule's tag scope: the services' own tag selection, or for ARN-selected resources the
   * estate's freshness tag (FRESHNESS_TAG_KEY), whose AWS Config id (an RDS DbiResourceId, ...)
   * an ARN does not always carry and whose one-id parameter would need one rule per resource.
   * Always set: a rule without it would judge every resource of the type in the Region.
   */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/** The age a rule accepts, in hours. */
export function ageHours(age: { readonly value: number; readonly unit: "hours" | "days" }): number {
  return age.unit === "hours" ? age.value : age.value * 24;
}

/**
 * The evaluation frequency of a rule: the longest AWS Config offers that is at most a quarter
 * of the allowed age and at most the RPO, hourly at the least.
 */
export function configFrequency(ageInHours: number, rpo?: Duration): ConfigFrequency {
  const limit = Math.max(1, Math.min(ageInHours / 4, rpo ? rpo.toMinutes() / 60 : Infinity));
  let best: ConfigFrequency = "One_Hour";
  for (const [f, h] of Object.entries(CONFIG_FREQUENCIES) as Array<[ConfigFrequency, number]>) if (h <= limit) best = f;
  return best;
}

/** Allowed age plus one evaluation period. */
export function detectionBound(
  age: { readonly value: number; readonly unit: "hours" | "days" },
  frequency: ConfigFrequency,
): Duration {
  return Duration.hours(ageHours(age) + CONFIG_FREQUENCIES[frequency]);
}

/**
 * The tag the estate scopes its freshness rules for ARN-selected resources by: a rule without a
 * scope would judge (and alert on) every resource of the type in the Region, the estate's or not.
 * Its value names the estate and the allowed age, so resources sharing a type and an age share a rule.
 */
export const FRESHNESS_TAG_KEY = "backup-gov:freshness";

/** How the freshness tag reaches a resource: a Terraform tag resource the estate owns, or the operator. */
export enum FreshnessTagging {
  /** `aws_ec2_tag` (EC2 instances, EBS volumes: the id is the ARN's last part). */
  EC2_TAG = "aws_ec2_tag",
  /** `aws_dynamodb_tag` (tables, by ARN). */
  DYNAMODB_TAG = "aws_dynamodb_tag",
  /** No tag-only resource in hashicorp/aws for the type: the operator tags it once (GOV-223 says how). */
  OPERATOR = "operator",
}

/** One ARN-selected resource and the freshness tag its rule is scoped by. */
export interface FreshnessTag {
  readonly serviceId: string;
  readonly arn: string;
  readonly type: AwsResourceType;
  readonly key: string;
  readonly value: string;
  readonly tagging: FreshnessTagging;
}

/** How the estate can tag a resource of a type (hashicorp/aws 5.100 has tag-only resources for EC2 and DynamoDB). */
export function freshnessTagging(type: AwsResourceType): FreshnessTagging {
  if (type === AwsResourceType.EC2 || type === AwsResourceType.EBS) return FreshnessTagging.EC2_TAG;
  if (type === AwsResourceType.DYNAMODB) return FreshnessTagging.DYNAMODB_TAG;
  return FreshnessTagging.OPERATOR;
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
 * The AWS Config rules that judge the AWS Backup services' freshness, grouped: one rule per
 * resource type, allowed age and scope. A tag-selected service is judged within its tags; the
 * ARN-selected resources of a type and age share one rule scoped by the estate's freshness tag
 * (see freshnessTags), never a type-wide rule that would alert on resources outside the estate
 * (RDS included: AWS Config knows an instance by its DbiResourceId, which its ARN does not carry,
 * and a rule's resourceId scope names one resource only).
 * The age is the cadence of the service's most frequent snapshot rule plus the usual margin;
 * the evaluation frequency follows from it and the most demanding RPO of the group.
 */
export function recoveryPointRules(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws" | "notifications">,
): RecoveryPointRuleSpec[] {
  const groups = new Map<
    string,
    {
      type: AwsResourceType;
      prefix: string;
      age: { value: number; unit: "hours" | "days" };
      tags?: Record<string, string>;
      serviceIds: Set<string>;
      rpo: Duration;
    }
  >();
  const add = (
    type: AwsResourceType,
    age: { value: number; unit: "hours" | "days" },
    tags: Record<string, string> | undefined,
    p: EffectivePolicy,
  ) => {
    const rule = LAST_RECOVERY_POINT_RULES[type];
    if (!rule) return;
    const key = `${type}|${age.value}${age.unit}|${tags ? canonicalTags(tags) : "*"}`;
    const g = groups.get(key) ?? {
      type,
      prefix: rule.prefix,
      age,
      tags,
      serviceIds: new Set<string>(),
      rpo: p.service.rpo,
    };
    g.serviceIds.add(p.service.id);
    if (p.service.rpo.compareTo(g.rpo) < 0) g.rpo = p.service.rpo;
    groups.set(key, g);
  };
  for (const p of policies) {
    if (!usesAwsBackup(p)) continue;
    const aws = p.service.aws;
    // Recovery points are created by the snapshot rules (a continuous point is one long-lived point): the most frequent one sets the age.
    const snapshots = awsBackupRules(p, catalog).filter((r) => !r.continuous);
    if (snapshots.length === 0) continue;
    const age = recoveryPointAge(
      intervalWindow(Math.min(...snapshots.map((r) => r.cadence.intervalMinutes)), catalog.notifications.staleMargin)
        .threshold,
    );
    if (Object.keys(aws.tags).length) {
      for (const type of new Set(
        aws.tagResourceTypes.map(resourceTypeOfKey).filter((t): t is AwsResourceType => !!t),
      )) {
        if (LAST_RECOVERY_POINT_RULES[type]) add(type, age, { ...aws.tags }, p);
      }
    }
    for (const arn of aws.resources) {
      const type = resourceTypeOfArn(arn);
      if (type && LAST_RECOVERY_POINT_RULES[type])
        add(type, age, { [FRESHNESS_TAG_KEY]: freshnessTagValue(catalog.name, age) }, p);
    }
  }
  return [...groups.values()]
    .map((g) => {
      const frequency = configFrequency(ageHours(g.age), g.rpo);
      const ageText = `${g.age.value}${g.age.unit === "hours" ? "h" : "d"}`;
      return {
        serviceIds: [...g.serviceIds].sort(),
        name: `${keyOf(g.type)}-${g.tags && (g.tags[FRESHNESS_TAG_KEY] as string | undefined) !== undefined && Object.keys(g.tags).length === 1 ? "arn" : g.tags ? `tags-${createHash("sha256").update(canonicalTags(g.tags)).digest("hex").slice(0, 8)}` : "all"}-${ageText}`,
        type: g.type,
        identifier: `${g.prefix}_LAST_BACKUP_RECOVERY_POINT_CREATED`,
        age: g.age,
        frequency,
        detectionBound: detectionBound(g.age, frequency),
        resourceTags: g.tags,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The freshness tag's value: the estate and the allowed age (`homelab/28h`). */
function freshnessTagValue(estate: string, age: { value: number; unit: "hours" | "days" }): string {
  return `${estate}/${age.value}${age.unit === "hours" ? "h" : "d"}`;
}

/**
 * The freshness tag every ARN-selected resource needs for its rule to judge it, and who applies
 * it. The same age as recoveryPointRules (the service's most frequent snapshot rule).
 */
export function freshnessTags(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws" | "notifications">,
): FreshnessTag[] {
  const byArn = new Map<string, FreshnessTag>();
  for (const p of policies) {
    if (!usesAwsBackup(p)) continue;
    const snapshots = awsBackupRules(p, catalog).filter((r) => !r.continuous);
    if (snapshots.length === 0) continue;
    const age = recoveryPointAge(
      intervalWindow(Math.min(...snapshots.map((r) => r.cadence.intervalMinutes)), catalog.notifications.staleMargin)
        .threshold,
    );
    for (const arn of p.service.aws.resources) {
      const type = resourceTypeOfArn(arn);
      if (!type || !LAST_RECOVERY_POINT_RULES[type] || byArn.has(arn)) continue;
      byArn.set(arn, {
        serviceId: p.service.id,
        arn,
        type,
        key: FRESHNESS_TAG_KEY,
        value: freshnessTagValue(catalog.name, age),
        tagging: freshnessTagging(type),
      });
    }
  }
  return [...byArn.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}

function canonicalTags(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Per primary-region vault, the window without a completed backup job after which something
 * stopped: the shortest cadence (plus margin) of the rules that write there (any completion
 * resets it), at most CloudWatch's seven days.
 */
export function vaultFreshness(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws" | "notifications">,
): VaultFreshnessSpec[] {
  const primary = catalog.aws?.region;
  const windows = new Map<string, number>();
  for (const p of policies) {
    for (const r of awsBackupRules(p, catalog)) {
      if (r.vault.region !== primary) continue;
      // A continuous rule's schedule (daily) still runs a job; every rule's cadence says when the next completes.
      const minutes = intervalWindow(
        r.cadence.intervalMinutes,
        catalog.notifications.staleMargin,
      ).threshold.toMinutes();
      windows.set(r.vault.name, Math.min(windows.get(r.vault.name) ?? Infinity, minutes));
    }
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([vaultName, m]) => ({ vaultName, window: Duration.minutes(Math.min(m, 7 * 1440)) }));
}

function keyOf(type: AwsResourceType): string {
  return resourceTypeInfo(type).key;
}
