import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { TerraformStack } from "../../core/cdk";
import { PolicyEffect, type PolicyStatement } from "../../core/iam-policy";
import { BackupKey } from "../backup-key";
import { type MonitoringScope, partitionOf } from "./scope";

/** Props of {@link AlertTopic}. */
export interface AlertTopicProps {
  /**
   * Protect the key from `terraform destroy` (`prevent_destroy`): every alert is encrypted
   * with it, and so are the audit reports.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Let AWS Backup Audit Manager's reports role use the key: it writes the audit reports into
   * a bucket encrypted with it ({@link AuditReports}).
   * @default false
   */
  readonly reportsUseKey?: boolean;
}

/** The service principals that publish to the topic and need its key. */
const PUBLISHERS = ["backup.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"];

/** The role AWS Backup Audit Manager delivers reports with. */
export function reportsRoleArn(account: string, partition = "aws"): string {
  return `arn:${partition}:iam::${account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`;
}

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
function topicKeyConditions(service: string, account: string, partition: string): PolicyStatement["conditions"] {
  switch (service) {
    case "backup.amazonaws.com":
      return {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": `arn:${partition}:backup:*:${account}:backup-vault:*` },
      };
    case "cloudwatch.amazonaws.com":
      return {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:*:${account}:alarm:*` },
      };
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

/**
 * The estate's alert topic: an SNS topic encrypted with its own customer-managed key (a
 * {@link BackupKey}: the library's one key policy and hardening) whose policy lets AWS Backup,
 * EventBridge and CloudWatch use it, and a topic policy that lets those services (of this
 * account only) publish and refuses publishing without TLS.
 */
export class AlertTopic {
  /** The topic every alarm, rule and notification publishes to. */
  public readonly topic: SnsTopic;
  /** The topic's key: add statements with `addToPolicy`. */
  public readonly encryptionKey: BackupKey;

  constructor(scope: MonitoringScope, props: AlertTopicProps = {}) {
    const { construct, provider, estate, accountId } = scope;
    const partition = partitionOf(scope);
    const name = `${estate}-backup-alerts`;
    const statements: PolicyStatement[] = PUBLISHERS.map((service) => ({
      sid: `${publisherSid(service)}UsesKey`,
      effect: PolicyEffect.ALLOW,
      principals: { service: [service] },
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["*"],
      conditions: topicKeyConditions(service, accountId, partition),
    }));
    if (props.reportsUseKey) {
      // PROVIDER NOTE: the reports role exists only after the first report plan; a key policy naming a missing role fails, a condition on it does not.
      statements.push({
        sid: "BackupReportsUseKey",
        effect: PolicyEffect.ALLOW,
        principals: { anyone: true },
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
        conditions: {
          ArnEquals: { "aws:PrincipalArn": reportsRoleArn(accountId, partition) },
          StringEquals: { "kms:CallerAccount": accountId },
        },
      });
    }
    // The KMS key keeps the Terraform address it had before BackupKey built it (`<path>/Key`,
    // not `<path>/Key/Resource`): a deployed key has `prevent_destroy` and must not be
    // replaced. A `moved` block would do the same, but cdktf then checks the Terraform binary
    // at every synth, which a synth-only pipeline step does not have.
    this.encryptionKey = new TopicKey(construct, "Key", {
      accountId,
      description: `Encrypts the backup alert topic (and audit reports) of estate ${estate}`,
      statements,
      preventDestroy: props.preventDestroy ?? true,
      partition,
      provider,
    });
    // The alias stays the scope's child, at its old address too.
    new KmsAlias(construct, "KeyAlias", { provider, name: `alias/${name}`, targetKeyId: this.encryptionKey.keyId });
    this.topic = new SnsTopic(construct, "Resource", {
      provider,
      name,
      displayName: `Backups ${estate}`.slice(0, 100),
      kmsMasterKeyId: this.encryptionKey.key.arn,
    });
    const sameAccount = [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }];
    const policy = new DataAwsIamPolicyDocument(construct, "TopicPolicyDocument", {
      provider,
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
    new SnsTopicPolicy(construct, "TopicPolicy", { provider, arn: this.topic.arn, policy: policy.json });
  }
}
