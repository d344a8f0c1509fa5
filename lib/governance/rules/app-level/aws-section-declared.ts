import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const awsSectionDeclared: GovernanceRule = {
  id: "GOV-026",
  name: "aws-section-declared",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "A service with AWS resources needs the catalog's `aws` section (region, account).",
  explanation: "Without a region no backup plan, vault or selection can be created for those resources.",
  check({ catalog }) {
    if (catalog.aws || catalog.invalidSections.has("aws")) return [];
    return catalog.services
      .filter((s) => s.aws)
      .map((s) => ({
        path: servicePath(s, "aws"),
        atKey: true,
        message: `service \`${s.id}\` lists AWS resources but the catalog has no \`aws\` section`,
        fix: "add `aws: { region: ..., offsiteRegion: ... }` at the top of the catalog",
      }));
  },
};
