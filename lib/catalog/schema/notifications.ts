import { z } from "zod";
import { ChatTool, WebhookKind } from "../../core/vocabulary";
import { duration, nonEmpty, Patterns } from "./common";
import { CHATBOT_API_REGIONS } from "../../policy/aws-chatbot";

export const notificationsSchema = z
  .strictObject({
    email: z.array(z.email()).describe("Addresses that receive degraded-backup alerts.").optional(),
    webhooks: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(Patterns.channelName)
            .describe("Channel name. Its URL is a secret: it becomes a sensitive Terraform variable, never a literal."),
          kind: z
            .enum(WebhookKind)
            .describe(
              "What receives it. `generic` (default): an HTTPS endpoint that confirms SNS subscriptions (a relay, an incident tool), subscribed to the alert topic. `slack`/`teams`: a chat tool's incoming webhook, which cannot confirm an SNS subscription: it gets Prometheus alerts through Alertmanager only, and AWS alerts reach the chat through `notifications.chatbot` (GOV-102).",
            )
            .optional(),
        }),
      )
      .describe(
        "HTTPS webhooks: relays and incident tools (subscribed to the alert topic), or Slack/Teams incoming webhooks (Alertmanager only).",
      )
      .optional(),
    chatbot: z
      .array(
        z.discriminatedUnion("type", [
          z
            .strictObject({
              type: z.literal(ChatTool.SLACK).describe("A Slack channel (`aws_chatbot_slack_channel_configuration`)."),
              name: z
                .string()
                .regex(Patterns.channelName)
                .describe("Configuration name suffix, unique among the chatbot channels."),
              workspaceId: z
                .string()
                .regex(/^[A-Za-z0-9]{1,255}$/)
                .describe(
                  "Slack workspace (team) id, e.g. `T07EA123LEP`, as AWS Chatbot shows it after the workspace was authorized in its console (once, by hand).",
                ),
              channelId: z
                .string()
                .regex(/^[A-Za-z0-9]{1,255}$/)
                .describe(
                  "Slack channel id, e.g. `C07EZ1ABC23` (the end of the channel's link). Invite the AWS app (`/invite @aws`) to private channels.",
                ),
            })
            .describe("AWS Chatbot in a Slack channel."),
          z
            .strictObject({
              type: z
                .literal(ChatTool.TEAMS)
                .describe("A Microsoft Teams channel (`aws_chatbot_teams_channel_configuration`)."),
              name: z
                .string()
                .regex(Patterns.channelName)
                .describe("Configuration name suffix, unique among the chatbot channels."),
              tenantId: z
                .string()
                .regex(/^[0-9A-Fa-f-]{36}$/)
                .describe("Microsoft Entra tenant id (a UUID)."),
              teamId: z
                .string()
                .regex(/^[0-9A-Fa-f-]{36}$/)
                .describe(
                  "Teams team id (a UUID), as AWS Chatbot shows it after the team was authorized in its console (once, by hand).",
                ),
              channelId: z.string().min(1).max(255).describe("Teams channel id, e.g. `19:abc...@thread.tacv2`."),
            })
            .describe("AWS Chatbot in a Microsoft Teams channel."),
        ]),
      )
      .describe(
        "Chat channels that receive the alert topic through AWS Chatbot: the route that delivers AWS alerts to Slack or Teams (an incoming webhook cannot confirm an SNS subscription).",
      )
      .optional(),
    chatbotRegion: z
      .enum(CHATBOT_API_REGIONS)
      .describe(
        "The Region the `chatbot` channels are configured in (a provider alias `chatbot`): one that serves the AWS Chatbot API. The channels deliver the alert topic of `aws.region` all the same. Default: us-east-2.",
      )
      .optional(),
    pagerduty: z.boolean().describe("Add a sensitive Terraform variable for the PagerDuty integration URL.").optional(),
    heartbeat: z
      .boolean()
      .describe(
        "Alarm in CloudWatch when a service's backups stop arriving: every successful run puts a heartbeat datapoint (namespace `BackupGovernance`), and a missing one over the service's freshness window raises the alarm. Needs an `aws` section and AWS credentials on the backup hosts. Default: on when the catalog has an `aws` section.",
      )
      .optional(),
    staleMargin: duration(
      "Grace added to a service's backup interval (its RPO, or its job cadence when that is longer) before the service counts as stale in alerts, `backup-gov status` and the heartbeat alarm. Default: a quarter of the interval, at least 15m and at most 4h",
    ).optional(),
  })
  .describe("Where degraded-backup alerts go: at least one channel.");

export const contactSchema = z.strictObject({
  name: nonEmpty("Person or team."),
  role: nonEmpty("Role in a restore, e.g. `estate owner`, `database admin`."),
  email: z.email().describe("Address for escalation."),
  phone: z.string().min(3).describe("Phone number for escalation.").optional(),
});
