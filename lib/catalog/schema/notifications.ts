import { z } from "zod";
import { duration, nonEmpty, Patterns } from "./common";

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
        }),
      )
      .describe("Slack, Teams or generic HTTPS webhooks.")
      .optional(),
    pagerduty: z
      .boolean()
      .describe("Add a sensitive Terraform variable for the PagerDuty integration URL.")
      .optional(),
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
