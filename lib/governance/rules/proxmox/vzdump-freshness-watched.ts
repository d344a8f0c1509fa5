import { type Service, type ServiceVm, VzdumpHookMode } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { AppDecision } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const vzdumpFreshnessWatched: GovernanceRule = {
  id: "GOV-045",
  name: "vzdump-freshness-watched",
  step: ChecklistStep.VERIFICATION,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "A `vzdump-only` service's host runs the vzdump hook (`proxmox.hosts.<h>.vzdumpHook`), so its freshness is measured.",
  explanation:
    "A vzdump-only service is backed up by nothing but its guest image. Only the rendered hook turns a vzdump run into a freshness metric; without it, no alert notices that the job stopped running, and `backup-gov status` and the onboarding receipt can only say \"not watched\". Proxmox lets only root@pam set a job's hook (`vzdumpHook: true`); otherwise set `script:` in the node's /etc/vzdump.conf and say `vzdumpHook: vzdump.conf`.",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox")) return [];
    return catalog.services
      .filter(
        (s): s is Service & { readonly vm: ServiceVm } =>
          s.app?.decision === AppDecision.VZDUMP_ONLY &&
          s.vm !== undefined &&
          catalog.proxmox?.hosts[s.vm.host]?.vzdumpHook === VzdumpHookMode.NONE,
      )
      .map((s) => ({
        path: servicePath(s, "vm", "host"),
        message: `service \`${s.id}\` is backed up only by vzdump on \`${s.vm.host}\`, which runs no freshness hook: nothing measures whether its backups still happen`,
        fix: `install the hook and set \`proxmox.hosts.${s.vm.host}.vzdumpHook\` to \`true\` (the jobs run it) or \`vzdump.conf\` (the node's /etc/vzdump.conf runs it)`,
      }));
  },
};
