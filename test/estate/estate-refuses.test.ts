import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogFile, loadCatalogText } from "../../lib/catalog/load";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalog } from "../../lib/governance/validate";
import { awsService, baseCatalog, catalogWith, vmService } from "../support/catalogs";

// An immutable service whose weekly points (4 weeks = 28 days) live shorter than its 60-day lock: GOV-019.
const badCatalog = () =>
  catalogWith([
    awsService("ledger", {
      immutable: { mode: "compliance", days: 60 },
      retention: { weekly: 4, monthly: 0 },
    }),
  ]);

describe("Estate refuses what validate refuses", () => {
  it("throws IO-004 naming the rule for a catalog loaded from a file, without its report", () => {
    // GIVEN a file with a governance error, loaded (not validated)
    const dir = mkdtempSync(join(tmpdir(), "estate-refuses-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, stringify(badCatalog()));
    const loaded = loadCatalogFile(file);
    expect(loaded.catalog).toBeDefined();
    // WHEN / THEN
    expect(() => new Estate(Testing.app(), loaded.catalog!)).toThrow(/IO-004.*bad\.yaml.*GOV-019/);
  });

  it("throws for a catalog with schema errors (the loader repaired it to keep checking)", () => {
    const raw = catalogWith([vmService("web", { retention: { daily: "many" } })]);
    const loaded = loadCatalogText(stringify(raw), "schema.yaml");
    expect(loaded.catalog).toBeDefined();
    expect(() => new Estate(Testing.app(), loaded.catalog!)).toThrow(/IO-004.*schema\.yaml.*CAT-/);
  });

  it("throws for a catalog built in code (no file), with the YAML path of the finding", () => {
    const loaded = loadCatalogText(stringify(catalogWith([vmService("web")])), "ok.yaml");
    const good = loaded.catalog!;
    // A copy made in code is not the loader's object: it is validated on its own.
    const edited = {
      ...good,
      services: good.services.map((s) => ({
        ...s,
        immutable: { mode: s.immutable?.mode ?? ("compliance" as never), days: 40000 },
      })),
    };
    expect(validateCatalog(edited).ok).toBe(false);
    expect(() => new Estate(Testing.app(), edited)).toThrow(/IO-004.*GOV-018/);
  });

  it("throws when handed a failing report together with its catalog", () => {
    const loaded = loadCatalogText(stringify(badCatalog()), "bad.yaml");
    const report = validateCatalog(loaded.catalog!);
    expect(report.ok).toBe(false);
    expect(() => new Estate(Testing.app(), loaded.catalog!, report)).toThrow(/IO-004/);
    expect(() => Estate.fromReport(Testing.app(), report)).toThrow(/IO-004/);
  });

  it("builds a valid catalog however it was loaded", () => {
    const loaded = loadCatalogText(stringify({ ...baseCatalog(), services: [vmService("web")] }), "ok.yaml");
    expect(() => new Estate(Testing.app(), loaded.catalog!)).not.toThrow();
  });
});
