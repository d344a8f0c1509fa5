import type { Service, ServiceVm } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { didYouMean } from "../../../catalog/suggest";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const vmHostDeclared: GovernanceRule = {
  id: "GOV-003",
  name: "vm-host-declared",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`vm.host` names a host declared under `proxmox.hosts`.",
  explanation: "A guest on an undeclared host cannot be enrolled in any backup job: it would silently go unprotected.",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox")) return [];
    const hosts = Object.keys(catalog.proxmox?.hosts ?? {});
    return catalog.services
      .filter((s): s is Service & { readonly vm: ServiceVm } => s.vm !== undefined && !hosts.includes(s.vm.host))
      .map((s) => {
        const hint = didYouMean(s.vm.host, hosts);
        return {
          path: servicePath(s, "vm", "host"),
          message: catalog.proxmox
            ? `\`vm.host\` \`${s.vm.host}\` is not declared under \`proxmox.hosts\` (declared: ${hosts.join(", ") || "none"})`
            : `\`vm.host\` \`${s.vm.host}\` needs a \`proxmox\` section, and the catalog has none`,
          fix: hint
            ? `did you mean \`${hint}\`?`
            : `add \`${s.vm.host}\` under \`proxmox.hosts\` or correct \`vm.host\``,
        };
      });
  },
};
