/**
 * Offline validation of Velero objects against the OpenAPI v3 schemas of Velero's own CRDs
 * (v1.18.1, vendored by the project's reference data in ../shared/reference/velero-crds/),
 * as the CRDs' README describes: pick the version named by the object's apiVersion, take its
 * `schema.openAPIV3Schema`, and validate with ajv (draft-07), `nullable` honoured. Objects
 * with `properties` also get `additionalProperties: false` (except where the CRD preserves
 * unknown fields), so a misspelt field fails here instead of being pruned by the API server.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const CANDIDATES = [
  process.env.VELERO_CRDS_DIR,
  join(__dirname, "..", "..", "..", "shared", "reference", "velero-crds"),
  join(__dirname, "..", "..", "..", "..", "shared", "reference", "velero-crds"),
  "/work/shared/reference/velero-crds",
].filter((d): d is string => !!d);

/** The folder of the CRD files; throws (never skips) when it is missing. */
export function crdDir(): string {
  const dir = CANDIDATES.find((d) => existsSync(join(d, "velero.io_schedules.yaml")));
  if (!dir) throw new Error(`Velero CRDs not found (looked in ${CANDIDATES.join(", ")}); set VELERO_CRDS_DIR`);
  return dir;
}

type Schema = Record<string, unknown>;

function closeObjects(s: Schema): Schema {
  const out: Schema = { ...s };
  if (out.properties && !out["x-kubernetes-preserve-unknown-fields"] && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, Schema>).map(([k, v]) => [k, closeObjects(v)]),
    );
  if (out.items && typeof out.items === "object") out.items = closeObjects(out.items as Schema);
  if (out.additionalProperties && typeof out.additionalProperties === "object")
    out.additionalProperties = closeObjects(out.additionalProperties as Schema);
  return out;
}

let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
  validators = new Map();
  const dir = crdDir();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
    const crd = parse(readFileSync(join(dir, f), "utf8"));
    const group = crd.spec.group as string;
    for (const v of crd.spec.versions as Array<{ name: string; schema: { openAPIV3Schema: Schema } }>) {
      validators.set(`${group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(closeObjects(v.schema.openAPIV3Schema)));
    }
  }
  return validators;
}

/** Errors of one object against its CRD (empty when valid); unknown kinds are an error too. */
export function crdErrors(obj: object): string[] {
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  const key = `${String(apiVersion)}/${String(kind)}`;
  const validate = load().get(key);
  if (!validate) return [`no CRD for ${key}`];
  return validate(obj)
    ? []
    : (validate.errors ?? []).map(
        (e) =>
          `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
      );
}
