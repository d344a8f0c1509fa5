/**
 * How `backup-gov explain` prints a rule, from plain data: this module loads nothing else, so
 * that `explain` reads the generated index (rule-index.ts) without loading the rules, the
 * catalog schema or cdktf.
 */

/** A rule or finding id as `explain` shows it. */
export interface RuleEntry {
  readonly id: string;
  readonly name: string;
  readonly step: string;
  readonly summary: string;
  readonly explanation: string;
  readonly severity: string;
  readonly acknowledgeable: boolean;
}

/** One rule, as `backup-gov explain <id>` prints it. */
export function formatRule(e: RuleEntry): string {
  return [
    `${e.id} ${e.name}`,
    `  step:           ${e.step}`,
    `  severity:       ${e.severity}`,
    `  acknowledgeable: ${e.acknowledgeable ? "yes (acknowledge: [{ rule: " + e.id + ", reason: ... }])" : "no"}`,
    "",
    `  ${e.summary}`,
    "",
    `  Why: ${e.explanation}`,
    "",
  ].join("\n");
}

/** Every rule, one line each, as `backup-gov explain` prints them. */
export function formatRuleList(entries: readonly RuleEntry[]): string {
  return entries.map((e) => `${e.id}  ${e.name.padEnd(30)} ${e.summary}`).join("\n") + "\n";
}
