import { Severity } from "../../../core/finding";
import { AwsLimits } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/** How a vault lock range breaks AWS's limits (GOV-018), shared by the catalog rule and GovernanceChecks. */
export enum LockRangeProblem {
  MIN_TOO_LONG = "minimum above 36500 days",
  MAX_TOO_LONG = "maximum above 36500 days",
  MIN_ABOVE_MAX = "minimum above maximum",
}

/** The judgement of GOV-018: every problem of a lock range, in the order the catalog reports them. */
export function lockRangeProblems(minDays: number, maxDays: number | undefined): LockRangeProblem[] {
  const out: LockRangeProblem[] = [];
  if (minDays > AwsLimits.lockMaxDays) out.push(LockRangeProblem.MIN_TOO_LONG);
  if (maxDays !== undefined && maxDays > AwsLimits.lockMaxDays) out.push(LockRangeProblem.MAX_TOO_LONG);
  if (maxDays !== undefined && minDays > maxDays) out.push(LockRangeProblem.MIN_ABOVE_MAX);
  return out;
}

export const vaultLockRange: GovernanceRule = {
  id: "GOV-018",
  name: "vault-lock-range",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Vault lock minimum ≤ maximum, and the maximum ≤ 36,500 days.",
  explanation:
    "AWS Backup Vault Lock refuses a minimum retention above the maximum or a maximum above 36,500 days; in compliance mode the range cannot be changed once locked.",
  check({ catalog }) {
    return catalog.services.flatMap((s): Violation[] => {
      const im = s.immutable;
      if (!im) return [];
      const out: Violation[] = [];
      const problems = lockRangeProblems(im.days, im.maxDays);
      if (problems.includes(LockRangeProblem.MIN_TOO_LONG))
        out.push({
          path: servicePath(s, "immutable", "days"),
          message: `\`immutable.days\` is ${im.days}; AWS locks at most ${AwsLimits.lockMaxDays} days`,
          fix: `set \`immutable.days\` to at most ${AwsLimits.lockMaxDays}`,
        });
      if (im.maxDays !== undefined) {
        if (problems.includes(LockRangeProblem.MAX_TOO_LONG))
          out.push({
            path: servicePath(s, "immutable", "maxDays"),
            message: `\`immutable.maxDays\` is ${im.maxDays}; AWS allows at most ${AwsLimits.lockMaxDays}`,
            fix: `set \`immutable.maxDays\` to at most ${AwsLimits.lockMaxDays}, or remove it`,
          });
        if (problems.includes(LockRangeProblem.MIN_ABOVE_MAX))
          out.push({
            path: servicePath(s, "immutable", "days"),
            message: `vault lock minimum \`immutable.days: ${im.days}\` is above the maximum \`immutable.maxDays: ${im.maxDays}\``,
            fix: "make `immutable.days` at most `immutable.maxDays`",
          });
      }
      return out;
    });
  },
};
