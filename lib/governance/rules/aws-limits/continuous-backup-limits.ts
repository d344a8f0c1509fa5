import { Severity } from "../../../core/finding";
import { RetentionClass } from "../../../core/retention";
import { AwsLimits, awsBackupRules } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { retentionSource } from "../paths";

/**
 * The judgement of GOV-020, shared by the catalog rule and GovernanceChecks: whether a
 * continuous rule's retention is outside 1–35 days, and whether it moves points to cold storage.
 */
export function continuousBreach(
  deleteAfterDays: number,
  coldAfterDays: number | undefined,
): { readonly retention: boolean; readonly cold: boolean } {
  return {
    retention: deleteAfterDays < AwsLimits.continuousMinDays || deleteAfterDays > AwsLimits.continuousMaxDays,
    cold: coldAfterDays !== undefined,
  };
}

export const continuousBackupLimits: GovernanceRule = {
  id: "GOV-020",
  name: "continuous-backup-limits",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Continuous backup (point-in-time recovery) keeps points 1–35 days and never moves them to cold storage.",
  explanation:
    "AWS Backup refuses continuous rules outside 1–35 days or with a cold-storage transition. The continuous window is the service's daily retention; longer history comes from the weekly/monthly/yearly rules.",
  check({ catalog, policies }) {
    return policies.flatMap((p): Violation[] =>
      awsBackupRules(p, catalog)
        .filter((r) => r.continuous)
        .flatMap((r) => {
          const src = retentionSource(p, RetentionClass.DAILY);
          const out: Violation[] = [];
          const breach = continuousBreach(r.deleteAfterDays, r.coldAfterDays);
          if (breach.retention) {
            out.push({
              path: src.path,
              message: `rpo ${p.rpo.toString()} uses continuous backup, kept as long as daily points: ${r.deleteAfterDays} days (${src.phrase}); AWS allows ${AwsLimits.continuousMinDays}–${AwsLimits.continuousMaxDays}`,
              fix: `set \`retention.daily\` between ${AwsLimits.continuousMinDays} and ${AwsLimits.continuousMaxDays}; keep older points with weekly/monthly retention`,
            });
          }
          if (breach.cold) {
            out.push({
              path: src.path,
              message: "the continuous rule would move points to cold storage, which AWS does not allow",
              fix: "remove `aws.coldStorageAfterDays` or raise it above the continuous window",
            });
          }
          return out;
        }),
    );
  },
};
