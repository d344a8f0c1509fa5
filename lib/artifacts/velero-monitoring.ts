import { stringify } from "yaml";
import type { Catalog } from "../catalog/model";
import { Duration } from "../core/duration";
import { RetentionClass } from "../core/retention";
import type { EffectivePolicy } from "../policy/effective";
import { type VeleroScheduleSpec, veleroSchedules } from "../policy/velero";
import type { AlertGroup, AlertRule } from "./prometheus";
import { expandTemplate, severityOf } from "./prometheus";

/**
 * Velero's own metrics (its server's /metrics endpoint, per schedule): rules for stale,
 * missing, failed and partially failed backups, their promtool unit tests, and a dashboard.
 * Kept in files of their own next to the estate's backup rules: other label sets, another
 * exporter, and an estate without Kubernetes renders none of them.
 *
 * @see https://github.com/vmware-tanzu/velero/blob/v1.18.1/pkg/metrics/metrics.go
 */
export const VeleroMetrics = {
  /** Unix time of the last successful backup, label `schedule`. */
  lastSuccess: "velero_backup_last_successful_timestamp",
  /** Counter of failed backups, label `schedule`. */
  failure: "velero_backup_failure_total",
  /** Counter of partially failed backups (some items or volumes not backed up), label `schedule`. */
  partialFailure: "velero_backup_partial_failure_total",
  /** Counter of successful backups, label `schedule`. */
  success: "velero_backup_success_total",
} as const;

export const VeleroPaths = {
  rules: "prometheus/velero-rules.yml",
  tests: "prometheus/velero-rules.test.yml",
  dashboard: "grafana/velero-dashboard.json",
} as const;

export const VeleroAlerts = {
  stale: "VeleroBackupStale",
  missing: "VeleroBackupMetricsMissing",
  failed: "VeleroBackupFailed",
  partiallyFailed: "VeleroBackupPartiallyFailed",
} as const;

/** How far apart a schedule's runs can be, in minutes: its cadence, or a month/year for the rare ones. */
function intervalMinutes(s: VeleroScheduleSpec): number {
  if (s.retentionClass === RetentionClass.YEARLY) return 366 * 1440;
  if (s.retentionClass === RetentionClass.MONTHLY) return 31 * 1440;
  return s.schedule.cadence.intervalMinutes;
}

/** A schedule's run interval plus a margin (a quarter of it, 15 minutes to 4 hours; or the catalog's staleMargin). */
export function veleroThreshold(
  s: VeleroScheduleSpec,
  staleMargin?: Duration,
): { interval: Duration; margin: Duration; threshold: Duration } {
  const i = intervalMinutes(s);
  const m = staleMargin?.toMinutes() ?? Math.min(240, Math.max(15, Math.round(i / 4)));
  return { interval: Duration.minutes(i), margin: Duration.minutes(m), threshold: Duration.minutes(i + m) };
}

/** The Velero alert groups of the estate (empty when no service is backed up by Velero). */
export function veleroAlertGroups(
  catalog: Pick<Catalog, "name" | "notifications" | "kubernetes" | "services">,
  policies: readonly EffectivePolicy[],
): AlertGroup[] {
  const schedules = veleroSchedules(policies, catalog);
  if (!schedules.length) return [];
  const byId = new Map(policies.map((p) => [p.service.id, p]));
  const rules: AlertRule[] = schedules.flatMap((s) => {
    const p = byId.get(s.serviceId)!;
    const t = veleroThreshold(s, catalog.notifications.staleMargin);
    const labels = {
      severity: severityOf(p.service.classification),
      estate: catalog.name,
      classification: p.service.classification,
      service: s.serviceId,
      cluster: s.cluster,
      schedule: s.name,
    };
    const series = `${VeleroMetrics.lastSuccess}{schedule="${s.name}"}`;
    const runbook = `sop/${s.serviceId}.md`;
    return [
      {
        alert: VeleroAlerts.stale,
        expr: `time() - max by (schedule) (${series}) > ${t.threshold.toMinutes() * 60}`,
        labels,
        annotations: {
          summary: `${s.serviceId}: no successful Velero backup of schedule ${s.name} for more than ${t.threshold}`,
          description: `Schedule ${s.name} in cluster ${s.cluster} runs ${s.schedule.describe()} UTC; its last success is older than that interval plus a margin of ${t.margin}. Check \`velero backup get --selector backup-gov/service=${s.serviceId}\` and the Velero server's log.`,
          runbook,
        },
      },
      {
        alert: VeleroAlerts.missing,
        expr: `absent(${series})`,
        for: t.threshold.toString(),
        labels,
        annotations: {
          summary: `${s.serviceId}: no Velero metrics for schedule ${s.name} for ${t.threshold}`,
          description: `Velero in cluster ${s.cluster} reports no successful backup of ${s.name}: the schedule is missing or paused, never succeeded, or Velero's metrics are not scraped.`,
          runbook,
        },
      },
    ];
  });
  const generic = { severity: "warning", estate: catalog.name };
  const known = schedules.map((s) => s.name).join("|");
  return [
    { name: "velero-freshness", rules },
    {
      name: "velero-runs",
      rules: [
        {
          alert: VeleroAlerts.failed,
          expr: `increase(${VeleroMetrics.failure}{schedule=~"${known}"}[1h]) > 0`,
          labels: generic,
          annotations: {
            summary: "Velero backup of schedule {{ $labels.schedule }} failed",
            description:
              "A backup of schedule {{ $labels.schedule }} failed in the last hour: `velero backup describe <backup> --details` and `velero backup logs <backup>` say why (storage location unavailable, hook failed with onError Fail, ...).",
          },
        },
        {
          alert: VeleroAlerts.partiallyFailed,
          expr: `increase(${VeleroMetrics.partialFailure}{schedule=~"${known}"}[1h]) > 0`,
          labels: generic,
          annotations: {
            summary: "Velero backup of schedule {{ $labels.schedule }} partially failed",
            description:
              "Some items or volumes of schedule {{ $labels.schedule }} were not backed up in the last hour: a restore from it would be incomplete. Read the backup's errors with `velero backup describe <backup> --details`.",
          },
        },
      ],
    },
  ];
}

/** The Velero rules file (`promtool check rules` accepts it); empty string when there is nothing to watch. */
export function renderVeleroRules(
  catalog: Pick<Catalog, "name" | "notifications" | "kubernetes" | "services">,
  policies: readonly EffectivePolicy[],
): string {
  const groups = veleroAlertGroups(catalog, policies);
  if (!groups.length) return "";
  return (
    `# Prometheus alert rules for Velero's backups in estate ${catalog.name}; generated from the catalog.\n# Velero's server exports the metrics (scrape its /metrics, port 8085). Check: promtool check rules <this file>\n` +
    stringify(
      {
        groups: groups.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => ({
            alert: r.alert,
            expr: r.expr,
            ...(r.for ? { for: r.for } : {}),
            labels: r.labels,
            annotations: r.annotations,
          })),
        })),
      },
      { lineWidth: 0 },
    )
  );
}

function expectedAlert(rule: AlertRule, seriesLabels: Record<string, string>) {
  const labels = { ...seriesLabels, ...rule.labels };
  return {
    exp_labels: labels,
    exp_annotations: Object.fromEntries(
      Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, labels)]),
    ),
  };
}

/**
 * promtool unit tests: each schedule's stale alert is silent a minute inside its threshold
 * and fires a minute past it; the missing alert fires once its threshold has passed with no
 * series; failures and partial failures fire on a counter increase and not on a flat counter.
 */
export function renderVeleroRuleTests(
  catalog: Pick<Catalog, "name" | "notifications" | "kubernetes" | "services">,
  policies: readonly EffectivePolicy[],
): string {
  const groups = veleroAlertGroups(catalog, policies);
  if (!groups.length) return "";
  const rules = groups.flatMap((g) => g.rules);
  const schedules = veleroSchedules(policies, catalog);
  const at = 10;
  const tests: Record<string, unknown>[] = [];
  for (const s of schedules) {
    const t = veleroThreshold(s, catalog.notifications.staleMargin).threshold.toMinutes() * 60;
    const stale = rules.find((r) => r.alert === VeleroAlerts.stale && r.labels.schedule === s.name)!;
    for (const [age, fires] of [
      [t - 60, false],
      [t + 60, true],
    ] as const) {
      tests.push({
        name: `${s.name}: last success ${fires ? "one minute past" : "one minute inside"} its threshold`,
        interval: "1m",
        input_series: [
          { series: `${VeleroMetrics.lastSuccess}{schedule="${s.name}"}`, values: `${at * 60 - age}x${at + 2}` },
        ],
        alert_rule_test: [
          {
            eval_time: `${at}m`,
            alertname: VeleroAlerts.stale,
            exp_alerts: fires ? [expectedAlert(stale, { schedule: s.name })] : [],
          },
        ],
      });
    }
  }
  // Absence has to last: one test per distinct threshold, evaluated at the threshold's own step.
  const first = schedules[0];
  const missing = rules.find((r) => r.alert === VeleroAlerts.missing && r.labels.schedule === first.name)!;
  const tm = veleroThreshold(first, catalog.notifications.staleMargin).threshold.toMinutes();
  tests.push({
    name: `${first.name}: no metrics at all fires the missing alert at its threshold, not before`,
    interval: `${tm}m`,
    input_series: [],
    alert_rule_test: [
      { eval_time: "0m", alertname: VeleroAlerts.missing, exp_alerts: [] },
      { eval_time: `${tm}m`, alertname: VeleroAlerts.missing, exp_alerts: [expectedAlert(missing, {})] },
    ],
  });
  const failed = rules.find((r) => r.alert === VeleroAlerts.failed)!;
  const partial = rules.find((r) => r.alert === VeleroAlerts.partiallyFailed)!;
  tests.push({
    name: "a failed and a partially failed backup alert; flat counters do not",
    interval: "1m",
    input_series: [
      { series: `${VeleroMetrics.failure}{schedule="${first.name}"}`, values: "0x30 1x30" },
      { series: `${VeleroMetrics.partialFailure}{schedule="${first.name}"}`, values: "0x30 1x30" },
    ],
    alert_rule_test: [
      { eval_time: "20m", alertname: VeleroAlerts.failed, exp_alerts: [] },
      {
        eval_time: "40m",
        alertname: VeleroAlerts.failed,
        exp_alerts: [expectedAlert(failed, { schedule: first.name })],
      },
      { eval_time: "20m", alertname: VeleroAlerts.partiallyFailed, exp_alerts: [] },
      {
        eval_time: "40m",
        alertname: VeleroAlerts.partiallyFailed,
        exp_alerts: [expectedAlert(partial, { schedule: first.name })],
      },
    ],
  });
  return (
    `# promtool unit tests for velero-rules.yml (estate ${catalog.name}); generated.\n# Run next to the rules: promtool test rules velero-rules.test.yml\n` +
    stringify({ rule_files: ["velero-rules.yml"], evaluation_interval: "1m", tests }, { lineWidth: 0 })
  );
}

/** Every PromQL expression of the Velero dashboard, for checks. */
export function veleroDashboardQueries(): string[] {
  return veleroDashboardPanels().flatMap((p) => (p.targets as Array<{ expr: string }>).map((t) => t.expr));
}

function veleroDashboardPanels(): Array<Record<string, unknown>> {
  const ds = { type: "prometheus", uid: "${datasource}" };
  const sel = (m: string) => `${m}{schedule=~"$schedule"}`;
  const panel = (
    id: number,
    x: number,
    y: number,
    w: number,
    type: string,
    title: string,
    description: string,
    targets: Array<[string, string]>,
    unit: string,
  ) => ({
    id,
    type,
    title,
    description,
    gridPos: { x, y, w, h: 8 },
    datasource: ds,
    targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat })),
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: {},
  });
  return [
    panel(
      1,
      0,
      0,
      12,
      "bargauge",
      "Age of the last successful backup per schedule",
      "Seconds since each Velero schedule last succeeded; the stale alert fires past the schedule's interval plus a margin.",
      [[`time() - max by (schedule) (${sel(VeleroMetrics.lastSuccess)})`, "{{schedule}}"]],
      "s",
    ),
    panel(
      2,
      12,
      0,
      12,
      "timeseries",
      "Failed and partially failed backups",
      "Velero backups that failed or left items out, per schedule, per hour.",
      [
        [`sum by (schedule) (increase(${sel(VeleroMetrics.failure)}[1h]))`, "failed {{schedule}}"],
        [`sum by (schedule) (increase(${sel(VeleroMetrics.partialFailure)}[1h]))`, "partial {{schedule}}"],
      ],
      "short",
    ),
    panel(
      3,
      0,
      8,
      24,
      "timeseries",
      "Successful backups",
      "Successful Velero backups per schedule, per day.",
      [[`sum by (schedule) (increase(${sel(VeleroMetrics.success)}[1d]))`, "{{schedule}}"]],
      "short",
    ),
  ];
}

/** The Velero dashboard JSON (Grafana), filtered by schedule. */
export function renderVeleroDashboard(catalog: Pick<Catalog, "name">): string {
  const dashboard = {
    uid: `velero-${catalog.name}`.slice(0, 40),
    title: `Velero backups: ${catalog.name}`,
    description:
      "Velero schedules: age of the last success, failures, partial failures. Generated by cdktf-backup-governance.",
    tags: ["backup", "velero", catalog.name],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    templating: {
      list: [
        { name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0 },
        {
          name: "schedule",
          label: "Schedule",
          type: "query",
          datasource: { type: "prometheus", uid: "${datasource}" },
          query: { query: `label_values(${VeleroMetrics.lastSuccess}, schedule)`, refId: "schedules" },
          definition: `label_values(${VeleroMetrics.lastSuccess}, schedule)`,
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
    panels: veleroDashboardPanels(),
  };
  return JSON.stringify(dashboard, null, 2) + "\n";
}
