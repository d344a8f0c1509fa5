import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const uniqueServiceIds: GovernanceRule = {
  id: "GOV-001",
  name: "unique-service-ids",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Every service id appears once in the catalog.",
  explanation:
    "Ids name jobs, buckets, prefixes, metrics and SOPs; two services with one id would overwrite each other's backups.",
  check({ catalog }) {
    const first = new Map<string, number>();
    return catalog.services.flatMap((s) => {
      const seen = first.get(s.id);
      if (seen === undefined) {
        first.set(s.id, s.index);
        return [];
      }
      return [
        {
          path: servicePath(s, "id"),
          message: `service id \`${s.id}\` is already used by services[${seen}]`,
          fix: "give each service its own id",
        },
      ];
    });
  },
};
