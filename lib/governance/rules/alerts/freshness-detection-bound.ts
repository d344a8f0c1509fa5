import { Severity } from "../../../core/finding";
import { Duration } from "../../../core/duration";
import { CONFIG_FREQUENCIES, recoveryPointRules } from "../../../policy/aws-freshness";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

/**
 * AWS Config judges a recovery point's age in whole hours and evaluates at most hourly; the
 * estate allows the snapshot cadence plus a margin. A service whose stopped backups would be
 * reported only after more than twice its RPO has an alert that cannot keep its promise.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/rds-last-backup-recovery-point-created.html
 */
export const freshnessDetectionBound: GovernanceRule = {
  id: "GOV-221",
  name: "freshness-detection-bound",
  step: ChecklistStep.ALERTS,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "An AWS Backup service's stopped backups are reported within twice its RPO (the AWS Config rule's allowed age plus its evaluation period).",
  explanation:
    "The estate watches AWS Backup resources with AWS Config's last-recovery-point rules: NON_COMPLIANT when no recovery point is younger than the allowed age (the most frequent snapshot cadence plus a margin), evaluated every 1 to 24 hours. A stopped backup is reported at the latest after the age plus one evaluation period: the detection bound. Where that exceeds twice the RPO, the RPO is broken long before anyone hears of it: continuous backups (point-in-time recovery) are not judged by these rules at all.",
  check({ catalog, policies }) {
    if (!catalog.aws || catalog.invalidSections.has("aws")) return [];
    const out: Violation[] = [];
    const rules = recoveryPointRules(policies, catalog);
    for (const p of policies) {
      const mine = rules.filter((r) => r.serviceIds.includes(p.service.id));
      if (mine.length === 0) continue;
      const worst = mine.reduce((a, b) => (b.detectionBound.compareTo(a.detectionBound) > 0 ? b : a));
      if (worst.detectionBound.toMinutes() <= 2 * p.service.rpo.toMinutes()) continue;
      out.push({
        path: servicePath(p.service, "rpo"),
        message: `service ${p.service.id}: a stopped backup is reported within ${worst.detectionBound.toString()} (AWS Config rule ${catalog.name}-${worst.name}-last-recovery-point: recovery points up to ${worst.age.value} ${worst.age.unit} old, evaluated every ${Duration.hours(CONFIG_FREQUENCIES[worst.frequency]).toHuman()}), more than twice the RPO ${p.service.rpo.toString()}`,
        fix: "take snapshots more often (the allowed age follows the most frequent snapshot rule), watch the service with an application-level heartbeat, or acknowledge GOV-221 with how the RPO is watched instead",
      });
    }
    return out;
  },
};
