import { BackupFramework, type BackupFrameworkControl } from "@cdktf/provider-aws/lib/backup-framework";
import { BackupReportPlan } from "@cdktf/provider-aws/lib/backup-report-plan";
import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { ChatbotTeamsChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-teams-channel-configuration";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { TerraformProvider } from "../core/cdk";
import { Construct, type ITerraformDependable, TerraformStack, TerraformVariable, Token } from "../core/cdk";
import { Duration } from "../core/duration";
import { Heartbeat, heartbeatDimensions } from "../core/metrics";
import { at, Errors } from "../errors";
import { PolicyEffect, type PolicyStatement } from "../core/iam-policy";
import { knownRegion, literalRegion, regionOf } from "./aws-region";
import { BackupBucket } from "./backup-bucket";
import { BackupKey } from "./backup-key";
import type { IBackupVault } from "./encrypted-vault";
import { type AuditControlName, AuditLimits, type AuditScope } from "../policy/audit";
import type { AwsResourceType } from "../policy/aws-backup";
import { CONFIG_FREQUENCIES, type ConfigFrequency, configFrequency, detectionBound, LAST_RECOVERY_POINT_RULES, recoveryPointAge } from "../policy/aws-freshness";
import { reachChecksAbove } from "../governance/reach";
import { CHATBOT_API_REGIONS, customNotificationTemplate, isChatbotRegion } from "../policy/aws-chatbot";
import { guardPattern, guardRules } from "../policy/aws-guard";
import { checkConstructProps } from "../private/props";

/**
 * AWS Backup vault events that hashicorp/aws 5.100 accepts for vault notifications: its
 * validator's list (CONTINUOUS_BACKUP_INTERRUPTED, which AWS can send, is rejected). Some
 * are deprecated by AWS and never deliver: see {@link DEPRECATED_VAULT_EVENTS}.
 */
export enum VaultEvent {
  BACKUP_JOB_STARTED = "BACKUP_JOB_STARTED",
  BACKUP_JOB_COMPLETED = "BACKUP_JOB_COMPLETED",
  BACKUP_JOB_SUCCESSFUL = "BACKUP_JOB_SUCCESSFUL",
  BACKUP_JOB_FAILED = "BACKUP_JOB_FAILED",
  BACKUP_JOB_EXPIRED = "BACKUP_JOB_EXPIRED",
  RESTORE_JOB_STARTED = "RESTORE_JOB_STARTED",
  RESTORE_JOB_COMPLETED = "RESTORE_JOB_COMPLETED",
  RESTORE_JOB_SUCCESSFUL = "RESTORE_JOB_SUCCESSFUL",
  RESTORE_JOB_FAILED = "RESTORE_JOB_FAILED",
  COPY_JOB_STARTED = "COPY_JOB_STARTED",
  COPY_JOB_SUCCESSFUL = "COPY_JOB_SUCCESSFUL",
  COPY_JOB_FAILED = "COPY_JOB_FAILED",
  RECOVERY_POINT_MODIFIED = "RECOVERY_POINT_MODIFIED",
  BACKUP_PLAN_CREATED = "BACKUP_PLAN_CREATED",
  BACKUP_PLAN_MODIFIED = "BACKUP_PLAN_MODIFIED",
  S3_BACKUP_OBJECT_FAILED = "S3_BACKUP_OBJECT_FAILED",
  S3_RESTORE_OBJECT_FAILED = "S3_RESTORE_OBJECT_FAILED",
  RECOVERY_POINT_INDEX_COMPLETED = "RECOVERY_POINT_INDEX_COMPLETED",
  RECOVERY_POINT_INDEX_DELETED = "RECOVERY_POINT_INDEX_DELETED",
  RECOVERY_POINT_INDEXING_FAILED = "RECOVERY_POINT_INDEXING_FAILED",
}

/**
 * Vault events AWS Backup still accepts (and hashicorp/aws 5.100 still validates) but no
 * longer sends: PutBackupVaultNotifications lists them as deprecated, "no longer supported
 * and will not return statuses or notifications". A subscription to them plans and applies
 * cleanly and never delivers, so this library refuses them (MON-020).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
 */
export const DEPRECATED_VAULT_EVENTS: readonly VaultEvent[] = [
  VaultEvent.BACKUP_JOB_SUCCESSFUL,
  VaultEvent.BACKUP_JOB_FAILED,
  VaultEvent.BACKUP_JOB_EXPIRED,
  VaultEvent.RESTORE_JOB_SUCCESSFUL,
  VaultEvent.RESTORE_JOB_FAILED,
  VaultEvent.BACKUP_PLAN_CREATED,
  VaultEvent.BACKUP_PLAN_MODIFIED,
];

/**
 * The vault events that mean something went wrong and still deliver: the default of
 * {@link BackupMonitoringProps.vaultEvents}. Failed, aborted and expired backup jobs, failed
 * copy jobs and failed or aborted restores reach the topic through the EventBridge rules
 * (which see every state); the vault notification adds the per-object S3 failures, which
 * no job state change carries.
 */
export const FAILURE_VAULT_EVENTS: readonly VaultEvent[] = [VaultEvent.S3_BACKUP_OBJECT_FAILED, VaultEvent.S3_RESTORE_OBJECT_FAILED];

/** The chat tools AWS Chatbot delivers to. */
export enum ChatTool {
  SLACK = "slack",
  TEAMS = "teams",
}

/**
 * A chat channel that receives the alert topic through AWS Chatbot: the route that delivers
 * to Slack and Microsoft Teams. (An incoming webhook of either cannot confirm an SNS HTTPS
 * subscription, and SNS sends nothing to an unconfirmed one.) The workspace or team must have
 * been authorized in the AWS Chatbot console once, by hand; the ids come from there.
 *
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/what-is.html
 */
export class ChatChannel {
  /** A Slack channel of an authorized workspace. */
  public static slack(props: { readonly name: string; readonly workspaceId: string; readonly channelId: string }): ChatChannel {
    return new ChatChannel(ChatTool.SLACK, props.name, { workspaceId: props.workspaceId, channelId: props.channelId });
  }

  /** A Microsoft Teams channel of an authorized team. */
  public static teams(props: { readonly name: string; readonly tenantId: string; readonly teamId: string; readonly channelId: string }): ChatChannel {
    return new ChatChannel(ChatTool.TEAMS, props.name, { tenantId: props.tenantId, teamId: props.teamId, channelId: props.channelId });
  }

  private constructor(
    public readonly tool: ChatTool,
    public readonly name: string,
    public readonly ids: Readonly<Record<string, string>>,
  ) {}
}

/** One service whose backups must keep arriving: its heartbeat and size alarms. */
export interface HeartbeatServiceProps {
  /** The catalog id, the `Service` dimension of the heartbeat metrics. */
  readonly serviceId: string;
  /**
   * Which of the service's backups this alarm watches: the `Source` dimension (the
   * Prometheus `engine` label: `postgresql`, `mysql`, `mongodb`, `files`, `vzdump`). A service
   * backed up by more than one source gets one entry per source, so that one source's
   * successes never hide another's failures. Alarm ids and names then carry the source.
   * @default - no `Source` dimension: only for heartbeats written without one
   */
  readonly source?: string;
  /**
   * How long without a successful run before the alarm fires (the service's freshness
   * threshold: RPO or job cadence, plus margin).
   *
   * PROVIDER NOTE: CloudWatch evaluates at most 7 days (period × evaluation periods ≤
   * 604,800 s); a longer window is cut to 7 days.
   */
  readonly window: Duration;
  /**
   * The period of the size metric for the anomaly band: how often runs happen.
   * @default - one day
   */
  readonly sizePeriod?: Duration;
  /**
   * Whether to alarm when the backup size leaves its anomaly-detection band.
   * @default true
   */
  readonly sizeAnomaly?: boolean;
}

/**
 * The freshness of AWS Backup resources of one kind, judged by AWS Config's managed rule
 * `<TYPE>_LAST_BACKUP_RECOVERY_POINT_CREATED`: NON_COMPLIANT when a resource has no recovery
 * point younger than `maxAge`. Catches what no failure event can: a resource that is no
 * longer selected (a tag removed, a plan deleted) has no job that could fail.
 *
 * Needs an AWS Config configuration recorder in the Region (GOV-104).
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/rds-last-backup-recovery-point-created.html
 */
export interface RecoveryPointRuleProps {
  /** Unique suffix of the rule name `<estate>-<name>-last-recovery-point`. */
  readonly name: string;
  /** The resource type; one of those with a managed rule (see `LAST_RECOVERY_POINT_RULES`). */
  readonly resourceType: AwsResourceType;
  /** The oldest a last recovery point may be: rounded up to hours (at most 744) or days (at most 31). */
  readonly maxAge: Duration;
  /**
   * How often AWS Config evaluates the rule. The alert names the detection bound: `maxAge`
   * plus this period.
   * @default - the longest AWS Config offers that is at most a quarter of `maxAge`, hourly at the least
   */
  readonly frequency?: ConfigFrequency;
  /** AWS Config's id of the one resource to check (a table name, bucket name, volume id, ...). @default - every resource of the type, or `resourceTags` */
  readonly resourceId?: string;
  /** Check the resources with these tags (all of them). @default - every resource of the type, or `resourceId` */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/** A vault whose backup jobs must keep completing. */
export interface VaultFreshnessProps {
  readonly vaultName: string;
  /**
   * How long without a completed backup job into the vault before the alarm fires.
   * PROVIDER NOTE: CloudWatch evaluates at most 7 days; longer windows are cut to 7 days.
   */
  readonly window: Duration;
}

/** One control of the audit framework. */
export interface AuditControlProps {
  readonly name: AuditControlName;
  /** Input parameters, as strings (`{ maxRestoreTime: "120" }`). @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** What the control looks at. @default - every supported resource */
  readonly scope?: AuditScope;
}

/** Props of {@link BackupMonitoring}. */
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
  /** Addresses subscribed to the topic by email (each must confirm). @default - none */
  readonly emails?: readonly string[];
  /**
   * Webhook channel names. Each becomes a sensitive Terraform variable
   * `webhook_<name>_url` (never a literal) and an HTTPS subscription to it.
   * @default - none
   */
  readonly webhooks?: readonly string[];
  /**
   * Chat channels that receive every alert of the topic through AWS Chatbot, with a role
   * that may do nothing and a read-only guardrail (AWS Chatbot applies AdministratorAccess
   * as the guardrail when none is given).
   * @default - none
   */
  readonly chatChannels?: readonly ChatChannel[];
  /**
   * The provider the chat channels (and their role) are created with: one of a Region that
   * serves the AWS Chatbot API (us-east-2, us-west-2, eu-west-1, ap-southeast-1; see
   * `CHATBOT_API_REGIONS`). A channel configuration created anywhere else fails at apply. The
   * channels deliver the topic of this construct's Region all the same.
   * @default - `provider`, which must then be in a Chatbot API Region (MON-030)
   */
  readonly chatbotProvider?: TerraformProvider;
  /**
   * Subscribe a PagerDuty integration: adds the sensitive variable
   * `pagerduty_integration_url` (PagerDuty's CloudWatch/SNS integration URL).
   * @default false
   */
  readonly pagerDuty?: boolean;
  /**
   * Vaults in this construct's Region: each gets vault notifications and alarms on failed
   * backup and copy jobs and expired recovery points. The notifications wait for the vaults
   * this app creates (their `dependables`).
   * @default - none
   */
  readonly vaults?: readonly IBackupVault[];
  /**
   * Vaults in other Regions that receive copies from this one: each gets an alarm on
   * failed copy jobs here (AWS Backup reports copy jobs under the destination vault).
   * @default - none
   */
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
  /** Services watched by heartbeat (and size anomaly) alarms. @default - none */
  readonly heartbeats?: readonly HeartbeatServiceProps[];
  /**
   * The Audit Manager framework's controls; no framework and no report plans when empty.
   * @default - none
   */
  readonly auditControls?: readonly AuditControlProps[];
  /**
   * An existing bucket to deliver audit reports to, instead of the one this construct creates.
   * @default - a KMS-encrypted, versioned, TLS-only bucket `<estate>-backup-reports-<account>`
   */
  readonly reportBucketName?: string;
  /**
   * Days audit reports are kept in the created bucket.
   * @default 400
   */
  readonly reportRetentionDays?: number;
  /**
   * Protect the key and the report bucket from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * AWS Config rules judging the freshness of AWS Backup resources; their NON_COMPLIANT
   * compliance changes go to the topic through one EventBridge rule.
   * @default - none
   */
  readonly recoveryPointRules?: readonly RecoveryPointRuleProps[];
  /**
   * Vaults that get a breaching alarm on `NumberOfBackupJobsCompleted` (these metrics exist
   * only when non-zero: no datapoint over the window means no backup completed).
   * @default - none
   */
  readonly vaultFreshness?: readonly VaultFreshnessProps[];
  /**
   * The AWS partition of every ARN this construct writes (`aws-us-gov`, `aws-cn`).
   * @default "aws"
   */
  readonly partition?: string;
  /**
   * Providers of other Regions (the offsite Region, where a DR restore runs and where copies
   * land) whose failing AWS Backup events must alert too. EventBridge rules only see their own
   * Region's events, and an SNS target must be in the rule's Region; so each of these Regions
   * gets the same rules, targeting this Region's default event bus (a cross-Region event bus
   * target, with a role allowed only `events:PutEvents` on it), where this construct's rules
   * pick them up. The forwarded events keep their `region`, which the messages name.
   * @default - none
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
   */
  readonly forwardEventsFrom?: readonly AwsProvider[];
  /**
   * Alert on the CloudTrail calls that can undo the locks (see `guardRules`): ScheduleKeyDeletion,
   * DisableKey, PutKeyPolicy and DeleteAlias on KMS keys; vault lock and access-policy changes;
   * bucket policy, Object Lock, lifecycle, versioning and replication changes on the estate's
   * buckets. Also forwarded from `forwardEventsFrom`. Needs a CloudTrail trail with logging on
   * (EventBridge receives "AWS API Call via CloudTrail" events only then).
   * @default true
   */
  readonly keyAndLockGuard?: boolean;
  /**
   * This construct's Region, for the event bus ARN that other Regions forward to.
   * @default - the `region` of `provider` (required with `forwardEventsFrom` when that is not an AwsProvider)
   */
  readonly region?: string;
}

/** The service principals that publish to the topic and need its key. */
const PUBLISHERS = ["backup.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"];

/** `backup.amazonaws.com` → `Backup`: the service's part of statement ids. */
function publisherSid(service: string): string {
  return service.split(".")[0].replace(/^./, (c) => c.toUpperCase());
}

/**
 * What a publisher's use of the topic key is bound to, against the confused deputy. AWS
 * Backup and CloudWatch pass `aws:SourceAccount` and `aws:SourceArn` (the vault or alarm that
 * publishes), so only this account's vaults and alarms can have the key used on their behalf.
 *
 * EventBridge gets the statement the SNS developer guide documents for event sources of AWS
 * services ("Enable compatibility between event sources from AWS services and encrypted
 * topics"): the service principal, `kms:GenerateDataKey` and `kms:Decrypt`, no condition. A
 * condition EventBridge's delivery does not satisfy (`kms:ViaService`, `kms:CallerAccount`,
 * `aws:SourceArn`) fails every publish, visible only in the rule's FailedInvocations metric.
 * The topic policy still admits EventBridge of this account only (`aws:SourceAccount`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
function topicKeyConditions(service: string, account: string, partition = "aws"): PolicyStatement["conditions"] {
  switch (service) {
    case "backup.amazonaws.com":
      return { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${partition}:backup:*:${account}:backup-vault:*` } };
    case "cloudwatch.amazonaws.com":
      return { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:*:${account}:alarm:*` } };
    default:
      return undefined;
  }
}

/**
 * BackupKey whose KMS key keeps the address BackupMonitoring gave its key before it was built
 * from BackupKey: the logical id of `<monitoring>/Key` (this construct's own path), set
 * before anything reads the key's id.
 */
class TopicKey extends BackupKey {
  protected override createKey(deletionWindowInDays: number): KmsKey {
    const key = super.createKey(deletionWindowInDays);
    key.overrideLogicalId(TerraformStack.of(this).getLogicalId(this.node));
    return key;
  }
}

/** The role AWS Backup Audit Manager delivers reports with. */
const REPORTS_ROLE = (account: string, partition = "aws") => `arn:${partition}:iam::${account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`;

/** CloudWatch's longest evaluation range: period × evaluation periods. */
const MAX_EVALUATION_SECONDS = 7 * 86400;

/**
 * Backup monitoring for one estate in one Region: the notification topic and everything
 * that feeds it.
 *
 * - An SNS topic, encrypted with its own customer-managed key whose policy lets AWS
 *   Backup, EventBridge and CloudWatch use it; a topic policy that lets those services
 *   (of this account only) publish and refuses publishing without TLS; subscriptions for
 *   emails, webhooks and PagerDuty, whose URLs are sensitive Terraform variables.
 * - AWS Backup signals: vault notifications for failed and expired jobs; EventBridge rules
 *   for backup jobs FAILED/ABORTED/EXPIRED, copy jobs FAILED and restore jobs FAILED (the
 *   restore event carries `status`, not `state`), each with a readable message; CloudWatch
 *   alarms per vault on failed backup and copy jobs and expired recovery points (these
 *   metrics exist only when non-zero, so missing data is not breaching).
 * - Freshness: per service, an alarm on the heartbeat metric that treats missing data as
 *   breaching over the service's window (the alarm that fires when nothing happened), and
 *   an anomaly-detection alarm on the backup size.
 * - Audit: an AWS Backup Audit Manager framework and report plans delivering to an
 *   encrypted bucket.
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
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  private readonly props: BackupMonitoringProps;
  private readonly account: string;
  private readonly lifecycle: { preventDestroy: boolean };

  constructor(scope: Construct, id: string, props: BackupMonitoringProps) {
    super(scope, id);
    reachChecksAbove(this);
    checkConstructProps(this, "BackupMonitoring", props);
    this.props = props;
    validate(props, this.node.path);
    this.checkVaultRegions();
    this.account = props.accountId;
    this.lifecycle = { preventDestroy: props.deletionProtection ?? true };

    this.encryptionKey = this.createKey();
    this.key = this.encryptionKey.key;
    this.topic = this.createTopic();
    this.createTopicPolicy();
    const webhooks = new Map<string, TerraformVariable>();
    this.webhookVariables = webhooks;
    this.pagerDutyVariable = this.createSubscriptions(webhooks);
    if (props.chatChannels?.length) this.createChatChannels(props.chatChannels);
    this.createVaultSignals();
    this.createEventRules();
    if (props.keyAndLockGuard ?? true) this.createGuardRules();
    this.createAwsFreshness();
    for (const h of props.heartbeats ?? []) this.createHeartbeatAlarms(h);
    if (props.auditControls?.length) {
      this.framework = this.createFramework(props.auditControls);
      const bucket = props.reportBucketName ?? (this.reportBucket = this.createReportBucket()).bucketName;
      this.createReportPlans(bucket, this.framework);
    }
  }

  /** The topic's ARN, for other constructs' alarms and notifications. */
  public get topicArn(): string {
    return this.topic.arn;
  }

  private get partition(): string {
    return this.props.partition ?? "aws";
  }

  /**
   * An alarm on a count that must reach 1 in every window: fewer than one (or no data at
   * all, which is what a stopped backup sends) for the whole window alarms.
   */
  private absenceAlarm(id: string, window: Duration, props: Pick<CloudwatchMetricAlarmConfig, "provider" | "alarmName" | "alarmDescription" | "namespace" | "metricName" | "dimensions">): void {
    const { period, periods } = evaluationWindow(window.toMinutes() * 60);
    this.alarms.push(
      new CloudwatchMetricAlarm(this, id, {
        ...props,
        statistic: "Sum",
        period,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // Nothing arriving is exactly what this alarm is for.
        treatMissingData: "breaching",
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      }),
    );
  }

  /**
   * Vault notifications and the vault's CloudWatch metrics exist only in the vault's Region
   * (AWS Backup is regional; the metrics are published in the Region of the job, under
   * `AWS/Backup`): a vault of another Region is refused where both Regions are known (MON-024).
   */
  private checkVaultRegions(): void {
    const region = knownRegion(this, this.props.region, this.props.provider);
    if (region === undefined) return;
    for (const v of this.props.vaults ?? []) {
      const vaultRegion = literalRegion(v.region);
      if (vaultRegion !== undefined && vaultRegion !== region) throw at(this, Errors.monitoredVaultElsewhere(this.node.path, v.literalName ?? v.node.path, vaultRegion, region));
    }
  }

  private get name(): string {
    return `${this.props.estate}-backup-alerts`;
  }

  /**
   * The topic's key: a {@link BackupKey} (the library's one key policy and hardening) with
   * the publishers' statements added.
   *
   * The KMS key keeps the Terraform address it had before BackupKey built it
   * (`<path>/Key`, not `<path>/Key/Resource`): a deployed key has `prevent_destroy` and
   * must not be replaced. A `moved` block would do the same, but cdktf then checks the
   * Terraform binary at every synth, which a synth-only pipeline step does not have.
   */
  protected createKey(): BackupKey {
    const statements: PolicyStatement[] = PUBLISHERS.map((service) => ({
      sid: `${publisherSid(service)}UsesKey`,
      effect: PolicyEffect.ALLOW,
      principals: { service: [service] },
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["*"],
      conditions: topicKeyConditions(service, this.account, this.partition),
    }));
    if (this.props.auditControls?.length && !this.props.reportBucketName) {
      // PROVIDER NOTE: the reports role exists only after the first report plan; a key policy naming a missing role fails, a condition on it does not.
      statements.push({
        sid: "BackupReportsUseKey",
        effect: PolicyEffect.ALLOW,
        principals: { anyone: true },
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
        conditions: {
          ArnEquals: { "aws:PrincipalArn": REPORTS_ROLE(this.account, this.partition) },
          StringEquals: { "kms:CallerAccount": this.account },
        },
      });
    }
    const key = new TopicKey(this, "Key", {
      accountId: this.account,
      description: `Encrypts the backup alert topic (and audit reports) of estate ${this.props.estate}`,
      statements,
      preventDestroy: this.lifecycle.preventDestroy,
      partition: this.partition,
      provider: this.props.provider,
    });
    // The alias stays this construct's child, at its old address too.
    new KmsAlias(this, "KeyAlias", { provider: this.props.provider, name: `alias/${this.name}`, targetKeyId: key.keyId });
    return key;
  }

  protected createTopic(): SnsTopic {
    return new SnsTopic(this, "Resource", {
      provider: this.props.provider,
      name: this.name,
      displayName: `Backups ${this.props.estate}`.slice(0, 100),
      kmsMasterKeyId: this.key.arn,
    });
  }

  private createTopicPolicy(): void {
    const sameAccount = [{ test: "StringEquals", variable: "aws:SourceAccount", values: [this.account] }];
    const policy = new DataAwsIamPolicyDocument(this, "TopicPolicyDocument", {
      provider: this.props.provider,
      statement: [
        ...PUBLISHERS.map((service) => ({
          sid: `Allow${publisherSid(service)}Publish`,
          principals: [{ type: "Service", identifiers: [service] }],
          actions: ["SNS:Publish"],
          resources: [this.topic.arn],
          condition: sameAccount,
        })),
        {
          sid: "DenyPublishWithoutTls",
          effect: "Deny",
          principals: [{ type: "AWS", identifiers: ["*"] }],
          actions: ["SNS:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "TopicPolicy", { provider: this.props.provider, arn: this.topic.arn, policy: policy.json });
  }

  /** Subscribes every channel; returns the PagerDuty variable when there is one. */
  private createSubscriptions(webhooks: Map<string, TerraformVariable>): TerraformVariable | undefined {
    const provider = this.props.provider;
    for (const email of this.props.emails ?? []) {
      new SnsTopicSubscription(this, `Email-${email}`, { provider, topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
    for (const name of this.props.webhooks ?? []) {
      const variable = new TerraformVariable(this, `Webhook-${name}`, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `HTTPS URL of the ${name} webhook that receives backup alerts (a secret: pass it with TF_VAR_webhook_${snake(name)}_url or a secret store)`,
      });
      variable.overrideLogicalId(`webhook_${snake(name)}_url`);
      webhooks.set(name, variable);
      new SnsTopicSubscription(this, `Webhook-${name}-Subscription`, { provider, topicArn: this.topic.arn, protocol: "https", endpoint: variable.stringValue });
    }
    if (this.props.pagerDuty) {
      const variable = new TerraformVariable(this, "PagerDuty", {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "PagerDuty CloudWatch/SNS integration URL for backup alerts (a secret: pass it with TF_VAR_pagerduty_integration_url)",
      });
      variable.overrideLogicalId("pagerduty_integration_url");
      // PROVIDER NOTE: PagerDuty confirms SNS subscriptions itself; without endpoint_auto_confirms terraform waits for a confirmation it never sees.
      new SnsTopicSubscription(this, "PagerDutySubscription", { provider, topicArn: this.topic.arn, protocol: "https", endpoint: variable.stringValue, endpointAutoConfirms: true });
      return variable;
    }
    return undefined;
  }

  private createChatChannels(channels: readonly ChatChannel[]): void {
    const provider = this.props.chatbotProvider ?? this.props.provider;
    // The AWS Chatbot API is served from four Regions only: a channel configured through any other fails at apply.
    const region = knownRegion(this, undefined, provider);
    if (region !== undefined && !isChatbotRegion(region)) throw at(this, Errors.chatbotRegion(this.node.path, region, CHATBOT_API_REGIONS.join(", ")));
    const trust = new DataAwsIamPolicyDocument(this, "ChatbotTrust", {
      provider,
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }] }],
    });
    // Delivering notifications needs no permission; the role (and the guardrail) allow nothing but reads.
    const role = new IamRole(this, "ChatbotRole", {
      provider,
      name: `${this.props.estate}-backup-chatbot`.slice(0, 64),
      description: `AWS Chatbot role of the backup alert channels of estate ${this.props.estate} (no permissions: notifications only)`,
      assumeRolePolicy: trust.json,
    });
    const common = {
      provider,
      iamRoleArn: role.arn,
      snsTopicArns: [this.topic.arn],
      // PROVIDER NOTE: without guardrails AWS Chatbot applies AdministratorAccess to channel members' actions.
      guardrailPolicyArns: [`arn:${this.partition}:iam::aws:policy/CloudWatchReadOnlyAccess`],
      loggingLevel: "ERROR",
    };
    for (const c of channels) {
      const configurationName = `${this.props.estate}-backup-${c.name}`.slice(0, 128);
      if (c.tool === ChatTool.SLACK) {
        new ChatbotSlackChannelConfiguration(this, `Chat-${c.name}`, { ...common, configurationName, slackTeamId: c.ids.workspaceId, slackChannelId: c.ids.channelId });
      } else {
        new ChatbotTeamsChannelConfiguration(this, `Chat-${c.name}`, { ...common, configurationName, tenantId: c.ids.tenantId, teamId: c.ids.teamId, channelId: c.ids.channelId });
      }
    }
  }

  private createVaultSignals(): void {
    const provider = this.props.provider;
    const events = [...(this.props.vaultEvents ?? FAILURE_VAULT_EVENTS)];
    // A vault by reference is named by its literal name where known (ids and alarm names
    // must be literal; the construct id stands in for a token name) and brings its own dependencies.
    const byName = (names: readonly string[] | undefined, deps: readonly ITerraformDependable[] | undefined) => (names ?? []).map((n) => ({ key: n, name: n, deps }));
    const byRef = (vs: readonly IBackupVault[] | undefined) => (vs ?? []).map((v) => ({ key: v.literalName ?? v.node.id, name: v.literalName ?? v.vaultName, deps: v.dependables.length ? v.dependables : undefined }));
    const local = [...byRef(this.props.vaults), ...byName(this.props.vaultNames, this.props.vaultDependencies)];
    const remote = [...byRef(this.props.copyDestinationVaults), ...byName(this.props.copyDestinationVaultNames, undefined)];
    for (const { key: vault, name, deps } of local) {
      new BackupVaultNotifications(this, `Notifications-${vault}`, {
        provider,
        backupVaultName: name,
        snsTopicArn: this.topic.arn,
        backupVaultEvents: events,
        dependsOn: deps ? [...deps] : undefined,
      });
      this.backupAlarm(vault, name, "NumberOfBackupJobsFailed", "backup-jobs-failed", `A backup job into vault ${vault} failed`);
      this.backupAlarm(vault, name, "NumberOfCopyJobsFailed", "copy-jobs-failed", `A copy job into vault ${vault} failed`);
      this.backupAlarm(vault, name, "NumberOfRecoveryPointsExpired", "recovery-points-expired", `Recovery points in vault ${vault} expired but could not be deleted (they are still billed)`);
    }
    for (const { key: vault, name } of remote) {
      this.backupAlarm(vault, name, "NumberOfCopyJobsFailed", "copy-jobs-failed", `A copy job into vault ${vault} (another Region) failed`);
    }
  }

  /** `vault` names the alarm (literal); `vaultName` is the metric's dimension (may be a reference). */
  private backupAlarm(vault: string, vaultName: string, metricName: string, suffix: string, description: string): void {
    this.alarms.push(
      new CloudwatchMetricAlarm(this, `Alarm-${vault}-${suffix}`, {
        provider: this.props.provider,
        alarmName: `${vault.startsWith(`${this.props.estate}-`) ? "" : `${this.props.estate}-`}${vault}-${suffix}`,
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
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      }),
    );
  }

  private createEventRules(): void {
    for (const r of backupEventRules()) this.eventRule(r.id, r.suffix, r.detailType, r.detail, r.transformer);
    const sources = this.props.forwardEventsFrom ?? [];
    if (sources.length === 0) return;
    const region = regionOf(this, this.props.region, this.props.provider);
    if (!region) throw Errors.monitoringRegionRequired(this.node.path);
    const bus = `arn:${this.partition}:events:${region}:${this.account}:event-bus/default`;
    const trust = new DataAwsIamPolicyDocument(this, "ForwardTrust", {
      provider: this.props.provider,
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [this.account] }],
        },
      ],
    });
    const role = new IamRole(this, "ForwardRole", {
      provider: this.props.provider,
      name: `${this.props.estate}-backup-events-forward`.slice(0, 64),
      description: `Forwards failing AWS Backup events of estate ${this.props.estate} from other Regions to ${region}`,
      assumeRolePolicy: trust.json,
    });
    const put = new DataAwsIamPolicyDocument(this, "ForwardPolicyDocument", {
      provider: this.props.provider,
      statement: [{ sid: "PutOnPrimaryBus", actions: ["events:PutEvents"], resources: [bus] }],
    });
    new IamRolePolicy(this, "ForwardPolicy", { provider: this.props.provider, role: role.name, name: "put-events-on-primary-bus", policy: put.json });
    for (const source of sources) {
      const from = source.region ?? source.alias ?? "other";
      for (const r of backupEventRules()) {
        const rule = new CloudwatchEventRule(this, `${r.id}-${from}`, {
          provider: source,
          name: `${this.props.estate}-${r.suffix}-to-${region}`.slice(0, 64),
          description: `${r.detailType} in ${from}: ${Object.values(r.detail)[0].join(", ")}, forwarded to ${region} (estate ${this.props.estate})`,
          eventPattern: JSON.stringify({ source: ["aws.backup"], "detail-type": [r.detailType], detail: r.detail }),
        });
        new CloudwatchEventTarget(this, `${r.id}-${from}Target`, { provider: source, rule: rule.name, arn: bus, roleArn: role.arn });
      }
      if (!(this.props.keyAndLockGuard ?? true)) continue;
      for (const g of guardRules(this.props.estate)) {
        const rule = new CloudwatchEventRule(this, `${g.id}-${from}`, {
          provider: source,
          name: `${this.props.estate}-${g.suffix}-to-${region}`.slice(0, 64),
          description: `CloudTrail in ${from}: ${g.eventNames.join(", ")}, forwarded to ${region} (estate ${this.props.estate})`,
          eventPattern: guardPattern(g),
        });
        new CloudwatchEventTarget(this, `${g.id}-${from}Target`, { provider: source, rule: rule.name, arn: bus, roleArn: role.arn });
      }
    }
  }

  private createAwsFreshness(): void {
    const provider = this.props.provider;
    for (const v of this.props.vaultFreshness ?? []) {
      // PROVIDER NOTE: AWS/Backup metrics are emitted only when non-zero: here, no data is exactly "nothing completed".
      this.absenceAlarm(`Alarm-${v.vaultName}-no-completed-backups`, v.window, {
        provider,
        alarmName: `${v.vaultName.startsWith(`${this.props.estate}-`) ? "" : `${this.props.estate}-`}${v.vaultName}-no-completed-backups`,
        alarmDescription: `No backup job into vault ${v.vaultName} completed for ${v.window}: a plan, selection or schedule may have stopped`,
        namespace: "AWS/Backup",
        metricName: "NumberOfBackupJobsCompleted",
        dimensions: { BackupVaultName: v.vaultName },
      });
    }
    const rules = this.props.recoveryPointRules ?? [];
    if (rules.length === 0) return;
    // One EventBridge rule per detection bound, so that each alert names its own.
    const byBound = new Map<string, { bound: string; age: string; every: string; names: string[] }>();
    for (const r of rules) {
      const managed = LAST_RECOVERY_POINT_RULES[r.resourceType];
      if (!managed) throw Errors.recoveryPointRuleType(r.name, r.resourceType, Object.keys(LAST_RECOVERY_POINT_RULES).join(", "));
      if (r.resourceId !== undefined && r.resourceTags !== undefined) throw Errors.recoveryPointRuleScope(r.name);
      const age = recoveryPointAge(r.maxAge);
      const hours = age.unit === "hours" ? age.value : age.value * 24;
      const frequency = r.frequency ?? configFrequency(hours);
      const bound = detectionBound(age, frequency).toString();
      const every = Duration.hours(CONFIG_FREQUENCIES[frequency]).toHuman();
      const name = `${this.props.estate}-${r.name}-last-recovery-point`.slice(-128);
      new ConfigConfigRule(this, `RecoveryPoint-${r.name}`, {
        provider,
        name,
        description: `No ${r.resourceType} recovery point of ${r.resourceId ?? (r.resourceTags ? JSON.stringify(r.resourceTags) : "any resource of the type in the Region")} younger than ${age.value} ${age.unit}; evaluated every ${every}, so a stopped backup is reported within ${bound} (estate ${this.props.estate})`.slice(0, 256),
        source: { owner: "AWS", sourceIdentifier: `${managed.prefix}_LAST_BACKUP_RECOVERY_POINT_CREATED` },
        inputParameters: JSON.stringify({
          recoveryPointAgeValue: String(age.value),
          recoveryPointAgeUnit: age.unit,
          ...(r.resourceId !== undefined ? { resourceId: r.resourceId } : {}),
          ...(r.resourceTags !== undefined ? { resourceTags: JSON.stringify(r.resourceTags) } : {}),
        }),
        maximumExecutionFrequency: frequency,
      });
      const group = byBound.get(bound) ?? { bound, age: `${age.value} ${age.unit}`, every, names: [] };
      group.names.push(name);
      byBound.set(bound, group);
    }
    [...byBound.values()].forEach((g, i) => {
      const id = i === 0 ? "RecoveryPointStale" : `RecoveryPointStale-${g.bound}`;
      const rule = new CloudwatchEventRule(this, id, {
        provider,
        name: `${this.props.estate}-recovery-point-stale${i === 0 ? "" : `-${g.bound}`}`.slice(0, 64),
        description: `AWS Config: a resource of estate ${this.props.estate} has no recent recovery point (NON_COMPLIANT; detected within ${g.bound})`,
        eventPattern: JSON.stringify({
          source: ["aws.config"],
          "detail-type": ["Config Rules Compliance Change"],
          detail: { messageType: ["ComplianceChangeNotification"], configRuleName: g.names, newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } },
        }),
      });
      new CloudwatchEventTarget(this, `${id}Target`, {
        provider,
        rule: rule.name,
        arn: this.topic.arn,
        inputTransformer: {
          inputPaths: { account: "$.account", region: "$.region", time: "$.time", rule: "$.detail.configRuleName", resource: "$.detail.resourceId", type: "$.detail.resourceType" },
          inputTemplate: customNotificationTemplate({
            title: `:warning: Backups stale: <type> <resource> (estate ${this.props.estate})`,
            description: `AWS Config (<account>/<region> at <time>): <type> <resource> has no recovery point younger than ${g.age} (rule <rule> is NON_COMPLIANT). Evaluated every ${g.every}: backups may have stopped up to ${g.bound} ago.`,
            nextSteps: ["Check that a backup plan still selects the resource (its tags, the plan's selection)", "Check the plan's last backup jobs in the AWS Backup console"],
            keywords: ["backup", "stale", this.props.estate],
          }),
        },
      });
    });
  }

  /**
   * The key and lock guard: one rule per service on its CloudTrail calls, each alert naming
   * who called what on which resource. Other Regions forward theirs (see createEventRules).
   */
  private createGuardRules(): void {
    for (const g of guardRules(this.props.estate)) {
      const rule = new CloudwatchEventRule(this, g.id, {
        provider: this.props.provider,
        name: `${this.props.estate}-${g.suffix}`,
        description: `CloudTrail: ${g.eventNames.join(", ")} (estate ${this.props.estate})`,
        eventPattern: guardPattern(g),
      });
      new CloudwatchEventTarget(this, `${g.id}Target`, {
        provider: this.props.provider,
        rule: rule.name,
        arn: this.topic.arn,
        inputTransformer: {
          inputPaths: { account: "$.account", region: "$.region", time: "$.time", call: "$.detail.eventName", who: "$.detail.userIdentity.arn", resource: g.resourcePath },
          inputTemplate: customNotificationTemplate({
            title: `:lock: Lock guard: <call> (estate ${this.props.estate})`,
            description: `CloudTrail (<account>/<region> at <time>): <who> called <call> on <resource>: ${g.risk}.`,
            nextSteps: ["Confirm the change was planned (a change ticket, a break-glass procedure)", "If not: revert it (CancelKeyDeletion, EnableKey, the policy from Terraform) and rotate the caller's credentials"],
            keywords: ["backup", "lock-guard", "<call>"],
          }),
        },
      });
    }
  }

  private eventRule(id: string, suffix: string, detailType: string, detail: Record<string, string[]>, transformer: { inputPaths: Record<string, string>; inputTemplate: string }): void {
    const rule = new CloudwatchEventRule(this, id, {
      provider: this.props.provider,
      name: `${this.props.estate}-${suffix}`,
      description: `${detailType}: ${Object.values(detail)[0].join(", ")} (estate ${this.props.estate})`,
      eventPattern: JSON.stringify({ source: ["aws.backup"], "detail-type": [detailType], detail }),
    });
    new CloudwatchEventTarget(this, `${id}Target`, {
      provider: this.props.provider,
      rule: rule.name,
      arn: this.topic.arn,
      inputTransformer: transformer,
    });
  }

  private createHeartbeatAlarms(h: HeartbeatServiceProps): void {
    const dimensions: Record<string, string> = h.source !== undefined ? heartbeatDimensions(this.props.estate, h.serviceId, h.source) : { [Heartbeat.dimensions[0]]: this.props.estate, [Heartbeat.dimensions[1]]: h.serviceId };
    const tail = h.source !== undefined ? `${h.serviceId}-${h.source}` : h.serviceId;
    const what = h.source !== undefined ? `${h.source} backup of ${h.serviceId}` : `backup of ${h.serviceId}`;
    this.absenceAlarm(`Heartbeat-${tail}`, h.window, {
      provider: this.props.provider,
      alarmName: `${this.props.estate}-${tail}-backup-heartbeat`,
      alarmDescription: `No successful ${what} reported for ${h.window} (heartbeat ${Heartbeat.namespace}/${Heartbeat.successMetric})`,
      namespace: Heartbeat.namespace,
      metricName: Heartbeat.successMetric,
      dimensions,
    });
    if (h.sizeAnomaly === false) return;
    const sizePeriod = Math.min(86400, Math.max(3600, (h.sizePeriod?.toMinutes() ?? 1440) * 60));
    this.alarms.push(
      new CloudwatchMetricAlarm(this, `SizeAnomaly-${tail}`, {
        provider: this.props.provider,
        alarmName: `${this.props.estate}-${tail}-backup-size-anomaly`,
        alarmDescription: `The size of the ${what} left its expected band (${Heartbeat.namespace}/${Heartbeat.sizeMetric})`,
        comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
        evaluationPeriods: 1,
        thresholdMetricId: "band",
        // A missing size is the heartbeat alarm's business.
        treatMissingData: "notBreaching",
        metricQuery: [
          { id: "size", returnData: true, metric: { namespace: Heartbeat.namespace, metricName: Heartbeat.sizeMetric, dimensions, stat: "Maximum", period: sizePeriod } },
          { id: "band", returnData: true, expression: "ANOMALY_DETECTION_BAND(size, 2)", label: "expected size" },
        ],
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      }),
    );
  }

  private createFramework(controls: readonly AuditControlProps[]): BackupFramework {
    return new BackupFramework(this, "Framework", {
      provider: this.props.provider,
      name: `${this.props.estate.replace(/-/g, "_")}_backup_governance`,
      description: `Controls matching the backup catalog of estate ${this.props.estate}`,
      control: controls.map(renderControl),
    });
  }

  /**
   * The audit report bucket: the library's one bucket hardening (BackupBucket: SSE-KMS with
   * the topic's key, versioning, public access blocked, ACLs disabled, TLS only), reports
   * expiring after `reportRetentionDays`, and delivery allowed to the Audit Manager role only.
   */
  private createReportBucket(): BackupBucket {
    const days = this.props.reportRetentionDays ?? 400;
    const bucket = new BackupBucket(this, "ReportBucket", {
      bucketName: `${this.props.estate}-backup-reports-${this.account}`,
      kmsKeyArn: this.key.arn,
      currentVersionExpirationDays: days,
      noncurrentVersionExpirationDays: 30,
      preventDestroy: this.lifecycle.preventDestroy,
      partition: this.partition,
      provider: this.props.provider,
    });
    bucket.addToPolicy({
      sid: "BackupReportsDeliver",
      effect: PolicyEffect.ALLOW,
      principals: { anyone: true },
      actions: ["s3:PutObject"],
      resources: [`${bucket.bucketArn}/*`],
      conditions: { ArnEquals: { "aws:PrincipalArn": REPORTS_ROLE(this.account, this.partition) }, StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
    return bucket;
  }

  private createReportPlans(bucket: string, framework: BackupFramework): void {
    const base = this.props.estate.replace(/-/g, "_");
    const channel = (prefix: string) => ({ s3BucketName: bucket, s3KeyPrefix: prefix, formats: ["CSV", "JSON"] });
    new BackupReportPlan(this, "ComplianceReport", {
      provider: this.props.provider,
      name: `${base}_backup_compliance`,
      description: `Daily compliance of estate ${this.props.estate} with its backup governance framework`,
      reportDeliveryChannel: channel("compliance"),
      reportSetting: { reportTemplate: "CONTROL_COMPLIANCE_REPORT", frameworkArns: [framework.arn], numberOfFrameworks: 1 },
    });
    new BackupReportPlan(this, "JobReport", {
      provider: this.props.provider,
      name: `${base}_backup_jobs`,
      description: `Daily report of the backup jobs of estate ${this.props.estate}`,
      reportDeliveryChannel: channel("jobs"),
      reportSetting: { reportTemplate: "BACKUP_JOB_REPORT" },
    });
  }
}

/** One EventBridge rule of {@link BackupMonitoring}: what it matches and the line it writes. */
export interface BackupEventRule {
  readonly id: string;
  readonly suffix: string;
  readonly detailType: string;
  readonly detail: Record<string, string[]>;
  readonly transformer: { inputPaths: Record<string, string>; inputTemplate: string };
}

/**
 * The AWS Backup events that mean a backup, copy, restore or restore test went wrong, with a
 * readable message each. States are AWS Backup's own: backup jobs CREATED, PENDING, RUNNING,
 * ABORTED, COMPLETED, FAILED, EXPIRED (and PARTIAL for composite jobs); copy jobs CREATED,
 * RUNNING, COMPLETED, FAILED, PARTIAL; restore jobs (which carry `status`, not `state`)
 * PENDING, RUNNING, COMPLETED, ABORTED, FAILED; a restore test's validation FAILED,
 * SUCCESSFUL, TIMED_OUT or VALIDATING.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CopyJob.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRestoreJob.html
 */
export function backupEventRules(): BackupEventRule[] {
  const where = "<account>/<region> at <time>";
  const common = { account: "$.account", region: "$.region", time: "$.time", message: "$.detail.statusMessage" };
  return [
    {
      id: "BackupJobFailed",
      suffix: "backup-job-failed",
      detailType: "Backup Job State Change",
      detail: { state: ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] },
      transformer: {
        inputPaths: { ...common, job: "$.detail.backupJobId", state: "$.detail.state", resource: "$.detail.resourceArn", vault: "$.detail.backupVaultName" },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: backup job <state>",
          description: `AWS Backup (${where}): backup job <job> of <resource> into vault <vault> is <state>. <message>`,
          nextSteps: ["Read the job's status message in the AWS Backup console", "Start an on-demand backup once the cause is fixed: the next scheduled run may be a day away"],
          keywords: ["backup", "<state>"],
        }),
      },
    },
    {
      id: "CopyJobFailed",
      suffix: "copy-job-failed",
      detailType: "Copy Job State Change",
      // PARTIAL: some child copies of a composite job failed; the copy is not whole.
      detail: { state: ["FAILED", "PARTIAL"] },
      transformer: {
        inputPaths: { ...common, job: "$.detail.copyJobId", state: "$.detail.state", resource: "$.detail.resourceArn", destination: "$.detail.destinationBackupVaultArn" },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: copy job <state>",
          description: `AWS Backup (${where}): copy job <job> of <resource> to <destination> is <state>. <message>`,
          nextSteps: ["Check the destination vault's access policy and its key's policy", "Copy the recovery point again once the cause is fixed"],
          keywords: ["backup", "copy", "<state>"],
        }),
      },
    },
    {
      id: "RestoreJobFailed",
      suffix: "restore-job-failed",
      detailType: "Restore Job State Change",
      // PROVIDER NOTE: restore job events carry `status`, not `state`.
      detail: { status: ["FAILED", "ABORTED"] },
      transformer: {
        inputPaths: { ...common, job: "$.detail.restoreJobId", status: "$.detail.status", type: "$.detail.resourceType" },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: restore job <status>",
          description: `AWS Backup (${where}): restore job <job> (<type>) is <status>. <message>`,
          nextSteps: ["Read the job's status message in the AWS Backup console", "Follow the service's restore SOP"],
          keywords: ["backup", "restore", "<status>"],
        }),
      },
    },
    {
      id: "RestoreValidationFailed",
      suffix: "restore-validation-failed",
      detailType: "Restore Job State Change",
      // A restore test whose restore worked but whose validation did not (or never answered).
      detail: { validationStatus: ["FAILED", "TIMED_OUT"] },
      transformer: {
        inputPaths: { ...common, job: "$.detail.restoreJobId", validation: "$.detail.validationStatus", type: "$.detail.resourceType", vmessage: "$.detail.validationStatusMessage" },
        inputTemplate: customNotificationTemplate({
          title: ":rotating_light: AWS Backup: restore test validation <validation>",
          description: `AWS Backup (${where}): the validation of restore test job <job> (<type>) is <validation>. <vmessage>`,
          nextSteps: ["Treat the recovery point as unproven until a restore validates", "Check the restore testing plan's validation script"],
          keywords: ["backup", "restore-test", "<validation>"],
        }),
      },
    },
  ];
}

function snake(name: string): string {
  return name.replace(/-/g, "_");
}

/**
 * Period and number of periods covering `seconds`: hourly periods (a day or more of them
 * allowed), minutes below an hour, and at most CloudWatch's seven days.
 */
export function evaluationWindow(seconds: number): { period: number; periods: number; capped: boolean } {
  const capped = seconds > MAX_EVALUATION_SECONDS;
  const s = Math.min(seconds, MAX_EVALUATION_SECONDS);
  const period = s >= 3600 ? 3600 : 60;
  return { period, periods: Math.max(1, Math.ceil(s / period)), capped };
}

function renderControl(c: AuditControlProps): BackupFrameworkControl {
  const scope = c.scope;
  return {
    name: c.name,
    inputParameter: Object.entries(c.parameters ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    scope: scope
      ? {
          complianceResourceTypes: scope.resourceTypes ? [...scope.resourceTypes] : undefined,
          complianceResourceIds: scope.resourceIds ? [...scope.resourceIds] : undefined,
          tags: scope.tag ? { [scope.tag.key]: scope.tag.value } : undefined,
        }
      : undefined,
  };
}

function validate(props: BackupMonitoringProps, path: string): void {
  const allowed = Object.values(VaultEvent) as string[];
  for (const e of props.vaultEvents ?? []) {
    if (Token.isUnresolved(e)) continue;
    if (!allowed.includes(e)) throw at(path, Errors.invalidVaultEvent(e, allowed.join(", ")));
    if ((DEPRECATED_VAULT_EVENTS as readonly string[]).includes(e)) throw at(path, Errors.deprecatedVaultEvent(e, allowed.filter((a) => !(DEPRECATED_VAULT_EVENTS as readonly string[]).includes(a)).join(", ")));
  }
  const controls = props.auditControls ?? [];
  if (controls.length > AuditLimits.maxControls) throw at(path, Errors.tooManyAuditControls(controls.length, AuditLimits.maxControls));
  for (const c of controls) {
    const s = c.scope;
    if (!s) continue;
    if (s.tag && (s.resourceTypes?.length || s.resourceIds?.length)) throw at(path, Errors.invalidAuditScope(c.name, "a tag cannot be combined with resource types or ids"));
    if (s.resourceIds && (s.resourceIds.length < 1 || s.resourceIds.length > AuditLimits.maxScopeResourceIds)) throw at(path, Errors.invalidAuditScope(c.name, `${s.resourceIds.length} resource ids`));
    if (s.resourceIds && s.resourceTypes?.length !== 1) throw at(path, Errors.invalidAuditScope(c.name, "resource ids need exactly one resource type"));
  }
}
