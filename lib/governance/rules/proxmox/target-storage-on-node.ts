import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { storagePath, targetStorage } from "./paths";

export const targetStorageOnNode: GovernanceRule = {
  id: "GOV-043",
  name: "target-storage-on-node",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "A host's backup target storage, when declared with `nodes`, is available on the host's `node`.",
  explanation:
    "Backup jobs run on the host's node; a storage restricted to other nodes is not there, and every job fails with 'storage is not available on node'.",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox") || !catalog.proxmox) return [];
    const out: Violation[] = [];
    for (const host of Object.values(catalog.proxmox.hosts)) {
      const st = targetStorage(host);
      if (!st || st.nodes.length === 0 || st.nodes.includes(host.node)) continue;
      out.push({
        path: storagePath(host, st, "nodes"),
        message: `storage \`${st.id}\` is the backup target of host \`${host.name}\`, but its \`nodes\` (${st.nodes.join(", ")}) leave out node \`${host.node}\` where the jobs run`,
        fix: `add \`${host.node}\` to \`nodes\`, or drop \`nodes\` to make it available everywhere`,
      });
    }
    return out;
  },
};
