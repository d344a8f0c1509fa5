import { Severity } from "../../../core/finding";
import { StorageKind } from "../../../core/vocabulary";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { storagePath } from "./paths";

export const pbsFingerprint: GovernanceRule = {
  id: "GOV-041",
  name: "pbs-fingerprint",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.WARNING,
  acknowledgeable: false,
  summary: "A Proxmox Backup Server storage pins the server's certificate `fingerprint`.",
  explanation:
    "PBS installs with a self-signed certificate: without the fingerprint Proxmox VE refuses to connect, and every backup job fails. With a CA-signed certificate it works, but pinning still keeps backups from going to an impostor. A warning: a CA-signed PBS may leave it out.",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox") || !catalog.proxmox) return [];
    const out: Violation[] = [];
    for (const host of Object.values(catalog.proxmox.hosts)) {
      for (const st of host.storages) {
        if (st.kind !== StorageKind.PBS || st.fingerprint) continue;
        out.push({
          path: storagePath(host, st),
          message: `PBS storage \`${st.id}\` has no \`fingerprint\``,
          fix: "add `fingerprint:` from `proxmox-backup-manager cert info` on the PBS (the SHA-256 line)",
        });
      }
    }
    return out;
  },
};
