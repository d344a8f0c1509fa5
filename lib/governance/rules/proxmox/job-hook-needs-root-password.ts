import { VZDUMP_HOOK_PATH } from "../../../artifacts/vzdump-hook";
import { ProxmoxAuth, VzdumpHookMode } from "../../../catalog/model";
import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule } from "../../rule";

/**
 * A job-level hook (`vzdumpHook: true`) puts `script` on every generated backup job. Proxmox
 * accepts that parameter only from the user root@pam itself: pve-manager's
 * PVE/API2/Backup.pm returns early for `$user eq 'root@pam'` and otherwise raises "Only root
 * may set this option." for `tmpdir`, `dumpdir` and `script`. An API token's user is the
 * token id (`root@pam!name`), so even a token of root is refused, and the apply fails.
 */
export const jobHookNeedsRootPassword: GovernanceRule = {
  id: "GOV-100",
  name: "job-hook-needs-root-password",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A host whose jobs run the hook (`vzdumpHook: true`) logs in as root@pam with its password (`auth: root-password`), or runs the hook from /etc/vzdump.conf.",
  explanation:
    "Proxmox lets only root@pam, logged in with its password, set a backup job's `script` (and `tmpdir`, `dumpdir`); from any API token, root's own included, it answers \"Only root may set this option\" and the apply of every job of the host fails. Either give Terraform root's password for that host (`auth: root-password`, from the sensitive variable `proxmox_root_password_<host>`) or, with a token, let the node's /etc/vzdump.conf run the hook (`vzdumpHook: vzdump.conf`).",
  check({ catalog }) {
    if (catalog.invalidSections.has("proxmox")) return [];
    return Object.values(catalog.proxmox?.hosts ?? {})
      .filter((h) => h.vzdumpHook === VzdumpHookMode.JOB && h.auth !== ProxmoxAuth.ROOT_PASSWORD)
      .map((h) => ({
        path: ["proxmox", "hosts", h.name, "vzdumpHook"],
        message: `host \`${h.name}\` sets the hook as every job's \`script\` (\`vzdumpHook: true\`), but Terraform logs in with an API token: Proxmox accepts \`script\` only from root@pam with its password ("Only root may set this option")`,
        fix: `set \`proxmox.hosts.${h.name}.vzdumpHook: vzdump.conf\` and put \`script: ${VZDUMP_HOOK_PATH}\` in the node's /etc/vzdump.conf (recommended), or \`proxmox.hosts.${h.name}.auth: root-password\` and pass root's password as TF_VAR_proxmox_root_password_${h.name.replace(/[^A-Za-z0-9_]/g, "_")}`,
      }));
  },
};
