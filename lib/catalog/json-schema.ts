import { z } from "zod";
import { catalogSchema } from "./schema/catalog";

/** The `$id` the generated JSON Schema carries. */
export const CATALOG_SCHEMA_ID = "https://cdktf-backup-governance.dev/schema/catalog.schema.json";

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;
let cached: JsonSchema | undefined;

/**
 * The catalog's JSON Schema (draft 2020-12), generated from the zod schemas the loader
 * validates with, so the two cannot drift. Editors use it through
 * `# yaml-language-server: $schema=...`.
 */
export function catalogJsonSchema(): JsonSchema {
  if (!cached) {
    const generated = z.toJSONSchema(catalogSchema, { io: "input", target: "draft-2020-12" }) as JsonSchema;
    cached = { $schema: generated.$schema, $id: CATALOG_SCHEMA_ID, title: "Backup catalog", ...generated };
  }
  return cached;
}

/** The sub-schema at a YAML path, following properties, records and arrays. */
export function jsonSchemaAt(path: ReadonlyArray<string | number>): JsonSchema | undefined {
  let node: JsonSchema | undefined = catalogJsonSchema();
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === "number") {
      node = node.items as JsonSchema | undefined;
    } else {
      const props = node.properties as Record<string, JsonSchema> | undefined;
      node =
        props?.[seg] ??
        (typeof node.additionalProperties === "object" ? (node.additionalProperties as JsonSchema) : undefined) ??
        // A union (e.g. storages by `type`): the first member that has the key.
        variants(node)
          .map((v) => (v.properties as Record<string, JsonSchema> | undefined)?.[seg])
          .find((x) => x !== undefined);
    }
  }
  return node;
}

function variants(node: JsonSchema): JsonSchema[] {
  return [...((node.oneOf as JsonSchema[] | undefined) ?? []), ...((node.anyOf as JsonSchema[] | undefined) ?? [])];
}

/** The keys an object at `path` accepts (for did-you-mean suggestions). */
export function knownKeysAt(path: ReadonlyArray<string | number>): string[] {
  const node = jsonSchemaAt(path);
  if (!node) return [];
  if (node.properties) return Object.keys(node.properties as object);
  return [...new Set(variants(node).flatMap((v) => Object.keys((v.properties as object | undefined) ?? {})))];
}
