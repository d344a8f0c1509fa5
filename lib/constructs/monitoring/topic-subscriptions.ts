import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformVariable } from "../../core/cdk";
import type { AlertingScope } from "./scope";

/** Props of {@link TopicSubscriptions}. */
export interface TopicSubscriptionsProps {
  /** Addresses subscribed to the topic by email (each must confirm). @default - none */
  readonly emails?: readonly string[];
  /**
   * Webhook channel names. Each becomes a sensitive Terraform variable
   * `webhook_<name>_url` (never a literal: the URL is a secret) and an HTTPS subscription to it.
   * @default - none
   */
  readonly webhooks?: readonly string[];
  /**
   * Subscribe a PagerDuty integration: adds the sensitive variable
   * `pagerduty_integration_url` (PagerDuty's CloudWatch/SNS integration URL).
   * @default false
   */
  readonly pagerDuty?: boolean;
}

/** The topic's subscribers: emails, webhooks and PagerDuty, whose URLs are sensitive variables. */
export class TopicSubscriptions {
  /** The sensitive variables holding webhook URLs, by channel name. */
  public readonly webhookVariables: ReadonlyMap<string, TerraformVariable>;
  /** The variable holding the PagerDuty integration URL, when `pagerDuty` is on. */
  public readonly pagerDutyVariable?: TerraformVariable;

  constructor(scope: AlertingScope, props: TopicSubscriptionsProps) {
    const { construct, provider, topicArn } = scope;
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(construct, `Email-${email}`, { provider, topicArn, protocol: "email", endpoint: email });
    }
    const webhooks = new Map<string, TerraformVariable>();
    for (const name of props.webhooks ?? []) {
      const variable = new TerraformVariable(construct, `Webhook-${name}`, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `HTTPS URL of the ${name} webhook that receives backup alerts (a secret: pass it with TF_VAR_webhook_${snake(name)}_url or a secret store)`,
      });
      // The variable's name is what operators set (TF_VAR_...): a fixed one, not a path hash.
      variable.overrideLogicalId(`webhook_${snake(name)}_url`);
      webhooks.set(name, variable);
      new SnsTopicSubscription(construct, `Webhook-${name}-Subscription`, {
        provider,
        topicArn,
        protocol: "https",
        endpoint: variable.stringValue,
      });
    }
    this.webhookVariables = webhooks;
    if (props.pagerDuty) {
      const variable = new TerraformVariable(construct, "PagerDuty", {
        type: "string",
        sensitive: true,
        nullable: false,
        description:
          "PagerDuty CloudWatch/SNS integration URL for backup alerts (a secret: pass it with TF_VAR_pagerduty_integration_url)",
      });
      variable.overrideLogicalId("pagerduty_integration_url");
      // PROVIDER NOTE: PagerDuty confirms SNS subscriptions itself; without endpoint_auto_confirms terraform waits for a confirmation it never sees.
      new SnsTopicSubscription(construct, "PagerDutySubscription", {
        provider,
        topicArn,
        protocol: "https",
        endpoint: variable.stringValue,
        endpointAutoConfirms: true,
      });
      this.pagerDutyVariable = variable;
    }
  }
}

function snake(name: string): string {
  return name.replace(/-/g, "_");
}
