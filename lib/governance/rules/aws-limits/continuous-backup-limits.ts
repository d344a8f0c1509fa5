import { Severity } from "../../../core/finding";
import { RetentionClass } from "../../../core/retention";
import { AwsLimits, awsBackupRules } from "../../../policy/aws-backup";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";
import { retentionSource } from "../paths";

export const continuousBackupLimits: GovernanceRule = {
  id: "GOV-020",
  name: "continuous-backup-limits",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "Continuous backup (point-in-time recovery) keeps points 1–35 days and never moves them to cold storage.",
  explanation: "AWS Backup refuses continuous rules outside 1–35 days or with a cold-storage transition. The continuous window is the service's daily retention; longer history comes from the weekly/monthly/yearly rules.",
  check({ catalog, policies }) {
    return policies.flatMap((p): Violation[] =>
      awsBackupRules(p, catalog)
        .filter((r) => r.continuous)
        .flatMap((r) => {
          const src = retentionSource(p, RetentionClass.DAILY);
          const out: Violation[] = [];
          if (r.deleteAfterDays < AwsLimits.continuousMinDays || r.deleteAfterDays > AwsLimits.continuousMaxDays) {
            out.push({ path: src.path, message: `rpo ${p.rpo} uses continuous backup, kept as long as daily points: ${r.deleteAfterDays} days (${src.phrase}); AWS allows ${AwsLimits.continuousMinDays}–${AwsLimits.continuousMaxDays}`, fix: `set \`retention.daily\` between ${AwsLimits.continuousMinDays} and ${AwsLimits.continuousMaxDays}; keep older points with weekly/monthly retention` });
          }
          if (r.coldAfterDays !== undefined) {
            out.push({ path: src.path, message: "the continuous rule would move points to cold storage, which AWS does not allow", fix: "remove `aws.coldStorageAfterDays` or raise it above the continuous window" });
          }
          return out;
        }),
    );
  },
};
