import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

export const vzdumpFailureMail: GovernanceRule = {
  id: "GOV-042",
  name: "vzdump-failure-mail",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: false,
  summary: "An estate with enrolled guests lists a `notifications.email`: vzdump reports failures only by mail.",
  explanation:
    "The only failure alert a Terraform-managed Proxmox backup job can send is `mailto` with `mailnotification = failure` (the provider cannot manage Proxmox notification targets). Webhooks and PagerDuty see failed vzdump runs only through the metrics; configure Proxmox notification matchers by hand, or add an email.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications")) return [];
    const n = catalog.notifications;
    // No channel at all is GOV-012's finding.
    if (n.email.length || (!n.webhooks.length && !n.pagerduty)) return [];
    const guests = catalog.services.filter((s) => s.vm);
    if (!guests.length) return [];
    return [
      {
        path: ["notifications"],
        message: `${guests.length} guest(s) are enrolled in vzdump jobs, but \`notifications\` has no \`email\`: failed jobs will mail nobody`,
        fix: "add `email: [ops@example.com]` under `notifications` (webhooks stay as they are)",
      },
    ];
  },
};
