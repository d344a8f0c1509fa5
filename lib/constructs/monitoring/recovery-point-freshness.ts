import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { Duration } from "../../core/duration";
import { Errors } from "../../errors";
import type { AwsResourceType } from "../../policy/aws-backup";
import { customNotificationTemplate } from "../../policy/aws-chatbot";
import {
  CONFIG_FREQUENCIES,
  type ConfigFrequency,
  configFrequency,
  detectionBound,
  LAST_RECOVERY_POINT_RULES,
  recoveryPointAge,
} from "../../policy/aws-freshness";
import type { AlertingScope } from "./scope";

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

/** Props of {@link RecoveryPointFreshness}. */
export interface RecoveryPointFreshnessProps {
  /** The AWS Config rules, one per resource kind and age. */
  readonly rules: readonly RecoveryPointRuleProps[];
}

/** Rules that share a detection bound: one EventBridge rule alerts for all of them. */
interface BoundGroup {
  readonly bound: string;
  readonly age: string;
  readonly every: string;
  readonly names: string[];
}

/**
 * AWS Config rules judging the freshness of AWS Backup resources; their NON_COMPLIANT
 * compliance changes go to the alert topic through one EventBridge rule per detection bound,
 * so that each alert names its own.
 */
export class RecoveryPointFreshness {
  constructor(scope: AlertingScope, props: RecoveryPointFreshnessProps) {
    const { construct, provider, estate } = scope;
    if (props.rules.length === 0) return;
    const byBound = new Map<string, BoundGroup>();
    for (const r of props.rules) {
      const managed = LAST_RECOVERY_POINT_RULES[r.resourceType];
      if (!managed)
        throw Errors.recoveryPointRuleType(r.name, r.resourceType, Object.keys(LAST_RECOVERY_POINT_RULES).join(", "));
      if (r.resourceId !== undefined && r.resourceTags !== undefined) throw Errors.recoveryPointRuleScope(r.name);
      const age = recoveryPointAge(r.maxAge);
      const hours = age.unit === "hours" ? age.value : age.value * 24;
      const frequency = r.frequency ?? configFrequency(hours);
      const bound = detectionBound(age, frequency).toString();
      const every = Duration.hours(CONFIG_FREQUENCIES[frequency]).toHuman();
      const name = `${estate}-${r.name}-last-recovery-point`.slice(-128);
      const what =
        r.resourceId ?? (r.resourceTags ? JSON.stringify(r.resourceTags) : "any resource of the type in the Region");
      new ConfigConfigRule(construct, `RecoveryPoint-${r.name}`, {
        provider,
        name,
        description:
          `No ${r.resourceType} recovery point of ${what} younger than ${age.value} ${age.unit}; evaluated every ${every}, so a stopped backup is reported within ${bound} (estate ${estate})`.slice(
            0,
            256,
          ),
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
    // The first group keeps the unsuffixed id and name it had when there was only one bound.
    [...byBound.values()].forEach((g, i) =>
      staleRule(
        scope,
        i === 0 ? "RecoveryPointStale" : `RecoveryPointStale-${g.bound}`,
        i === 0 ? "" : `-${g.bound}`,
        g,
      ),
    );
  }
}

function staleRule(scope: AlertingScope, id: string, suffix: string, g: BoundGroup): void {
  const { construct, provider, estate, topicArn } = scope;
  const rule = new CloudwatchEventRule(construct, id, {
    provider,
    name: `${estate}-recovery-point-stale${suffix}`.slice(0, 64),
    description: `AWS Config: a resource of estate ${estate} has no recent recovery point (NON_COMPLIANT; detected within ${g.bound})`,
    eventPattern: JSON.stringify({
      source: ["aws.config"],
      "detail-type": ["Config Rules Compliance Change"],
      detail: {
        messageType: ["ComplianceChangeNotification"],
        configRuleName: g.names,
        newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
      },
    }),
  });
  new CloudwatchEventTarget(construct, `${id}Target`, {
    provider,
    rule: rule.name,
    arn: topicArn,
    inputTransformer: {
      inputPaths: {
        account: "$.account",
        region: "$.region",
        time: "$.time",
        rule: "$.detail.configRuleName",
        resource: "$.detail.resourceId",
        type: "$.detail.resourceType",
      },
      inputTemplate: customNotificationTemplate({
        title: `:warning: Backups stale: <type> <resource> (estate ${estate})`,
        description: `AWS Config (<account>/<region> at <time>): <type> <resource> has no recovery point younger than ${g.age} (rule <rule> is NON_COMPLIANT). Evaluated every ${g.every}: backups may have stopped up to ${g.bound} ago.`,
        nextSteps: [
          "Check that a backup plan still selects the resource (its tags, the plan's selection)",
          "Check the plan's last backup jobs in the AWS Backup console",
        ],
        keywords: ["backup", "stale", estate],
      }),
    },
  });
}
