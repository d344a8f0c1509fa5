import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const serviceOwner: GovernanceRule = {
  id: "GOV-002",
  name: "service-owner",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every service has an owner, its own or the catalog's default `owner`.",
  explanation: "A failed backup or a restore needs a person who decides; alerts and SOPs name the owner.",
  check({ catalog }) {
    return catalog.services
      .filter((s) => !s.owner)
      .map((s) => ({
        path: servicePath(s),
        message: `service \`${s.id}\` has no \`owner\` and the catalog sets no default \`owner\``,
        fix: "add `owner:` to the service or a default `owner:` at the top of the catalog",
      }));
  },
};
