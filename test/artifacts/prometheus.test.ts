import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import {
  Alerts,
  PrometheusPaths,
  renderAbsenceTests,
  renderAlertmanagerExample,
  renderAlertRules,
  renderRuleTests,
} from "../../lib/artifacts/prometheus";
import { Metrics } from "../../lib/core/metrics";
import { watchedServices, sourceEngine } from "../../lib/policy/freshness";
import { DEFAULT_CATALOG, EXAMPLES, loadValid } from "../support/catalogs";
import { run, scratch } from "../support/tools";

const name = (p: string) => basename(p);

/** Writes the rules and both test files of a catalog into a folder. */
function writeAll(file: string): { dir: string; rules: string } {
  const { catalog, policies } = loadValid(file);
  const dir = scratch("prom");
  const rules = renderAlertRules(catalog, policies);
  writeFileSync(join(dir, name(PrometheusPaths.rules)), rules);
  writeFileSync(join(dir, name(PrometheusPaths.tests)), renderRuleTests(catalog, policies));
  writeFileSync(join(dir, name(PrometheusPaths.absenceTests)), renderAbsenceTests(catalog, policies));
  return { dir, rules };
}

describe.each([DEFAULT_CATALOG, ...EXAMPLES])("Prometheus rules for %s", (file) => {
  const { dir } = writeAll(file);

  it("pass promtool check rules with every lint fatal", () => {
    const r = run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", name(PrometheusPaths.rules)], {
      cwd: dir,
    });
    expect(r.stderr + r.stdout).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it("pass their rendered promtool unit tests", () => {
    const r = run("promtool", ["test", "rules", name(PrometheusPaths.tests), name(PrometheusPaths.absenceTests)], {
      cwd: dir,
    });
    expect(r.stdout + r.stderr).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
  });
});

describe("the rendered unit tests for the default catalog", () => {
  const { catalog, policies } = loadValid();
  const tests = parse(renderRuleTests(catalog, policies)).tests as Array<{
    name: string;
    input_series: Array<{ series: string; values: string }>;
    alert_rule_test: Array<{ eval_time: string; alertname: string; exp_alerts: unknown[] }>;
  }>;

  it("prove each watched service goes stale one minute after RPO + margin and not one minute before", () => {
    for (const w of watchedServices(policies, catalog)) {
      const id = w.policy.service.id;
      const t = w.window.threshold.toMinutes() * 60;
      const age = (x: (typeof tests)[number]) => 600 - Number(x.input_series[0].values.split("x")[0]);
      // The evaluation is at 10m = 600s, so the recorded success is 600 - age.
      for (const source of w.sources) {
        const engine = sourceEngine(w.policy, source);
        const inside = tests.find((x) => x.name.startsWith(`${id} (${engine}): last success one minute inside`))!;
        const past = tests.find((x) => x.name.startsWith(`${id} (${engine}): last success one minute past`))!;
        expect([age(inside), inside.alert_rule_test[0].exp_alerts.length]).toEqual([t - 60, 0]);
        expect([age(past), past.alert_rule_test[0].exp_alerts.length]).toEqual([t + 60, 1]);
      }
    }
  });

  it("prove the RTO alert fires on a drill slower than the RTO", () => {
    const slow = tests.find((x) => x.name.startsWith("vaultwarden: a drill slower"))!;
    expect(slow.input_series[0].series).toContain(Metrics.drillDuration);
    expect(slow.input_series[0].values).toBe(`${2 * 3600 + 60}x10`);
    expect(slow.alert_rule_test[0]).toMatchObject({ alertname: Alerts.drillSlow, exp_alerts: [expect.anything()] });
  });

  it("catch a rule whose threshold is wrong: promtool test fails when the stale threshold moves", () => {
    const { dir, rules } = writeAll(DEFAULT_CATALOG);
    // One hour later than the catalog says for vaultwarden (5h = 18000s).
    const moved = rules.replace(
      '{service="vaultwarden",engine="postgresql"}) > 18000',
      '{service="vaultwarden",engine="postgresql"}) > 21600',
    );
    expect(moved).not.toBe(rules);
    writeFileSync(join(dir, name(PrometheusPaths.rules)), moved);
    const r = run("promtool", ["test", "rules", name(PrometheusPaths.tests)], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/vaultwarden \(postgresql\): last success one minute past 5h/);
  });

  it("catch a missing-metrics rule that waits too long", () => {
    const { dir, rules } = writeAll(DEFAULT_CATALOG);
    const moved = rules.replace(
      /(absent\(backup_last_success_timestamp_seconds\{service="gitea",engine="postgresql"\}\)\n\s+for: )15h/,
      "$116h",
    );
    expect(moved).not.toBe(rules);
    writeFileSync(join(dir, name(PrometheusPaths.rules)), moved);
    const r = run("promtool", ["test", "rules", name(PrometheusPaths.absenceTests)], { cwd: dir });
    expect(r.code).not.toBe(0);
  });
});

describe("the rules", () => {
  const { catalog, policies } = loadValid();
  const groups = parse(renderAlertRules(catalog, policies)).groups as Array<{
    name: string;
    rules: Array<{ alert: string; expr: string; labels: Record<string, string> }>;
  }>;
  const all = groups.flatMap((g) => g.rules);

  it("use only the contract's metric names", () => {
    const used = new Set(all.flatMap((r) => r.expr.match(/backup_[a-z_]+/g) ?? []));
    for (const m of used) expect(Object.values(Metrics)).toContain(m);
  });

  it("have a stale and a missing alert for each watched service and none for the AWS-only one", () => {
    for (const w of watchedServices(policies, catalog)) {
      // One pair per source: the app script's and the vzdump hook's are judged apart.
      for (const alert of [Alerts.stale, Alerts.missing])
        expect(all.filter((r) => r.alert === alert && r.labels.service === w.policy.service.id)).toHaveLength(
          w.sources.length,
        );
    }
    expect(all.some((r) => r.labels.service === "billing")).toBe(false);
  });

  it("page for critical services only", () => {
    expect(all.find((r) => r.alert === Alerts.stale && r.labels.service === "vaultwarden")!.labels.severity).toBe(
      "critical",
    );
    expect(all.find((r) => r.alert === Alerts.stale && r.labels.service === "gitea")!.labels.severity).toBe("warning");
    expect(all.find((r) => r.alert === Alerts.stale && r.labels.service === "jellyfin")!.labels.severity).toBe("info");
  });

  it("render the same bytes for the same catalog", () => {
    expect(renderAlertRules(catalog, policies)).toBe(renderAlertRules(catalog, policies));
  });
});

describe.each([DEFAULT_CATALOG, ...EXAMPLES])("the Alertmanager example for %s", (file) => {
  const { catalog } = loadValid(file);
  const text = renderAlertmanagerExample(catalog);

  it("passes amtool check-config", () => {
    const dir = scratch("am");
    writeFileSync(join(dir, "am.yml"), text);
    const r = run("amtool", ["check-config", "am.yml"], { cwd: dir });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it("routes the Watchdog to the dead man's switch first, and only there", () => {
    const cfg = parse(text);
    expect(cfg.route.routes[0]).toMatchObject({
      receiver: "deadmans-switch",
      matchers: [`alertname="${Alerts.watchdog}"`],
    });
    expect(cfg.route.routes[0].continue).toBeUndefined();
    expect(cfg.receivers.map((r: { name: string }) => r.name)).toContain("deadmans-switch");
  });

  it("reads every secret from a file", () => {
    expect(text).not.toMatch(/routing_key:|api_url:|smtp_auth_password:/);
  });
});

describe("amtool as the oracle", () => {
  it("rejects a route to a receiver that does not exist", () => {
    const { catalog } = loadValid();
    const dir = scratch("am-bad");
    writeFileSync(
      join(dir, "am.yml"),
      renderAlertmanagerExample(catalog).replace("receiver: deadmans-switch", "receiver: nobody"),
    );
    expect(run("amtool", ["check-config", "am.yml"], { cwd: dir }).code).not.toBe(0);
  });
});

it("the rules file names its source and its check", () => {
  const { catalog, policies } = loadValid();
  expect(renderAlertRules(catalog, policies).split("\n")[0]).toMatch(/estate homelab/);
  expect(readFileSync(DEFAULT_CATALOG, "utf8")).toContain("name: homelab");
});
