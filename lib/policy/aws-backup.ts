import type { Catalog } from "../catalog/model";
import { RetentionClass } from "../core/retention";
import { LockMode } from "../core/vocabulary";
import type { EffectivePolicy } from "./effective";

/** AWS Backup's hard limits that the governance rules check (aws-backup-facts.md §d). */
export const AwsLimits = {
  /** B5: a recovery point must stay this long in cold storage before deletion. */
  coldStorageMinDays: 90,
  /** B6: continuous backup retention. */
  continuousMinDays: 1,
  continuousMaxDays: 35,
  /** B10/B11: vault lock range. */
  lockMinDays: 1,
  lockMaxDays: 36500,
  /** B12: compliance-mode grace period. */
  lockChangeableMinDays: 3,
  vaultName: /^[a-zA-Z0-9\-_]{2,50}$/,
  ruleName: /^[a-zA-Z0-9\-_.]{1,50}$/,
  selectionName: /^[a-zA-Z0-9\-_.]{1,50}$/,
  planName: /^[a-zA-Z0-9\-_.]{1,50}$/,
  restoreTestingName: /^[0-9A-Za-z_]{1,50}$/,
} as const;

/** Resource types AWS Backup can back up continuously (point-in-time recovery). */
export const CONTINUOUS_CAPABLE_SERVICES: readonly string[] = ["rds", "s3"];

/** A backup vault the estate writes recovery points to. */
export interface VaultSpec {
  /** Stable key: `standard`, `compliance-14d`, ... */
  readonly key: string;
  readonly name: string;
  readonly region: string;
  readonly offsite: boolean;
  readonly lock?: { readonly mode: LockMode; readonly minDays: number; readonly maxDays?: number };
}

/** One AWS Backup rule of one service, with its optional offsite copy action. */
export interface RuleSpec {
  readonly serviceId: string;
  /** Retention class, or `continuous` for the point-in-time rule. */
  readonly kind: RetentionClass | "continuous";
  readonly name: string;
  readonly continuous: boolean;
  readonly deleteAfterDays: number;
  readonly coldAfterDays?: number;
  readonly vault: VaultSpec;
  readonly copy?: { readonly vault: VaultSpec; readonly deleteAfterDays: number; readonly coldAfterDays?: number };
}

/** Names of the estate's AWS Backup objects, derived from the estate name and service ids. */
export const AwsNames = {
  vault: (estate: string, key: string, offsite = false) => `${estate}-${offsite ? "offsite-" : ""}${key}`,
  plan: (estate: string, key: string) => `${estate}-${key}`,
  rule: (kind: string) => kind,
  selection: (estate: string, serviceId: string) => `${estate}-${serviceId}`,
  restoreTestingPlan: (estate: string, frequency: string) => `${estate}_${frequency}`.replace(/-/g, "_"),
  restoreTestingSelection: (estate: string, serviceId: string) => `${estate}_${serviceId}`.replace(/-/g, "_"),
} as const;

function vaultKey(lock: VaultSpec["lock"]): string {
  if (!lock) return "standard";
  return `${lock.mode}-${lock.minDays}d${lock.maxDays !== undefined ? `-max${lock.maxDays}d` : ""}`;
}

/** Whether the service protects AWS-native resources through AWS Backup. */
export function usesAwsBackup(policy: EffectivePolicy): boolean {
  const aws = policy.service.aws;
  return !!aws && (aws.resources.length > 0 || Object.keys(aws.tags).length > 0);
}

/**
 * The AWS Backup rules a service needs, derived from its effective policy: one rule per
 * retention class (its lifetime is the rule's `delete_after`), a continuous rule when the RPO
 * is below the shortest cadence, and a copy action into the offsite region when offsite is
 * required. Points that live shorter than a day (sub-daily, continuous) stay in the
 * unlocked vault; the others go to the locked vault when the service is immutable.
 */
export function awsBackupRules(policy: EffectivePolicy, catalog: Pick<Catalog, "name" | "aws">): RuleSpec[] {
  if (!usesAwsBackup(policy) || !catalog.aws) return [];
  const estate = catalog.name;
  const primary = catalog.aws.region;
  const cold = policy.service.aws?.coldStorageAfterDays;
  const lock = policy.immutable && { mode: policy.immutable.mode, minDays: policy.immutable.days, maxDays: policy.immutable.maxDays };
  const vault = (locked: boolean, offsite: boolean): VaultSpec => {
    const l = locked ? lock : undefined;
    const key = vaultKey(l);
    return { key, name: AwsNames.vault(estate, key, offsite), region: offsite ? policy.offsite.region! : primary, offsite, lock: l };
  };
  const withCopy = policy.offsite.required && !!policy.offsite.region;
  const interval = policy.jobCadence.intervalMinutes;
  const rules: RuleSpec[] = [];
  const add = (kind: RuleSpec["kind"], deleteAfterDays: number, longLived: boolean, continuous: boolean) => {
    // Cold storage only where points would reach it; AWS forbids it on continuous rules.
    const coldAfterDays = !continuous && cold !== undefined && deleteAfterDays > cold ? cold : undefined;
    const locked = longLived && !!lock;
    rules.push({
      serviceId: policy.service.id,
      kind,
      name: AwsNames.rule(kind),
      continuous,
      deleteAfterDays,
      coldAfterDays,
      vault: vault(locked, false),
      copy: withCopy ? { vault: vault(locked, true), deleteAfterDays, coldAfterDays } : undefined,
    });
  };
  if (policy.needsContinuous) add("continuous", policy.retention.daily, false, true);
  for (const c of policy.retention.classes()) {
    // The continuous rule already covers sub-daily recovery; hourly snapshots would only add cost.
    if (c === RetentionClass.HOURLY && policy.needsContinuous) continue;
    add(c, policy.retention.lifetimeDays(c, interval), c !== RetentionClass.HOURLY, false);
  }
  return rules;
}
