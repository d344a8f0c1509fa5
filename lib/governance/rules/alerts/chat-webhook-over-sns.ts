import { ChatTool, WebhookKind } from "../../../core/vocabulary";
import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

/** Names that say a webhook belongs to a chat tool, when the catalog does not say `kind`. */
const CHAT_NAME = /slack|teams|discord|mattermost|rocket|chat|gchat/;

/**
 * SNS delivers to an HTTPS endpoint only after the endpoint confirmed the subscription: it
 * first POSTs a `SubscriptionConfirmation` whose `SubscribeURL` must be visited, and "doesn't
 * send notifications to this endpoint until the subscription is confirmed" (SNS Developer
 * Guide, HTTP/HTTPS subscription confirmation JSON format). A Slack or Teams incoming webhook
 * only posts what it receives into the channel: it never confirms, so AWS alerts never arrive.
 */
export const chatWebhookOverSns: GovernanceRule = {
  id: "GOV-102",
  name: "chat-webhook-over-sns",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "A Slack or Teams webhook is not the route of AWS alerts: they reach chat through AWS Chatbot (`notifications.chatbot`) or a relay.",
  explanation:
    "SNS sends nothing to an HTTPS subscription until the endpoint confirms it (by visiting the SubscribeURL of the SubscriptionConfirmation message). A chat tool's incoming webhook cannot do that, so a Slack or Teams webhook subscribed to the alert topic stays pending forever: plans and applies pass, and the channel never hears of a failed backup. Alertmanager, which formats Slack messages itself, can use the webhook; AWS alerts need AWS Chatbot, or a relay that confirms the subscription and posts to the webhook.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications")) return [];
    const n = catalog.notifications;
    const out: Violation[] = [];
    n.webhooks.forEach((w, i) => {
      const tool =
        w.kind === WebhookKind.SLACK ? ChatTool.SLACK : w.kind === WebhookKind.TEAMS ? ChatTool.TEAMS : undefined;
      if (w.kind === undefined && CHAT_NAME.test(w.name)) {
        out.push({
          path: ["notifications", "webhooks", i, "name"],
          message: `webhook \`${w.name}\` looks like a chat tool's incoming webhook, and it is subscribed to the alert topic: an incoming webhook cannot confirm an SNS subscription, so AWS alerts would never arrive`,
          fix: "add the channel under `notifications.chatbot` (AWS Chatbot) and set `kind: slack` or `kind: teams` on the webhook (it then serves Alertmanager only); or point it at a relay that confirms SNS subscriptions and set `kind: generic`",
        });
      } else if (tool && !n.chatbot.some((c) => c.type === tool)) {
        out.push({
          path: ["notifications", "webhooks", i, "kind"],
          message: `webhook \`${w.name}\` is a ${tool} incoming webhook: it gets Prometheus alerts through Alertmanager only, and no \`notifications.chatbot\` channel of type ${tool} brings the AWS alerts (failed jobs, heartbeats, audit) to the chat`,
          fix: `add a \`notifications.chatbot\` entry of \`type: ${tool}\` for that channel, or rely on the other channels for AWS alerts and acknowledge this`,
        });
      }
    });
    return out;
  },
};
