import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const appDecisionRecorded: GovernanceRule = {
  id: "GOV-005",
  name: "app-decision-recorded",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every service records its app-level backup decision with a non-empty `rationale`.",
  explanation:
    "Whether a guest image is enough is a decision someone must take and explain; an unrecorded decision is the usual way a database ends up backed up only by crash-consistent snapshots.",
  check({ catalog }) {
    return catalog.services.flatMap((s) => {
      if (!s.app) {
        return [
          {
            path: servicePath(s),
            message: `service \`${s.id}\` has no \`app\` decision`,
            fix: 'add `app: { decision: required | vzdump-only | platform-only, rationale: "..." }`',
          },
        ];
      }
      if (s.app.rationale.trim() === "") {
        return [
          {
            path: servicePath(s, "app", "rationale"),
            message: "`app.rationale` is empty",
            fix: "say why this decision was taken",
          },
        ];
      }
      return [];
    });
  },
};
