import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { storagePath } from "./paths";

export const storageDeclaredOnce: GovernanceRule = {
  id: "GOV-040",
  name: "storage-declared-once",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A storage id is declared once per Proxmox cluster: once per host, and once across host entries that share an `endpoint`.",
  explanation:
    "Proxmox keeps storage definitions cluster-wide (/etc/pve/storage.cfg). A second declaration of the same id, on the same host or on another node entry of the same cluster, makes the second `proxmox_storage_*` create fail, or two Terraform resources fight over one definition.",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox") || !catalog.proxmox) return [];
    const out: Violation[] = [];
    // Cluster identity: the API endpoint (scheme, host and port), whatever path follows it.
    const firstByCluster = new Map<string, { host: string; index: number }>();
    for (const host of Object.values(catalog.proxmox.hosts)) {
      const cluster = new URL(host.endpoint).host.toLowerCase();
      for (const st of host.storages) {
        const key = `${cluster}\u0000${st.id}`;
        const first = firstByCluster.get(key);
        if (!first) {
          firstByCluster.set(key, { host: host.name, index: st.index });
          continue;
        }
        const where =
          first.host === host.name
            ? `earlier on host \`${host.name}\` (storages[${first.index}])`
            : `on host \`${first.host}\`, which has the same endpoint ${cluster} (one cluster)`;
        out.push({
          path: storagePath(host, st, "id"),
          message: `storage \`${st.id}\` is already declared ${where}`,
          fix: "declare each storage once per cluster; list every node that may use it under `nodes`",
        });
      }
    }
    return out;
  },
};
