import type { Service, ServiceKubernetes } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { didYouMean } from "../../../catalog/suggest";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const kubernetesClusterDeclared: GovernanceRule = {
  id: "GOV-130",
  name: "kubernetes-cluster-declared",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`kubernetes.cluster` names a cluster declared under `kubernetes.clusters`.",
  explanation:
    "Velero schedules are created in a declared cluster; workloads of an undeclared one would silently go unprotected.",
  check({ catalog }) {
    if (catalog.invalidSections.has("kubernetes")) return [];
    const clusters = Object.keys(catalog.kubernetes?.clusters ?? {});
    return catalog.services
      .filter(
        (s): s is Service & { readonly kubernetes: ServiceKubernetes } =>
          s.kubernetes !== undefined && !clusters.includes(s.kubernetes.cluster),
      )
      .map((s) => {
        const name = s.kubernetes.cluster;
        const hint = didYouMean(name, clusters);
        return {
          path: servicePath(s, "kubernetes", "cluster"),
          message: catalog.kubernetes
            ? `\`kubernetes.cluster\` \`${name}\` is not declared under \`kubernetes.clusters\` (declared: ${clusters.join(", ") || "none"})`
            : `\`kubernetes.cluster\` \`${name}\` needs a top-level \`kubernetes\` section, and the catalog has none`,
          fix: hint
            ? `did you mean \`${hint}\`?`
            : `add \`${name}: { context: ... }\` under \`kubernetes.clusters\` or correct \`kubernetes.cluster\``,
        };
      });
  },
};
