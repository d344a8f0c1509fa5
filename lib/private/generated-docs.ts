import { catalogJsonSchema } from "../catalog/json-schema";
import { renderRuntimeConstants } from "../artifacts/app/runtime";
import { Errors } from "../errors";
import { renderPolicies } from "../artifacts/policies";
import { renderRuleIndex, renderRulesDoc } from "../governance/docs";

type JsonSchema = Record<string, unknown>;

export const FIELDS_BEGIN = "<!-- BEGIN GENERATED FIELD REFERENCE (npm run gen) -->";
export const FIELDS_END = "<!-- END GENERATED FIELD REFERENCE -->";

/** Every generated file of the repository: path → content. `npm run gen` writes them; a test checks they are current. */
export function generatedFiles(currentCatalogDoc: string): Record<string, string> {
  return {
    "schema/catalog.schema.json": JSON.stringify(catalogJsonSchema(), null, 2) + "\n",
    "docs/rules.md": renderRulesDoc(),
    // The rules as data for `backup-gov explain`, which must not load the rules to print one.
    "lib/governance/rule-index.ts": renderRuleIndex(),
    "docs/policies.md": renderPolicies(),
    "docs/errors.md": renderErrorsDoc(),
    "docs/catalog.md": spliceFieldReference(currentCatalogDoc),
    // The app-backup runtime's constants, so that shellcheck -x reads the real definitions.
    "lib/artifacts/app/sh/lib/constants.sh": renderRuntimeConstants(),
  };
}

/** Replaces the generated field table inside docs/catalog.md, keeping the hand-written prose around it. */
export function spliceFieldReference(doc: string): string {
  const start = doc.indexOf(FIELDS_BEGIN);
  const end = doc.indexOf(FIELDS_END);
  if (start < 0 || end < start) throw new Error(`docs/catalog.md lacks the ${FIELDS_BEGIN} / ${FIELDS_END} markers`);
  return doc.slice(0, start) + FIELDS_BEGIN + "\n\n" + renderFieldReference() + "\n" + doc.slice(end);
}

/** One row per catalog key, from the JSON Schema (itself generated from the zod schemas). */
export function renderFieldReference(): string {
  const rows: string[] = ["| Key | Type | Required | Description |", "|---|---|---|---|"];
  const walk = (node: JsonSchema, path: string) => {
    const props = node.properties as Record<string, JsonSchema> | undefined;
    const required = new Set((node.required as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries(props ?? {})) {
      const p = path ? `${path}.${key}` : key;
      rows.push(`| \`${p}\` | ${typeOf(child)} | ${required.has(key) ? "yes" : "no"} | ${describe(child)} |`);
      descend(child, p);
    }
  };
  const descend = (child: JsonSchema, p: string) => {
    if (child.type === "object" && child.properties) walk(child, p);
    else if (child.type === "array" && (child.items as JsonSchema | undefined)?.type === "object")
      walk(child.items as JsonSchema, `${p}[]`);
    else if (child.type === "array" && Array.isArray((child.items as JsonSchema | undefined)?.oneOf)) {
      // A discriminated union (e.g. storages by `type`): one group of rows per variant.
      for (const v of (child.items as JsonSchema).oneOf as JsonSchema[]) {
        const tag = Object.entries((v.properties as Record<string, JsonSchema> | undefined) ?? {}).find(
          ([, s]) => s.const !== undefined,
        );
        walk(v, tag ? `${p}[${tag[0]}=${String(tag[1].const)}]` : `${p}[]`);
      }
    } else if (child.type === "object" && typeof child.additionalProperties === "object") {
      const v = child.additionalProperties as JsonSchema;
      if (v.type === "object") walk(v, `${p}.<name>`);
    }
  };
  walk(catalogJsonSchema(), "");
  return rows.join("\n") + "\n";
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.type === "array") return `list of ${typeOf(s.items as JsonSchema)}`;
  if (Array.isArray(s.oneOf)) return "mapping";
  if (s.type === "object" && typeof s.additionalProperties === "object" && !s.properties)
    return `map of ${typeOf(s.additionalProperties as JsonSchema)}`;
  if (s.type === "object") return "mapping";
  if (s.type === "integer") {
    const min = s.minimum as number | undefined;
    const max = s.maximum as number | undefined;
    return `integer${min !== undefined ? ` ≥ ${min}` : ""}${max !== undefined && max < 1e15 ? `, ≤ ${max}` : ""}`;
  }
  return String((s.type as string | string[] | undefined) ?? "any");
}

function describe(s: JsonSchema): string {
  const d =
    (s.description as string | undefined) ??
    ((s.items as JsonSchema | undefined)?.description as string | undefined) ??
    "";
  const pattern = s.pattern ? ` Pattern: \`${(s.pattern as string).replace(/\|/g, "\\|")}\`.` : "";
  return (d + pattern).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** docs/errors.md: every error code the library throws, with its message shape and fix. */
/**
 * Example arguments for the factories whose messages compute with their arguments (numbers,
 * ranges, suggested names): docs/errors.md shows each message as a user would read it.
 * Factories not listed get `<value>` for every argument.
 */
export const ERROR_SAMPLES: { readonly [K in keyof typeof Errors]?: Parameters<(typeof Errors)[K]> } = {
  invalidDuration: ["4 hours", "rpo"],
  invalidRetention: ["daily", -1],
  invalidInterval: [90],
  invalidOffset: [1500, 1440],
  invalidDayOfMonth: ["weekly", 31],
  catalogInvalid: ["catalog.yaml", 2],
  driftCatalogInvalid: ["catalog.yaml", 2],
  pveInvalidId: ["job_id", "1st job", 48],
  pveInvalidVmid: [42],
  pveDuplicateEnrollment: ["pve", 204, "vaultwarden", "vaultwarden-copy"],
  pveOutOfRange: ["vmid", 42, "100..999999999"],
  kmsDeletionWindow: [3],
  objectLockDays: [0],
  lifecycleBeforeLock: ["noncurrentVersionExpirationDays", 7, 14],
  vaultLockRange: [30, "14"],
  vaultLockGrace: ["governance", "3"],
  coldStorageTooLate: ["rule `monthly`", 120, 60],
  backupWindow: ["daily", 30, 20],
  restoreTestingRange: ["selectionWindowDays", 400, "1..365"],
  tooManyAuditControls: [60, 50],
  answerTooLarge: ["answers/jobs.json", 20971520, 16777216],
  answerUnrecognized: ["answers/other.json", ["pvesh get /cluster/backup", "aws backup get-backup-plan", "..."]],
  internal: ["the schedule of homelab-critical-1a2b3c/daily"],
};

export function renderErrorsDoc(): string {
  const lines = [
    "# Error codes",
    "",
    "<!-- Generated by `npm run gen` from lib/errors.ts; do not edit. -->",
    "",
    "Errors thrown by constructs and commands carry a stable code. Catalog findings (CAT-, GOV-, ACK-) are listed in [rules.md](rules.md).",
    "",
  ];
  const samples = Object.entries(Errors).map(([name, factory]) => {
    const args: readonly unknown[] = ERROR_SAMPLES[name as keyof typeof Errors] ?? [
      "<value>",
      "<value>",
      "<value>",
      "<value>",
    ];
    const e = (factory as (...a: unknown[]) => Error & { code: string; details: { allowed?: string; fix?: string } })(
      ...args,
    );
    return { name, e };
  });
  samples.sort((a, b) => a.e.code.localeCompare(b.e.code));
  for (const { name, e } of samples) {
    lines.push(`## ${e.code}`, "", `\`${name}\`: ${e.message.split("; ")[0].replace(/^[A-Z]+-\d+: /, "")}`, "");
    if (e.details.allowed) lines.push(`- Allowed: ${e.details.allowed}`);
    if (e.details.fix) lines.push(`- Fix: ${e.details.fix}`);
    lines.push("");
  }
  return lines.join("\n");
}
