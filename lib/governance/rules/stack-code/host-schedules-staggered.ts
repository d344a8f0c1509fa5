import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * Stack code only: ProxmoxHostBackups (and so the catalog) staggers a host's jobs.
 * GovernanceChecks reports hand-built vzdump jobs of one host that start at the same minute.
 */
export const hostSchedulesStaggered: GovernanceRule = {
  id: "GOV-162",
  name: "host-schedules-staggered",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary: "No two vzdump jobs of one Proxmox host start at the same minute. Stack code only.",
  explanation:
    "Jobs that start together on one host compete for its disks and its backup storage; Proxmox queues them behind one lock, so the later ones start late and may run into working hours. ProxmoxHostBackups spaces every job of a host 30 minutes apart.",
  check: () => [],
};
