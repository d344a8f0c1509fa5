import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

export const vmidUniquePerHost: GovernanceRule = {
  id: "GOV-004",
  name: "vmid-unique-per-host",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "A vmid appears at most once per Proxmox host.",
  explanation: "Two services claiming one guest means one of them describes the wrong machine; its restore would bring back someone else's data.",
  check({ catalog }) {
    const seen = new Map<string, string>();
    return catalog.services.flatMap((s) => {
      if (!s.vm) return [];
      const key = `${s.vm.host}/${s.vm.vmid}`;
      const other = seen.get(key);
      if (other === undefined) {
        seen.set(key, s.id);
        return [];
      }
      return [{
        path: servicePath(s, "vm", "vmid"),
        message: `vmid ${s.vm.vmid} on host \`${s.vm.host}\` is already enrolled by service \`${other}\``,
        fix: "check the guest id in Proxmox; each guest belongs to one service",
      }];
    });
  },
};
