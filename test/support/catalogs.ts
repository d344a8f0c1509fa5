import { join } from "node:path";
import type { Catalog } from "../../lib/catalog/model";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";
import { type EffectivePolicy, effectivePolicies } from "../../lib/policy/effective";

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

export const PROXMOX = "proxmox:\n  hosts:\n    pve1: { endpoint: \"https://pve1.lan:8006\", node: pve1, storage: local }\n";

export function validateText(text: string) {
  return validateCatalogText(text, "mini.yaml");
}
