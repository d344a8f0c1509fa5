import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { ITerraformDependable } from "../../core/cdk";
import type { Duration } from "../../core/duration";
import { at, Errors } from "../../errors";
import { knownRegion, literalRegion } from "../aws-region";
import type { IBackupVault } from "../encrypted-vault";
import { absenceAlarm } from "./alarms";
import { type AlertingScope, estateName, type MonitoringScope } from "./scope";
import { FAILURE_VAULT_EVENTS, type VaultEvent } from "./vault-events";

/** A vault whose backup jobs must keep completing. */
export interface VaultFreshnessProps {
  readonly vaultName: string;
  /**
   * How long without a completed backup job into the vault before the alarm fires.
   * PROVIDER NOTE: CloudWatch evaluates at most 7 days; longer windows are cut to 7 days.
   */
  readonly window: Duration;
}

/** Props of {@link VaultMonitoring}. */
export interface VaultMonitoringProps {
  /**
   * Vaults in the scope's Region: each gets vault notifications and alarms on failed backup
   * and copy jobs and expired recovery points. The notifications wait for the vaults this app
   * creates (their `dependables`).
   * @default - none
   */
  readonly vaults?: readonly IBackupVault[];
  /**
   * Vaults in other Regions that receive copies from this one: each gets an alarm on failed
   * copy jobs here (AWS Backup reports copy jobs under the destination vault).
   * @default - none
   */
  readonly copyDestinationVaults?: readonly IBackupVault[];
  /** Vaults of the scope's Region by name. @default - none */
  readonly vaultNames?: readonly string[];
  /** Copy destinations by name. @default - none */
  readonly copyDestinationVaultNames?: readonly string[];
  /** Resources the notifications of `vaultNames` must wait for. @default - none */
  readonly vaultDependencies?: readonly ITerraformDependable[];
  /**
   * What vault notifications send (validated by `validateVaultEvents`).
   * @default FAILURE_VAULT_EVENTS
   */
  readonly events?: readonly VaultEvent[];
  /**
   * Vaults that get a breaching alarm on `NumberOfBackupJobsCompleted` (these metrics exist
   * only when non-zero: no datapoint over the window means no backup completed).
   * @default - none
   */
  readonly freshness?: readonly VaultFreshnessProps[];
  /**
   * The scope's Region, to refuse a vault of another one.
   * @default - the Region of the scope's provider, where known
   */
  readonly region?: string;
}

/**
 * AWS Backup's own signals per vault: vault notifications, and CloudWatch alarms on failed
 * backup and copy jobs and expired recovery points (these metrics exist only when non-zero,
 * so missing data is not breaching), and on backups that stopped completing.
 */
export class VaultMonitoring {
  /** Every alarm, in the order created. */
  public readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly scope: AlertingScope;

  constructor(scope: AlertingScope, props: VaultMonitoringProps) {
    this.scope = scope;
    checkVaultRegions(scope, props);
    const events = [...(props.events ?? FAILURE_VAULT_EVENTS)];
    // A vault by reference is named by its literal name where known (ids and alarm names
    // must be literal; the construct id stands in for a token name) and brings its own dependencies.
    const byName = (names: readonly string[] | undefined, deps: readonly ITerraformDependable[] | undefined) =>
      (names ?? []).map((n) => ({ key: n, name: n, deps }));
    const byRef = (vs: readonly IBackupVault[] | undefined) =>
      (vs ?? []).map((v) => ({
        key: v.literalName ?? v.node.id,
        name: v.literalName ?? v.vaultName,
        deps: v.dependables.length ? v.dependables : undefined,
      }));
    const local = [...byRef(props.vaults), ...byName(props.vaultNames, props.vaultDependencies)];
    const remote = [...byRef(props.copyDestinationVaults), ...byName(props.copyDestinationVaultNames, undefined)];
    for (const { key: vault, name, deps } of local) {
      new BackupVaultNotifications(scope.construct, `Notifications-${vault}`, {
        provider: scope.provider,
        backupVaultName: name,
        snsTopicArn: scope.topicArn,
        backupVaultEvents: events,
        dependsOn: deps ? [...deps] : undefined,
      });
      this.failureAlarm(
        vault,
        name,
        "NumberOfBackupJobsFailed",
        "backup-jobs-failed",
        `A backup job into vault ${vault} failed`,
      );
      this.failureAlarm(
        vault,
        name,
        "NumberOfCopyJobsFailed",
        "copy-jobs-failed",
        `A copy job into vault ${vault} failed`,
      );
      this.failureAlarm(
        vault,
        name,
        "NumberOfRecoveryPointsExpired",
        "recovery-points-expired",
        `Recovery points in vault ${vault} expired but could not be deleted (they are still billed)`,
      );
    }
    for (const { key: vault, name } of remote) {
      this.failureAlarm(
        vault,
        name,
        "NumberOfCopyJobsFailed",
        "copy-jobs-failed",
        `A copy job into vault ${vault} (another Region) failed`,
      );
    }
    for (const v of props.freshness ?? []) {
      // PROVIDER NOTE: AWS/Backup metrics are emitted only when non-zero: here, no data is exactly "nothing completed".
      const alarm = absenceAlarm(scope, `Alarm-${v.vaultName}-no-completed-backups`, v.window, {
        provider: scope.provider,
        alarmName: `${estateName(scope.estate, v.vaultName)}-no-completed-backups`,
        alarmDescription: `No backup job into vault ${v.vaultName} completed for ${v.window}: a plan, selection or schedule may have stopped`,
        namespace: "AWS/Backup",
        metricName: "NumberOfBackupJobsCompleted",
        dimensions: { BackupVaultName: v.vaultName },
      });
      this.alarms.push(alarm);
    }
  }

  /** `vault` names the alarm (literal); `vaultName` is the metric's dimension (may be a reference). */
  private failureAlarm(
    vault: string,
    vaultName: string,
    metricName: string,
    suffix: string,
    description: string,
  ): void {
    const { construct, provider, estate, topicArn } = this.scope;
    this.alarms.push(
      new CloudwatchMetricAlarm(construct, `Alarm-${vault}-${suffix}`, {
        provider,
        alarmName: `${estateName(estate, vault)}-${suffix}`,
        alarmDescription: description,
        namespace: "AWS/Backup",
        metricName,
        dimensions: { BackupVaultName: vaultName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // PROVIDER NOTE: AWS/Backup metrics are only emitted when non-zero: no data means nothing failed.
        treatMissingData: "notBreaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      }),
    );
  }
}

/**
 * Vault notifications and the vault's CloudWatch metrics exist only in the vault's Region
 * (AWS Backup is regional; the metrics are published in the Region of the job, under
 * `AWS/Backup`): a vault of another Region is refused where both Regions are known (MON-024).
 */
export function checkVaultRegions(
  scope: MonitoringScope,
  props: Pick<VaultMonitoringProps, "vaults" | "region">,
): void {
  const region = knownRegion(scope.construct, props.region, scope.provider);
  if (region === undefined) return;
  for (const v of props.vaults ?? []) {
    const vaultRegion = literalRegion(v.region);
    if (vaultRegion !== undefined && vaultRegion !== region)
      throw at(
        scope.construct,
        Errors.monitoredVaultElsewhere(scope.construct.node.path, v.literalName ?? v.node.path, vaultRegion, region),
      );
  }
}
