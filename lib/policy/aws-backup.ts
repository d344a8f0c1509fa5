import { createHash } from "node:crypto";
import type { Catalog, Service, ServiceAws } from "../catalog/model";
import { RetentionClass } from "../core/retention";
import { Cadence, type Schedule } from "../core/schedule";
import { type Classification, LockMode } from "../core/vocabulary";
import type { EffectivePolicy } from "./effective";
import { must } from "../private/must";
import { sortedEntries } from "../private/sorted-entries";
import { stagger } from "./stagger";
import { RestoreTestFrequency } from "./tiers";

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

/** Calendar periods of rules that run less often than weekly. */
export enum RulePeriod {
  MONTH = "month",
  YEAR = "year",
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
  /**
   * Why the points of an immutable service's rule go to the unlocked vault: set only when the
   * service has a lock and this rule's retention lies outside the lock's range (a job into
   * a locked vault with a retention outside `[min, max]` fails).
   */
  readonly unlockedReason?: string;
  /**
   * How often the rule runs: the service's job cadence for sub-daily points, daily for daily,
   * monthly, yearly and continuous rules (the continuous rule's schedule only paces
   * maintenance), weekly for weekly ones.
   */
  readonly cadence: Cadence;
  /** Monthly and yearly rules run on one day of the month (or year) of their daily cadence. */
  readonly period?: RulePeriod;
}

/**
 * Names of the estate's AWS objects, derived from the estate name, service ids and policy
 * keys. Bucket names are global: they carry the account id when the catalog gives one.
 */
export const AwsNames = {
  vault: (estate: string, key: string, offsite = false) => `${estate}-${offsite ? "offsite-" : ""}${key}`,
  plan: (estate: string, key: string) => `${estate}-${key}`,
  rule: (kind: string) => kind,
  /** Selection by ARNs; the selection by tags adds `-tags` (AND semantics need their own selection). */
  selection: (estate: string, serviceId: string, byTags = false) => `${estate}-${serviceId}${byTags ? "-tags" : ""}`,
  restoreTestingPlan: (estate: string, frequency: string) => `${estate}_${frequency}`.replace(/-/g, "_"),
  /** Unique inside its restore testing plan: one selection per service and resource type. */
  restoreTestingSelection: (serviceId: string, type: AwsResourceType, byTags = false) =>
    `${serviceId}_${RESOURCE_TYPES[type].key}${byTags ? "_tags" : ""}`.replace(/-/g, "_"),
  /**
   * An S3 bucket of the estate (`purpose`: `app-standard`, `app-compliance-14d`, `audit`, ...),
   * with the account id for global uniqueness; names longer than 63 keep their start and
   * end with a hash of the whole name, so that they stay unique.
   */
  bucket: (estate: string, purpose: string, accountId?: string) =>
    fitName(`${estate}-${purpose}${accountId ? `-${accountId}` : ""}`, 63),
  /** The offsite replica of the bucket of that purpose. */
  replicaBucket: (estate: string, purpose: string, accountId?: string) =>
    fitName(`${estate}-${purpose}-replica${accountId ? `-${accountId}` : ""}`, 63),
  trail: (estate: string) => `${estate}-backup-audit`,
  backupRole: (estate: string) => fitName(`${estate}-aws-backup`, 64),
  replicationRole: (bucketName: string) => fitName(`${bucketName}-replication`, 64),
  keyAlias: (estate: string, purpose: string) => `alias/${estate}-${purpose}`,
} as const;

/** Shortens a name to `max` characters, keeping its start and a hash of the full name. */
function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const h = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9).replace(/[-.]+$/, "")}-${h}`;
}

/** Resource types AWS Backup protects, as restore testing and the console name them. */
export enum AwsResourceType {
  AURORA = "Aurora",
  DOCUMENTDB = "DocumentDB",
  DYNAMODB = "DynamoDB",
  EBS = "EBS",
  EC2 = "EC2",
  EFS = "EFS",
  FSX = "FSx",
  NEPTUNE = "Neptune",
  RDS = "RDS",
  S3 = "S3",
  REDSHIFT = "Redshift",
  STORAGE_GATEWAY = "Storage Gateway",
  TIMESTREAM = "Timestream",
  CLOUDFORMATION = "CloudFormation",
  SAP_HANA = "SAP HANA on Amazon EC2",
  VIRTUAL_MACHINE = "VirtualMachine",
}

export interface ResourceTypeInfo {
  /** Short lowercase key, also the catalog's word in `aws.tagResourceTypes`. */
  readonly key: string;
  /** Whether AWS Backup restore testing can test it. */
  readonly restoreTestable: boolean;
  /** Whether AWS Backup offers continuous backup (point-in-time recovery) for it. */
  readonly continuous: boolean;
  /** Whether its ARN names a region (S3 bucket ARNs do not). */
  readonly regional: boolean;
}

const RESOURCE_TYPES: Readonly<Record<AwsResourceType, ResourceTypeInfo>> = {
  [AwsResourceType.AURORA]: { key: "aurora", restoreTestable: true, continuous: true, regional: true },
  [AwsResourceType.DOCUMENTDB]: { key: "documentdb", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.DYNAMODB]: { key: "dynamodb", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.EBS]: { key: "ebs", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.EC2]: { key: "ec2", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.EFS]: { key: "efs", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.FSX]: { key: "fsx", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.NEPTUNE]: { key: "neptune", restoreTestable: true, continuous: false, regional: true },
  [AwsResourceType.RDS]: { key: "rds", restoreTestable: true, continuous: true, regional: true },
  [AwsResourceType.S3]: { key: "s3", restoreTestable: true, continuous: true, regional: false },
  [AwsResourceType.REDSHIFT]: { key: "redshift", restoreTestable: false, continuous: false, regional: true },
  [AwsResourceType.STORAGE_GATEWAY]: {
    key: "storagegateway",
    restoreTestable: false,
    continuous: false,
    regional: true,
  },
  [AwsResourceType.TIMESTREAM]: { key: "timestream", restoreTestable: false, continuous: false, regional: true },
  [AwsResourceType.CLOUDFORMATION]: {
    key: "cloudformation",
    restoreTestable: false,
    continuous: false,
    regional: true,
  },
  [AwsResourceType.SAP_HANA]: { key: "saphana", restoreTestable: false, continuous: true, regional: true },
  [AwsResourceType.VIRTUAL_MACHINE]: { key: "vmware", restoreTestable: false, continuous: false, regional: true },
};

/** Facts about a resource type: its catalog key, restore testing and continuous support. */
export function resourceTypeInfo(type: AwsResourceType): ResourceTypeInfo {
  return RESOURCE_TYPES[type];
}

/** The resource type whose catalog key (`rds`, `dynamodb`, ...) is given. */
export function resourceTypeOfKey(key: string): AwsResourceType | undefined {
  return Object.values(AwsResourceType).find((t) => RESOURCE_TYPES[t].key === key);
}

/** Catalog keys of the types restore testing covers, for `aws.tagResourceTypes`. */
export const RESTORE_TESTABLE_KEYS: readonly string[] = Object.values<ResourceTypeInfo>(RESOURCE_TYPES)
  .filter((i) => i.restoreTestable)
  .map((i) => i.key);

/** The parts of an ARN: `arn:partition:service:region:account:resource`. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits an ARN into its parts; undefined when the text is not an ARN. */
export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

// Resource part patterns per service; the first match names the type. Anything else is not
// something AWS Backup can protect (a DynamoDB stream, an S3 prefix, an RDS snapshot, ...).
const ARN_TYPES: ReadonlyArray<readonly [string, RegExp, AwsResourceType]> = [
  ["rds", /^db:[^:/]+$/, AwsResourceType.RDS],
  ["rds", /^cluster:[^:/]+$/, AwsResourceType.AURORA],
  ["dynamodb", /^table\/[^/]+$/, AwsResourceType.DYNAMODB],
  ["elasticfilesystem", /^file-system\/[^/]+$/, AwsResourceType.EFS],
  ["s3", /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, AwsResourceType.S3],
  ["ec2", /^instance\/[^/]+$/, AwsResourceType.EC2],
  ["ec2", /^volume\/[^/]+$/, AwsResourceType.EBS],
  ["fsx", /^(file-system|volume)\/[^/]+(\/[^/]+)?$/, AwsResourceType.FSX],
  ["redshift", /^cluster:[^:/]+$/, AwsResourceType.REDSHIFT],
  ["storagegateway", /^gateway\/[^/]+\/volume\/[^/]+$/, AwsResourceType.STORAGE_GATEWAY],
  ["timestream", /^database\/[^/]+\/table\/[^/]+$/, AwsResourceType.TIMESTREAM],
  ["cloudformation", /^stack\/[^/]+\/[^/]+$/, AwsResourceType.CLOUDFORMATION],
  ["ssm-sap", /^HANA\/.+$/, AwsResourceType.SAP_HANA],
  ["backup-gateway", /^vm\/[^/]+$/, AwsResourceType.VIRTUAL_MACHINE],
];

/**
 * The AWS Backup resource type an ARN names, or undefined when AWS Backup cannot protect it.
 * An RDS `cluster:` ARN is taken as Aurora (DocumentDB and Neptune clusters share the form).
 */
export function resourceTypeOfArn(arn: string): AwsResourceType | undefined {
  const p = parseArn(arn);
  if (!p) return undefined;
  return ARN_TYPES.find(([service, re]) => service === p.service && re.test(p.resource))?.[2];
}

/** `standard`, or the lock's mode and range: `compliance-14d`, `governance-7d-max30d`. */
export function vaultKey(lock: VaultSpec["lock"]): string {
  if (!lock) return "standard";
  return `${lock.mode}-${lock.minDays}d${lock.maxDays !== undefined ? `-max${lock.maxDays}d` : ""}`;
}

/** Whether the service protects AWS-native resources through AWS Backup. */
export function usesAwsBackup(policy: EffectivePolicy): policy is AwsBackupPolicy {
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
  const cold = policy.service.aws.coldStorageAfterDays;
  const lock = policy.immutable && {
    mode: policy.immutable.mode,
    minDays: policy.immutable.days,
    maxDays: policy.immutable.maxDays,
  };
  // The offsite vault is the one given a Region: the copy's, which withCopy requires.
  const vault = (locked: boolean, offsiteRegion?: string): VaultSpec => {
    const l = locked ? lock : undefined;
    const key = vaultKey(l);
    const offsite = offsiteRegion !== undefined;
    return { key, name: AwsNames.vault(estate, key, offsite), region: offsiteRegion ?? primary, offsite, lock: l };
  };
  const withCopy = policy.offsite.required && !!policy.offsite.region;
  const interval = policy.jobCadence.intervalMinutes;
  const rules: RuleSpec[] = [];
  const add = (kind: RuleSpec["kind"], deleteAfterDays: number, longLived: boolean, continuous: boolean) => {
    // Cold storage only where points would reach it; AWS forbids it on continuous rules.
    const coldAfterDays = !continuous && cold !== undefined && deleteAfterDays > cold ? cold : undefined;
    // Long-lived points always go to the locked vault (GOV-015 makes them fit its range). Short-lived
    // ones (sub-daily, continuous) go there too when their retention fits: those are the points that
    // meet a short RPO, and a ransomware event is exactly when they are needed.
    const fits = !!lock && lockFits(deleteAfterDays, lock);
    const locked = !!lock && (longLived || fits);
    const unlockedReason = lock && !locked ? unlockedWhy(kind, deleteAfterDays, lock) : undefined;
    rules.push({
      serviceId: policy.service.id,
      kind,
      name: AwsNames.rule(kind),
      continuous,
      deleteAfterDays,
      coldAfterDays,
      vault: vault(locked),
      copy: withCopy ? { vault: vault(locked, policy.offsite.region), deleteAfterDays, coldAfterDays } : undefined,
      ...(unlockedReason ? { unlockedReason } : {}),
      cadence:
        kind === RetentionClass.HOURLY
          ? policy.jobCadence
          : kind === RetentionClass.WEEKLY
            ? Cadence.weekly()
            : Cadence.daily(),
      period:
        kind === RetentionClass.MONTHLY
          ? RulePeriod.MONTH
          : kind === RetentionClass.YEARLY
            ? RulePeriod.YEAR
            : undefined,
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

/**
 * Whether points kept `days` fit a vault lock: AWS Backup fails any backup or copy job into a
 * locked vault whose retention is shorter than the lock's minimum or longer than its maximum.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html
 */
export function lockFits(days: number, lock: NonNullable<VaultSpec["lock"]>): boolean {
  return days >= lock.minDays && (lock.maxDays === undefined || days <= lock.maxDays);
}

function unlockedWhy(kind: RuleSpec["kind"], days: number, lock: NonNullable<VaultSpec["lock"]>): string {
  const what = kind === "continuous" ? "continuous (point-in-time) points" : `${kind} points`;
  const range = `${lock.minDays}${lock.maxDays !== undefined ? `-${lock.maxDays}` : "+"} days`;
  return days < lock.minDays
    ? `${what} live ${days} days, shorter than the vault lock's minimum of ${lock.minDays} days (${lock.mode}); a locked vault would fail their jobs, so they stay in the unlocked vault`
    : `${what} live ${days} days, outside the vault lock's range of ${range}; they stay in the unlocked vault`;
}

/** AWS Backup's start window: a job that has not started this long after its time is skipped. */
export const START_WINDOW_MINUTES = 60;

/** A rule of a plan: one of its services' rules, with its staggered schedule. */
export interface PlanRuleSpec extends Omit<RuleSpec, "serviceId"> {
  readonly schedule: Schedule;
  readonly startWindowMinutes: number;
  /** How long a started job may run: one interval for sub-daily rules (at least two hours), else a week. */
  readonly completionWindowMinutes: number;
}

/**
 * One AWS Backup plan: the services of one tier whose rules are identical share it, so the
 * number of plans grows with the number of distinct policies, never with the services.
 */
export interface PlanSpec {
  /** `<classification>-<hash of the rules>`: stable while the rules stay the same. */
  readonly key: string;
  readonly name: string;
  readonly classification: Classification;
  /** Services selected into the plan, in catalog order. */
  readonly serviceIds: readonly string[];
  readonly rules: readonly PlanRuleSpec[];
}

function ruleSignature(r: RuleSpec): unknown {
  const v = (x: VaultSpec) => `${x.region}/${x.name}`;
  return [
    r.name,
    r.continuous,
    r.deleteAfterDays,
    r.coldAfterDays ?? null,
    v(r.vault),
    r.copy ? [v(r.copy.vault), r.copy.deleteAfterDays, r.copy.coldAfterDays ?? null] : null,
    r.cadence.intervalMinutes,
    r.period ?? null,
  ];
}

function shortHash(value: unknown, length: number): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

/**
 * The estate's AWS Backup plans: services grouped by tier and identical rules, each rule
 * scheduled by {@link stagger} so that no two rules writing to the same vault start at the
 * same minute. Deterministic: the same catalog gives the same plans, names and schedules.
 */
export function awsBackupPlans(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws">,
): PlanSpec[] {
  const groups = new Map<string, { classification: Classification; serviceIds: string[]; rules: RuleSpec[] }>();
  for (const p of policies) {
    const rules = awsBackupRules(p, catalog);
    if (rules.length === 0) continue;
    const key = `${p.service.classification}-${shortHash(rules.map(ruleSignature), 6)}`;
    const g = groups.get(key);
    if (g) g.serviceIds.push(p.service.id);
    else groups.set(key, { classification: p.service.classification, serviceIds: [p.service.id], rules });
  }
  const sorted = sortedEntries(groups);
  const requests = sorted.flatMap(([key, g]) =>
    g.rules.map((r) => ({
      key: `${AwsNames.plan(catalog.name, key)}/${r.name}`,
      group: `${r.vault.region}/${r.vault.name}`,
      cadence: r.cadence,
    })),
  );
  const schedules = stagger(requests);
  return sorted.map(([key, g]) => {
    const name = AwsNames.plan(catalog.name, key);
    const rules = g.rules.map((r): PlanRuleSpec => {
      const { serviceId: _serviceId, ...rule } = r;
      const daily = must(schedules.get(`${name}/${r.name}`), `the schedule of ${name}/${r.name}`);
      const schedule =
        r.period === RulePeriod.MONTH
          ? daily.onDayOfMonth(1)
          : r.period === RulePeriod.YEAR
            ? daily.onDayOfMonth(1, 1)
            : daily;
      const completionWindowMinutes = r.cadence.isSubDaily ? Math.max(2 * 60, r.cadence.intervalMinutes) : 7 * 1440;
      return { ...rule, schedule, startWindowMinutes: START_WINDOW_MINUTES, completionWindowMinutes };
    });
    return { key, name, classification: g.classification, serviceIds: g.serviceIds, rules };
  });
}

/** Every vault the plans write to (rules and copy actions), once per region and name, primary first. */
export function awsBackupVaults(plans: readonly PlanSpec[]): VaultSpec[] {
  const out = new Map<string, VaultSpec>();
  for (const r of plans.flatMap((p) => p.rules)) {
    for (const v of [r.vault, r.copy?.vault]) if (v) out.set(`${v.region}/${v.name}`, v);
  }
  return [...out.values()].sort(
    (a, b) => Number(a.offsite) - Number(b.offsite) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name),
  );
}

/** What one restore testing selection covers: one service's resources of one type. */
export interface RestoreTestSelectionSpec {
  readonly serviceId: string;
  readonly name: string;
  readonly type: AwsResourceType;
  /** Explicit ARNs, or (when empty) the service's tags as conditions. */
  readonly arns: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** One restore testing plan: every service drilled at one frequency. */
export interface RestoreTestPlanSpec {
  readonly frequency: RestoreTestFrequency;
  readonly name: string;
  readonly selectionWindowDays: number;
  /** Vaults (region/name) the tested points may come from: the primary-region vaults of the services. */
  readonly vaults: readonly VaultSpec[];
  readonly continuous: boolean;
  readonly selections: readonly RestoreTestSelectionSpec[];
}

/** The policy of a service AWS Backup protects: its `aws` section selects resources by ARN or tag. */
export type AwsBackupPolicy = EffectivePolicy & { readonly service: Service & { readonly aws: ServiceAws } };

/**
 * Restore testing plans for services whose tier drills restores (critical weekly, important
 * monthly): ARN-selected resources grouped by type, and tag-selected ones for each type the
 * service declares in `aws.tagResourceTypes` (restore testing needs a type per selection).
 */
export function restoreTestPlans(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws">,
): RestoreTestPlanSpec[] {
  const out: RestoreTestPlanSpec[] = [];
  for (const frequency of [RestoreTestFrequency.WEEKLY, RestoreTestFrequency.MONTHLY]) {
    const selections: RestoreTestSelectionSpec[] = [];
    const vaults = new Map<string, VaultSpec>();
    let continuous = false;
    for (const p of policies) {
      if (p.restoreTest !== frequency || !usesAwsBackup(p)) continue;
      const rules = awsBackupRules(p, catalog);
      for (const r of rules) vaults.set(`${r.vault.region}/${r.vault.name}`, r.vault);
      continuous ||= rules.some((r) => r.continuous);
      const aws = p.service.aws;
      const byType = new Map<AwsResourceType, string[]>();
      for (const arn of aws.resources) {
        const t = resourceTypeOfArn(arn);
        if (t && RESOURCE_TYPES[t].restoreTestable) byType.set(t, [...(byType.get(t) ?? []), arn]);
      }
      for (const [type, arns] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        selections.push({
          serviceId: p.service.id,
          name: AwsNames.restoreTestingSelection(p.service.id, type),
          type,
          arns,
          tags: {},
        });
      }
      if (Object.keys(aws.tags).length === 0) continue;
      const tagTypes = aws.tagResourceTypes
        .map(resourceTypeOfKey)
        .filter((t): t is AwsResourceType => !!t && RESOURCE_TYPES[t].restoreTestable);
      for (const type of [...new Set(tagTypes)].sort()) {
        selections.push({
          serviceId: p.service.id,
          name: AwsNames.restoreTestingSelection(p.service.id, type, true),
          type,
          arns: [],
          tags: aws.tags,
        });
      }
    }
    if (selections.length === 0) continue;
    out.push({
      frequency,
      name: AwsNames.restoreTestingPlan(catalog.name, frequency),
      selectionWindowDays: frequency === RestoreTestFrequency.WEEKLY ? 7 : 30,
      vaults: [...vaults.values()].sort((a, b) => a.name.localeCompare(b.name)),
      continuous,
      selections,
    });
  }
  return out;
}
