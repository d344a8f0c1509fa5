import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

export const chatbotNamesUnique: GovernanceRule = {
  id: "GOV-103",
  name: "chatbot-names-unique",
  step: ChecklistStep.ALERTS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Each `notifications.chatbot` name appears once.",
  explanation:
    "A chatbot channel's name becomes its AWS Chatbot configuration name (`<estate>-backup-<name>`), which must be unique in the account: two channels with one name could not both be created.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications")) return [];
    const seen = new Map<string, number>();
    const out: Violation[] = [];
    catalog.notifications.chatbot.forEach((c, i) => {
      const first = seen.get(c.name);
      if (first === undefined) seen.set(c.name, i);
      else
        out.push({
          path: ["notifications", "chatbot", i, "name"],
          message: `chatbot name \`${c.name}\` is already used by chatbot[${first}]`,
          fix: "give every chatbot channel its own name, e.g. `ops` and `dev`",
        });
    });
    return out;
  },
};
