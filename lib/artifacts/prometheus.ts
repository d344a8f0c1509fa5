import { stringify } from "yaml";
import type { Catalog } from "../catalog/model";
import { Metrics } from "../core/metrics";
import { AppEngine, Classification } from "../core/vocabulary";
import type { EffectivePolicy } from "../policy/effective";
import {
  type FreshnessWindow,
  MetricSource,
  shipsLogs,
  shipWindow,
  sourceEngine,
  watchedServices,
} from "../policy/freshness";
import { RestoreTestFrequency } from "../policy/tiers";
import { toYaml } from "./yaml";

/** Where the Prometheus artifacts go, under `artifacts/`. */
export const PrometheusPaths = {
  rules: "prometheus/backup-rules.yml",
  tests: "prometheus/backup-rules.test.yml",
  absenceTests: "prometheus/backup-rules-absent.test.yml",
  alertmanager: "prometheus/alertmanager.example.yml",
} as const;

/** Alert names: stable, since silences, routes and dashboards refer to them. */
export const Alerts = {
  stale: "BackupStale",
  shippingStale: "BackupLogShippingStale",
  missing: "BackupMetricsMissing",
  runFailed: "BackupRunFailed",
  runWarnings: "BackupRunWarnings",
  drillFailed: "RestoreDrillFailed",
  drillStale: "RestoreDrillStale",
  drillSlow: "RestoreDrillSlowerThanRto",
  sizeDrop: "BackupSizeDrop",
  sizeAnomaly: "BackupSizeAnomaly",
  watchdog: "Watchdog",
  lockExtensionFailed: "ObjectLockExtensionFailed",
  lockExtensionStale: "ObjectLockExtensionStale",
  lockEndsTooSoon: "ObjectLockEndsTooSoon",
} as const;

/** Where a drill must have succeeded within, per restore-test frequency, before it counts as stale. */
const DRILL_WINDOW_MINUTES: Readonly<Record<RestoreTestFrequency, number | undefined>> = {
  [RestoreTestFrequency.WEEKLY]: 8 * 1440,
  // First-Sunday-of-the-month drills can be 35 days apart; a day more for lock waits and run time.
  [RestoreTestFrequency.MONTHLY]: 36 * 1440,
  [RestoreTestFrequency.NONE]: undefined,
};

/** The window of history the size alerts compare the last run with. */
const SIZE_HISTORY = "7d";

/** One Prometheus alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** May hold `{{ $labels.<name> }}` templates. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** A group of alerting rules. */
export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The daily extension may miss a day: 2 days without success alert, while the 2-day margin still holds. */
const LOCK_STALE_SECONDS = 2 * 86400;

/** Alert severity per classification: what the Alertmanager example routes on. */
export function severityOf(c: Classification): string {
  return c === Classification.CRITICAL ? "critical" : c === Classification.IMPORTANT ? "warning" : "info";
}

function seconds(minutes: number): number {
  return minutes * 60;
}

function selector(metric: string, serviceId: string): string {
  return `${metric}{service="${serviceId}"}`;
}

/** Whether a service runs restore drills whose metrics (verify.sh) the drill rules read. */
export function drillsOf(policy: EffectivePolicy): boolean {
  return policy.appBackup && policy.restoreTest !== RestoreTestFrequency.NONE;
}

function staleRules(
  estate: string,
  policy: EffectivePolicy,
  window: FreshnessWindow,
  sources: readonly MetricSource[],
): AlertRule[] {
  const id = policy.service.id;
  // The service label also keeps per-service rules apart for promtool's duplicate-rule lint.
  const labels = {
    severity: severityOf(policy.service.classification),
    estate,
    classification: policy.service.classification,
    service: id,
  };
  const runbook = `sop/${id}.md`;
  const promise =
    `RPO ${policy.rpo} plus a margin of ${window.margin}` +
    (window.interval.compareTo(policy.rpo) > 0
      ? ` (jobs run every ${window.interval}; continuous archiving covers the RPO in between)`
      : "");
  // One pair of rules per source: a running vzdump must not hide a stopped app-consistent backup.
  return sources.flatMap((source) => {
    const engine = sourceEngine(policy, source);
    // The engine label tells the sources' rules apart (also for promtool's duplicate-rule lint).
    const labelsOf = { ...labels, engine };
    const what = source === MetricSource.APP ? `${engine} backup` : "vzdump backup";
    const series = `${Metrics.lastSuccess}{service="${id}",engine="${engine}"}`;
    return [
      {
        alert: Alerts.stale,
        expr: `time() - max by (service, engine) (${series}) > ${seconds(window.threshold.toMinutes())}`,
        labels: labelsOf,
        annotations: {
          summary: `${id}: no successful ${what} for more than ${window.threshold}`,
          description: `The last successful ${what} of ${id} is older than its ${promise}. Check the job and its logs on the host.`,
          runbook,
        },
      },
      {
        alert: Alerts.missing,
        expr: `absent(${series})`,
        for: window.threshold.toString(),
        labels: labelsOf,
        annotations: {
          summary: `${id}: no ${what} metrics for ${window.threshold}`,
          description: `No ${what} of ${id} has reported a success for ${window.threshold}: either nothing ran, or the metrics do not reach Prometheus (textfile collector, scrape).`,
          runbook,
        },
      },
    ];
  });
}

function shippingRule(estate: string, policy: EffectivePolicy, window: FreshnessWindow): AlertRule {
  const id = policy.service.id;
  const logs = policy.service.app?.engine === AppEngine.POSTGRESQL ? "WAL" : "binary logs";
  return {
    alert: Alerts.shippingStale,
    expr: `time() - max by (service) (${selector(Metrics.shipLastSuccess, id)}) > ${seconds(window.threshold.toMinutes())}`,
    labels: {
      severity: severityOf(policy.service.classification),
      estate,
      classification: policy.service.classification,
      service: id,
    },
    annotations: {
      summary: `${id}: no ${logs} shipped for more than ${window.threshold}`,
      description: `Between base backups, shipping ${logs} is what keeps ${id} within its RPO of ${policy.rpo}. Nothing has been shipped for longer than the RPO plus a margin of ${window.margin}: check the ship timer and the archive on the host.`,
      runbook: `sop/${id}.md`,
    },
  };
}

function drillRules(estate: string, policy: EffectivePolicy): AlertRule[] {
  const id = policy.service.id;
  const labels = { severity: "warning", estate, classification: policy.service.classification, service: id };
  const rto = policy.rto;
  const rules: AlertRule[] = [
    {
      alert: Alerts.drillSlow,
      expr: `max by (service) (${selector(Metrics.drillDuration, id)}) > ${seconds(rto.toMinutes())}`,
      labels,
      annotations: {
        summary: `${id}: the last restore drill took longer than the RTO (${rto})`,
        description: `A restore of ${id} would miss its recovery time objective of ${rto.toHuman()}. Speed the restore up or agree a longer RTO.`,
        runbook: `sop/${id}.md`,
      },
    },
  ];
  const drillWindow = DRILL_WINDOW_MINUTES[policy.restoreTest];
  if (drillWindow !== undefined) {
    rules.push({
      alert: Alerts.drillStale,
      expr: `time() - max by (service) (${selector(Metrics.drillLastSuccess, id)}) > ${seconds(drillWindow)}`,
      labels,
      annotations: {
        summary: `${id}: no successful ${policy.restoreTest} restore drill for ${drillWindow / 1440} days`,
        description: `The ${policy.restoreTest} restore drill of ${id} has not succeeded for ${drillWindow / 1440} days: its backups are not proven restorable.`,
        runbook: `sop/${id}.md`,
      },
    });
  }
  return rules;
}

/**
 * The estate's alert groups: per-service staleness (the alert that fires when nothing
 * happened), failed runs, restore drills (failed, missing, slower than the RTO), size
 * anomalies, and an always-firing watchdog that proves the path from alert to person.
 */
export function alertGroups(
  catalog: Pick<Catalog, "name" | "notifications" | "proxmox">,
  policies: readonly EffectivePolicy[],
): AlertGroup[] {
  const estate = catalog.name;
  const watched = watchedServices(policies, catalog);
  const generic = { severity: "warning", estate };
  const size = Metrics.size;
  return [
    {
      name: "backup-freshness",
      rules: [
        ...watched.flatMap((w) => staleRules(estate, w.policy, w.window, w.sources)),
        ...policies
          .filter(shipsLogs)
          .map((p) => shippingRule(estate, p, shipWindow(p, catalog.notifications.staleMargin))),
      ],
    },
    {
      name: "backup-runs",
      rules: [
        {
          alert: Alerts.runFailed,
          expr: `${Metrics.lastRunSuccess} == 0`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: the last {{ $labels.engine }} backup to {{ $labels.target }} failed",
            description:
              "The most recent {{ $labels.engine }} run of {{ $labels.service }} did not succeed. The service goes stale if the next runs fail too; read the job's journal on the host.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
        {
          // The run counts (borg exit 1, restic exit 3: the tool stored what it could), but the files it
          // could not read or that changed while read are missing or inconsistent in that backup.
          alert: Alerts.runWarnings,
          expr: `${Metrics.lastRunWarnings} == 1`,
          labels: generic,
          annotations: {
            summary:
              "{{ $labels.service }}: the last {{ $labels.engine }} backup succeeded with warnings from the backup tool",
            description:
              "The backup tool stored the run but reported files it could not read, or that changed while it read them; those files may be missing or torn in this backup. The job's journal on the host names them: exclude live files (logs, indexes) or fix their permissions.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
      ],
    },
    {
      name: "backup-drills",
      rules: [
        {
          alert: Alerts.drillFailed,
          expr: `${Metrics.drillSuccess} == 0`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: the last restore drill failed",
            description:
              "The restore drill of {{ $labels.service }} could not restore its latest backup, or the restored copy did not match what the backup recorded.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
        ...policies.filter(drillsOf).flatMap((p) => drillRules(estate, p)),
      ],
    },
    {
      name: "backup-size",
      rules: [
        {
          alert: Alerts.sizeDrop,
          expr: `${size} < 0.5 * max_over_time(${size}[${SIZE_HISTORY}])`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: the last backup is less than half the size of the largest in 7 days",
            description:
              "A backup that shrinks by half usually means lost or truncated data (or encrypted data that no longer compresses the same way). Check {{ $labels.service }} before old backups expire.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
        {
          alert: Alerts.sizeAnomaly,
          expr:
            `abs(${size} - avg_over_time(${size}[${SIZE_HISTORY}])) > 3 * stddev_over_time(${size}[${SIZE_HISTORY}])` +
            ` and abs(${size} - avg_over_time(${size}[${SIZE_HISTORY}])) > 0.2 * avg_over_time(${size}[${SIZE_HISTORY}])`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: backup size far outside its 7-day band",
            description:
              "The last backup of {{ $labels.service }} differs from its 7-day average by more than three standard deviations and more than 20%.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
      ],
    },
    {
      // lock-extend.sh (services whose S3 bucket has Object Lock): the bucket's default retention
      // locks each object for its days from the upload only; without the daily extension the
      // packs every kept restic snapshot still references fall out of their lock.
      name: "backup-object-lock",
      rules: [
        {
          alert: Alerts.lockExtensionFailed,
          expr: `${Metrics.lockExtendSuccess} == 0`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: the last Object Lock extension of its repository failed",
            description:
              "lock-extend.sh of {{ $labels.service }} could not list the repository or extend the retention of its objects; older packs that kept snapshots reference lose their lock when their upload-time retention ends. Read the journal of backup-gov-{{ $labels.service }}-lock.service.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
        {
          alert: Alerts.lockExtensionStale,
          expr: `time() - ${Metrics.lockExtendLastSuccess} > ${LOCK_STALE_SECONDS}`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: no Object Lock extension succeeded for 2 days",
            description:
              "The daily lock-extend.sh of {{ $labels.service }} has not succeeded for more than 2 days (timer disabled, host down, credentials). Its margin runs out next: then objects kept snapshots reference are locked less than the bucket's days.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
        {
          alert: Alerts.lockEndsTooSoon,
          expr: `${Metrics.lockMinRetainUntil} > 0 and ${Metrics.lockMinRetainUntil} - time() < ${Metrics.lockDays} * 86400`,
          labels: generic,
          annotations: {
            summary: "{{ $labels.service }}: an object of its repository is locked for less than the bucket's days",
            description:
              "The earliest retain-until date among the repository objects of {{ $labels.service }} is closer than the bucket's Object Lock days: a snapshot kept today could lose objects it needs to a deletion before the lock period the catalog promises. Run lock-extend.sh now.",
            runbook: "sop/{{ $labels.service }}.md",
          },
        },
      ],
    },
    {
      name: "backup-meta",
      rules: [
        {
          alert: Alerts.watchdog,
          expr: "vector(1)",
          labels: { severity: "none", estate },
          annotations: {
            summary: "Always firing: proves that alerts reach Alertmanager and the dead man's switch",
            description:
              "This alert fires all the time on purpose. Alertmanager routes it to a dead man's switch, which pages when it stops arriving: then the path from backup alerts to a person is broken.",
          },
        },
      ],
    },
  ];
}

const HEADER = (estate: string) =>
  `# Prometheus alert rules for the backups of estate ${estate}.\n# Generated by cdktf-backup-governance from the catalog; edit the catalog, not this file.\n# Metric names: lib/core/metrics.ts (docs/monitoring.md). Check: promtool check rules <this file>\n`;

/** The alert rules file (`promtool check rules` accepts it). */
export function renderAlertRules(
  catalog: Pick<Catalog, "name" | "notifications" | "proxmox">,
  policies: readonly EffectivePolicy[],
): string {
  const groups = alertGroups(catalog, policies).filter((g) => g.rules.length > 0);
  return HEADER(catalog.name) + toYaml({ groups: groups.map((g) => ({ name: g.name, rules: g.rules.map(ruleYaml) })) });
}

function ruleYaml(r: AlertRule): Record<string, unknown> {
  return {
    alert: r.alert,
    expr: r.expr,
    ...(r.for ? { for: r.for } : {}),
    labels: r.labels,
    annotations: r.annotations,
  };
}

/** Expands `{{ $labels.x }}` as Prometheus would for an alert with these labels. */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, k: string) => labels[k] ?? "");
}

/** The engine and target labels a source's series carry. */
function sourceLabels(policy: EffectivePolicy, source: MetricSource): Record<string, string> {
  return source === MetricSource.APP
    ? { engine: sourceEngine(policy, source), target: "s3" }
    : { engine: sourceEngine(policy, source), target: `${policy.service.vm?.host ?? "pve"}/backup` };
}

function seriesLabels(policy: EffectivePolicy): Record<string, string> {
  const app = policy.appBackup && policy.service.app?.engine;
  return app
    ? { service: policy.service.id, engine: app, target: "s3" }
    : { service: policy.service.id, engine: MetricSource.VZDUMP, target: `${policy.service.vm?.host ?? "pve"}/backup` };
}

function seriesName(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
}

function minutes(n: number): string {
  return `${n}m`;
}

function expected(rule: AlertRule, seriesLabelsOfAlert: Record<string, string>): Record<string, unknown> {
  const labels = { ...seriesLabelsOfAlert, ...rule.labels };
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, labels)]),
  );
  return { exp_labels: labels, exp_annotations: annotations };
}

/**
 * promtool unit tests for the rules of this catalog: each service's stale alert stays
 * silent one minute before its threshold and fires one minute after; the missing-metrics
 * alert likewise; the RTO alert fires on a drill one minute slower than the RTO and not on
 * one a minute faster; failed runs and drills, size drops and anomalies, and the watchdog.
 * Run with `promtool test rules <this file>` next to the rules file.
 */
export function renderRuleTests(
  catalog: Pick<Catalog, "name" | "notifications" | "proxmox">,
  policies: readonly EffectivePolicy[],
): string {
  const find = ruleIndex(alertGroups(catalog, policies));
  const tests: Record<string, unknown>[] = [];

  const watched = watchedServices(policies, catalog);
  // Staleness compares time() with the recorded timestamp, so the test sets a last success
  // `age` seconds before an evaluation at 10m instead of letting days of evaluations pass.
  const at = 10;
  for (const w of watched) {
    const id = w.policy.service.id;
    const t = seconds(w.window.threshold.toMinutes());
    for (const source of w.sources) {
      const labels = { ...seriesLabels(w.policy), ...sourceLabels(w.policy, source) };
      const rule = find(Alerts.stale, id, labels.engine);
      for (const [age, fires] of [
        [t - 60, false],
        [t + 60, true],
      ] as const) {
        tests.push({
          name: `${id} (${labels.engine}): last success ${age < t ? "one minute inside" : "one minute past"} ${w.window.threshold} (RPO ${w.policy.rpo} + margin ${w.window.margin}): ${fires ? "stale" : "fresh"}`,
          interval: "1m",
          input_series: [{ series: seriesName(Metrics.lastSuccess, labels), values: `${seconds(at) - age}x${at + 2}` }],
          alert_rule_test: [
            {
              eval_time: minutes(at),
              alertname: Alerts.stale,
              exp_alerts: fires ? [expected(rule, { service: id, engine: labels.engine })] : [],
            },
          ],
        });
      }
    }
    if (w.sources.length > 1) {
      // A fresh vzdump next to a stale app backup: the app backup's rule still fires.
      const app = { ...seriesLabels(w.policy), ...sourceLabels(w.policy, MetricSource.APP) };
      const vz = { ...seriesLabels(w.policy), ...sourceLabels(w.policy, MetricSource.VZDUMP) };
      tests.push({
        name: `${id}: a fresh vzdump does not hide a stale ${app.engine} backup`,
        interval: "1m",
        input_series: [
          { series: seriesName(Metrics.lastSuccess, app), values: `${seconds(at) - t - 60}x${at + 2}` },
          { series: seriesName(Metrics.lastSuccess, vz), values: `${seconds(at) - 60}x${at + 2}` },
        ],
        alert_rule_test: [
          {
            eval_time: minutes(at),
            alertname: Alerts.stale,
            exp_alerts: [expected(find(Alerts.stale, id, app.engine), { service: id, engine: app.engine })],
          },
        ],
      });
    }
  }
  for (const p of policies.filter(shipsLogs)) {
    const id = p.service.id;
    const w = shipWindow(p, catalog.notifications.staleMargin);
    const t = seconds(w.threshold.toMinutes());
    for (const [age, fires] of [
      [t - 60, false],
      [t + 60, true],
    ] as const) {
      tests.push({
        name: `${id}: logs last shipped ${age < t ? "one minute inside" : "one minute past"} ${w.threshold} (RPO ${p.rpo} + margin ${w.margin}): ${fires ? "stale" : "fresh"}`,
        interval: "1m",
        input_series: [
          { series: seriesName(Metrics.shipLastSuccess, seriesLabels(p)), values: `${seconds(at) - age}x${at + 2}` },
        ],
        alert_rule_test: [
          {
            eval_time: minutes(at),
            alertname: Alerts.shippingStale,
            exp_alerts: fires ? [expected(find(Alerts.shippingStale, id), { service: id })] : [],
          },
        ],
      });
    }
  }
  for (const p of policies.filter(drillsOf)) {
    const id = p.service.id;
    const rto = seconds(p.rto.toMinutes());
    const slow = { ...seriesLabels(p), service: id };
    tests.push({
      name: `${id}: a drill slower than the RTO (${p.rto}) fires, a faster one does not`,
      interval: "1m",
      input_series: [{ series: seriesName(Metrics.drillDuration, slow), values: `${rto + 60}x10` }],
      alert_rule_test: [
        {
          eval_time: "5m",
          alertname: Alerts.drillSlow,
          exp_alerts: [expected(find(Alerts.drillSlow, id), { service: id })],
        },
      ],
    });
    tests.push({
      name: `${id}: a drill within the RTO (${p.rto}) stays silent`,
      interval: "1m",
      input_series: [{ series: seriesName(Metrics.drillDuration, slow), values: `${rto - 60}x10` }],
      alert_rule_test: [{ eval_time: "5m", alertname: Alerts.drillSlow, exp_alerts: [] }],
    });
  }

  const sample = watched[0];
  if (sample) {
    const labels = seriesLabels(sample.policy);
    tests.push({
      name: "a failed run, a run with warnings and a failed drill alert; clean ones do not",
      interval: "1m",
      input_series: [
        { series: seriesName(Metrics.lastRunSuccess, labels), values: "1 1 0 0 0" },
        { series: seriesName(Metrics.drillSuccess, labels), values: "1 1 0 0 0" },
        { series: seriesName(Metrics.lastRunWarnings, labels), values: "0 0 1 1 0" },
      ],
      alert_rule_test: [
        { eval_time: "1m", alertname: Alerts.runWarnings, exp_alerts: [] },
        { eval_time: "3m", alertname: Alerts.runWarnings, exp_alerts: [expected(find(Alerts.runWarnings), labels)] },
        { eval_time: "4m", alertname: Alerts.runWarnings, exp_alerts: [] },
        { eval_time: "1m", alertname: Alerts.runFailed, exp_alerts: [] },
        { eval_time: "3m", alertname: Alerts.runFailed, exp_alerts: [expected(find(Alerts.runFailed), labels)] },
        { eval_time: "1m", alertname: Alerts.drillFailed, exp_alerts: [] },
        { eval_time: "3m", alertname: Alerts.drillFailed, exp_alerts: [expected(find(Alerts.drillFailed), labels)] },
      ],
    });
    // Samples every 10 minutes: a steady size with 1% noise for 4 hours, then a backup at a third of it.
    const steady = Array.from({ length: 24 }, (_, i) => 1_000_000 + (i % 3) * 10_000).join(" ");
    tests.push({
      name: "a backup a third the usual size is a drop and an anomaly; steady sizes are neither",
      interval: "10m",
      input_series: [{ series: seriesName(Metrics.size, labels), values: `${steady} 330000 330000` }],
      alert_rule_test: [
        { eval_time: "230m", alertname: Alerts.sizeDrop, exp_alerts: [] },
        { eval_time: "230m", alertname: Alerts.sizeAnomaly, exp_alerts: [] },
        { eval_time: "240m", alertname: Alerts.sizeDrop, exp_alerts: [expected(find(Alerts.sizeDrop), labels)] },
        { eval_time: "240m", alertname: Alerts.sizeAnomaly, exp_alerts: [expected(find(Alerts.sizeAnomaly), labels)] },
      ],
    });
  }

  if (sample) {
    // One service's lock series; the rules are generic, so one service proves them for all.
    const labels = seriesLabels(sample.policy);
    const days = 30;
    const now = seconds(at);
    tests.push({
      name: "Object Lock extension: a failed run alerts, a successful one does not",
      interval: "1m",
      input_series: [{ series: seriesName(Metrics.lockExtendSuccess, labels), values: "1 1 0 0 0" }],
      alert_rule_test: [
        { eval_time: "1m", alertname: Alerts.lockExtensionFailed, exp_alerts: [] },
        {
          eval_time: "3m",
          alertname: Alerts.lockExtensionFailed,
          exp_alerts: [expected(find(Alerts.lockExtensionFailed), labels)],
        },
      ],
    });
    for (const [age, fires] of [
      [LOCK_STALE_SECONDS - 60, false],
      [LOCK_STALE_SECONDS + 60, true],
    ] as const) {
      tests.push({
        name: `Object Lock extension last succeeded ${fires ? "one minute more" : "one minute less"} than 2 days ago: ${fires ? "stale" : "fresh"}`,
        interval: "1m",
        input_series: [{ series: seriesName(Metrics.lockExtendLastSuccess, labels), values: `${now - age}x${at + 2}` }],
        alert_rule_test: [
          {
            eval_time: minutes(at),
            alertname: Alerts.lockExtensionStale,
            exp_alerts: fires ? [expected(find(Alerts.lockExtensionStale), labels)] : [],
          },
        ],
      });
    }
    for (const [left, fires] of [
      [days * 86400 + 60, false],
      [days * 86400 - 60, true],
    ] as const) {
      tests.push({
        name: `the earliest retain-until of a repository ${fires ? "one minute inside" : "one minute beyond"} the bucket's ${days} days: ${fires ? "too soon" : "fine"}`,
        interval: "1m",
        input_series: [
          { series: seriesName(Metrics.lockMinRetainUntil, labels), values: `${now + left}x${at + 2}` },
          { series: seriesName(Metrics.lockDays, labels), values: `${days}x${at + 2}` },
        ],
        alert_rule_test: [
          {
            eval_time: minutes(at),
            alertname: Alerts.lockEndsTooSoon,
            exp_alerts: fires ? [expected(find(Alerts.lockEndsTooSoon), labels)] : [],
          },
        ],
      });
    }
  }

  tests.push({
    name: "the watchdog always fires",
    interval: "1m",
    input_series: [],
    alert_rule_test: [
      { eval_time: "0m", alertname: Alerts.watchdog, exp_alerts: [expected(find(Alerts.watchdog), {})] },
    ],
  });

  return testFile(catalog.name, 1, tests);
}

/**
 * A lookup of the first rule per alert, per alert and service, and per alert, service and
 * engine (the labels that keep per-service rules apart), built once: a search of the whole
 * rule list per service made the test builder quadratic in the estate's size.
 */
function ruleIndex(groups: readonly AlertGroup[]): (alert: string, service?: string, engine?: string) => AlertRule {
  const index = new Map<string, AlertRule>();
  const put = (key: string, r: AlertRule) => {
    if (!index.has(key)) index.set(key, r);
  };
  for (const g of groups) {
    for (const r of g.rules) {
      put(r.alert, r);
      const service = r.labels.service;
      if (service === undefined) continue;
      put(`${r.alert}\0${service}`, r);
      if (r.labels.engine !== undefined) put(`${r.alert}\0${service}\0${r.labels.engine}`, r);
    }
  }
  return (alert, service, engine) => {
    const key =
      service === undefined ? alert : engine === undefined ? `${alert}\0${service}` : `${alert}\0${service}\0${engine}`;
    const rule = index.get(key);
    if (!rule)
      throw new Error(
        `no ${alert} rule${service ? ` for ${service}` : ""}${engine ? ` (${engine})` : ""}: the tests and the rules disagree`,
      );
    return rule;
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function testFile(estate: string, evaluationMinutes: number, tests: readonly Record<string, unknown>[]): string {
  return (
    `# promtool unit tests for ${baseName(PrometheusPaths.rules)} (estate ${estate}); generated.\n# Run next to the rules: promtool test rules ${baseName(PrometheusPaths.tests)} ${baseName(PrometheusPaths.absenceTests)}\n` +
    toYaml({ rule_files: [baseName(PrometheusPaths.rules)], evaluation_interval: minutes(evaluationMinutes), tests })
  );
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * promtool unit tests for the missing-metrics alerts: with no series at all, each service's
 * alert is silent one evaluation before its threshold and fires at it. Absence has to last,
 * so these tests evaluate at the greatest common step of the thresholds (an hour for the
 * default catalog) to cover days without evaluating every minute.
 */
export function renderAbsenceTests(
  catalog: Pick<Catalog, "name" | "notifications" | "proxmox">,
  policies: readonly EffectivePolicy[],
): string {
  const watched = watchedServices(policies, catalog);
  const find = ruleIndex(alertGroups(catalog, policies));
  const thresholds = [...new Set(watched.map((w) => w.window.threshold.toMinutes()))].sort((a, b) => a - b);
  const step = thresholds.reduce(gcd, 0) || 1;
  const firingAt = (m: number) =>
    watched
      .filter((w) => w.window.threshold.toMinutes() <= m)
      .flatMap((w) =>
        w.sources.map((source) => {
          const engine = sourceEngine(w.policy, source);
          return expected(find(Alerts.missing, w.policy.service.id, engine), { service: w.policy.service.id, engine });
        }),
      );
  const tests = thresholds.length
    ? [
        {
          name: "no metrics at all: each service's missing-metrics alert fires once its threshold has passed, not before",
          interval: minutes(step),
          input_series: [],
          alert_rule_test: thresholds.flatMap((t) => [
            { eval_time: minutes(t - step), alertname: Alerts.missing, exp_alerts: firingAt(t - step) },
            { eval_time: minutes(t), alertname: Alerts.missing, exp_alerts: firingAt(t) },
          ]),
        },
      ]
    : [];
  return testFile(catalog.name, step, tests);
}

/** Secret files the Alertmanager example reads (Alertmanager 0.25 `*_file` options). */
const SECRETS_DIR = "/etc/alertmanager/secrets";

/**
 * An Alertmanager configuration example: every backup alert goes to the catalog's
 * channels, critical ones also page, and the Watchdog goes only to a dead man's switch
 * that pages when the Watchdog stops arriving. Secrets are read from files, never inlined.
 */
export function renderAlertmanagerExample(catalog: Pick<Catalog, "name" | "notifications" | "proxmox">): string {
  const n = catalog.notifications;
  const estateReceiver: Record<string, unknown> = { name: "backup-estate" };
  if (n.email.length) estateReceiver.email_configs = n.email.map((to) => ({ to, send_resolved: true }));
  // PROVIDER NOTE: Alertmanager 0.25 has no url_file for webhook_configs; Slack-compatible receivers read the URL from a file.
  if (n.webhooks.length)
    estateReceiver.slack_configs = n.webhooks.map((w) => ({
      api_url_file: `${SECRETS_DIR}/${w.name}-url`,
      channel: `#${w.name}`,
      send_resolved: true,
      title: "{{ .CommonAnnotations.summary }}",
      text: "{{ .CommonAnnotations.description }}",
    }));
  const receivers: Record<string, unknown>[] = [estateReceiver];
  const routes: Record<string, unknown>[] = [
    {
      receiver: "deadmans-switch",
      matchers: [`alertname="${Alerts.watchdog}"`],
      group_wait: "0s",
      group_interval: "1m",
      repeat_interval: "1m",
    },
  ];
  receivers.push({
    name: "deadmans-switch",
    webhook_configs: [{ url: "https://deadmans-switch.example.invalid/ping/REPLACE-ME", send_resolved: false }],
  });
  if (n.pagerduty) {
    routes.push({ receiver: "backup-pager", matchers: ['severity="critical"'], continue: true });
    receivers.push({
      name: "backup-pager",
      pagerduty_configs: [{ routing_key_file: `${SECRETS_DIR}/pagerduty-routing-key`, send_resolved: true }],
    });
  }
  routes.push({ receiver: "backup-estate", matchers: [`estate="${catalog.name}"`] });
  const config: Record<string, unknown> = {
    ...(n.email.length
      ? {
          global: {
            smtp_smarthost: "smtp.example.internal:587",
            smtp_from: `alertmanager@${catalog.name}.example.internal`,
            smtp_auth_username: "alertmanager",
            smtp_auth_password_file: `${SECRETS_DIR}/smtp-password`,
          },
        }
      : {}),
    route: {
      receiver: "backup-estate",
      group_by: ["alertname", "service"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes,
    },
    receivers,
  };
  return (
    `# Alertmanager example for the backup alerts of estate ${catalog.name} (checked with amtool check-config).\n` +
    `# Put each secret in the file named below (mode 0600); replace the dead man's switch URL with your\n` +
    `# heartbeat monitor's ping URL (healthchecks.io, Dead Man's Snitch, ...): it must page when pings stop.\n` +
    stringify(config, { lineWidth: 0 })
  );
}
