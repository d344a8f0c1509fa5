import type { BackupFramework } from "@cdktf/provider-aws/lib/backup-framework";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct, type ITerraformDependable, type TerraformProvider, type TerraformVariable } from "../core/cdk";
import { reachChecksAbove } from "../governance/reach";
import type { BackupBucket } from "./backup-bucket";
import type { BackupKey } from "./backup-key";
import type { IBackupVault } from "./encrypted-vault";
import { AlertTopic } from "./monitoring/alert-topic";
import { type AuditControlProps, AuditReports, validateAuditControls } from "./monitoring/audit-reports";
import { type ChatChannel, ChatChannels } from "./monitoring/chat-channels";
import { EventForwarding } from "./monitoring/event-forwarding";
import { BackupEventAlerts } from "./monitoring/event-rules";
import { HeartbeatAlarms, type HeartbeatServiceProps } from "./monitoring/heartbeat-alarms";
import { KeyAndLockGuard } from "./monitoring/lock-guard";
import { RecoveryPointFreshness, type RecoveryPointRuleProps } from "./monitoring/recovery-point-freshness";
import type { AlertingScope, MonitoringScope } from "./monitoring/scope";
import { TopicSubscriptions } from "./monitoring/topic-subscriptions";
import { validateVaultEvents, type VaultEvent } from "./monitoring/vault-events";
import { checkVaultRegions, type VaultFreshnessProps, VaultMonitoring } from "./monitoring/vault-monitoring";

import { checkConstructProps } from "../private/props";

// The focused parts are public too: a stack that wants only some of them composes them itself.
export * from "./monitoring/index";

/**
 * Props of {@link BackupMonitoring}: one flat set, each prop handed to the part that owns
 * it (named with each prop), so a catalog's `notifications` section maps onto it directly.
 */
export interface BackupMonitoringProps {
  /** The estate name: prefixes every resource name and is the heartbeat's `Estate` dimension. */
  readonly estate: string;
  /**
   * The AWS account id (or a token for it), for key, topic and bucket policies. Required:
   * a lookup through `aws_caller_identity` would call AWS at plan time.
   */
  readonly accountId: string;
  /** The provider (Region) to create everything with. @default - the stack's default provider */
  readonly provider?: TerraformProvider;
  /** {@link TopicSubscriptionsProps.emails}. @default - none */
  readonly emails?: readonly string[];
  /** {@link TopicSubscriptionsProps.webhooks}: sensitive variables `webhook_<name>_url`. @default - none */
  readonly webhooks?: readonly string[];
  /** {@link ChatChannelsProps.channels}: AWS Chatbot channels on the topic. @default - none */
  readonly chatChannels?: readonly ChatChannel[];
  /** {@link ChatChannelsProps.provider}: a provider of a Chatbot API Region. @default - `provider` (MON-030 outside those Regions) */
  readonly chatbotProvider?: TerraformProvider;
  /** {@link TopicSubscriptionsProps.pagerDuty}: the sensitive variable `pagerduty_integration_url`. @default false */
  readonly pagerDuty?: boolean;
  /** {@link VaultMonitoringProps.vaults}: notifications and failure alarms per vault of this Region. @default - none */
  readonly vaults?: readonly IBackupVault[];
  /** {@link VaultMonitoringProps.copyDestinationVaults}: copy-failure alarms for vaults of other Regions. @default - none */
  readonly copyDestinationVaults?: readonly IBackupVault[];
  /**
   * Vaults of this Region by name.
   * @default - none
   * @deprecated pass `vaults` (EncryptedVault.fromVaultName for an existing one)
   */
  readonly vaultNames?: readonly string[];
  /**
   * Copy destinations by name.
   * @default - none
   * @deprecated pass `copyDestinationVaults`
   */
  readonly copyDestinationVaultNames?: readonly string[];
  /**
   * What vault notifications send. Deprecated events ({@link DEPRECATED_VAULT_EVENTS}) are
   * refused: AWS accepts them and never sends them.
   * @default FAILURE_VAULT_EVENTS
   */
  readonly vaultEvents?: readonly VaultEvent[];
  /**
   * Resources the notifications of `vaultNames` must wait for.
   * @default - none (`vaults` bring their own)
   * @deprecated pass `vaults`: dependencies follow from the references
   */
  readonly vaultDependencies?: readonly ITerraformDependable[];
  /** {@link HeartbeatAlarmsProps.services}: heartbeat and size-anomaly alarms. @default - none */
  readonly heartbeats?: readonly HeartbeatServiceProps[];
  /** {@link AuditReportsProps.controls}; no framework and no report plans when empty. @default - none */
  readonly auditControls?: readonly AuditControlProps[];
  /** {@link AuditReportsProps.bucketName}. @default - a bucket `<estate>-backup-reports-<account>` */
  readonly reportBucketName?: string;
  /** {@link AuditReportsProps.retentionDays}. @default 400 */
  readonly reportRetentionDays?: number;
  /**
   * Protect the key and the report bucket from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** {@link RecoveryPointFreshnessProps.rules}: AWS Config freshness rules. @default - none */
  readonly recoveryPointRules?: readonly RecoveryPointRuleProps[];
  /** {@link VaultMonitoringProps.freshness}: alarms when no backup job completes. @default - none */
  readonly vaultFreshness?: readonly VaultFreshnessProps[];
  /**
   * The AWS partition of every ARN this construct writes (`aws-us-gov`, `aws-cn`).
   * @default "aws"
   */
  readonly partition?: string;
  /**
   * {@link EventForwardingProps.from}: other Regions whose failing AWS Backup events (and
   * guarded CloudTrail calls) are forwarded to this one's default event bus.
   * @default - none
   */
  readonly forwardEventsFrom?: readonly AwsProvider[];
  /**
   * Alert on the CloudTrail calls that can undo the locks ({@link KeyAndLockGuard}), here and
   * in `forwardEventsFrom`. Needs a CloudTrail trail with logging on.
   * @default true
   */
  readonly keyAndLockGuard?: boolean;
  /**
   * This construct's Region, for the event bus ARN that other Regions forward to.
   * @default - the `region` of `provider` (required with `forwardEventsFrom` when that is not an AwsProvider)
   */
  readonly region?: string;
}

/**
 * Backup monitoring for one estate in one Region: the notification topic and everything
 * that feeds it, as a facade over focused parts (the shape of cdk-monitoring-constructs'
 * MonitoringFacade): {@link AlertTopic} and {@link TopicSubscriptions}, {@link ChatChannels},
 * {@link VaultMonitoring}, {@link BackupEventAlerts} and {@link EventForwarding},
 * {@link KeyAndLockGuard}, {@link RecoveryPointFreshness}, {@link HeartbeatAlarms} and
 * {@link AuditReports}. Each adds its resources to this construct, so their addresses are
 * those this construct always gave them.
 */
export class BackupMonitoring extends Construct {
  /** @attribute */
  public readonly topic: SnsTopic;
  /** The KMS key of the topic (and of the report bucket): `encryptionKey.key`. @attribute */
  public readonly key: KmsKey;
  /** The topic's key as a {@link BackupKey}: add statements with `addToPolicy`. @attribute */
  public readonly encryptionKey: BackupKey;
  /** The sensitive variables holding webhook URLs, by channel name. @attribute */
  public readonly webhookVariables: ReadonlyMap<string, TerraformVariable>;
  /** @attribute */
  public readonly pagerDutyVariable?: TerraformVariable;
  /** @attribute */
  public readonly framework?: BackupFramework;
  /** The bucket this construct created for audit reports (a {@link BackupBucket}). @attribute */
  public readonly reportBucket?: BackupBucket;
  /** Every alarm, by child id. @attribute */
  public readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: BackupMonitoringProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "BackupMonitoring", props);
    // Everything refusable is refused before the first resource exists.
    validateVaultEvents(props.vaultEvents, this.node.path);
    const audit = props.auditControls ?? [];
    validateAuditControls(audit, this.node.path);
    const base: MonitoringScope = {
      construct: this,
      estate: props.estate,
      accountId: props.accountId,
      partition: props.partition,
      provider: props.provider,
    };
    checkVaultRegions(base, props);
    const preventDestroy = props.deletionProtection ?? true;

    const alertTopic = new AlertTopic(base, {
      preventDestroy,
      reportsUseKey: audit.length > 0 && !props.reportBucketName,
    });
    this.encryptionKey = alertTopic.encryptionKey;
    this.key = alertTopic.encryptionKey.key;
    this.topic = alertTopic.topic;
    const alerting: AlertingScope = { ...base, topicArn: this.topic.arn };
    const subscriptions = new TopicSubscriptions(alerting, props);
    this.webhookVariables = subscriptions.webhookVariables;
    this.pagerDutyVariable = subscriptions.pagerDutyVariable;
    if (props.chatChannels?.length)
      new ChatChannels(alerting, { channels: props.chatChannels, provider: props.chatbotProvider });
    const vaults = new VaultMonitoring(alerting, {
      vaults: props.vaults,
      copyDestinationVaults: props.copyDestinationVaults,
      vaultNames: props.vaultNames,
      copyDestinationVaultNames: props.copyDestinationVaultNames,
      vaultDependencies: props.vaultDependencies,
      events: props.vaultEvents,
      freshness: props.vaultFreshness,
      region: props.region,
    });
    new BackupEventAlerts(alerting);
    const guard = props.keyAndLockGuard ?? true;
    new EventForwarding(base, { from: props.forwardEventsFrom ?? [], keyAndLockGuard: guard, region: props.region });
    if (guard) new KeyAndLockGuard(alerting);
    new RecoveryPointFreshness(alerting, { rules: props.recoveryPointRules ?? [] });
    const heartbeats = new HeartbeatAlarms(alerting, { services: props.heartbeats ?? [] });
    this.alarms = [...vaults.alarms, ...heartbeats.alarms];
    if (audit.length > 0) {
      const reports = new AuditReports(base, {
        controls: audit,
        kmsKeyArn: this.key.arn,
        bucketName: props.reportBucketName,
        retentionDays: props.reportRetentionDays,
        preventDestroy,
      });
      this.framework = reports.framework;
      this.reportBucket = reports.bucket;
    }
  }

  /** The topic's ARN, for other constructs' alarms and notifications. */
  public get topicArn(): string {
    return this.topic.arn;
  }
}
