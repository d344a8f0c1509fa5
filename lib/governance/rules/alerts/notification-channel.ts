import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

export const notificationChannel: GovernanceRule = {
  id: "GOV-012",
  name: "notification-channel",
  step: ChecklistStep.ALERTS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`notifications` names at least one channel: an email, a webhook or PagerDuty.",
  explanation: "A degraded backup that reaches nobody is found on the day of the restore.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications")) return [];
    const n = catalog.notifications;
    if (n.email.length || n.webhooks.length || n.pagerduty || n.chatbot.length) return [];
    return [
      {
        path: ["notifications"],
        message: "no alert channel: `notifications` lists no email, webhook or PagerDuty",
        fix: "add `notifications: { email: [ops@example.com] }` (or a webhook, or `pagerduty: true`)",
      },
    ];
  },
};
