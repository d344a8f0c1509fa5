import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

export const webhookNamesUnique: GovernanceRule = {
  id: "GOV-060",
  name: "webhook-names-unique",
  step: ChecklistStep.ALERTS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Each `notifications.webhooks` name appears once.",
  explanation:
    "A webhook's name becomes the sensitive Terraform variable that holds its URL (`webhook_<name>_url`) and its Alertmanager secret file: two webhooks with one name would share one URL, and one channel would silently never be alerted.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications")) return [];
    const seen = new Map<string, number>();
    const out: Violation[] = [];
    catalog.notifications.webhooks.forEach((w, i) => {
      const first = seen.get(w.name);
      if (first === undefined) seen.set(w.name, i);
      else
        out.push({
          path: ["notifications", "webhooks", i, "name"],
          message: `webhook name \`${w.name}\` is already used by webhooks[${first}]`,
          fix: "give every webhook its own name, e.g. `slack-ops` and `slack-dev`",
        });
    });
    return out;
  },
};
