import { Severity } from "../../../core/finding";
import { RetentionClass } from "../../../core/retention";
import { PolicySource } from "../../../policy/effective";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";
import { retentionSource } from "../paths";

export const immutableDaysWithinDaily: GovernanceRule = {
  id: "GOV-022",
  name: "immutable-days-within-daily",
  step: ChecklistStep.PROVIDER_LIMITS,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary: "`immutable.days` is at least 1 and at most the daily retention (days).",
  explanation:
    "A daily recovery point cannot be locked for 30 days and deleted after 7: S3 keeps the locked version (and bills it) while AWS Backup fails the job. Points kept shorter than a day (sub-daily, continuous) stay in unlocked storage.",
  check({ catalog, policyOf }) {
    return catalog.services.flatMap((s): Violation[] => {
      const p = policyOf(s);
      if (!p.immutable) return [];
      const daily = p.retention.daily;
      if (p.immutable.days <= daily) return [];
      const src = retentionSource(p, RetentionClass.DAILY);
      const path = p.immutable.source === PolicySource.SERVICE ? servicePath(s, "immutable", "days") : src.path;
      return [
        {
          path,
          message: `every point is locked for ${p.immutable.days} days but daily points are deleted after ${daily} (${src.phrase})`,
          fix: `lower \`immutable.days\` to at most ${daily}, or keep at least ${p.immutable.days} daily points`,
        },
      ];
    });
  },
};
