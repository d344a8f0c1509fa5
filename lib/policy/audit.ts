import type { Catalog } from "../catalog/model";
import { RetentionClass } from "../core/retention";
import { Errors } from "../errors";
import { awsBackupRules, usesAwsBackup, START_WINDOW_MINUTES } from "./aws-backup";
import type { EffectivePolicy } from "./effective";

/** AWS Backup Audit Manager control names (aws-backup-facts.md §c.4). */
export enum AuditControlName {
  PROTECTED_BY_BACKUP_PLAN = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
  PLAN_MIN_FREQUENCY_AND_RETENTION = "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
  RECOVERY_POINT_ENCRYPTED = "BACKUP_RECOVERY_POINT_ENCRYPTED",
  MANUAL_DELETION_DISABLED = "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
  MINIMUM_RETENTION = "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
  PROTECTED_BY_CROSS_REGION = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
  PROTECTED_BY_CROSS_ACCOUNT = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT",
  PROTECTED_BY_VAULT_LOCK = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
  LAST_RECOVERY_POINT_CREATED = "BACKUP_LAST_RECOVERY_POINT_CREATED",
  RESTORE_TIME_MEETS_TARGET = "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
}

/** Audit Manager's limits (aws-backup-facts.md §d.1 B19). */
export const AuditLimits = {
  /** Controls per account and Region, over all frameworks. */
  maxControls: 50,
  /** Resource ids in one control scope. */
  maxScopeResourceIds: 100,
} as const;

/**
 * The tag the estate's backup plans carry with their tier (`critical`, `important`,
 * `rebuildable`): the per-tier frequency-and-retention controls are scoped by it.
 */
export const TIER_TAG = "backup:tier";

/**
 * What a control looks at. Audit Manager accepts resource types, or exactly one tag, or
 * one resource type with a list of its resource ids.
 */
export interface AuditScope {
  readonly resourceTypes?: readonly string[];
  readonly resourceIds?: readonly string[];
  readonly tag?: { readonly key: string; readonly value: string };
}

/** One control of the audit framework, with string parameters as the API takes them. */
export interface AuditControlSpec {
  readonly name: AuditControlName;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly scope?: AuditScope;
  /** Services the control speaks for, for documents and the onboarding receipt. */
  readonly serviceIds: readonly string[];
}

/** Audit Manager resource type of an ARN's service (and resource kind), when it has one. */
const RESOURCE_TYPES: Array<[RegExp, string]> = [
  [/^arn:aws[a-z-]*:rds:[^:]*:[^:]*:cluster:/, "Aurora"],
  [/^arn:aws[a-z-]*:rds:/, "RDS"],
  [/^arn:aws[a-z-]*:s3:/, "S3"],
  [/^arn:aws[a-z-]*:dynamodb:/, "DynamoDB"],
  [/^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:volume\//, "EBS"],
  [/^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:instance\//, "EC2"],
  [/^arn:aws[a-z-]*:elasticfilesystem:/, "EFS"],
  [/^arn:aws[a-z-]*:fsx:/, "FSx"],
  [/^arn:aws[a-z-]*:storagegateway:/, "Storage Gateway"],
  [/^arn:aws[a-z-]*:redshift:/, "Redshift"],
  [/^arn:aws[a-z-]*:timestream:/, "Timestream"],
  [/^arn:aws[a-z-]*:cloudformation:/, "CloudFormation"],
];

/** The Audit Manager resource type of an ARN, if the library knows it. */
export function auditResourceType(arn: string): string | undefined {
  return RESOURCE_TYPES.find(([re]) => re.test(arn))?.[1];
}

/**
 * A service's scope: one of its selection tags when it has any (Audit Manager takes one
 * tag; the first key in order), else the resource types of its ARNs.
 */
export function serviceScope(policy: EffectivePolicy): AuditScope | undefined {
  const aws = policy.service.aws;
  if (!aws) return undefined;
  const keys = Object.keys(aws.tags).sort();
  if (keys.length) return { tag: { key: keys[0], value: aws.tags[keys[0]] } };
  const types = [...new Set(aws.resources.map(auditResourceType).filter((t): t is string => !!t))].sort();
  return types.length ? { resourceTypes: types } : undefined;
}

function typesOf(policies: readonly EffectivePolicy[]): string[] {
  return [
    ...new Set(
      policies.flatMap((p) => (p.service.aws?.resources ?? []).map(auditResourceType)).filter((t): t is string => !!t),
    ),
  ].sort();
}

/**
 * `recoveryPointAgeUnit`/`Value` of BACKUP_LAST_RECOVERY_POINT_CREATED: how old the newest
 * recovery point may be. Snapshot rules create points at their own interval (a continuous
 * rule keeps one long-lived point), so the age is the RPO or the most frequent snapshot
 * rule's interval, whichever is longer, plus the 60-minute start window.
 */
function ageOf(policy: EffectivePolicy, catalog: Pick<Catalog, "name" | "aws">): Record<string, string> {
  const rule = awsBackupRules(policy, catalog).find((r) => !r.continuous);
  const interval = rule ? ruleIntervalHours(rule.kind, policy) * 60 : 0;
  const m = Math.max(policy.rpo.toMinutes(), interval) + START_WINDOW_MINUTES;
  return m % 1440 === 0
    ? { recoveryPointAgeUnit: "days", recoveryPointAgeValue: String(m / 1440) }
    : { recoveryPointAgeUnit: "hours", recoveryPointAgeValue: String(Math.ceil(m / 60)) };
}

/** How many hours apart a rule of a retention class creates recovery points. */
function ruleIntervalHours(kind: RetentionClass | "continuous", policy: EffectivePolicy): number {
  switch (kind) {
    case RetentionClass.HOURLY:
      return policy.jobCadence.intervalMinutes / 60;
    case RetentionClass.DAILY:
      return 24;
    case RetentionClass.WEEKLY:
      return 168;
    case RetentionClass.MONTHLY:
      return 720;
    case RetentionClass.YEARLY:
      return 8760;
    default:
      return 0;
  }
}

/**
 * The frequency and retention every plan of a tier promises at least: the least frequent
 * of the services' most frequent scheduled rules, kept the shortest time among them.
 */
function tierMinimum(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws">,
): Record<string, string> | undefined {
  let hours = 0;
  let days = Infinity;
  for (const p of policies) {
    const rule = awsBackupRules(p, catalog).find((r) => !r.continuous);
    if (!rule) continue;
    const every = ruleIntervalHours(rule.kind, p);
    hours = Math.max(hours, every);
    days = Math.min(days, rule.deleteAfterDays);
  }
  if (hours === 0 || !Number.isFinite(days)) return undefined;
  const frequency =
    hours % 24 === 0
      ? { requiredFrequencyUnit: "days", requiredFrequencyValue: String(hours / 24) }
      : { requiredFrequencyUnit: "hours", requiredFrequencyValue: String(hours) };
  return { ...frequency, requiredRetentionDays: String(days) };
}

function key(c: Pick<AuditControlSpec, "name" | "parameters" | "scope">): string {
  return JSON.stringify([c.name, c.parameters ?? {}, c.scope ?? {}]);
}

/** Merges controls that are the same but for the services they speak for. */
function dedupe(controls: readonly AuditControlSpec[]): AuditControlSpec[] {
  const out = new Map<string, { control: AuditControlSpec; serviceIds: Set<string> }>();
  for (const c of controls) {
    const k = key(c);
    const prev = out.get(k);
    if (prev) for (const id of c.serviceIds) prev.serviceIds.add(id);
    else out.set(k, { control: c, serviceIds: new Set(c.serviceIds) });
  }
  return [...out.values()].map(({ control, serviceIds }) => ({ ...control, serviceIds: [...serviceIds] }));
}

/**
 * The audit framework's controls for a catalog, matching what it promises for its AWS
 * services: resources in a plan; per-tier minimum frequency and retention; encrypted
 * recovery points; manual deletion disabled and vault lock where immutable; cross-Region
 * copies where offsite; the last recovery point within the RPO; restores within the RTO
 * (minutes). Per-service controls are scoped to the service; when they would exceed
 * Audit Manager's 50 controls, services with the same parameters share one control scoped
 * to their resource types. Empty when no service uses AWS Backup.
 */
export function auditControls(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws">,
  limit: number = AuditLimits.maxControls,
): AuditControlSpec[] {
  const aws = policies.filter(usesAwsBackup);
  if (aws.length === 0) return [];
  const estateWide: AuditControlSpec[] = [];
  const allTypes = typesOf(aws);
  const everything = allTypes.length ? { resourceTypes: allTypes } : undefined;
  const ids = aws.map((p) => p.service.id);
  estateWide.push({ name: AuditControlName.RECOVERY_POINT_ENCRYPTED, scope: everything, serviceIds: ids });
  const tiers = [...new Set(aws.map((p) => p.service.classification))].sort();
  for (const tier of tiers) {
    const inTier = aws.filter((p) => p.service.classification === tier);
    const minimum = tierMinimum(inTier, catalog);
    if (minimum)
      estateWide.push({
        name: AuditControlName.PLAN_MIN_FREQUENCY_AND_RETENTION,
        parameters: minimum,
        scope: { tag: { key: TIER_TAG, value: tier } },
        serviceIds: inTier.map((p) => p.service.id),
      });
  }

  const perService: AuditControlSpec[] = aws.flatMap((p) => {
    const scope = serviceScope(p);
    const serviceIds = [p.service.id];
    const out: AuditControlSpec[] = [
      { name: AuditControlName.PROTECTED_BY_BACKUP_PLAN, scope, serviceIds },
      { name: AuditControlName.LAST_RECOVERY_POINT_CREATED, parameters: ageOf(p, catalog), scope, serviceIds },
      {
        name: AuditControlName.RESTORE_TIME_MEETS_TARGET,
        parameters: { maxRestoreTime: String(p.rto.toMinutes()) },
        scope,
        serviceIds,
      },
    ];
    if (p.immutable) {
      out.push({ name: AuditControlName.MANUAL_DELETION_DISABLED, scope, serviceIds });
      out.push({
        name: AuditControlName.PROTECTED_BY_VAULT_LOCK,
        parameters: { minRetentionDays: String(p.immutable.days) },
        scope,
        serviceIds,
      });
    }
    if (p.offsite.required && p.offsite.region) {
      out.push({
        name: AuditControlName.PROTECTED_BY_CROSS_REGION,
        parameters: { crossRegionList: p.offsite.region },
        scope,
        serviceIds,
      });
    }
    return out;
  });

  let controls = dedupe([...estateWide, ...perService]);
  if (controls.length > limit) {
    // Too many for the account: one control per name and parameters, over the resource types of its services.
    // Services are gathered per key first and their types computed once: rebuilding the lists per service was quadratic.
    const merged = new Map<
      string,
      { name: AuditControlName; parameters?: Readonly<Record<string, string>>; serviceIds: Set<string> }
    >();
    for (const c of perService) {
      const k = JSON.stringify([c.name, c.parameters ?? {}]);
      const prev = merged.get(k);
      if (prev) for (const id of c.serviceIds) prev.serviceIds.add(id);
      else merged.set(k, { name: c.name, parameters: c.parameters, serviceIds: new Set(c.serviceIds) });
    }
    const scoped = [...merged.values()].map(({ name, parameters, serviceIds }) => {
      const types = typesOf(aws.filter((p) => serviceIds.has(p.service.id)));
      return {
        name,
        parameters,
        scope: types.length ? { resourceTypes: types } : undefined,
        serviceIds: [...serviceIds],
      };
    });
    controls = dedupe([...estateWide, ...scoped]);
  }
  if (controls.length > limit) throw Errors.tooManyAuditControls(controls.length, limit);
  return controls;
}
