import { Severity } from "../../../core/finding";
import { RETENTION_CLASSES } from "../../../core/retention";
import { COMPLIANCE } from "../../../policy/compliance";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";
import { retentionSource } from "../paths";

export const complianceRetention: GovernanceRule = {
  id: "GOV-024",
  name: "compliance-retention",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: true,
  summary: "Each compliance tag's minimum (and, for gdpr, maximum) retention is met by the effective retention.",
  explanation:
    "The oldest recovery point's age must reach the regime's minimum and must not exceed its maximum. The numbers are this library's documented reading (docs/policies.md); acknowledge with your auditor's reading where it differs.",
  check({ catalog, policyOf }) {
    return catalog.services.flatMap((s): Violation[] => {
      if (s.compliance.length === 0) return [];
      const p = policyOf(s);
      const interval = p.jobCadence.intervalMinutes;
      const oldest = p.retention.maxLifetimeDays(interval);
      const longest = [...RETENTION_CLASSES].reverse().find((c) => p.retention.count(c) > 0);
      return s.compliance.flatMap((tag, i): Violation[] => {
        const req = COMPLIANCE[tag];
        if (req.minRetentionDays !== undefined && oldest < req.minRetentionDays) {
          return [{ path: servicePath(s, "compliance", i), message: `${req.title} needs recovery points kept at least ${req.minRetentionDays} days (${req.basis}); the oldest point of \`${s.id}\` is kept ${oldest} days`, fix: `raise \`retention.yearly\` (or monthly) so the oldest point lives ${req.minRetentionDays} days` }];
        }
        if (req.maxRetentionDays !== undefined && oldest > req.maxRetentionDays && longest) {
          const src = retentionSource(p, longest);
          return [{ path: src.path, message: `${req.title} allows recovery points at most ${req.maxRetentionDays} days (${req.basis}); ${src.phrase} keeps them ${oldest} days`, fix: `lower \`retention.${longest}\` so no point lives beyond ${req.maxRetentionDays} days` }];
        }
        return [];
      });
    });
  },
};
