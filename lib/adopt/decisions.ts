import type { CatalogPath, Finding, SourcePosition } from "../core/finding";
import { Severity } from "../core/finding";

/**
 * The value `backup-gov adopt` writes where only a person can decide. The loader refuses it
 * like any wrong value; validate then reports each one as a pending decision (CAT-060) instead
 * of a format error, so that an adopted draft lists exactly the decisions left to make.
 */
export const DECIDE = "decide";

/** The finding id of a pending decision. */
export const PENDING_DECISION = "CAT-060";

/** Keys whose value only a person can give, and what the decision is. */
export const DECISIONS: Readonly<Record<string, string>> = {
  classification: "the tier: critical, important or rebuildable",
  rto: "how long a restore may take (e.g. 4h, 1d)",
  app: 'the app-level decision and its rationale: `{ decision: required | vzdump-only | platform-only, rationale: "..." }`',
  offsite: 'the offsite decision and its reason: `{ required: true | false, reason: "..." }`',
  restore:
    'the restore facts: `{ secrets: "vault:kv/...", validate: ["curl -fsS ..."] }` (`{}` for a rebuildable service)',
  notifications: "who is alerted: `{ email: [ops@example.com] }` (or webhooks, pagerduty)",
  owner: 'who owns the estate\'s backups, e.g. "@ops-team"',
  breakGlassPrincipal:
    "the one IAM role or user (ARN) that may disable or schedule the deletion of the estate's KMS keys (GOV-220): every key policy denies both to anyone else",
};

/** What the loader's source answers: a plain value and a position at a path. */
export interface DecisionSource {
  scalarAt(path: CatalogPath): unknown;
  valuePosition(path: CatalogPath): SourcePosition;
}

/** The decision a path names: `services[i].<key>` or a top-level `notifications`. */
function decisionKey(path: CatalogPath): string | undefined {
  if (
    path.length === 3 &&
    path[0] === "services" &&
    typeof path[1] === "number" &&
    typeof path[2] === "string" &&
    path[2] !== "notifications" &&
    DECISIONS[path[2]]
  )
    return path[2];
  if (path.length === 1 && (path[0] === "notifications" || path[0] === "owner")) return path[0];
  // Only a person can name who may pull the keys; adopt never guesses a principal.
  if (path.length === 2 && path[0] === "aws" && path[1] === "breakGlassPrincipal") return path[1];
  return undefined;
}

/**
 * Turns the loader's findings about `decide` values into pending decisions. `valueAt` reads
 * the catalog's value at a path (the loader's source).
 */
export function markPendingDecisions(findings: readonly Finding[], source: DecisionSource): Finding[] {
  const valueAt = (p: CatalogPath) => source.scalarAt(p);
  const out = findings.map((f) => {
    const key = decisionKey(f.path);
    if (!key || valueAt(f.path) !== DECIDE) return f;
    // The id is a YAML scalar, or missing.
    const id = valueAt(["services", f.path[1], "id"]) as string | number | boolean | null | undefined;
    const where = f.path[0] === "services" ? `service ${String(id ?? `#${String(f.path[1])}`)}: ` : "";
    return {
      ruleId: PENDING_DECISION,
      severity: Severity.ERROR,
      message: `${where}\`${key}\` is left for a person to decide: ${DECISIONS[key]}`,
      path: f.path,
      position: f.position,
      fix: `replace \`${DECIDE}\` with the decision (the comment beside it says what adopt found)`,
    };
  });
  // `owner: decide` is a valid string to the schema: only its value says it is pending.
  if (valueAt(["owner"]) === DECIDE) {
    out.push({
      ruleId: PENDING_DECISION,
      severity: Severity.ERROR,
      message: `\`owner\` is left for a person to decide: ${DECISIONS.owner}`,
      path: ["owner"],
      position: source.valuePosition(["owner"]),
      fix: `replace \`${DECIDE}\` with the owner`,
    });
  }
  return out;
}

/**
 * An acknowledgement in a service with a pending decision may be unused only because the
 * rule it answers could not judge the undecided service (ACK-004): it is not reported yet.
 */
export function dropUnjudgedAcknowledgements(findings: readonly Finding[]): Finding[] {
  const pending = new Set(
    findings.filter((f) => f.ruleId === PENDING_DECISION && f.path[0] === "services").map((f) => f.path[1]),
  );
  return findings.filter((f) => !(f.ruleId === "ACK-004" && f.path[0] === "services" && pending.has(f.path[1])));
}
