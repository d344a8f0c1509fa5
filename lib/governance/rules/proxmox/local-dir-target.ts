import type { ProxmoxHost } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { Classification, StorageKind } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";
import { targetStorage } from "./paths";

export const localDirTarget: GovernanceRule = {
  id: "GOV-044",
  name: "local-dir-target",
  step: ChecklistStep.OFFSITE,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary: "A critical guest's vzdump target is not a local directory storage (`type: dir` without `shared: true`).",
  explanation:
    "A directory storage that is not shared is a folder on the node itself: when the host dies, its guests' backups die with it. Fine for a mounted USB or NAS disk (acknowledge with that reason); otherwise use PBS, NFS or CIFS.",
  check({ catalog }) {
    const proxmox = catalog.proxmox;
    if (catalog.invalidSections.has("proxmox") || !proxmox) return [];
    return catalog.services.flatMap((s) => {
      if (!s.vm || s.classification !== Classification.CRITICAL) return [];
      const host = proxmox.hosts[s.vm.host] as ProxmoxHost | undefined;
      const st = host && targetStorage(host);
      if (!st || st.kind !== StorageKind.DIR || st.shared) return [];
      return [
        {
          path: servicePath(s, "vm", "host"),
          message: `critical guest ${s.vm.vmid} is backed up to \`${st.id}\`, a local directory (${st.path}) on host \`${host.name}\`: host loss takes the backups too`,
          fix: "back it up to PBS, NFS or CIFS, or acknowledge GOV-044 if the path is a mount of another machine's disk",
        },
      ];
    });
  },
};
