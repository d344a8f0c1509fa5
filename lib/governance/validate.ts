import { loadCatalogFile, loadCatalogText, loadResultOf } from "../catalog/load";
import type { Catalog } from "../catalog/model";
import { type Finding, isBlocking, sortFindings } from "../core/finding";
import { evaluateRules, type FindingPositions } from "./engine";
import { dropUnjudgedAcknowledgements, markPendingDecisions } from "../adopt/decisions";

/** Everything `backup-gov validate` reports for one catalog. */
export interface ValidationReport {
  readonly file: string;
  /** The catalog, when it parsed; only safe to synthesize from when `ok`. */
  readonly catalog?: Catalog;
  /** Every finding (schema, rules, acknowledgements), sorted by position. */
  readonly findings: readonly Finding[];
  /** No unacknowledged error. */
  readonly ok: boolean;
}

/** Loads and validates a catalog file: schema findings and governance findings, all at once. */
export function validateCatalogFile(file: string): ValidationReport {
  return report(file, loadCatalogFile(file));
}

/** Like validateCatalogFile, for text already in memory. */
export function validateCatalogText(text: string | Uint8Array, file = "catalog.yaml"): ValidationReport {
  return report(file, loadCatalogText(text, file));
}

function report(file: string, loaded: ReturnType<typeof loadCatalogFile>): ValidationReport {
  // An adopted draft's `decide` values are pending decisions, not format errors (docs/adopt.md).
  const source = loaded.source;
  const findings = source ? markPendingDecisions(loaded.findings, source) : [...loaded.findings];
  if (loaded.catalog && loaded.source) findings.push(...evaluateRules(loaded.catalog, loaded.source));
  const sorted = sortFindings(dropUnjudgedAcknowledgements(findings));
  return { file, catalog: loaded.catalog, findings: sorted, ok: !sorted.some(isBlocking) };
}

/**
 * Validates a catalog already in memory: the governance rules, plus the loader's findings
 * when the loader built it (positions then point into its file). A catalog built in code has
 * no file: its findings are placed at line 1, and their YAML path says where.
 */
export function validateCatalog(catalog: Catalog): ValidationReport {
  const loaded = loadResultOf(catalog);
  if (loaded) return report(catalog.file, loaded);
  const start = { file: catalog.file, line: 1, column: 1 };
  const positions: FindingPositions = { start: () => start, keyPosition: () => start, valuePosition: () => start };
  const sorted = sortFindings(evaluateRules(catalog, positions));
  return { file: catalog.file, catalog, findings: sorted, ok: !sorted.some(isBlocking) };
}
