import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const offsiteDecisionRecorded: GovernanceRule = {
  id: "GOV-009",
  name: "offsite-decision-recorded",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every service records its offsite decision with a non-empty `reason`, either way.",
  explanation:
    "Site loss (fire, theft, ransomware) takes local backups with it; whether that is acceptable is a decision to record, not a default.",
  check({ catalog }) {
    return catalog.services.flatMap((s) => {
      if (!s.offsite) {
        return [
          {
            path: servicePath(s),
            message: `service \`${s.id}\` has no \`offsite\` decision`,
            fix: 'add `offsite: { required: true|false, reason: "..." }`',
          },
        ];
      }
      if (s.offsite.reason.trim() === "") {
        return [
          {
            path: servicePath(s, "offsite", "reason"),
            message: "`offsite.reason` is empty",
            fix: "say why the service does or does not need an offsite copy",
          },
        ];
      }
      return [];
    });
  },
};
