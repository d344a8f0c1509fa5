import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const platformOnlyNeedsPlatform: GovernanceRule = {
  id: "GOV-008",
  name: "platform-only-needs-platform",
  step: ChecklistStep.APP_LEVEL,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "`decision: platform-only` needs resources under `aws` (ARNs or tags) for AWS Backup to protect, or a `kubernetes` block for Velero.",
  explanation: '"The platform\'s backup is enough" must say what the platform protects, or nothing is selected.',
  check({ catalog }) {
    return (
      catalog.services
        .filter((s) => s.app?.decision === AppDecision.PLATFORM_ONLY)
        // Velero is the platform of a service's Kubernetes workloads.
        .filter((s) => !s.kubernetes)
        .filter((s) => !s.aws || (s.aws.resources.length === 0 && Object.keys(s.aws.tags).length === 0))
        .map((s) => ({
          path: servicePath(s, "app", "decision"),
          message: `\`app.decision: platform-only\` but service \`${s.id}\` lists nothing under \`aws.resources\` or \`aws.tags\` and has no \`kubernetes\` block`,
          fix: "add `aws: { resources: [arn...] }` and/or `aws: { tags: {...} }`, or `kubernetes: { cluster: ..., namespaces: [...] }`",
        }))
    );
  },
};
