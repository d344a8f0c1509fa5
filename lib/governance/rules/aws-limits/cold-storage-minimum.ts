import { Severity } from "../../../core/finding";
import { AwsLimits, awsBackupRules } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/**
 * The judgement of GOV-017, shared by the catalog rule and GovernanceChecks: the days a
 * point would spend in cold storage when that is fewer than AWS's minimum, else undefined.
 */
export function coldStorageShortfall(deleteAfterDays: number, coldAfterDays: number | undefined): number | undefined {
  if (coldAfterDays === undefined) return undefined;
  const left = deleteAfterDays - coldAfterDays;
  return left < AwsLimits.coldStorageMinDays ? left : undefined;
}

export const coldStorageMinimum: GovernanceRule = {
  id: "GOV-017",
  name: "cold-storage-minimum",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "A recovery point moved to cold storage stays there at least 90 days before deletion, on every rule and every copy action.",
  explanation:
    "AWS Backup rejects a lifecycle whose `delete_after` is less than `cold_storage_after` + 90 days (checked here for rules and copy actions alike).",
  check({ catalog, policies }) {
    return policies.flatMap((p): Violation[] =>
      awsBackupRules(p, catalog).flatMap((r) => {
        const out: Violation[] = [];
        const lifecycles = [
          { what: `the ${r.kind} rule`, l: r },
          ...(r.copy ? [{ what: `the ${r.kind} rule's copy action to ${r.copy.vault.region}`, l: r.copy }] : []),
        ];
        for (const { what, l } of lifecycles) {
          const left = coldStorageShortfall(l.deleteAfterDays, l.coldAfterDays);
          if (left !== undefined) {
            out.push({
              path: servicePath(p.service, "aws", "coldStorageAfterDays"),
              message: `${what} keeps points ${l.deleteAfterDays} days and moves them to cold storage after ${l.coldAfterDays}: only ${left} days in cold storage, AWS requires at least ${AwsLimits.coldStorageMinDays}`,
              fix: `set \`aws.coldStorageAfterDays\` to at most ${l.deleteAfterDays - AwsLimits.coldStorageMinDays}, or keep ${r.kind} points longer`,
            });
          }
        }
        return out;
      }),
    );
  },
};
