import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { dashboardPanels, dashboardQueries, renderDashboard } from "../../lib/artifacts/grafana";
import { Metrics } from "../../lib/core/metrics";
import { run, scratch } from "../support/tools";

/** promtool parses PromQL only inside rules: each query becomes a throwaway recording rule. */
function checkWithPromtool(exprs: readonly string[]): { code: number; output: string } {
  const dir = scratch("grafana");
  const rules = {
    groups: [{ name: "dashboard", rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }],
  };
  writeFileSync(join(dir, "queries.yml"), stringify(rules));
  const r = run("promtool", ["check", "rules", "queries.yml"], { cwd: dir });
  return { code: r.code, output: r.stdout + r.stderr };
}

describe("the Grafana dashboard", () => {
  const json = JSON.parse(renderDashboard({ name: "homelab" }));

  it("has every query parsed by promtool", () => {
    const r = checkWithPromtool(dashboardQueries());
    expect(r.output).toMatch(new RegExp(`SUCCESS: ${dashboardQueries().length} rules found`));
    expect(r.code).toBe(0);
  });

  it("would catch a broken query (the check is real)", () => {
    expect(checkWithPromtool(["max by (service (backup_size_bytes)"]).code).not.toBe(0);
  });

  it("queries exactly the contract's metric names, every one of them", () => {
    const used = new Set(dashboardQueries().flatMap((q) => q.match(/backup_[a-z_]+/g) ?? []));
    expect([...used].sort()).toEqual([...Object.values(Metrics)].sort());
  });

  it("shows freshness against RPO, sizes, durations and drills against RTO", () => {
    const titles = json.panels.map((p: { title: string }) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Freshness against RPO",
        "Backup size",
        "Backup duration",
        "Restore drill duration against RTO",
      ]),
    );
    const freshness = json.panels.find((p: { title: string }) => p.title === "Freshness against RPO");
    expect(freshness.targets[0].expr).toBe(
      `(time() - max by (service) (${Metrics.lastSuccess}{service=~"$service"})) / max by (service) (${Metrics.rpo}{service=~"$service"})`,
    );
  });

  it("lays panels out on Grafana's 24-column grid without overlaps", () => {
    const cells = new Set<string>();
    for (const p of dashboardPanels()) {
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it("is stable: a uid from the estate, the same bytes for the same input", () => {
    expect(json.uid).toBe("backup-homelab");
    expect(renderDashboard({ name: "homelab" })).toBe(renderDashboard({ name: "homelab" }));
  });
});
