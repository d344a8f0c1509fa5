import { BackupPlan, type BackupPlanRule, backupPlanRuleToTerraform } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { Construct, type ITerraformDependable, Lazy, type TerraformProvider, Token } from "../core/cdk";
import { dependOnce } from "../private/depends-on";
import { RetentionClass } from "../core/retention";
import { Cadence, type Schedule } from "../core/schedule";
import { Classification } from "../core/vocabulary";
import { at, Errors, GovernanceError } from "../errors";
import { lockBreach } from "../governance/rules/aws-limits/retention-inside-lock";
import { TIER_TAG } from "../policy/audit";
import { AwsLimits, START_WINDOW_MINUTES } from "../policy/aws-backup";
import { tierRetention } from "../policy/effective";
import { stagger } from "../policy/stagger";
import { tierOf } from "../policy/tiers";
import type { BackupServiceRole } from "./backup-service-role";
import type { IBackupVault } from "./encrypted-vault";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";
import type { Duration } from "../core/duration";

/** A copy of each recovery point into another vault (another region or account). */
export interface BackupRuleCopyAction {
  /**
   * The destination vault. Its lock, when known, is checked against `deleteAfterDays`
   * (GOV-019), and the plan waits for it when this app creates it.
   * @default - `destinationVaultArn` (one of the two is required)
   */
  readonly destinationVault?: IBackupVault;
  /**
   * ARN of the destination vault.
   * @default - `destinationVault`'s ARN
   * @deprecated pass `destinationVault` (EncryptedVault.fromVaultArn for an existing one)
   */
  readonly destinationVaultArn?: string;
  /**
   * How long the copy is kept: whole days.
   * @default - `deleteAfterDays` (one of the two is required)
   */
  readonly deleteAfter?: Duration;
  /**
   * Days the copy is kept.
   * @deprecated use `deleteAfter` (a {@link Duration}).
   * @default - from `deleteAfter`
   */
  readonly deleteAfterDays?: number;
  /**
   * When the copy moves to cold storage: whole days.
   * @default - `coldStorageAfterDays`, else the copy stays in warm storage
   */
  readonly coldStorageAfter?: Duration;
  /**
   * Days before the copy moves to cold storage.
   * @deprecated use `coldStorageAfter` (a {@link Duration}).
   * @default - the copy stays in warm storage
   */
  readonly coldStorageAfterDays?: number;
}

/** One rule of a {@link TierBackupPlan}. */
export interface BackupRuleProps {
  /** Unique in the plan: `daily`, `weekly`, ... */
  readonly ruleName: string;
  /**
   * The vault recovery points are written to. Its lock, when known, is checked against
   * `deleteAfterDays` at once (GOV-019), and the plan waits for it (and its lock).
   * @default - `targetVaultName` (one of the two is required)
   */
  readonly targetVault?: IBackupVault;
  /**
   * Name of the vault recovery points are written to.
   * @default - `targetVault`'s name
   * @deprecated pass `targetVault` (EncryptedVault.fromVaultName for an existing one)
   */
  readonly targetVaultName?: string;
  /** When the rule runs (rendered as an AWS cron expression). */
  readonly schedule: Schedule;
  /** IANA time zone of the schedule. @default - UTC */
  readonly scheduleTimezone?: string;
  /** Minutes after the scheduled time a job may still start. @default 60 (the minimum) */
  readonly startWindowMinutes?: number;
  /** Minutes a started job may run. @default 10080 (7 days) */
  readonly completionWindowMinutes?: number;
  /**
   * How long each recovery point is kept: whole days.
   * @default - `deleteAfterDays` (one of the two is required)
   */
  readonly deleteAfter?: Duration;
  /**
   * Days each recovery point is kept.
   * @deprecated use `deleteAfter` (a {@link Duration}).
   * @default - from `deleteAfter`
   */
  readonly deleteAfterDays?: number;
  /**
   * When points move to cold storage (resource types without a cold tier ignore it): whole days.
   * @default - `coldStorageAfterDays`, else points stay in warm storage
   */
  readonly coldStorageAfter?: Duration;
  /**
   * Days before points move to cold storage.
   * @deprecated use `coldStorageAfter` (a {@link Duration}).
   * @default - points stay in warm storage
   */
  readonly coldStorageAfterDays?: number;
  /**
   * Continuous backup (point-in-time recovery) for the resource types that support it;
   * others get snapshots.
   * @default false
   */
  readonly continuous?: boolean;
  /** @default - no copies */
  readonly copyActions?: readonly BackupRuleCopyAction[];
  /** Tags on every recovery point. @default - none */
  readonly recoveryPointTags?: Readonly<Record<string, string>>;
}

/** What {@link TierBackupPlan.addSelection} assigns to the plan. */
export interface BackupSelectionOptions {
  readonly selectionName: string;
  /**
   * The role AWS Backup assumes.
   * @default - `iamRoleArn` (one of the two is required)
   */
  readonly role?: BackupServiceRole;
  /**
   * ARN of the role AWS Backup assumes.
   * @default - `role`'s ARN
   */
  readonly iamRoleArn?: string;
  /**
   * ARNs (or ARN patterns). Combined with `tags`, only these resources that also carry
   * every tag are selected.
   * @default - every resource (`*`) when `tags` are given
   */
  readonly resources?: readonly string[];
  /**
   * Tags every selected resource must carry (AND semantics: `condition` blocks with
   * `StringEquals` on `aws:ResourceTag/<key>`, never the legacy OR `selection_tag`).
   * @default - no tag condition
   */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly notResources?: readonly string[];
}

/** Props of the tier presets ({@link TierBackupPlan.criticalTier}, ...): the tier fixes the rules. */
export interface TierBackupPlanPresetProps {
  /** The vault every rule writes to (a locked one for the critical tier, usually). */
  readonly vault: IBackupVault;
  /**
   * How often the shortest rule runs: sub-daily cadences add an hourly rule that covers the
   * tier's hourly window, as the catalog does.
   * @default Cadence.daily()
   */
  readonly cadence?: Cadence;
  /**
   * Copy every point into this vault (another Region or account), kept as long.
   * @default - no copy
   */
  readonly copyTo?: IBackupVault;
  /** @default - derived from the construct id */
  readonly planName?: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** Tags of the plan, besides the tier tag (`backup:tier`). @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Props of {@link TierBackupPlan}. */
export interface TierBackupPlanProps {
  /** @default - derived from the construct id */
  readonly planName?: string;
  /** Rules; more can be added with {@link TierBackupPlan.addRule}. @default - none */
  readonly rules?: readonly BackupRuleProps[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An AWS Backup plan for one tier (or one distinct policy): daily, weekly, monthly, yearly
 * and continuous rules with their lifecycles and copy actions, validated against AWS's
 * limits before anything is planned; resources are assigned with {@link TierBackupPlan.addSelection}.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/about-backup-plans.html
 */
export class TierBackupPlan extends Construct {
  /** Critical tier: daily 14, weekly 8, monthly 12, yearly 1 (+ hourly for sub-daily cadences). */
  public static criticalTier(scope: Construct, id: string, props: TierBackupPlanPresetProps): TierBackupPlan {
    return TierBackupPlan.ofTier(scope, id, Classification.CRITICAL, props);
  }

  /** Important tier: daily 7, weekly 4, monthly 6 (+ hourly for sub-daily cadences). */
  public static importantTier(scope: Construct, id: string, props: TierBackupPlanPresetProps): TierBackupPlan {
    return TierBackupPlan.ofTier(scope, id, Classification.IMPORTANT, props);
  }

  /** Rebuildable tier: daily 3, weekly 2. */
  public static rebuildableTier(scope: Construct, id: string, props: TierBackupPlanPresetProps): TierBackupPlan {
    return TierBackupPlan.ofTier(scope, id, Classification.REBUILDABLE, props);
  }

  private static ofTier(
    scope: Construct,
    id: string,
    c: Classification,
    props: TierBackupPlanPresetProps,
  ): TierBackupPlan {
    const cadence = props.cadence ?? Cadence.daily();
    const plan = new TierBackupPlan(scope, id, {
      planName: props.planName,
      provider: props.provider,
      tags: { ...props.tags, [TIER_TAG]: c },
    });
    for (const rule of tierRules(c, cadence, props.vault, props.copyTo)) plan.addRule(rule);
    return plan;
  }

  /** @attribute */
  public readonly plan: BackupPlan;
  /** @attribute */
  public readonly planId: string;
  /** @attribute */
  public readonly planArn: string;
  /** @attribute */
  public readonly planName: string;
  private readonly rules: Rule[] = [];
  private readonly selections: BackupSelection[] = [];
  private readonly props: TierBackupPlanProps;

  constructor(scope: Construct, id: string, props: TierBackupPlanProps = {}) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "TierBackupPlan", props);
    this.props = props;
    const name = props.planName ?? `${id}-${this.node.addr.slice(-8)}`;
    if (!Token.isUnresolved(name) && !AwsLimits.planName.test(name)) throw at(this, Errors.invalidPlanName(name));
    this.plan = this.createPlan(name);
    this.planId = this.plan.id;
    this.planArn = this.plan.arn;
    this.planName = this.plan.name;
    for (const r of props.rules ?? []) this.addRule(r);
    this.node.addValidation({
      validate: () => (this.rules.length ? [] : [Errors.planWithoutRules(this.node.path).message]),
    });
  }

  /**
   * Adds a rule, after checking it against AWS Backup's limits and against the lock of the
   * vaults it writes to (GOV-019, thrown at once).
   */
  public addRule(props: BackupRuleProps): void {
    const rule = normalizeRule(props, this.node.path);
    validateRule(rule, this.rules, this.node.path);
    this.rules.push(rule);
    for (const vault of [rule.targetVault, ...(rule.copyActions ?? []).map((c) => c.destinationVault)]) {
      for (const d of vault?.dependables ?? []) dependOnce(this.plan, d);
    }
  }

  /** The rules added so far, with every period in days (`deleteAfterDays`, `coldStorageAfterDays`). */
  public get backupRules(): readonly Rule[] {
    return [...this.rules];
  }

  /**
   * Makes the plan wait for a resource its rules name only by literal (a vault given by
   * name or by a synth-time ARN), so that Terraform creates that resource first.
   */
  public addDependency(dependency: ITerraformDependable): void {
    dependOnce(this.plan, dependency);
  }

  /** The rules added so far. */
  public get ruleNames(): string[] {
    return this.rules.map((r) => r.ruleName);
  }

  /**
   * Assigns resources to the plan: by ARNs, by tags (all must match), or both (the ARNs
   * that carry the tags). For "these ARNs or anything with these tags", add two selections.
   */
  public addSelection(id: string, options: BackupSelectionOptions): BackupSelection {
    const name = options.selectionName;
    if (!Token.isUnresolved(name) && !AwsLimits.selectionName.test(name))
      throw at(this, Errors.invalidSelectionName(name));
    const tags = Object.entries(options.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const resources = options.resources ?? [];
    if (resources.length === 0 && tags.length === 0) throw at(this, Errors.selectionSelectsEverything(name));
    if ((options.role === undefined) === (options.iamRoleArn === undefined))
      throw Errors.selectionRole(this.node.path, name);
    const selection = new BackupSelection(this, id, {
      name,
      planId: this.plan.id,
      iamRoleArn: (options.role?.roleArn ?? options.iamRoleArn)!,
      // With conditions only, the resource list is the universe the conditions filter.
      resources: resources.length ? [...resources] : ["*"],
      notResources: options.notResources?.length ? [...options.notResources] : undefined,
      condition: tags.length
        ? [{ stringEquals: tags.map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }]
        : undefined,
      provider: this.props.provider,
    });
    this.selections.push(selection);
    return selection;
  }

  protected createPlan(name: string): BackupPlan {
    return new BackupPlan(this, "Resource", {
      name,
      // Rules are added after construction; the block list is produced at synth time.
      rule: Lazy.anyValue({
        produce: () => this.rules.map((r) => backupPlanRuleToTerraform(renderRule(r))),
      }) as unknown as BackupPlanRule[],
      provider: this.props.provider,
      tags: this.props.tags ? { ...this.props.tags } : undefined,
    });
  }
}

/** A rule with its periods in days, whichever way they were given. */
export type Rule = Omit<BackupRuleProps, "deleteAfterDays" | "copyActions"> & {
  readonly deleteAfterDays: number;
  readonly copyActions?: readonly CopyRule[];
};

/** A copy action with its periods in days. */
export type CopyRule = Omit<BackupRuleCopyAction, "deleteAfterDays"> & { readonly deleteAfterDays: number };

/** Days of a period given as a Duration or as the deprecated number (CON-009 for both, CON-006 for a part day). */
function daysOf(
  path: string,
  what: string,
  duration: Duration | undefined,
  days: number | undefined,
  name: string,
): number | undefined {
  if (duration !== undefined && days !== undefined)
    throw at(path, Errors.deprecatedTogether(what, `${name}Days`, name));
  if (duration === undefined) return days;
  if (duration.toMinutes() % 1440 !== 0) throw at(path, Errors.notWholeDays(what, name, duration.toString()));
  return duration.toDaysCeil();
}

function normalizeRule(r: BackupRuleProps, path: string): Rule {
  const what = `rule ${r.ruleName}`;
  const deleteAfterDays = daysOf(path, what, r.deleteAfter, r.deleteAfterDays, "deleteAfter");
  if (deleteAfterDays === undefined)
    throw at(
      path,
      Errors.missingProp(what, "deleteAfter", "a Duration of whole days (or the deprecated deleteAfterDays)"),
    );
  const copyActions = r.copyActions?.map((c, i) => {
    const cw = `${what} copy action ${i + 1}`;
    const d = daysOf(path, cw, c.deleteAfter, c.deleteAfterDays, "deleteAfter");
    if (d === undefined)
      throw at(
        path,
        Errors.missingProp(cw, "deleteAfter", "a Duration of whole days (or the deprecated deleteAfterDays)"),
      );
    const { deleteAfter: _d, coldStorageAfter: _c, ...rest } = c;
    return {
      ...rest,
      deleteAfterDays: d,
      coldStorageAfterDays: daysOf(path, cw, c.coldStorageAfter, c.coldStorageAfterDays, "coldStorageAfter"),
    };
  });
  const { deleteAfter: _d, coldStorageAfter: _c, ...rest } = r;
  return {
    ...rest,
    deleteAfterDays,
    coldStorageAfterDays: daysOf(path, what, r.coldStorageAfter, r.coldStorageAfterDays, "coldStorageAfter"),
    copyActions,
  };
}

/** The provider block of one rule. */
function renderRule(r: Rule): BackupPlanRule {
  return {
    ruleName: r.ruleName,
    targetVaultName: targetName(r),
    schedule: r.schedule.toAwsCron(),
    scheduleExpressionTimezone: r.scheduleTimezone,
    startWindow: r.startWindowMinutes ?? 60,
    completionWindow: r.completionWindowMinutes ?? 7 * 1440,
    enableContinuousBackup: r.continuous ? true : undefined,
    lifecycle: { deleteAfter: r.deleteAfterDays, coldStorageAfter: r.coldStorageAfterDays },
    copyAction: r.copyActions?.map((c) => ({
      destinationVaultArn: (c.destinationVault?.vaultArn ?? c.destinationVaultArn)!,
      lifecycle: { deleteAfter: c.deleteAfterDays, coldStorageAfter: c.coldStorageAfterDays },
    })),
    recoveryPointTags: r.recoveryPointTags ? { ...r.recoveryPointTags } : undefined,
  };
}

function targetName(r: BackupRuleProps): string {
  return (r.targetVault?.vaultName ?? r.targetVaultName)!;
}

function validateRule(r: Rule, existing: readonly Rule[], path: string): void {
  if ((r.targetVault === undefined) === (r.targetVaultName === undefined))
    throw Errors.ruleTarget(path, r.ruleName, "targetVault or targetVaultName");
  for (const [i, c] of (r.copyActions ?? []).entries()) {
    if ((c.destinationVault === undefined) === (c.destinationVaultArn === undefined))
      throw Errors.ruleTarget(
        path,
        `${r.ruleName}\` copy action ${i + 1} \``,
        "destinationVault or destinationVaultArn",
      );
  }
  const writes = [
    { what: `rule \`${r.ruleName}\``, vault: r.targetVault, days: r.deleteAfterDays },
    ...(r.copyActions ?? []).map((c, i) => ({
      what: `rule \`${r.ruleName}\` copy action ${i + 1}`,
      vault: c.destinationVault,
      days: c.deleteAfterDays,
    })),
  ];
  for (const w of writes) {
    const lock = w.vault?.lock;
    if (!lock || Token.isUnresolved(w.days) || Token.isUnresolved(lock.minRetentionDays)) continue;
    const breach = lockBreach(w.days, { minDays: lock.minRetentionDays, maxDays: lock.maxRetentionDays });
    if (breach) throw lockError(path, w.what, w.days, w.vault!, breach);
  }
  if (!AwsLimits.ruleName.test(r.ruleName))
    throw at(path, Errors.invalidRuleName(r.ruleName, "the name does not fit AWS Backup's rule name pattern"));
  if (existing.some((e) => e.ruleName === r.ruleName))
    throw at(path, Errors.invalidRuleName(r.ruleName, "the plan already has a rule of that name"));
  const start = r.startWindowMinutes ?? 60;
  const completion = r.completionWindowMinutes ?? 7 * 1440;
  if (start < 60 || completion <= start) throw at(path, Errors.backupWindow(r.ruleName, start, completion));
  const lifecycles = [
    { what: `rule \`${r.ruleName}\``, d: r.deleteAfterDays, c: r.coldStorageAfterDays },
    ...(r.copyActions ?? []).map((c, i) => ({
      what: `rule \`${r.ruleName}\` copy action ${i + 1}`,
      d: c.deleteAfterDays,
      c: c.coldStorageAfterDays,
    })),
  ];
  for (const l of lifecycles) {
    if (l.c !== undefined && l.d < l.c + AwsLimits.coldStorageMinDays)
      throw at(path, Errors.coldStorageTooLate(l.what, l.d, l.c));
  }
  if (r.continuous) {
    if (r.deleteAfterDays < AwsLimits.continuousMinDays || r.deleteAfterDays > AwsLimits.continuousMaxDays)
      throw at(
        path,
        Errors.continuousRule(
          r.ruleName,
          `deleteAfterDays is ${r.deleteAfterDays}; AWS keeps continuous points 1–35 days`,
        ),
      );
    if (r.coldStorageAfterDays !== undefined)
      throw at(path, Errors.continuousRule(r.ruleName, "continuous points cannot move to cold storage"));
    const other = existing.find((e) => e.continuous && targetName(e) !== targetName(r));
    // AWS rejects a plan whose continuous rules write to different vaults.
    if (other)
      throw at(
        path,
        Errors.continuousRule(
          r.ruleName,
          `rule \`${other.ruleName}\` of this plan already writes continuous points to vault \`${targetName(other)}\``,
        ),
      );
  }
}

/** GOV-019 for a rule or copy action of a plan: the catalog rule's judgement, worded for props. */
export function lockError(
  path: string,
  what: string,
  days: number,
  vault: IBackupVault,
  breach: { bound: "minimum" | "maximum"; limitDays: number },
): GovernanceError {
  const fix =
    breach.bound === "minimum"
      ? `keep the points at least ${breach.limitDays} days (deleteAfterDays), or write them to another vault`
      : `keep the points at most ${breach.limitDays} days, or write them to another vault`;
  return new GovernanceError(
    "GOV-019",
    path,
    `${what} keeps points ${days} days, ${breach.bound === "minimum" ? "below" : "above"} the lock ${breach.bound} of ${breach.limitDays} days of vault ${vault.node.path}; AWS Backup would fail every job`,
    fix,
  );
}

/**
 * The rules of a tier, as the catalog derives them for a service of that tier (one per
 * retention class, monthly and yearly rules on the 1st), scheduled apart by {@link stagger}.
 */
function tierRules(c: Classification, cadence: Cadence, vault: IBackupVault, copyTo?: IBackupVault): BackupRuleProps[] {
  const retention = tierRetention(tierOf(c), cadence);
  const classes = retention.classes();
  const cadenceOf = (k: RetentionClass) =>
    k === RetentionClass.HOURLY ? cadence : k === RetentionClass.WEEKLY ? Cadence.weekly() : Cadence.daily();
  const schedules = stagger(classes.map((k) => ({ key: k, group: "vault", cadence: cadenceOf(k) })));
  return classes.map((k): BackupRuleProps => {
    const daily = schedules.get(k)!;
    const schedule =
      k === RetentionClass.MONTHLY
        ? daily.onDayOfMonth(1)
        : k === RetentionClass.YEARLY
          ? daily.onDayOfMonth(1, 1)
          : daily;
    const deleteAfterDays = retention.lifetimeDays(k, cadence.intervalMinutes);
    const sub = cadenceOf(k).isSubDaily;
    return {
      ruleName: k,
      targetVault: vault,
      schedule,
      startWindowMinutes: START_WINDOW_MINUTES,
      completionWindowMinutes: sub ? Math.max(2 * 60, cadence.intervalMinutes) : 7 * 1440,
      deleteAfterDays,
      copyActions: copyTo ? [{ destinationVault: copyTo, deleteAfterDays }] : undefined,
    };
  });
}
