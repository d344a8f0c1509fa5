import type { Catalog } from "../catalog/model";
import type { CatalogSource } from "../catalog/source";
import { type Finding, Severity, sortFindings } from "../core/finding";
import { effectivePolicies, type EffectivePolicy } from "../policy/effective";
import { AckRules, FINDING_DOCS, RULE_FAILED } from "./catalog-rules";
import { BASELINE_RULES } from "./packs/baseline";
import type { GovernanceRule, RuleContext } from "./rule";

/** Where findings are placed: a parsed file, or (for a catalog built in code) its start. */
export type FindingPositions = Pick<CatalogSource, "start" | "keyPosition" | "valuePosition">;

/** Shortest accepted acknowledgement reason. */
export const MIN_ACK_REASON = 10;

/**
 * Runs governance rules over a schema-checked catalog and applies the services'
 * acknowledgements. Acknowledged findings stay in the result, marked, so the report and
 * the compliance artifact show them.
 */
export function evaluateRules(
  catalog: Catalog,
  source: FindingPositions,
  rules: readonly GovernanceRule[] = BASELINE_RULES,
): Finding[] {
  const policies = effectivePolicies(catalog);
  const byService = new Map<unknown, EffectivePolicy>(policies.map((p) => [p.service, p]));
  const ctx: RuleContext = { catalog, policies, policyOf: (s) => byService.get(s)! };
  const findings: Finding[] = [];
  for (const rule of rules) {
    let violations;
    try {
      violations = rule.check(ctx);
    } catch (e) {
      findings.push({
        ruleId: RULE_FAILED,
        severity: Severity.WARNING,
        message: `${rule.id} could not be evaluated: ${(e as Error).message}`,
        fix: "report this as a bug; the other findings stand",
        path: [],
        position: source.start(),
      });
      continue;
    }
    for (const v of violations) {
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: v.message,
        fix: v.fix,
        path: v.path,
        position: v.atKey ? source.keyPosition(v.path) : source.valuePosition(v.path),
      });
    }
  }
  // A finding about a key the loader dropped is a consequence of a schema error already reported.
  const related = (f: Finding) => catalog.repairedPaths.some((p) => isWithin(f.path, p) || isWithin(p, f.path));
  return sortFindings(applyAcknowledgements(catalog, source, findings.filter((f) => !related(f)), rules));
}

function applyAcknowledgements(catalog: Catalog, source: FindingPositions, findings: Finding[], rules: readonly GovernanceRule[]): Finding[] {
  const known = new Map<string, boolean>(rules.map((r) => [r.id, r.acknowledgeable]));
  for (const d of FINDING_DOCS) if (!known.has(d.id)) known.set(d.id, false);
  const out = [...findings];
  for (const s of catalog.services) {
    for (const ack of s.acknowledge) {
      const at = [...s.path, "acknowledge", ack.index];
      const ackable = known.get(ack.rule);
      if (ackable === undefined) {
        out.push({ ruleId: AckRules.UNKNOWN_RULE, severity: Severity.ERROR, message: `\`acknowledge\` names unknown rule ${ack.rule}`, fix: "use an id from docs/rules.md (`backup-gov explain`)", path: [...at, "rule"], position: source.valuePosition([...at, "rule"]) });
        continue;
      }
      if (!ackable) {
        out.push({ ruleId: AckRules.NOT_ACKNOWLEDGEABLE, severity: Severity.ERROR, message: `${ack.rule} guards a hard limit and cannot be acknowledged`, fix: "fix the catalog instead", path: [...at, "rule"], position: source.valuePosition([...at, "rule"]) });
        continue;
      }
      if (ack.reason.trim().length < MIN_ACK_REASON) {
        out.push({ ruleId: AckRules.REASON_TOO_SHORT, severity: Severity.ERROR, message: `the reason for acknowledging ${ack.rule} has ${ack.reason.trim().length} characters; at least ${MIN_ACK_REASON} are needed`, fix: "say why the finding is acceptable for this service", path: [...at, "reason"], position: source.valuePosition([...at, "reason"]) });
        continue;
      }
      let used = false;
      for (let i = 0; i < out.length; i++) {
        const f = out[i];
        if (f.ruleId === ack.rule && !f.acknowledged && isWithin(f.path, s.path)) {
          out[i] = { ...f, acknowledged: { reason: ack.reason.trim() } };
          used = true;
        }
      }
      if (!used) {
        out.push({ ruleId: AckRules.UNUSED, severity: Severity.WARNING, message: `\`acknowledge\` accepts ${ack.rule}, but service \`${s.id}\` has no such finding`, fix: "remove the stale acknowledgement", path: at, position: source.valuePosition(at) });
      }
    }
  }
  return out;
}

function isWithin(path: ReadonlyArray<string | number>, prefix: ReadonlyArray<string | number>): boolean {
  return prefix.every((seg, i) => path[i] === seg);
}
