import { basename } from "node:path";
import { findingToJson } from "../core/finding";
import type { ValidationReport } from "../governance/validate";

/**
 * The compliance report: every finding of the validation, acknowledged ones included with
 * their reasons, so an audit sees what was accepted and why.
 */
export function renderComplianceReport(report: ValidationReport): string {
  const body = {
    // The file name only: an absolute path would make synths from two folders differ.
    catalog: basename(report.file),
    ok: report.ok,
    findings: report.findings.map(findingToJson),
  };
  return JSON.stringify(body, null, 2) + "\n";
}
