import { BackupRestoreTestingPlan } from "@cdktf/provider-aws/lib/backup-restore-testing-plan";
import { BackupRestoreTestingSelection } from "@cdktf/provider-aws/lib/backup-restore-testing-selection";
import { Construct, type ITerraformDependable, type TerraformProvider, Token } from "../core/cdk";
import { dependOnce } from "../private/depends-on";
import type { Schedule } from "../core/schedule";
import { at, Errors } from "../errors";
import type { BackupServiceRole } from "./backup-service-role";
import type { IBackupVault } from "./encrypted-vault";
import { AwsLimits, AwsResourceType, resourceTypeInfo } from "../policy/aws-backup";
import { reachChecksAbove } from "../governance/reach";
import { checkConstructProps } from "../private/props";

/** Which recovery point of the window a restore test picks. */
export enum RestoreTestingAlgorithm {
  LATEST_WITHIN_WINDOW = "LATEST_WITHIN_WINDOW",
  RANDOM_WITHIN_WINDOW = "RANDOM_WITHIN_WINDOW",
}

/** Kinds of recovery points a restore test may pick. */
export enum RecoveryPointType {
  SNAPSHOT = "SNAPSHOT",
  CONTINUOUS = "CONTINUOUS",
}

/** Props of {@link RestoreTestingPlan}. */
export interface RestoreTestingPlanProps {
  /** @default - derived from the construct id (hyphens become underscores) */
  readonly planName?: string;
  /** When tests start (rendered as an AWS cron expression). */
  readonly schedule: Schedule;
  /** IANA time zone of the schedule. @default - UTC */
  readonly scheduleTimezone?: string;
  /** Hours after the scheduled time a test may still start (1–168). @default 24 */
  readonly startWindowHours?: number;
  /** @default RestoreTestingAlgorithm.LATEST_WITHIN_WINDOW */
  readonly algorithm?: RestoreTestingAlgorithm;
  /**
   * Vaults the tested points come from, by reference: the plan waits for those this app creates.
   * @default - `includeVaults`, else every vault (`*`)
   */
  readonly vaults?: readonly IBackupVault[];
  /** Vault ARNs the tested points come from (with or instead of `vaults`). @default - every vault (`*`) */
  readonly includeVaults?: readonly string[];
  /** @default [RecoveryPointType.SNAPSHOT] */
  readonly recoveryPointTypes?: readonly RecoveryPointType[];
  /** Only points younger than this many days are picked (1–365). @default 30 */
  readonly selectionWindowDays?: number;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What {@link RestoreTestingPlan.addSelection} tests. */
export interface RestoreTestingSelectionOptions {
  /** Unique in the plan; letters, digits and `_` only. */
  readonly selectionName: string;
  /** A type restore testing supports (Aurora, DocumentDB, DynamoDB, EBS, EC2, EFS, FSx, Neptune, RDS, S3). */
  readonly resourceType: AwsResourceType;
  /**
   * The role AWS Backup assumes to restore.
   * @default - `iamRoleArn` (one of the two is required)
   */
  readonly role?: BackupServiceRole;
  /**
   * ARN of the role AWS Backup assumes to restore.
   * @default - `role`'s ARN
   */
  readonly iamRoleArn?: string;
  /** Resources to test, by ARN. Give these or `tags`. @default - none */
  readonly protectedResourceArns?: readonly string[];
  /** Resources to test, by tags (all must match). Give these or ARNs. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /** Hours the restored resource is kept for validation before AWS deletes it (1–168). @default 24 */
  readonly validationWindowHours?: number;
  /** Restore metadata overrides (subnet group, instance class, ...). @default - inferred by AWS */
  readonly restoreMetadataOverrides?: Readonly<Record<string, string>>;
}

/**
 * An AWS Backup restore testing plan: on a schedule, AWS restores a recent recovery point of
 * each selected resource, waits for validation, and deletes the restored copy. The restore
 * job's duration is the measured RTO.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export class RestoreTestingPlan extends Construct {
  /** @attribute */
  public readonly plan: BackupRestoreTestingPlan;
  /** @attribute */
  public readonly planName: string;
  private readonly names = new Set<string>();
  private readonly props: RestoreTestingPlanProps;

  constructor(scope: Construct, id: string, props: RestoreTestingPlanProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "RestoreTestingPlan", props);
    this.props = props;
    const name = props.planName ?? `${id}_${this.node.addr.slice(-8)}`.replace(/-/g, "_");
    if (!Token.isUnresolved(name) && !AwsLimits.restoreTestingName.test(name))
      throw at(this, Errors.invalidRestoreTestingName(name));
    range(this.node.path, "startWindowHours", props.startWindowHours ?? 24, 1, 168);
    range(this.node.path, "selectionWindowDays", props.selectionWindowDays ?? 30, 1, 365);
    this.plan = this.createPlan(name);
    this.planName = this.plan.name;
    for (const d of (props.vaults ?? []).flatMap((v) => v.dependables)) dependOnce(this.plan, d);
  }

  /** Makes the plan wait for a resource it names only by literal (a vault in `includeVaults`). */
  public addDependency(dependency: ITerraformDependable): void {
    dependOnce(this.plan, dependency);
  }

  /** Adds resources of one type to test, by ARNs or by tags (exactly one of the two). */
  public addSelection(id: string, options: RestoreTestingSelectionOptions): BackupRestoreTestingSelection {
    const name = options.selectionName;
    if (!AwsLimits.restoreTestingName.test(name)) throw at(this, Errors.invalidRestoreTestingName(name));
    if (this.names.has(name))
      throw at(this, Errors.restoreTestingSelection(name, "the plan already has a selection of that name"));
    const arns = options.protectedResourceArns ?? [];
    const tags = Object.entries(options.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (arns.length > 0 === tags.length > 0)
      throw at(
        this,
        Errors.restoreTestingSelection(name, arns.length ? "give ARNs or tags, not both" : "give ARNs or tags"),
      );
    if (!resourceTypeInfo(options.resourceType).restoreTestable)
      throw at(this, Errors.restoreTestingSelection(name, `restore testing does not support ${options.resourceType}`));
    range(this.node.path, "validationWindowHours", options.validationWindowHours ?? 24, 1, 168);
    if ((options.role === undefined) === (options.iamRoleArn === undefined))
      throw at(this, Errors.restoreTestingSelection(name, "give exactly one of role and iamRoleArn"));
    this.names.add(name);
    return new BackupRestoreTestingSelection(this, id, {
      name,
      restoreTestingPlanName: this.plan.name,
      protectedResourceType: options.resourceType,
      iamRoleArn: (options.role?.roleArn ?? options.iamRoleArn)!,
      protectedResourceArns: arns.length ? [...arns] : undefined,
      protectedResourceConditions: tags.length
        ? [{ stringEquals: tags.map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) }]
        : undefined,
      validationWindowHours: options.validationWindowHours ?? 24,
      restoreMetadataOverrides: options.restoreMetadataOverrides ? { ...options.restoreMetadataOverrides } : undefined,
      provider: this.props.provider,
    });
  }

  protected createPlan(name: string): BackupRestoreTestingPlan {
    const p = this.props;
    return new BackupRestoreTestingPlan(this, "Resource", {
      name,
      scheduleExpression: p.schedule.toAwsCron(),
      scheduleExpressionTimezone: p.scheduleTimezone,
      startWindowHours: p.startWindowHours ?? 24,
      recoveryPointSelection: [
        {
          algorithm: p.algorithm ?? RestoreTestingAlgorithm.LATEST_WITHIN_WINDOW,
          includeVaults:
            p.vaults?.length || p.includeVaults?.length
              ? [...(p.vaults ?? []).map((v) => v.vaultArn), ...(p.includeVaults ?? [])]
              : ["*"],
          recoveryPointTypes: [...(p.recoveryPointTypes ?? [RecoveryPointType.SNAPSHOT])],
          selectionWindowDays: p.selectionWindowDays ?? 30,
        },
      ],
      provider: p.provider,
      tags: p.tags ? { ...p.tags } : undefined,
    });
  }
}

function range(path: string, what: string, value: number, min: number, max: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max))
    throw at(path, Errors.restoreTestingRange(what, value, `${min}..${max}`));
}
