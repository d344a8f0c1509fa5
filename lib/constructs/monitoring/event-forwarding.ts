import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Errors } from "../../errors";
import { guardPattern, guardRules } from "../../policy/aws-guard";
import { regionOf } from "../aws-region";
import { backupEventRules } from "./event-rules";
import { type MonitoringScope, partitionOf } from "./scope";

/** Props of {@link EventForwarding}. */
export interface EventForwardingProps {
  /** Providers of the Regions whose events are forwarded. */
  readonly from: readonly AwsProvider[];
  /**
   * Forward the key and lock guard's CloudTrail events too ({@link KeyAndLockGuard}).
   * @default true
   */
  readonly keyAndLockGuard?: boolean;
  /**
   * The scope's Region, for the ARN of the event bus the others forward to.
   * @default - the `region` of the scope's provider (required when that is not an AwsProvider: MON-021)
   */
  readonly region?: string;
}

/**
 * Forwards the failing AWS Backup events (and the guard's CloudTrail calls) of other Regions
 * (the offsite Region, where a DR restore runs and where copies land) to the scope's Region.
 * EventBridge rules only see their own Region's events, and an SNS target must be in the
 * rule's Region; so each of these Regions gets the same rules, targeting the scope Region's
 * default event bus (a cross-Region event bus target, with a role allowed only
 * `events:PutEvents` on it), where {@link BackupEventAlerts} and {@link KeyAndLockGuard} pick
 * them up. The forwarded events keep their `region`, which the messages name.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export class EventForwarding {
  constructor(scope: MonitoringScope, props: EventForwardingProps) {
    const { construct, provider, estate, accountId } = scope;
    if (props.from.length === 0) return;
    const region = regionOf(construct, props.region, provider);
    if (!region) throw Errors.monitoringRegionRequired(construct.node.path);
    const bus = `arn:${partitionOf(scope)}:events:${region}:${accountId}:event-bus/default`;
    const trust = new DataAwsIamPolicyDocument(construct, "ForwardTrust", {
      provider,
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });
    const role = new IamRole(construct, "ForwardRole", {
      provider,
      name: `${estate}-backup-events-forward`.slice(0, 64),
      description: `Forwards failing AWS Backup events of estate ${estate} from other Regions to ${region}`,
      assumeRolePolicy: trust.json,
    });
    const put = new DataAwsIamPolicyDocument(construct, "ForwardPolicyDocument", {
      provider,
      statement: [{ sid: "PutOnPrimaryBus", actions: ["events:PutEvents"], resources: [bus] }],
    });
    new IamRolePolicy(construct, "ForwardPolicy", {
      provider,
      role: role.name,
      name: "put-events-on-primary-bus",
      policy: put.json,
    });
    for (const source of props.from) {
      const from = source.region ?? source.alias ?? "other";
      for (const r of backupEventRules()) {
        const rule = new CloudwatchEventRule(construct, `${r.id}-${from}`, {
          provider: source,
          name: `${estate}-${r.suffix}-to-${region}`.slice(0, 64),
          description: `${r.detailType} in ${from}: ${Object.values(r.detail)[0].join(", ")}, forwarded to ${region} (estate ${estate})`,
          eventPattern: JSON.stringify({ source: ["aws.backup"], "detail-type": [r.detailType], detail: r.detail }),
        });
        new CloudwatchEventTarget(construct, `${r.id}-${from}Target`, {
          provider: source,
          rule: rule.name,
          arn: bus,
          roleArn: role.arn,
        });
      }
      if (!(props.keyAndLockGuard ?? true)) continue;
      for (const g of guardRules(estate)) {
        const rule = new CloudwatchEventRule(construct, `${g.id}-${from}`, {
          provider: source,
          name: `${estate}-${g.suffix}-to-${region}`.slice(0, 64),
          description: `CloudTrail in ${from}: ${g.eventNames.join(", ")}, forwarded to ${region} (estate ${estate})`,
          eventPattern: guardPattern(g),
        });
        new CloudwatchEventTarget(construct, `${g.id}-${from}Target`, {
          provider: source,
          rule: rule.name,
          arn: bus,
          roleArn: role.arn,
        });
      }
    }
  }
}
