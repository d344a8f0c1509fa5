import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

export const heartbeatNeedsAws: GovernanceRule = {
  id: "GOV-061",
  name: "heartbeat-needs-aws",
  step: ChecklistStep.ALERTS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`notifications.heartbeat: true` needs an `aws` section.",
  explanation:
    "The heartbeat is a CloudWatch metric with an alarm on it; without an AWS account nothing receives it, and the catalog would promise an alarm for a missing backup that does not exist. Prometheus' stale-backup alerts cover estates without AWS.",
  check({ catalog }) {
    if (catalog.invalidSections.has("notifications") || catalog.invalidSections.has("aws")) return [];
    if (!catalog.notifications.heartbeat || catalog.aws) return [];
    return [
      {
        path: ["notifications", "heartbeat"],
        message: "`notifications.heartbeat` is true but the catalog has no `aws` section to alarm in",
        fix: "add an `aws` section, or remove `heartbeat: true` (the Prometheus stale-backup alerts still watch every service)",
      },
    ];
  },
};
