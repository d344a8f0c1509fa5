import { loadCatalogText } from "../../../../lib/catalog/load";
import { evaluateRules } from "../../../../lib/governance/engine";
import type { GovernanceRule } from "../../../../lib/governance/rule";

/** A valid one-service catalog; `app` and `extra` lines are spliced in (no `aws:` section when `aws` is empty). */
export function catalog(app: string, extra = "", aws = "aws: { region: us-east-1, offsiteRegion: us-west-2 }"): string {
  return `version: 1
name: test
owner: "@ops"
notifications: { email: [ops@example.com] }
${aws ? `${aws}\n` : ""}services:
  - id: svc
    classification: important
    rpo: 1d
    rto: 4h
    app:
      decision: required
      rationale: "application-consistent copy"
${app
  .trim()
  .split("\n")
  .map((l) => `      ${l.trim()}`)
  .join("\n")}
    offsite: { required: ${extra.includes("offsite-required") ? "true" : "false"}, reason: "decided" }
    restore: { secrets: "vault:kv/svc", validate: ["true"] }
`;
}

/** Findings of one rule alone (a pack holding only it), as `line: message`. */
export function findings(rule: GovernanceRule, text: string): string[] {
  const loaded = loadCatalogText(text);
  expect(loaded.findings).toEqual([]);
  return evaluateRules(loaded.catalog!, loaded.source!, [rule]).map((f) => `${f.position.line}: ${f.message}`);
}
