import { findingToJson } from "../core/finding";
import type { ValidationReport } from "../governance/validate";

/**
 * The compliance report: every finding of the validation, acknowledged ones included with
 * their reasons, so an audit sees what was accepted and why.
 */
export function renderComplianceReport(report: ValidationReport): string {
  const body = {
    catalog: report.file,
    ok: report.ok,
    findings: report.findings.map(findingToJson),
  };
  return JSON.stringify(body, null, 2) + "\n";
}
