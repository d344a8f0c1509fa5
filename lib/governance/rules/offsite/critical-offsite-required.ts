import { Severity } from "../../../core/finding";
import { Classification } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const criticalOffsiteRequired: GovernanceRule = {
  id: "GOV-010",
  name: "critical-offsite-required",
  step: ChecklistStep.OFFSITE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "A `critical` service cannot opt out of an offsite copy.",
  explanation: "The critical tier is defined as data that must survive the loss of the site.",
  check({ catalog }) {
    return catalog.services
      .filter((s) => s.classification === Classification.CRITICAL && s.offsite?.required === false)
      .map((s) => ({
        path: servicePath(s, "offsite", "required"),
        message: `service \`${s.id}\` is critical but sets \`offsite.required: false\``,
        fix: "set `offsite.required: true`, or classify the service as important if losing the site is acceptable",
      }));
  },
};
