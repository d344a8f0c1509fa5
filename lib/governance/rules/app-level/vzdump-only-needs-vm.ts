import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const vzdumpOnlyNeedsVm: GovernanceRule = {
  id: "GOV-007",
  name: "vzdump-only-needs-vm",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`decision: vzdump-only` needs a `vm` whose image is the backup.",
  explanation: '"The guest image is enough" protects nothing when no guest is enrolled.',
  check({ catalog }) {
    return catalog.services
      .filter((s) => s.app?.decision === AppDecision.VZDUMP_ONLY && !s.vm)
      .map((s) => ({
        path: servicePath(s, "app", "decision"),
        message: `\`app.decision: vzdump-only\` but service \`${s.id}\` has no \`vm\``,
        fix: "add `vm: { host, vmid }`, or choose another decision",
      }));
  },
};
