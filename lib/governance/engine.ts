import { type Catalog, MissingFieldError, MissingSectionError, type Service } from "../catalog/model";
import type { CatalogSource } from "../catalog/source";
import { type Finding, oneLine, Severity, sortFindings } from "../core/finding";
import { redactFinding } from "../core/secrets";
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
  // Partial services (a malformed required key) take part in every rule that does not read
  // what they lack; policies need tier and RPO, so only complete services have one.
  const partial = catalog.partialServices ?? [];
  const policies = effectivePolicies(catalog);
  const byService = new Map<unknown, EffectivePolicy>(policies.map((p) => [p.service, p]));
  const views = catalog.ruleViews ?? new Map<Service, Service>();
  for (const [real, view] of views) if (byService.has(real)) byService.set(view, byService.get(real)!);
  const policyOf: RuleContext["policyOf"] = (s) => {
    const p = byService.get(s);
    if (!p && partial.includes(s)) throw new MissingFieldError(s, "classification");
    return p!;
  };
  const everyService = [...catalog.services.map((s) => views.get(s) ?? s), ...partial].sort(
    (a, b) => a.index - b.index,
  );
  const findings: Finding[] = [];
  for (const rule of rules) {
    let violations;
    try {
      violations = checkSkippingPartial(rule, { ...catalog, services: everyService }, policies, policyOf);
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
        message: oneLine(v.message),
        fix: v.fix && oneLine(v.fix),
        path: v.path,
        position: v.atKey ? source.keyPosition(v.path) : source.valuePosition(v.path),
      });
    }
  }
  // A finding about a key the loader dropped is a consequence of a schema error already reported.
  const related = (f: Finding) => catalog.repairedPaths.some((p) => isWithin(f.path, p) || isWithin(p, f.path));
  // A rule may quote catalog text: whatever looks like a secret is cut out (GOV-025 names it).
  return sortFindings(
    applyAcknowledgements(
      catalog,
      source,
      findings.filter((f) => !related(f)),
      rules,
    ).map(redactFinding),
  );
}

/**
 * Runs a rule; when it reads a key a partial service lacks, runs it again without that
 * service: the rule is skipped for that service alone.
 */
function checkSkippingPartial(
  rule: GovernanceRule,
  catalog: Catalog,
  policies: readonly EffectivePolicy[],
  policyOf: RuleContext["policyOf"],
) {
  let services = catalog.services;
  const unknown = catalog.unknownSections ?? new Set<string>();
  for (;;) {
    try {
      const view: Catalog = { ...catalog, services };
      // A dropped section reads as unknown: the rule that needs it is skipped, not misled.
      const ruleCatalog =
        unknown.size === 0
          ? view
          : new Proxy(view, {
              get: (t, k, r) => (typeof k === "string" && unknown.has(k as never) ? fail(k) : Reflect.get(t, k, r)),
            });
      return rule.check({ catalog: ruleCatalog, policies, policyOf });
    } catch (e) {
      if (e instanceof MissingSectionError) return [];
      if (!(e instanceof MissingFieldError) || !services.includes(e.service)) throw e;
      services = services.filter((s) => s !== e.service);
    }
  }
}

function fail(section: string): never {
  throw new MissingSectionError(section);
}

function applyAcknowledgements(
  catalog: Catalog,
  source: FindingPositions,
  findings: Finding[],
  rules: readonly GovernanceRule[],
): Finding[] {
  const known = new Map<string, boolean>(rules.map((r) => [r.id, r.acknowledgeable]));
  for (const d of FINDING_DOCS) if (!known.has(d.id)) known.set(d.id, false);
  const out = [...findings];
  for (const s of [...catalog.services, ...(catalog.partialServices ?? [])]) {
    let acks: Service["acknowledge"];
    try {
      acks = s.acknowledge;
    } catch (e) {
      // A partial service whose `acknowledge` list was malformed acknowledges nothing.
      if (e instanceof MissingFieldError) continue;
      throw e;
    }
    for (const ack of acks) {
      const at = [...s.path, "acknowledge", ack.index];
      const ackable = known.get(ack.rule);
      if (ackable === undefined) {
        out.push({
          ruleId: AckRules.UNKNOWN_RULE,
          severity: Severity.ERROR,
          message: `\`acknowledge\` names unknown rule ${ack.rule}`,
          fix: "use an id from docs/rules.md (`backup-gov explain`)",
          path: [...at, "rule"],
          position: source.valuePosition([...at, "rule"]),
        });
        continue;
      }
      if (!ackable) {
        out.push({
          ruleId: AckRules.NOT_ACKNOWLEDGEABLE,
          severity: Severity.ERROR,
          message: `${ack.rule} guards a hard limit and cannot be acknowledged`,
          fix: "fix the catalog instead",
          path: [...at, "rule"],
          position: source.valuePosition([...at, "rule"]),
        });
        continue;
      }
      if (ack.reason.trim().length < MIN_ACK_REASON) {
        out.push({
          ruleId: AckRules.REASON_TOO_SHORT,
          severity: Severity.ERROR,
          message: `the reason for acknowledging ${ack.rule} has ${ack.reason.trim().length} characters; at least ${MIN_ACK_REASON} are needed`,
          fix: "say why the finding is acceptable for this service",
          path: [...at, "reason"],
          position: source.valuePosition([...at, "reason"]),
        });
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
        out.push({
          ruleId: AckRules.UNUSED,
          severity: Severity.WARNING,
          message: `\`acknowledge\` accepts ${ack.rule}, but service \`${idOf(s)}\` has no such finding`,
          fix: "remove the stale acknowledgement",
          path: at,
          position: source.valuePosition(at),
        });
      }
    }
  }
  return out;
}

/** A service's id; a partial service whose id is malformed is named by its position. */
function idOf(s: Service): string {
  try {
    return s.id;
  } catch (e) {
    if (e instanceof MissingFieldError) return `services[${s.index}]`;
    throw e;
  }
}

function isWithin(path: ReadonlyArray<string | number>, prefix: ReadonlyArray<string | number>): boolean {
  return prefix.every((seg, i) => path[i] === seg);
}
