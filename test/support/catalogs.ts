import { join } from "node:path";
import { stringify } from "yaml";
import type { Catalog } from "../../lib/catalog/model";
import { type Finding, formatPath } from "../../lib/core/finding";
import { validateCatalogFile, validateCatalogText, type ValidationReport } from "../../lib/governance/validate";
import { type EffectivePolicy, effectivePolicies } from "../../lib/policy/effective";

/** A small valid estate: one Proxmox host, AWS with an offsite region, one email channel. */
export function baseCatalog(): Record<string, unknown> {
  return {
    version: 1,
    name: "testlab",
    owner: "@ops",
    aws: {
      region: "us-east-1",
      offsiteRegion: "us-west-2",
      accountId: "123456789012",
      breakGlassPrincipal: "arn:aws:iam::123456789012:role/break-glass",
    },
    proxmox: {
      hosts: {
        pve: {
          endpoint: "https://pve.test:8006",
          node: "pve",
          storage: "pbs",
          vzdumpHook: true,
          auth: "root-password",
        },
      },
    },
    notifications: { email: ["ops@example.com"] },
    contacts: [{ name: "Ops", role: "owner", email: "ops@example.com" }],
    services: [],
  };
}

/** A valid important service with a vm and a vzdump-only decision. */
export function vmService(id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    classification: "important",
    rpo: "1d",
    rto: "4h",
    vm: { host: "pve", vmid: 100 + (Math.abs(hashCode(id)) % 800) },
    app: { decision: "vzdump-only", rationale: "the image is enough" },
    offsite: { required: false, reason: "rebuildable from git" },
    restore: { secrets: `vault:kv/${id}`, validate: [`curl -fsS https://${id}.test/health`] },
    ...patch,
  };
}

/** A valid critical service with a PostgreSQL app backup to S3. */
export function criticalDbService(id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    classification: "critical",
    rpo: "4h",
    rto: "2h",
    vm: { host: "pve", vmid: 200 + (Math.abs(hashCode(id)) % 700) },
    app: { decision: "required", rationale: "database", engine: "postgresql", host: `${id}.test`, database: "app" },
    offsite: { required: true, reason: "critical" },
    restore: { secrets: `vault:kv/${id}`, validate: ["true"] },
    ...patch,
  };
}

/** A valid platform-only service protecting an RDS database. */
export function awsService(id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    classification: "important",
    rpo: "1d",
    rto: "4h",
    app: { decision: "platform-only", rationale: "AWS Backup protects it" },
    aws: { resources: [`arn:aws:rds:us-east-1:123456789012:db:${id}`] },
    offsite: { required: true, reason: "survive a regional outage" },
    restore: { secrets: `aws-sm:${id}`, validate: ["true"] },
    ...patch,
  };
}

export function catalogWith(
  services: Array<Record<string, unknown>>,
  patch: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...baseCatalog(), services, ...patch };
}

export function validate(catalog: Record<string, unknown> | string, file = "test.yaml"): ValidationReport {
  return validateCatalogText(typeof catalog === "string" ? catalog : stringify(catalog), file);
}

/** Findings of one rule, as `rule path` strings, for compact assertions. */
export function findingsOf(report: ValidationReport, ruleId: string): Finding[] {
  return report.findings.filter((f) => f.ruleId === ruleId);
}

export function pathsOf(findings: readonly Finding[]): string[] {
  return findings.map((f) => formatPath(f.path));
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

export const ROOT = join(__dirname, "..", "..");
export const DEFAULT_CATALOG = join(ROOT, "stacks", "catalog.yaml");
export const EXAMPLES = ["proxmox-only", "small-office"].map((n) => join(ROOT, "examples", `${n}.yaml`));

/** A valid catalog and its effective policies. */
export function loadValid(file = DEFAULT_CATALOG): { catalog: Catalog; policies: EffectivePolicy[] } {
  const report = validateCatalogFile(file);
  if (!report.ok || !report.catalog) throw new Error(`${file} does not validate`);
  return { catalog: report.catalog, policies: effectivePolicies(report.catalog) };
}

/** A small valid catalog; `extra` is YAML appended at the top level, `services` replaces the service list. */
export function miniCatalog(opts: { top?: string; services?: string } = {}): string {
  return `version: 1
name: mini
owner: "@ops"
${opts.top ?? "notifications:\n  email: [ops@example.com]\n"}
services:
${
  opts.services ??
  `  - id: wiki
    classification: important
    rpo: 1d
    rto: 4h
    vm: { host: pve1, vmid: 101 }
    app:
      decision: vzdump-only
      rationale: "the guest image is enough"
    offsite:
      required: false
      reason: "rebuildable from notes"
    restore:
      secrets: "file:/root/keys/wiki"
      validate: ["curl -fsS http://wiki/status"]
`
}`;
}

export const PROXMOX =
  'proxmox:\n  hosts:\n    pve1: { endpoint: "https://pve1.lan:8006", node: pve1, storage: local }\n';

export function validateText(text: string) {
  return validateCatalogText(text, "mini.yaml");
}
