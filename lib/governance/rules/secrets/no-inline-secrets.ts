import type { Catalog } from "../../../catalog/model";
import type { CatalogPath } from "../../../core/finding";
import { Severity } from "../../../core/finding";
import { secretShapeOf } from "../../../core/secrets";
import { ChecklistStep, type GovernanceRule, type Violation } from "../../rule";

export { hasUrlPassword } from "../../../core/secrets";

export const noInlineSecrets: GovernanceRule = {
  id: "GOV-025",
  name: "no-inline-secrets",
  step: ChecklistStep.INTAKE,
  severity: Severity.ERROR,
  acknowledgeable: false,
  summary:
    "No secret appears anywhere in the catalog, in a key or a value of any section: passwords, keys, tokens and webhook URLs are referenced, never written.",
  explanation:
    "Everything in the catalog flows into Terraform JSON, the inventory, the SOPs and the runbook, which are committed and shared: AWS tags, NFS options, descriptions, contacts and a cluster's context as much as a service. Secrets belong in a secret store, named by `restore.secrets` or by sensitive Terraform variables.",
  check({ catalog }) {
    return scanCatalog(catalog);
  },
};

/**
 * Model fields that are not catalog text: positions and bookkeeping, and values derived
 * from a key (a host's `name` is its key under `proxmox.hosts`, scanned as a key).
 */
const NOT_CATALOG_TEXT = new Set([
  "file",
  "index",
  "path",
  "declaredServiceIds",
  "invalidSections",
  "repairedPaths",
  "partialServices",
  "ruleViews",
  "unknownSections",
  "services",
]);
const DERIVED = new Set(["proxmox.hosts.*.name", "kubernetes.clusters.*.name"]);

/** Every string of every section, keys and values; services are walked entry by entry. */
function scanCatalog(catalog: Catalog): Violation[] {
  const out: Violation[] = [];
  const flag = (text: string, path: CatalogPath, atKey: boolean) => {
    const what = secretShapeOf(text);
    if (!what) return;
    out.push({
      path,
      atKey,
      message: `this ${atKey ? "key" : "value"} looks like ${what}; secrets must not be written in the catalog (it would reach Terraform JSON and every artifact)`,
      fix: "move the secret to your secret store and reference it (e.g. `restore.secrets: vault:kv/...`, an env file on the host, a sensitive Terraform variable)",
    });
  };
  const visit = (value: unknown, path: CatalogPath, pattern: string) => {
    if (typeof value === "string") {
      if (!DERIVED.has(pattern)) flag(value, path, false);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        visit(v, [...path, i], `${pattern}.#`);
      });
    } else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      // Keys are read one by one (never destructured): a service with a malformed required
      // field lacks that key, and the rest of it is still scanned.
      for (const key of Object.keys(value)) {
        if (path.length === 0 && NOT_CATALOG_TEXT.has(key)) continue;
        const child = [...path, key];
        flag(key, child, true);
        visit(
          (value as Record<string, unknown>)[key],
          child,
          pattern === "" ? key : `${pattern}.${pathWord(path, key)}`,
        );
      }
    }
  };
  visit(catalog, [], "");
  const skip = new Set(["index", "path", "rpo", "rto"]);
  for (const service of catalog.services) {
    for (const key of Object.keys(service)) {
      if (skip.has(key)) continue;
      // A service without an owner inherits the catalog's: that one is reported once, at `owner`.
      if (key === "owner" && service.owner === catalog.owner) continue;
      visit((service as unknown as Record<string, unknown>)[key], [...service.path, key], `services.#.${key}`);
    }
  }
  return out;
}

/** A path word for {@link DERIVED}: the keys of `hosts` and `clusters` are names (`*`). */
function pathWord(parent: CatalogPath, key: string): string {
  const last = parent[parent.length - 1];
  return last === "hosts" || last === "clusters" ? "*" : key;
}
