import { Severity } from "../../../core/finding";
import { AwsLimits } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const vaultLockRange: GovernanceRule = {
  id: "GOV-018",
  name: "vault-lock-range",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Vault lock minimum ≤ maximum, and the maximum ≤ 36,500 days.",
  explanation: "AWS Backup Vault Lock refuses a minimum retention above the maximum or a maximum above 36,500 days; in compliance mode the range cannot be changed once locked.",
  check({ catalog }) {
    return catalog.services.flatMap((s): Violation[] => {
      const im = s.immutable;
      if (!im) return [];
      const out: Violation[] = [];
      if (im.days > AwsLimits.lockMaxDays) out.push({ path: servicePath(s, "immutable", "days"), message: `\`immutable.days\` is ${im.days}; AWS locks at most ${AwsLimits.lockMaxDays} days`, fix: `set \`immutable.days\` to at most ${AwsLimits.lockMaxDays}` });
      if (im.maxDays !== undefined) {
        if (im.maxDays > AwsLimits.lockMaxDays) out.push({ path: servicePath(s, "immutable", "maxDays"), message: `\`immutable.maxDays\` is ${im.maxDays}; AWS allows at most ${AwsLimits.lockMaxDays}`, fix: `set \`immutable.maxDays\` to at most ${AwsLimits.lockMaxDays}, or remove it` });
        if (im.days > im.maxDays) out.push({ path: servicePath(s, "immutable", "days"), message: `vault lock minimum \`immutable.days: ${im.days}\` is above the maximum \`immutable.maxDays: ${im.maxDays}\``, fix: "make `immutable.days` at most `immutable.maxDays`" });
      }
      return out;
    });
  },
};
