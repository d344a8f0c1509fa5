import { Severity } from "../../../core/finding";
import { RETENTION_CLASSES } from "../../../core/retention";
import type { ComplianceRegime } from "../../../core/vocabulary";
import { COMPLIANCE, type ComplianceRequirement } from "../../../policy/compliance";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";
import { retentionSource } from "../paths";

/**
 * The judgement of GOV-024, shared by the catalog rule and GovernanceChecks: how the age of
 * the oldest recovery point misses a regime's minimum or maximum, or undefined.
 */
export function complianceBreach(
  regime: ComplianceRegime,
  oldestDays: number,
):
  | { readonly bound: "minimum" | "maximum"; readonly limitDays: number; readonly requirement: ComplianceRequirement }
  | undefined {
  const req = COMPLIANCE[regime];
  if (req.minRetentionDays !== undefined && oldestDays < req.minRetentionDays)
    return { bound: "minimum", limitDays: req.minRetentionDays, requirement: req };
  if (req.maxRetentionDays !== undefined && oldestDays > req.maxRetentionDays)
    return { bound: "maximum", limitDays: req.maxRetentionDays, requirement: req };
  return undefined;
}

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
        const breach = complianceBreach(tag, oldest);
        const req = COMPLIANCE[tag];
        if (breach?.bound === "minimum") {
          return [
            {
              path: servicePath(s, "compliance", i),
              message: `${req.title} needs recovery points kept at least ${req.minRetentionDays} days (${req.basis}); the oldest point of \`${s.id}\` is kept ${oldest} days`,
              fix: `raise \`retention.yearly\` (or monthly) so the oldest point lives ${req.minRetentionDays} days`,
            },
          ];
        }
        if (breach?.bound === "maximum" && longest) {
          const src = retentionSource(p, longest);
          return [
            {
              path: src.path,
              message: `${req.title} allows recovery points at most ${req.maxRetentionDays} days (${req.basis}); ${src.phrase} keeps them ${oldest} days`,
              fix: `lower \`retention.${longest}\` so no point lives beyond ${req.maxRetentionDays} days`,
            },
          ];
        }
        return [];
      });
    });
  },
};
