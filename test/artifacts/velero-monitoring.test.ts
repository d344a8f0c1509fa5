import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  VeleroAlerts,
  VeleroMetrics,
  VeleroPaths,
  renderVeleroDashboard,
  renderVeleroRuleTests,
  renderVeleroRules,
  veleroDashboardQueries,
} from "../../lib/artifacts/velero-monitoring";
import { veleroSchedules } from "../../lib/policy/velero";
import { EXAMPLES, ROOT, loadValid } from "../support/catalogs";
import { run, scratch } from "../support/tools";

const { catalog, policies } = loadValid(join(ROOT, "examples", "kubernetes.yaml"));
const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);

describe("Velero alert rules (examples/kubernetes.yaml)", () => {
  const dir = scratch("velero-prom");
  const rules = renderVeleroRules(catalog, policies);
  writeFileSync(join(dir, base(VeleroPaths.rules)), rules);
  writeFileSync(join(dir, base(VeleroPaths.tests)), renderVeleroRuleTests(catalog, policies));

  it("pass promtool check rules with every lint fatal", () => {
    const r = run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", base(VeleroPaths.rules)], { cwd: dir });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it("pass their rendered promtool unit tests", () => {
    const r = run("promtool", ["test", "rules", base(VeleroPaths.tests)], { cwd: dir });
    expect(r.stdout + r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
  });

  it("watch velero_backup_last_successful_timestamp of every schedule, with the service and cluster as labels", () => {
    const all = parse(rules).groups.flatMap((g: { rules: unknown[] }) => g.rules) as Array<{
      alert: string;
      expr: string;
      labels: Record<string, string>;
    }>;
    const stale = all.filter((r) => r.alert === VeleroAlerts.stale);
    expect(stale.map((r) => r.labels.schedule).sort()).toEqual(
      veleroSchedules(policies, catalog)
        .map((s) => s.name)
        .sort(),
    );
    const daily = stale.find((r) => r.labels.schedule === "shop-daily")!;
    // A day plus the 4-hour margin cap.
    expect(daily.expr).toBe(
      `time() - max by (schedule) (${VeleroMetrics.lastSuccess}{schedule="shop-daily"}) > ${(1440 + 240) * 60}`,
    );
    expect(daily.labels).toMatchObject({ service: "shop", cluster: "prod", severity: "critical" });
  });

  it("a broken rendered test would fail promtool (the test run is real)", () => {
    const tests = parse(renderVeleroRuleTests(catalog, policies));
    tests.tests[0].alert_rule_test[0].exp_alerts = [{ exp_labels: { alertname: "nope" } }];
    writeFileSync(join(dir, "broken.test.yml"), stringify(tests));
    expect(run("promtool", ["test", "rules", "broken.test.yml"], { cwd: dir }).code).not.toBe(0);
  });

  it("render nothing for estates without Velero", () => {
    for (const file of EXAMPLES) {
      const c = loadValid(file);
      expect(renderVeleroRules(c.catalog, c.policies)).toBe("");
    }
  });
});

describe("the Velero dashboard", () => {
  it("has every query parsed by promtool, over Velero's metric names only", () => {
    const dir = scratch("velero-dash");
    writeFileSync(
      join(dir, "q.yml"),
      stringify({
        groups: [{ name: "q", rules: veleroDashboardQueries().map((expr, i) => ({ record: `q:${i}`, expr })) }],
      }),
    );
    const r = run("promtool", ["check", "rules", "q.yml"], { cwd: dir });
    expect(r.code).toBe(0);
    const used = new Set(veleroDashboardQueries().flatMap((q) => q.match(/velero_[a-z_]+/g) ?? []));
    expect([...used].sort()).toEqual(Object.values(VeleroMetrics).sort());
    expect(JSON.parse(renderVeleroDashboard(catalog)).panels.map((p: { title: string }) => p.title)).toContain(
      "Failed and partially failed backups",
    );
  });
});
