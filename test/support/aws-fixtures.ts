import { stringify } from "yaml";
import type { Catalog } from "../../lib/catalog/model";
import { type ValidationReport, validateCatalogText } from "../../lib/governance/validate";
import { loadCatalogText } from "../../lib/catalog/load";
import type { Finding } from "../../lib/core/finding";
import { evaluateRules } from "../../lib/governance/engine";
import type { GovernanceRule } from "../../lib/governance/rule";

/** An AWS-only service protected by AWS Backup (the smallest valid one). */
export function awsService(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    classification: "important",
    rpo: "1d",
    rto: "8h",
    app: { decision: "platform-only", rationale: "AWS Backup protects the resources" },
    offsite: { required: false, reason: "test fixture" },
    aws: { resources: [`arn:aws:dynamodb:us-east-1:123456789012:table/${id}`] },
    restore: { secrets: `aws-sm:backup/${id}`, validate: ["true"] },
    ...extra,
  };
}

/** A service whose app-level backups go to the estate's S3 bucket. */
export function s3Service(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    classification: "important",
    rpo: "1d",
    rto: "8h",
    app: {
      decision: "required",
      rationale: "files need a copy",
      engine: "files",
      host: `${id}.internal`,
      paths: ["/srv/data"],
    },
    offsite: { required: false, reason: "test fixture" },
    restore: { secrets: `vault:kv/${id}`, validate: ["true"] },
    ...extra,
  };
}

/** The YAML text of an AWS estate holding these services. */
export function awsCatalogText(
  services: Array<Record<string, unknown>>,
  aws: Record<string, unknown> = {},
  name = "test",
): string {
  return stringify({
    version: 1,
    name,
    owner: "@ops",
    aws: {
      region: "us-east-1",
      offsiteRegion: "us-west-2",
      accountId: "123456789012",
      breakGlassPrincipal: "arn:aws:iam::123456789012:role/break-glass",
      ...aws,
    },
    notifications: { email: ["ops@example.com"] },
    contacts: [{ name: "Ops", role: "on call", email: "ops@example.com" }],
    services,
  });
}

/** Validates an AWS estate of these services. */
export function awsReport(
  services: Array<Record<string, unknown>>,
  aws: Record<string, unknown> = {},
  name = "test",
): ValidationReport {
  return validateCatalogText(awsCatalogText(services, aws, name), "test.yaml");
}

/** The catalog of a valid AWS estate; throws with the findings when it is not valid. */
export function awsCatalog(
  services: Array<Record<string, unknown>>,
  aws: Record<string, unknown> = {},
  name = "test",
): Catalog {
  const r = awsReport(services, aws, name);
  if (!r.ok || !r.catalog)
    throw new Error(`fixture does not validate:\n${r.findings.map((f) => `${f.ruleId} ${f.message}`).join("\n")}`);
  return r.catalog;
}

/** The findings of one rule on an AWS estate of these services (schema findings fail the fixture). */
export function ruleFindings(
  rule: GovernanceRule,
  services: Array<Record<string, unknown>>,
  aws: Record<string, unknown> = {},
  name = "test",
): Finding[] {
  const text = awsCatalogText(services, aws, name);
  const loaded = loadCatalogText(text, "test.yaml");
  if (!loaded.catalog || !loaded.source || loaded.findings.length)
    throw new Error(`fixture does not load: ${loaded.findings.map((f) => f.message).join("; ")}`);
  return evaluateRules(loaded.catalog, loaded.source, [rule]).filter((f) => f.ruleId === rule.id);
}

/** The line of the first occurrence of `needle` in the catalog text of these services. */
export function lineOf(
  services: Array<Record<string, unknown>>,
  needle: string,
  aws: Record<string, unknown> = {},
): number {
  return (
    awsCatalogText(services, aws)
      .split("\n")
      .findIndex((l) => l.includes(needle)) + 1
  );
}
