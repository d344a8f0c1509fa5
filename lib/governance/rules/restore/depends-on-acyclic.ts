import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const dependsOnAcyclic: GovernanceRule = {
  id: "GOV-016",
  name: "depends-on-acyclic",
  step: ChecklistStep.RESTORE_SOP,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Restore dependencies form no cycle.",
  explanation: "A cycle leaves the DR runbook without a first service to restore.",
  check({ catalog }) {
    const byId = new Map(catalog.services.map((s) => [s.id, s]));
    const state = new Map<string, "visiting" | "done">();
    const reported = new Set<string>();
    const out: ReturnType<GovernanceRule["check"]> = [];
    const visit = (id: string, trail: string[]) => {
      const s = byId.get(id);
      if (!s || state.get(id) === "done") return;
      if (state.get(id) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(id)), id];
        const key = [...new Set(cycle)].sort().join(",");
        const from = byId.get(trail[trail.length - 1]);
        if (from && !reported.has(key)) {
          reported.add(key);
          const idx = from.restore.dependsOn.indexOf(id);
          out.push({
            path: servicePath(from, "restore", "dependsOn", idx),
            message: `restore dependencies form a cycle: ${cycle.join(" → ")}`,
            fix: "remove one link of the cycle; restores need a first service",
          });
        }
        return;
      }
      state.set(id, "visiting");
      for (const dep of s.restore.dependsOn) if (dep !== id) visit(dep, [...trail, id]);
      state.set(id, "done");
    };
    for (const s of catalog.services) visit(s.id, []);
    return out;
  },
};
