import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { catalogJsonSchema } from "../../lib/catalog/json-schema";

const root = join(__dirname, "..", "..");
const shipped = JSON.parse(readFileSync(join(root, "schema", "catalog.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const check = ajv.compile(shipped);

const catalogs = [
  join(root, "stacks", "catalog.yaml"),
  ...readdirSync(join(root, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(root, "examples", f)),
];

describe("the shipped JSON Schema", () => {
  it("is the one generated from the validator's zod schemas", () => {
    expect(shipped).toEqual(catalogJsonSchema());
  });

  it.each(catalogs)("accepts %s (checked by ajv, a real JSON Schema validator)", (file) => {
    const ok = check(parse(readFileSync(file, "utf8")));
    expect(check.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("rejects what the loader rejects: unknown keys, bad enums, bad durations", () => {
    const base = parse(readFileSync(catalogs[0], "utf8"));
    for (const mutate of [
      (c: any) => (c.services[0].offiste = {}),
      (c: any) => (c.services[0].classification = "vital"),
      (c: any) => (c.services[0].rpo = "4 hours"),
      (c: any) => (c.name = "Bad_Name"),
    ]) {
      const c = structuredClone(base);
      mutate(c);
      expect(check(c)).toBe(false);
    }
  });
});
