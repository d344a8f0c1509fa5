import { z } from "zod";
import { nonEmpty, Patterns } from "./common";

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
  })
  .describe("Where degraded-backup alerts go: at least one channel.");

export const contactSchema = z.strictObject({
  name: nonEmpty("Person or team."),
  role: nonEmpty("Role in a restore, e.g. `estate owner`, `database admin`."),
  email: z.email().describe("Address for escalation."),
  phone: z.string().min(3).describe("Phone number for escalation.").optional(),
});
