import { ComplianceRegime } from "../core/vocabulary";

/** What a compliance tag demands of a service's retention. */
export interface ComplianceRequirement {
  readonly regime: ComplianceRegime;
  readonly title: string;
  /** The oldest recovery point must reach at least this age (days). */
  readonly minRetentionDays?: number;
  /** No recovery point may be kept longer than this (days). */
  readonly maxRetentionDays?: number;
  readonly basis: string;
}

/**
 * This library's documented reading of each regime. The numbers are defaults a team can
 * argue with: where their auditor reads a regime differently, acknowledge GOV-024 with
 * the auditor's reasoning.
 */
export const COMPLIANCE: Readonly<Record<ComplianceRegime, ComplianceRequirement>> = {
  [ComplianceRegime.GDPR]: {
    regime: ComplianceRegime.GDPR,
    title: "GDPR",
    maxRetentionDays: 1095,
    basis: "storage limitation (Art. 5(1)(e)): backups of personal data are not kept beyond 3 years",
  },
  [ComplianceRegime.HIPAA]: {
    regime: ComplianceRegime.HIPAA,
    title: "HIPAA",
    minRetentionDays: 2190,
    basis: "documentation retention of 6 years (45 CFR 164.316(b)(2))",
  },
  [ComplianceRegime.SOC2]: {
    regime: ComplianceRegime.SOC2,
    title: "SOC 2",
    minRetentionDays: 365,
    basis: "evidence for a 12-month audit period",
  },
  [ComplianceRegime.PCI]: {
    regime: ComplianceRegime.PCI,
    title: "PCI DSS",
    minRetentionDays: 365,
    basis: "12 months of history, 3 months immediately available (PCI DSS 10.5.1)",
  },
};
