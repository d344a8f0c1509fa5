import { Severity } from "../../../core/finding";
import { ChecklistStep, type GovernanceRule, servicePath } from "../../rule";

/**
 * The judgement of GOV-004, shared by the catalog rule and GovernanceChecks: every claim of
 * a (host, vmid) after the first, with the first claimant.
 */
export function repeatedClaims<T extends { readonly host: string; readonly vmid: number; readonly owner: string }>(
  claims: readonly T[],
): Array<{ readonly claim: T; readonly first: string }> {
  const seen = new Map<string, string>();
  const out: Array<{ claim: T; first: string }> = [];
  for (const c of claims) {
    const key = `${c.host}/${c.vmid}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, c.owner);
    else out.push({ claim: c, first });
  }
  return out;
}

export const vmidUniquePerHost: GovernanceRule = {
  id: "GOV-004",
  name: "vmid-unique-per-host",
  step: ChecklistStep.ENROLLMENT,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "A vmid appears at most once per Proxmox host.",
  explanation:
    "Two services claiming one guest means one of them describes the wrong machine; its restore would bring back someone else's data.",
  check({ catalog }) {
    const claims = catalog.services.flatMap((s) =>
      s.vm ? [{ host: s.vm.host, vmid: s.vm.vmid, owner: s.id, service: s }] : [],
    );
    return repeatedClaims(claims).map(({ claim, first }) => ({
      path: servicePath(claim.service, "vm", "vmid"),
      message: `vmid ${claim.vmid} on host \`${claim.host}\` is already enrolled by service \`${first}\``,
      fix: "check the guest id in Proxmox; each guest belongs to one service",
    }));
  },
};
