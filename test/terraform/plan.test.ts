import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadRuns, plannedCatalogs, resources } from "./offline";

describe.each(plannedCatalogs())("offline terraform: $name", ({ name: catalog, file }) => {
  const runs = loadRuns(catalog);

  it("plans one AWS stack exactly when the catalog has an aws section, and it validates", () => {
    const hasAws = !!parse(readFileSync(file, "utf8")).aws;
    expect(runs.map((r) => r.stack.endsWith("-aws"))).toEqual(hasAws ? [true] : []);
    for (const run of runs) {
      expect(run.validate).toMatchObject({ valid: true, error_count: 0 });
    }
  });

  it("plans with the real hashicorp/aws provider and only creates resources", () => {
    for (const run of runs) {
      expect(run.plan.format_version).toMatch(/^1\./);
      // Data sources (local policy documents) whose inputs are unknown until apply show as reads.
      for (const rc of run.plan.resource_changes ?? [])
        expect(rc.change.actions).toEqual(rc.mode === "data" ? ["read"] : ["create"]);
    }
  });

  it("configures the primary provider and one alias per offsite region, with default tags", () => {
    for (const run of runs) {
      const cfg = run.plan.configuration.provider_config;
      const aws = Object.values(cfg).filter((p) => p.name === "aws");
      expect(aws.length).toBeGreaterThanOrEqual(1);
      for (const p of aws) expect(p.expressions?.region?.constant_value).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      expect(resources(run).every((r) => typeof r.address === "string")).toBe(true);
    }
  });
});
