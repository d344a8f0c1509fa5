import type { Catalog } from "../catalog/model";
import { Metrics } from "../core/metrics";

/** Where the dashboard goes, under `artifacts/`. */
export const GRAFANA_DASHBOARD_PATH = "grafana/backup-dashboard.json";

/** One PromQL query of a panel. */
export interface DashboardQuery {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string;
}

/** The parts of a Grafana panel this dashboard uses. */
export interface DashboardPanel {
  readonly id: number;
  readonly type: "timeseries" | "bargauge" | "stat" | "table";
  readonly title: string;
  readonly description: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: "prometheus"; readonly uid: string };
  readonly targets: readonly DashboardQuery[];
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options: Record<string, unknown>;
}

const DS = { type: "prometheus", uid: "${datasource}" } as const;
/** Every query is narrowed by the dashboard's `service` variable. */
const SVC = `service=~"$service"`;

function sel(metric: string): string {
  return `${metric}{${SVC}}`;
}

function thresholds(steps: Array<[number | null, string]>): Record<string, unknown> {
  return { mode: "absolute", steps: steps.map(([value, color]) => ({ value, color })) };
}

/** Ratio thresholds: under 1 (inside the objective) green, up to 1.25 amber, beyond red. */
const RATIO = thresholds([
  [null, "green"],
  [1, "orange"],
  [1.25, "red"],
]);

/**
 * The dashboard's panels: freshness against the RPO per service, sizes, durations, and
 * restore drills against the RTO. Queries use exactly the metric names of lib/core/metrics.ts.
 */
export function dashboardPanels(): DashboardPanel[] {
  const q = (refId: string, expr: string, legendFormat = "{{service}}"): DashboardQuery => ({
    refId,
    expr,
    legendFormat,
  });
  const age = `time() - max by (service) (${sel(Metrics.lastSuccess)})`;
  const specs: Array<Omit<DashboardPanel, "id" | "gridPos" | "datasource"> & { w: number; h: number }> = [
    {
      type: "bargauge",
      title: "Freshness against RPO",
      description:
        "Age of each service's last successful backup as a share of its RPO. Past 100% the recovery point objective is already missed; the stale alert fires after the RPO plus a margin.",
      targets: [q("A", `(${age}) / max by (service) (${sel(Metrics.rpo)})`)],
      fieldConfig: { defaults: { unit: "percentunit", min: 0, max: 1.5, thresholds: RATIO }, overrides: [] },
      options: {
        orientation: "horizontal",
        displayMode: "gradient",
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      },
      w: 12,
      h: 9,
    },
    {
      type: "table",
      title: "Last success, age and RPO",
      description: "One row per service: when its last backup succeeded, how old that is, and its RPO.",
      targets: [
        { ...q("A", `max by (service) (${sel(Metrics.lastSuccess)}) * 1000`), legendFormat: "last success" },
        { ...q("B", age), legendFormat: "age" },
        { ...q("C", `max by (service) (${sel(Metrics.rpo)})`), legendFormat: "RPO" },
        { ...q("D", `min by (service) (${sel(Metrics.lastRunSuccess)})`), legendFormat: "last run ok" },
      ],
      fieldConfig: {
        defaults: { unit: "s" },
        overrides: [
          { matcher: { id: "byFrameRefID", options: "A" }, properties: [{ id: "unit", value: "dateTimeAsIso" }] },
        ],
      },
      options: { showHeader: true },
      w: 12,
      h: 9,
    },
    {
      type: "timeseries",
      title: "Backup age and RPO",
      description: "Age of the last successful backup per service (saw-tooth) with the RPO as a dashed line.",
      targets: [q("A", age), q("B", `max by (service) (${sel(Metrics.rpo)})`, "RPO {{service}}")],
      fieldConfig: {
        defaults: { unit: "s" },
        overrides: [
          {
            matcher: { id: "byRegexp", options: "^RPO .*" },
            properties: [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }],
          },
        ],
      },
      options: { legend: { displayMode: "table", placement: "right" } },
      w: 24,
      h: 8,
    },
    {
      type: "bargauge",
      title: "Log shipping against RPO (point-in-time recovery)",
      description:
        "Services with pitr: age of the last WAL or binary-log shipping as a share of the RPO. Between base backups, shipping is what meets the RPO.",
      targets: [
        q(
          "A",
          `(time() - max by (service) (${sel(Metrics.shipLastSuccess)})) / max by (service) (${sel(Metrics.rpo)})`,
        ),
      ],
      fieldConfig: { defaults: { unit: "percentunit", min: 0, max: 1.5, thresholds: RATIO }, overrides: [] },
      options: {
        orientation: "horizontal",
        displayMode: "gradient",
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      },
      w: 24,
      h: 6,
    },
    {
      type: "stat",
      title: "Last run result",
      description: "1 when the last run of every job of the service succeeded, 0 when one failed.",
      targets: [q("A", `min by (service) (${sel(Metrics.lastRunSuccess)})`)],
      fieldConfig: {
        defaults: {
          mappings: [
            { type: "value", options: { "0": { text: "FAILED", color: "red" }, "1": { text: "OK", color: "green" } } },
          ],
          thresholds: thresholds([
            [null, "red"],
            [1, "green"],
          ]),
        },
        overrides: [],
      },
      options: { colorMode: "background", reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
      w: 12,
      h: 5,
    },
    {
      type: "stat",
      title: "Last run warnings",
      description:
        "1 when the last run stored its backup but the tool warned (borg exit 1, restic exit 3: a file changed or could not be read): read the run's log.",
      targets: [q("A", `max by (service) (${sel(Metrics.lastRunWarnings)})`)],
      fieldConfig: {
        defaults: {
          mappings: [
            {
              type: "value",
              options: { "0": { text: "none", color: "green" }, "1": { text: "WARNINGS", color: "orange" } },
            },
          ],
          thresholds: thresholds([
            [null, "green"],
            [1, "orange"],
          ]),
        },
        overrides: [],
      },
      options: { colorMode: "background", reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
      w: 12,
      h: 5,
    },
    {
      type: "timeseries",
      title: "Time since the last run",
      description:
        "Seconds since each job last ran, successful or not: a job that stops running shows here before it goes stale.",
      targets: [q("A", `time() - max by (service, engine) (${sel(Metrics.lastRun)})`, "{{service}} {{engine}}")],
      fieldConfig: { defaults: { unit: "s" }, overrides: [] },
      options: {},
      w: 12,
      h: 5,
    },
    {
      type: "timeseries",
      title: "Backup size",
      description: "Bytes stored by each successful run. A sudden drop or jump is what the size alerts look for.",
      targets: [q("A", `max by (service, engine) (${sel(Metrics.size)})`, "{{service}} {{engine}}")],
      fieldConfig: { defaults: { unit: "bytes" }, overrides: [] },
      options: {},
      w: 12,
      h: 8,
    },
    {
      type: "timeseries",
      title: "Items captured",
      description: "Rows or files each successful run captured.",
      targets: [q("A", `max by (service, engine) (${sel(Metrics.items)})`, "{{service}} {{engine}}")],
      fieldConfig: { defaults: { unit: "short" }, overrides: [] },
      options: {},
      w: 12,
      h: 8,
    },
    {
      type: "timeseries",
      title: "Backup duration",
      description: "Wall-clock seconds of each job's last run.",
      targets: [q("A", `max by (service, engine) (${sel(Metrics.duration)})`, "{{service}} {{engine}}")],
      fieldConfig: { defaults: { unit: "s" }, overrides: [] },
      options: {},
      w: 12,
      h: 8,
    },
    {
      type: "bargauge",
      title: "Restore drill duration against RTO",
      description:
        "The last drill's restore time as a share of the RTO. Past 100% a real restore would miss the recovery time objective.",
      targets: [q("A", `max by (service) (${sel(Metrics.drillDuration)}) / max by (service) (${sel(Metrics.rto)})`)],
      fieldConfig: { defaults: { unit: "percentunit", min: 0, max: 1.5, thresholds: RATIO }, overrides: [] },
      options: {
        orientation: "horizontal",
        displayMode: "gradient",
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      },
      w: 12,
      h: 8,
    },
    {
      type: "timeseries",
      title: "Restore drill duration and RTO",
      description: "Seconds the last drill's restore took, with the RTO as a dashed line.",
      targets: [
        q("A", `max by (service) (${sel(Metrics.drillDuration)})`),
        q("B", `max by (service) (${sel(Metrics.rto)})`, "RTO {{service}}"),
      ],
      fieldConfig: {
        defaults: { unit: "s" },
        overrides: [
          {
            matcher: { id: "byRegexp", options: "^RTO .*" },
            properties: [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }],
          },
        ],
      },
      options: {},
      w: 12,
      h: 8,
    },
    {
      type: "stat",
      title: "Last drill",
      description:
        "Result of the last restore drill (OK when the restored copy matched what the backup recorded), the age of the last successful one, and how many lines of the capture record it compared.",
      targets: [
        q("A", `min by (service) (${sel(Metrics.drillSuccess)})`, "{{service}} result"),
        q("B", `time() - max by (service) (${sel(Metrics.drillLastSuccess)})`, "{{service}} age"),
        q("C", `max by (service) (${sel(Metrics.drillItems)})`, "{{service}} lines compared"),
      ],
      fieldConfig: {
        defaults: {},
        overrides: [{ matcher: { id: "byFrameRefID", options: "B" }, properties: [{ id: "unit", value: "s" }] }],
      },
      options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
      w: 24,
      h: 5,
    },
    {
      type: "stat",
      title: "Object Lock of repositories",
      description:
        "Services whose S3 bucket has Object Lock: the days the earliest-locked object of the repository stays locked, against the bucket's days (the upload-time lock alone would let old packs that kept snapshots reference fall out of it), the result of the last daily extension and its age.",
      targets: [
        q("A", `(min by (service) (${sel(Metrics.lockMinRetainUntil)}) - time()) / 86400`, "{{service}} days locked"),
        q("B", `max by (service) (${sel(Metrics.lockDays)})`, "{{service}} bucket days"),
        q("C", `min by (service) (${sel(Metrics.lockExtendSuccess)})`, "{{service}} last extension ok"),
        q("D", `time() - max by (service) (${sel(Metrics.lockExtendLastSuccess)})`, "{{service}} age"),
      ],
      fieldConfig: {
        defaults: {},
        overrides: [{ matcher: { id: "byFrameRefID", options: "D" }, properties: [{ id: "unit", value: "s" }] }],
      },
      options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
      w: 24,
      h: 5,
    },
  ];
  // Lay panels out left to right, wrapping at Grafana's 24-column grid.
  let x = 0;
  let y = 0;
  let rowH = 0;
  return specs.map(({ w, h, ...p }, i) => {
    if (x + w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const panel: DashboardPanel = { id: i + 1, gridPos: { x, y, w, h }, datasource: DS, ...p };
    x += w;
    rowH = Math.max(rowH, h);
    return panel;
  });
}

/** Every PromQL expression of the dashboard, for checks. */
export function dashboardQueries(): string[] {
  return dashboardPanels().flatMap((p) => p.targets.map((t) => t.expr));
}

/** The Grafana dashboard JSON (import it, or provision it from a file). */
export function renderDashboard(catalog: Pick<Catalog, "name">): string {
  const dashboard = {
    uid: `backup-${catalog.name}`.slice(0, 40),
    title: `Backups: ${catalog.name}`,
    description:
      "Backup freshness against RPO, sizes, durations and restore drills against RTO. Generated by cdktf-backup-governance.",
    tags: ["backup", "backup-governance", catalog.name],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    timezone: "browser",
    templating: {
      list: [
        { name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0 },
        {
          name: "service",
          label: "Service",
          type: "query",
          datasource: DS,
          query: { query: `label_values(${Metrics.lastSuccess}, service)`, refId: "services" },
          definition: `label_values(${Metrics.lastSuccess}, service)`,
          includeAll: true,
          multi: true,
          allValue: ".*",
          current: { text: "All", value: "$__all" },
          refresh: 2,
          sort: 1,
        },
      ],
    },
    annotations: { list: [] },
    panels: dashboardPanels(),
  };
  return JSON.stringify(dashboard, null, 2) + "\n";
}
