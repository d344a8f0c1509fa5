import { BackupPlan, type BackupPlanRule, backupPlanRuleToTerraform } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { Construct, type ITerraformDependable, Lazy, type TerraformProvider, Token } from "../core/cdk";
import { dependOnce } from "../private/depends-on";
import type { Schedule } from "../core/schedule";
import { Errors } from "../errors";
import { AwsLimits } from "../policy/aws-backup";

/** A copy of each recovery point into another vault (another region or account). */
export interface BackupRuleCopyAction {
  /** ARN of the destination vault. */
  readonly destinationVaultArn: string;
  /** Days the copy is kept. */
  readonly deleteAfterDays: number;
  /** @default - the copy stays in warm storage */
  readonly coldStorageAfterDays?: number;
}

/** One rule of a {@link TierBackupPlan}. */
export interface BackupRuleProps {
  /** Unique in the plan: `daily`, `weekly`, ... */
  readonly ruleName: string;
  /** Name of the vault recovery points are written to. */
  readonly targetVaultName: string;
  /** When the rule runs (rendered as an AWS cron expression). */
  readonly schedule: Schedule;
  /** IANA time zone of the schedule. @default - UTC */
  readonly scheduleTimezone?: string;
  /** Minutes after the scheduled time a job may still start. @default 60 (the minimum) */
  readonly startWindowMinutes?: number;
  /** Minutes a started job may run. @default 10080 (7 days) */
  readonly completionWindowMinutes?: number;
  /** Days each recovery point is kept. */
  readonly deleteAfterDays: number;
  /**
   * Days before points move to cold storage (resource types without a cold tier ignore it).
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
  /** The role AWS Backup assumes (see BackupServiceRole). */
  readonly iamRoleArn: string;
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
 * limits before anything is planned; resources are assigned with {@link addSelection}.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/about-backup-plans.html
 */
export class TierBackupPlan extends Construct {
  /** @attribute */
  public readonly plan: BackupPlan;
  /** @attribute */
  public readonly planId: string;
  /** @attribute */
  public readonly planArn: string;
  /** @attribute */
  public readonly planName: string;
  private readonly rules: BackupRuleProps[] = [];
  private readonly selections: BackupSelection[] = [];
  private readonly props: TierBackupPlanProps;

  constructor(scope: Construct, id: string, props: TierBackupPlanProps = {}) {
    super(scope, id);
    this.props = props;
    const name = props.planName ?? `${id}-${this.node.addr.slice(-8)}`;
    if (!Token.isUnresolved(name) && !AwsLimits.planName.test(name)) throw Errors.invalidPlanName(name);
    this.plan = this.createPlan(name);
    this.planId = this.plan.id;
    this.planArn = this.plan.arn;
    this.planName = this.plan.name;
    for (const r of props.rules ?? []) this.addRule(r);
    this.node.addValidation({ validate: () => (this.rules.length ? [] : [Errors.planWithoutRules(this.node.path).message]) });
  }

  /** Adds a rule, after checking it against AWS Backup's limits. */
  public addRule(rule: BackupRuleProps): void {
    validateRule(rule, this.rules);
    this.rules.push(rule);
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
    if (!Token.isUnresolved(name) && !AwsLimits.selectionName.test(name)) throw Errors.invalidSelectionName(name);
    const tags = Object.entries(options.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const resources = options.resources ?? [];
    if (resources.length === 0 && tags.length === 0) throw Errors.selectionSelectsEverything(name);
    const selection = new BackupSelection(this, id, {
      name,
      planId: this.plan.id,
      iamRoleArn: options.iamRoleArn,
      // With conditions only, the resource list is the universe the conditions filter.
      resources: resources.length ? [...resources] : ["*"],
      notResources: options.notResources?.length ? [...options.notResources] : undefined,
      condition: tags.length ? [{ stringEquals: tags.map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }] : undefined,
      provider: this.props.provider,
    });
    this.selections.push(selection);
    return selection;
  }

  protected createPlan(name: string): BackupPlan {
    return new BackupPlan(this, "Resource", {
      name,
      // Rules are added after construction; the block list is produced at synth time.
      rule: Lazy.anyValue({ produce: () => this.rules.map((r) => backupPlanRuleToTerraform(renderRule(r))) }) as unknown as BackupPlanRule[],
      provider: this.props.provider,
      tags: this.props.tags ? { ...this.props.tags } : undefined,
    });
  }
}

/** The provider block of one rule. */
function renderRule(r: BackupRuleProps): BackupPlanRule {
  return {
    ruleName: r.ruleName,
    targetVaultName: r.targetVaultName,
    schedule: r.schedule.toAwsCron(),
    scheduleExpressionTimezone: r.scheduleTimezone,
    startWindow: r.startWindowMinutes ?? 60,
    completionWindow: r.completionWindowMinutes ?? 7 * 1440,
    enableContinuousBackup: r.continuous ? true : undefined,
    lifecycle: { deleteAfter: r.deleteAfterDays, coldStorageAfter: r.coldStorageAfterDays },
    copyAction: r.copyActions?.map((c) => ({ destinationVaultArn: c.destinationVaultArn, lifecycle: { deleteAfter: c.deleteAfterDays, coldStorageAfter: c.coldStorageAfterDays } })),
    recoveryPointTags: r.recoveryPointTags ? { ...r.recoveryPointTags } : undefined,
  };
}

function validateRule(r: BackupRuleProps, existing: readonly BackupRuleProps[]): void {
  if (!AwsLimits.ruleName.test(r.ruleName)) throw Errors.invalidRuleName(r.ruleName, "the name does not fit AWS Backup's rule name pattern");
  if (existing.some((e) => e.ruleName === r.ruleName)) throw Errors.invalidRuleName(r.ruleName, "the plan already has a rule of that name");
  const start = r.startWindowMinutes ?? 60;
  const completion = r.completionWindowMinutes ?? 7 * 1440;
  if (start < 60 || completion <= start) throw Errors.backupWindow(r.ruleName, start, completion);
  const lifecycles = [{ what: `rule \`${r.ruleName}\``, d: r.deleteAfterDays, c: r.coldStorageAfterDays }, ...(r.copyActions ?? []).map((c, i) => ({ what: `rule \`${r.ruleName}\` copy action ${i + 1}`, d: c.deleteAfterDays, c: c.coldStorageAfterDays }))];
  for (const l of lifecycles) {
    if (l.c !== undefined && l.d < l.c + AwsLimits.coldStorageMinDays) throw Errors.coldStorageTooLate(l.what, l.d, l.c);
  }
  if (r.continuous) {
    if (r.deleteAfterDays < AwsLimits.continuousMinDays || r.deleteAfterDays > AwsLimits.continuousMaxDays) throw Errors.continuousRule(r.ruleName, `deleteAfterDays is ${r.deleteAfterDays}; AWS keeps continuous points 1–35 days`);
    if (r.coldStorageAfterDays !== undefined) throw Errors.continuousRule(r.ruleName, "continuous points cannot move to cold storage");
    const other = existing.find((e) => e.continuous && e.targetVaultName !== r.targetVaultName);
    // AWS rejects a plan whose continuous rules write to different vaults.
    if (other) throw Errors.continuousRule(r.ruleName, `rule \`${other.ruleName}\` of this plan already writes continuous points to vault \`${other.targetVaultName}\``);
  }
}
