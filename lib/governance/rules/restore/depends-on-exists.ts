import { Severity } from "../../../core/finding";
import { didYouMean } from "../../../catalog/suggest";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const dependsOnExists: GovernanceRule = {
  id: "GOV-015",
  name: "depends-on-exists",
  step: ChecklistStep.RESTORE_SOP,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`restore.dependsOn` names services of this catalog, not the service itself.",
  explanation: "The DR runbook orders restores by these links; a dangling link hides a dependency nobody will restore.",
  check({ catalog }) {
    const ids = [...catalog.declaredServiceIds];
    return catalog.services.flatMap((s) =>
      s.restore.dependsOn.flatMap((dep, i) => {
        // With a duplicate id (GOV-001) the link may mean the other service of that id.
        if (dep === s.id && catalog.services.filter((o) => o.id === s.id).length > 1) return [];
        if (dep === s.id)
          return [
            {
              path: servicePath(s, "restore", "dependsOn", i),
              message: `service \`${s.id}\` depends on itself`,
              fix: "remove it from `restore.dependsOn`",
            },
          ];
        if (catalog.declaredServiceIds.has(dep)) return [];
        const hint = didYouMean(dep, ids);
        return [
          {
            path: servicePath(s, "restore", "dependsOn", i),
            message: `\`restore.dependsOn\` names \`${dep}\`, which is not a service of this catalog`,
            fix: hint ? `did you mean \`${hint}\`?` : "add that service or remove the dependency",
          },
        ];
      }),
    );
  },
};
