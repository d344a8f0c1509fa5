import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const kubernetesNeedsAws: GovernanceRule = {
  id: "GOV-131",
  name: "kubernetes-needs-aws",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A service with a `kubernetes` block needs the catalog's `aws` section: Velero's storage location is an S3 bucket of the estate.",
  explanation:
    "Velero writes its backups and Kopia repositories to object storage; the estate provides it as a versioned, encrypted, lockable S3 bucket with a per-cluster identity. Without `aws` there is nowhere to write.",
  check({ catalog }) {
    if (catalog.aws || catalog.invalidSections.has("aws")) return [];
    return catalog.services
      .filter((s) => s.kubernetes)
      .map((s) => ({
        path: servicePath(s, "kubernetes"),
        atKey: true,
        message: `service \`${s.id}\` is backed up by Velero, but the catalog has no \`aws\` section for its backup storage location`,
        fix: "add `aws: { region: ..., offsiteRegion: ... }` at the top of the catalog",
      }));
  },
};
