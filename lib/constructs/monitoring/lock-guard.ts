import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { customNotificationTemplate } from "../../policy/aws-chatbot";
import { guardPattern, guardRules } from "../../policy/aws-guard";
import type { AlertingScope } from "./scope";

/**
 * The key and lock guard: one EventBridge rule per service on the CloudTrail calls that can
 * undo the locks (see `guardRules`): ScheduleKeyDeletion, DisableKey, PutKeyPolicy and
 * DeleteAlias on KMS keys; vault lock and access-policy changes; bucket policy, Object Lock,
 * lifecycle, versioning and replication changes on the estate's buckets. Each alert names who
 * called what on which resource. Other Regions forward theirs ({@link EventForwarding}).
 * Needs a CloudTrail trail with logging on: EventBridge receives "AWS API Call via
 * CloudTrail" events only then.
 */
export class KeyAndLockGuard {
  constructor(scope: AlertingScope) {
    const { construct, provider, estate, topicArn } = scope;
    for (const g of guardRules(estate)) {
      const rule = new CloudwatchEventRule(construct, g.id, {
        provider,
        name: `${estate}-${g.suffix}`,
        description: `CloudTrail: ${g.eventNames.join(", ")} (estate ${estate})`,
        eventPattern: guardPattern(g),
      });
      new CloudwatchEventTarget(construct, `${g.id}Target`, {
        provider,
        rule: rule.name,
        arn: topicArn,
        inputTransformer: {
          inputPaths: {
            account: "$.account",
            region: "$.region",
            time: "$.time",
            call: "$.detail.eventName",
            who: "$.detail.userIdentity.arn",
            resource: g.resourcePath,
          },
          inputTemplate: customNotificationTemplate({
            title: `:lock: Lock guard: <call> (estate ${estate})`,
            description: `CloudTrail (<account>/<region> at <time>): <who> called <call> on <resource>: ${g.risk}.`,
            nextSteps: [
              "Confirm the change was planned (a change ticket, a break-glass procedure)",
              "If not: revert it (CancelKeyDeletion, EnableKey, the policy from Terraform) and rotate the caller's credentials",
            ],
            keywords: ["backup", "lock-guard", "<call>"],
          }),
        },
      });
    }
  }
}
