import { basename } from "node:path";
import { drillsOf } from "../artifacts/prometheus";
import type { DrillRecord, DrillRecords } from "./drill-records";
import { DEFAULT_JOB_MINUTES, findOverlaps, isUtc } from "../artifacts/calendar";
import { Metrics } from "../core/metrics";
import { type BackupTarget, type EstateContext, type ScheduledJob, TargetKind } from "../estate/context";
import { type MetricSample, observe } from "../cli/metrics-source";
import type { EffectivePolicy } from "../policy/effective";
import { estateEstimate, uplinkLoad } from "../policy/estimate";
import {
  type FreshnessRow,
  FreshnessState,
  freshnessWindow,
  judgeFreshness,
  metricSources,
  type ServiceObservation,
  shipsLogs,
  shipWindow,
  sourceEngine,
} from "../policy/freshness";
import { parseWindow } from "../policy/velero";

const WEEK = 7 * 1440;

/** Version of the report's JSON shape; bumped when a field changes meaning or goes away. */
export const REPORT_FORMAT = 1;

/** What one rule of 3-2-1-1-0 found for a service: met, not met, or not known from what was given. */
export interface RuleCheck {
  /** `3 copies`, `2 media`, `1 offsite`, `1 immutable`, `0 errors`. */
  readonly rule: string;
  /** true met, false a gap, null unknown (no metrics given, or verified outside them). */
  readonly ok: boolean | null;
  readonly reason: string;
}

/** One backup copy of a service (the production data itself is not listed). */
export interface Copy {
  /** vzdump, app, aws-backup, velero, offsite. */
  readonly kind: string;
  /** Short name for the matrix: `pbs-main on pve`, `restic → S3`, `vault homelab-compliance-14d`. */
  readonly label: string;
  /** Where, in full (the inventory's location). */
  readonly where: string;
  /** Storage medium class: `disk`, `object storage`, `backup vault`. */
  readonly medium: string;
  readonly offsite: boolean;
  /** Lock text when the copy cannot be deleted early, else null. */
  readonly lock: string | null;
}

/** Freshness of one metrics source of a service. */
export interface SourceFreshness {
  /** The `engine` label (postgresql, vzdump, ...) or `log shipping`. */
  readonly source: string;
  readonly lastSuccess: number | null;
  readonly ageSeconds: number | null;
  /** Older than this the source is stale and its alert fires: the detection bound. */
  readonly staleAfterSeconds: number;
  readonly state: string;
}

/** A service's freshness against its objective. */
export interface Freshness {
  /** ok, stale, missing, not-watched, or unknown (no metrics given). */
  readonly state: string;
  readonly lastSuccess: number | null;
  readonly ageSeconds: number | null;
  readonly rpoSeconds: number;
  /** The detection bound: a backup that stops is alerted at most this long after its last success. Null when nothing here watches it. */
  readonly staleAfterSeconds: number | null;
  readonly lastRunFailed: boolean | null;
  readonly sources: readonly SourceFreshness[];
  readonly note: string;
}

/** The restore-drill evidence of a service. */
export interface DrillEvidence {
  /** How drills run: the drill timer's schedule, AWS Backup restore testing, or none. */
  readonly how: string;
  readonly scheduled: boolean;
  /** 1/0 result of the last drill, null when unknown. */
  readonly lastResultOk: boolean | null;
  readonly lastSuccess: number | null;
  /** Seconds the last drill's restore took. */
  readonly measuredRtoSeconds: number | null;
  readonly rtoSeconds: number;
  /** Whether the measured restore time is within the RTO; null when not measured. */
  readonly withinRto: boolean | null;
  /** Capture-record lines (rows, collections, files) the last successful drill compared with its restored copy. */
  readonly itemsCompared: number | null;
  readonly note: string;
  /** The drills the service's host recorded (drills.tsv, given with --drill-records), newest first. */
  readonly records: readonly DrillRecord[];
}

/** One row of the coverage matrix. */
export interface ServiceReport {
  readonly id: string;
  readonly tier: string;
  readonly owner: string | null;
  /** Hosts, clusters or Regions the service's backups run on (the filter's values). */
  readonly hosts: readonly string[];
  readonly rpo: string;
  readonly rto: string;
  readonly copies: readonly Copy[];
  /** meets, gap or unverified. */
  readonly verdict: string;
  readonly checks: readonly RuleCheck[];
  readonly freshness: Freshness;
  readonly drill: DrillEvidence;
}

/** One job on the week's timeline. */
export interface TimelineJob {
  readonly id: string;
  /** backup, drill, or ship (log shipping, all week). */
  readonly activity: string;
  readonly kind: string;
  readonly when: string;
  readonly utc: boolean;
  /** Minutes after Monday 00:00 of each start in a week (rare jobs: the weekday slot they use). */
  readonly starts: readonly number[];
  readonly minutes: number;
  /** Monthly or yearly: not every week. */
  readonly rare: boolean;
  readonly services: readonly string[];
  readonly overlapsWith: readonly string[];
  readonly description: string;
}

/** An uplink and whether a day's change crosses it in the backup window. */
export interface UplinkCheck {
  readonly via: string;
  readonly uplink: string;
  readonly window: string;
  readonly windowStartMinutes: number;
  readonly windowMinutes: number;
  /** Hours a day's change of every service crossing it needs at the uplink's full rate. */
  readonly dailyHours: number;
  readonly fits: boolean;
  readonly services: readonly string[];
}

/** The week of one host, cluster, vault or app host. */
export interface HostWeek {
  readonly group: string;
  readonly jobs: readonly TimelineJob[];
  /** The host's backup window, when the catalog gives one. */
  readonly backupWindow: { readonly text: string; readonly startMinutes: number; readonly minutes: number } | null;
  readonly uplink: UplinkCheck | null;
  readonly overlaps: readonly { readonly first: string; readonly second: string; readonly at: number }[];
  /** Starts outside the backup window (UTC jobs are not compared with a local window). */
  readonly outsideWindow: readonly string[];
}

/** Everything the report shows; the HTML and `--format json` are two renderings of it. */
export interface ReportData {
  readonly format: number;
  readonly estate: string;
  readonly catalog: string;
  /** The Unix time freshness was judged at; null without metrics. */
  readonly now: number | null;
  readonly metrics: { readonly sources: readonly string[]; readonly warnings: readonly string[] } | null;
  /** The drill records read (--drill-records), and the lines that were not records; null when none were given. */
  readonly drillRecords: {
    readonly source: string;
    readonly count: number;
    readonly skipped: readonly string[];
  } | null;
  readonly summary: {
    readonly services: number;
    readonly meets: number;
    readonly gaps: number;
    readonly unverified: number;
    readonly stale: number;
    readonly missing: number;
  };
  readonly services: readonly ServiceReport[];
  readonly weeks: readonly HostWeek[];
}

/** The metrics the report is given: samples read by `status`'s reader, and the time to judge at. */
export interface ReportMetrics {
  readonly samples: readonly MetricSample[];
  readonly sources: readonly string[];
  readonly warnings: readonly string[];
  readonly now: number;
}

/**
 * The report's data from a built estate (its targets and jobs) and, optionally, metrics.
 * Without metrics, freshness and drill results are `unknown`: never guessed from the catalog.
 */
export function reportData(
  ctx: EstateContext,
  metrics?: ReportMetrics,
  drills?: { readonly source: string; readonly records: DrillRecords },
): ReportData {
  const catalog = ctx.catalog;
  const observed = metrics ? observe(metrics.samples) : undefined;
  const rows = metrics
    ? new Map(judgeFreshness(ctx.policies, catalog, observed!, metrics.now).map((r) => [r.serviceId, r]))
    : undefined;
  const evidence = metrics ? evidenceOf(metrics.samples) : undefined;
  const restoreTested = new Set(
    ctx.jobs.filter((j) => j.drill && j.kind === TargetKind.AWS_BACKUP).flatMap((j) => j.serviceIds),
  );
  const recordsOf = new Map<string, DrillRecord[]>();
  for (const r of drills?.records.records ?? []) recordsOf.set(r.service, [...(recordsOf.get(r.service) ?? []), r]);
  const services = ctx.policies.map((p): ServiceReport => {
    const id = p.service.id;
    const targets = ctx.targetsOf(id);
    const copies = copiesOf(p, targets);
    const drill = drillOf(ctx, p, restoreTested.has(id), evidence?.get(id), !!metrics, recordsOf.get(id) ?? []);
    const freshness = freshnessOf(ctx, p, rows?.get(id), observed?.get(id), evidence?.get(id), metrics?.now);
    const checks = checksOf(p, copies, drill);
    const verdict = checks.some((c) => c.ok === false)
      ? "gap"
      : checks.some((c) => c.ok === null)
        ? "unverified"
        : "meets";
    return {
      id,
      tier: p.service.classification,
      owner: p.service.owner ?? null,
      hosts: hostsOf(p, targets),
      rpo: p.rpo.toString(),
      rto: p.rto.toString(),
      copies,
      verdict,
      checks,
      freshness,
      drill,
    };
  });
  const count = (f: (s: ServiceReport) => boolean) => services.filter(f).length;
  return {
    format: REPORT_FORMAT,
    estate: catalog.name,
    catalog: basename(catalog.file),
    now: metrics?.now ?? null,
    metrics: metrics ? { sources: metrics.sources, warnings: metrics.warnings } : null,
    drillRecords: drills
      ? { source: drills.source, count: drills.records.records.length, skipped: drills.records.skipped }
      : null,
    summary: {
      services: services.length,
      meets: count((s) => s.verdict === "meets"),
      gaps: count((s) => s.verdict === "gap"),
      unverified: count((s) => s.verdict === "unverified"),
      stale: count((s) => s.freshness.state === FreshnessState.STALE),
      missing: count((s) => s.freshness.state === FreshnessState.MISSING),
    },
    services,
    weeks: weeksOf(ctx),
  };
}

function hostsOf(p: EffectivePolicy, targets: readonly BackupTarget[]): string[] {
  const s = p.service;
  const out = new Set<string>();
  if (s.vm) out.add(s.vm.host);
  for (const t of targets)
    if (t.kind === TargetKind.APP && typeof t.details?.host === "string") out.add(t.details.host);
  if (s.kubernetes) out.add(`k8s/${s.kubernetes.cluster}`);
  for (const t of targets)
    if (t.kind === TargetKind.AWS_BACKUP && typeof t.details?.region === "string") out.add(`aws/${t.details.region}`);
  return [...out];
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

const LOCKED = (lock: unknown) => (typeof lock === "string" && lock !== "" && !/^no\b/i.test(lock) ? lock : null);

/**
 * The copies of a service, one per place a backup lives. An S3 target is the bucket an
 * app-level or Velero copy writes to, not a copy of its own: it lends that copy its lock.
 */
function copiesOf(p: EffectivePolicy, targets: readonly BackupTarget[]): Copy[] {
  const onPrem = !!(p.service.vm || p.service.kubernetes);
  const bucket = targets.find((t) => t.kind === TargetKind.S3);
  const out: Copy[] = [];
  for (const t of targets) {
    const d = t.details ?? {};
    switch (t.kind) {
      case TargetKind.VZDUMP:
        out.push({
          kind: "vzdump",
          label: `${str(d.storage)} on ${str(d.host)}`,
          where: t.location,
          medium: "disk",
          offsite: false,
          lock: null,
        });
        break;
      case TargetKind.APP: {
        const toS3 = t.location.includes(" s3:");
        const repo = t.location.replace(/^\S+ repository /, "").replace(/, written from .*$/, "");
        out.push({
          kind: "app",
          label: `${str(d.tool)} (${str(d.engine)}) → ${toS3 ? `S3 ${str(bucket?.details?.region ?? "")}`.trim() : repo}`,
          where: t.location,
          medium: toS3 ? "object storage" : "disk",
          offsite: toS3 && onPrem,
          lock: toS3 ? LOCKED(bucket?.details?.lock) : null,
        });
        break;
      }
      case TargetKind.AWS_BACKUP:
        out.push({
          kind: "aws-backup",
          label: `vault ${str(d.vaults)} (${str(d.region)})`,
          where: t.location,
          medium: "backup vault",
          offsite: onPrem,
          lock: LOCKED(d.lock),
        });
        break;
      case TargetKind.VELERO:
        out.push({
          kind: "velero",
          label: `Velero → S3${d.region ? ` (${str(d.region)})` : ""}`,
          where: t.location,
          medium: "object storage",
          offsite: true,
          lock: LOCKED(d.lock) ?? LOCKED(bucket?.details?.lock),
        });
        break;
      case TargetKind.OFFSITE:
        out.push({
          kind: "offsite",
          label: `${t.location.startsWith("s3://") ? "S3 replica" : "vault copies"}${d.region ? ` in ${str(d.region)}` : ""}`,
          where: t.location,
          medium: t.location.startsWith("s3://") ? "object storage" : "backup vault",
          offsite: true,
          lock: LOCKED(d.lock),
        });
        break;
      default:
        break;
    }
  }
  return out;
}

function checksOf(p: EffectivePolicy, copies: readonly Copy[], drill: DrillEvidence): RuleCheck[] {
  const media = [...new Set(copies.map((c) => c.medium))];
  const offsite = copies.filter((c) => c.offsite);
  const locked = copies.filter((c) => c.lock);
  const n = copies.length + 1;
  return [
    {
      rule: "3 copies",
      ok: n >= 3,
      reason:
        n >= 3
          ? `${n} copies: production and ${copies.map((c) => c.kind).join(", ")}`
          : `${n} cop${n === 1 ? "y" : "ies"}: production${copies.length ? ` and ${copies.map((c) => c.kind).join(", ")}` : " only"}; 3 need ${3 - n} more backup cop${3 - n === 1 ? "y" : "ies"}`,
    },
    {
      rule: "2 media",
      ok: media.length >= 2,
      reason:
        media.length >= 2
          ? `backups on ${media.join(" and ")}`
          : media.length
            ? `every backup is on ${media[0]}`
            : "no backup copy",
    },
    {
      rule: "1 offsite",
      ok: offsite.length > 0,
      reason: offsite.length
        ? `offsite: ${offsite.map((c) => c.kind).join(", ")}`
        : p.offsite.required
          ? "offsite is required, yet no copy leaves the site"
          : `no offsite copy (the catalog decides: ${p.offsite.reason ?? `tier ${p.tier.classification} does not require one`})`,
    },
    {
      rule: "1 immutable",
      ok: locked.length > 0,
      reason: locked.length
        ? `locked: ${locked.map((c) => `${c.kind} (${c.lock})`).join(", ")}`
        : p.immutable
          ? "an immutable copy is required, yet no copy is locked"
          : `no locked copy (tier ${p.tier.classification} does not require one)`,
    },
    {
      rule: "0 errors",
      ok: drill.scheduled ? drill.lastResultOk : false,
      reason: !drill.scheduled
        ? "no restore drill is scheduled: nothing proves a restore works"
        : drill.lastResultOk === null
          ? drill.note
          : drill.lastResultOk
            ? "the last restore drill passed"
            : "the last restore drill failed",
    },
  ];
}

interface Evidence {
  drillLastSuccess?: number;
  drillOk?: boolean;
  drillSeconds?: number;
  shipLastSuccess?: number;
  items?: number;
}

/** Drill, shipping and capture samples per service (the freshness ones go through `observe`). */
function evidenceOf(samples: readonly MetricSample[]): Map<string, Evidence> {
  const out = new Map<string, Evidence>();
  for (const s of samples) {
    const id = s.labels.service;
    if (!id) continue;
    const e = out.get(id) ?? {};
    if (s.name === Metrics.drillLastSuccess && s.value > 0)
      e.drillLastSuccess = Math.max(e.drillLastSuccess ?? 0, s.value);
    if (s.name === Metrics.drillSuccess) e.drillOk = (e.drillOk ?? true) && s.value === 1;
    if (s.name === Metrics.drillDuration) e.drillSeconds = Math.max(e.drillSeconds ?? 0, s.value);
    if (s.name === Metrics.shipLastSuccess) e.shipLastSuccess = Math.max(e.shipLastSuccess ?? 0, s.value);
    if (s.name === Metrics.drillItems) e.items = Math.max(e.items ?? 0, s.value);
    out.set(id, e);
  }
  return out;
}

function drillOf(
  ctx: EstateContext,
  p: EffectivePolicy,
  restoreTested: boolean,
  e: Evidence | undefined,
  haveMetrics: boolean,
  records: readonly DrillRecord[],
): DrillEvidence {
  const rtoSeconds = p.rto.toMinutes() * 60;
  const timer = ctx.jobsOf(p.service.id).find((j) => j.drill && j.kind === TargetKind.APP);
  const base = {
    rtoSeconds,
    lastResultOk: null,
    lastSuccess: null,
    measuredRtoSeconds: null,
    withinRto: null,
    itemsCompared: null,
    records,
  };
  if (timer && drillsOf(p)) {
    const how = `restore drill ${timer.schedule.describe()} on ${timer.group}`;
    if (e?.drillOk === undefined) {
      // No metrics, but the host's own records: the newest recorded drill is the last result.
      const last = records[0];
      if (last) {
        const passed = records.find((r) => r.passed);
        const measured = last.restoreSeconds;
        return {
          how,
          scheduled: true,
          rtoSeconds,
          lastResultOk: last.passed,
          lastSuccess: passed?.finished ?? null,
          measuredRtoSeconds: measured,
          withinRto: measured === null ? null : measured <= rtoSeconds,
          itemsCompared: passed?.itemsCompared ?? null,
          note: `${last.passed ? "passed" : `failed (exit ${last.exitCode})`}: from the host's drill records (${records.length} drill(s) recorded)`,
          records,
        };
      }
      return {
        ...base,
        how,
        scheduled: true,
        note: haveMetrics ? "unknown: no drill metrics reported yet" : "unknown: no metrics given",
      };
    }
    const measured = e.drillSeconds ?? null;
    return {
      how,
      scheduled: true,
      rtoSeconds,
      lastResultOk: e.drillOk,
      lastSuccess: e.drillLastSuccess ?? null,
      measuredRtoSeconds: measured,
      withinRto: measured === null ? null : measured <= rtoSeconds,
      itemsCompared: e.items ?? null,
      note: e.drillOk
        ? "passed: the restored copy matched its capture record"
        : "failed: see the drill's log on the host",
      records,
    };
  }
  if (restoreTested)
    return {
      ...base,
      how: "AWS Backup restore testing",
      scheduled: true,
      note: "unknown: AWS Backup restore testing reports in AWS (restore jobs), not in these metrics",
    };
  return { ...base, how: "none", scheduled: false, note: "no restore drill is scheduled" };
}

function freshnessOf(
  ctx: EstateContext,
  p: EffectivePolicy,
  row: FreshnessRow | undefined,
  o: ServiceObservation | undefined,
  e: Evidence | undefined,
  now: number | undefined,
): Freshness {
  const margin = ctx.catalog.notifications.staleMargin;
  const rpoSeconds = p.rpo.toMinutes() * 60;
  const sources = metricSources(p, ctx.catalog);
  // The same window the alert rules and `status` use (judgeFreshness), also when no metrics were given.
  const staleAfter = sources.length ? freshnessWindow(p, margin).threshold.toMinutes() * 60 : null;
  const perSource: SourceFreshness[] = sources.map((s) => {
    const engine = sourceEngine(p, s);
    const t = o?.lastSuccessByEngine[engine];
    const age = t !== undefined && now !== undefined ? Math.max(0, Math.floor(now - t)) : null;
    const state =
      now === undefined
        ? "unknown"
        : age === null
          ? FreshnessState.MISSING
          : age > staleAfter!
            ? FreshnessState.STALE
            : FreshnessState.OK;
    return { source: engine, lastSuccess: t ?? null, ageSeconds: age, staleAfterSeconds: staleAfter!, state };
  });
  if (shipsLogs(p)) {
    const w = shipWindow(p, margin).threshold.toMinutes() * 60;
    const t = e?.shipLastSuccess;
    const age = t !== undefined && now !== undefined ? Math.max(0, Math.floor(now - t)) : null;
    perSource.push({
      source: "log shipping",
      lastSuccess: t ?? null,
      ageSeconds: age,
      staleAfterSeconds: w,
      state:
        now === undefined
          ? "unknown"
          : age === null
            ? FreshnessState.MISSING
            : age > w
              ? FreshnessState.STALE
              : FreshnessState.OK,
    });
  }
  if (!sources.length) {
    return {
      state: FreshnessState.NOT_WATCHED,
      lastSuccess: null,
      ageSeconds: null,
      rpoSeconds,
      staleAfterSeconds: null,
      lastRunFailed: null,
      sources: perSource,
      note: notWatched(p),
    };
  }
  if (!row || now === undefined) {
    return {
      state: "unknown",
      lastSuccess: null,
      ageSeconds: null,
      rpoSeconds,
      staleAfterSeconds: staleAfter,
      lastRunFailed: null,
      sources: perSource,
      note: "unknown: no metrics given (pass --metrics-dir or --prometheus)",
    };
  }
  return {
    state: row.state,
    lastSuccess: row.lastSuccess ?? null,
    ageSeconds: row.ageSeconds ?? null,
    rpoSeconds,
    staleAfterSeconds: staleAfter,
    lastRunFailed: row.lastRunFailed ?? null,
    sources: perSource,
    note: row.state === FreshnessState.MISSING ? "no success reported by every source" : "",
  };
}

function notWatched(p: EffectivePolicy): string {
  if (p.service.vm)
    return `no textfile metrics: vzdump runs report nothing without the hook (set proxmox.hosts.${p.service.vm.host}.vzdumpHook)`;
  if (p.service.kubernetes) return "no textfile metrics: Velero's own metrics and alert rules watch its backups";
  return "no textfile metrics: AWS Backup's alarms and audit watch it";
}

/** The week of every job group, with overlaps, the backup window and the uplink check. */
function weeksOf(ctx: EstateContext): HostWeek[] {
  const jobs = [...ctx.jobs];
  const overlaps = findOverlaps(jobs);
  const clashes = new Map<string, string[]>();
  for (const o of overlaps) {
    for (const [a, b] of [
      [o.first, o.second],
      [o.second, o.first],
    ]) {
      const list = clashes.get(a);
      if (list) list.push(b);
      else clashes.set(a, [b]);
    }
  }
  const groups = new Map<string, ScheduledJob[]>();
  for (const j of jobs) {
    const list = groups.get(j.group);
    if (list) list.push(j);
    else groups.set(j.group, [j]);
  }
  // Where each host's and cluster's uplink and window are, by job group name.
  const windows = new Map<string, { text: string; via: string }>();
  for (const h of Object.values(ctx.catalog.proxmox?.hosts ?? {}))
    if (h.backupWindow) windows.set(h.name, { text: h.backupWindow, via: `proxmox.hosts.${h.name}` });
  for (const c of Object.values(ctx.catalog.kubernetes?.clusters ?? {}))
    if (c.backupWindow) windows.set(`k8s/${c.name}`, { text: c.backupWindow, via: `kubernetes.clusters.${c.name}` });
  const load = uplinkLoad(estateEstimate(ctx.policies, ctx.catalog));
  const groupOfVia = (via: string) =>
    via.startsWith("kubernetes.clusters.")
      ? `k8s/${via.slice("kubernetes.clusters.".length)}`
      : via.slice("proxmox.hosts.".length);
  for (const via of load.keys()) if (!groups.has(groupOfVia(via))) groups.set(groupOfVia(via), []);
  for (const g of windows.keys()) if (!groups.has(g)) groups.set(g, []);
  // Log shipping (pitr) runs every few minutes all week on the app host: one continuous lane, not thousands of runs.
  const shipLanes = new Map<string, TimelineJob[]>();
  for (const t of ctx.targets) {
    const every = t.details?.shipEveryMinutes;
    if (t.kind !== TargetKind.APP || typeof every !== "number" || typeof t.details?.host !== "string") continue;
    const group = t.details.host;
    if (!groups.has(group)) groups.set(group, []);
    const lane: TimelineJob = {
      id: `${t.serviceId} log shipping`,
      activity: "ship",
      kind: t.kind,
      when: `every ${every} minutes`,
      utc: false,
      starts: [0],
      minutes: WEEK,
      rare: false,
      services: [t.serviceId],
      overlapsWith: [],
      description: `WAL or binary-log shipping of ${t.serviceId} every ${every} minutes`,
    };
    shipLanes.set(group, [...(shipLanes.get(group) ?? []), lane]);
  }
  const overlapsOf = new Map<string, HostWeek["overlaps"][number][]>();
  for (const o of overlaps) {
    const list = overlapsOf.get(o.group) ?? [];
    list.push({ first: o.first, second: o.second, at: o.at });
    overlapsOf.set(o.group, list);
  }
  return [...groups.keys()].sort().map((group): HostWeek => {
    const w = windows.get(group);
    const parsed = w ? parseWindow(w.text) : undefined;
    const l = [...load.entries()].find(([via]) => groupOfVia(via) === group)?.[1];
    const uplink: UplinkCheck | null = l
      ? {
          via: l.check.via,
          uplink: l.check.uplink,
          window: l.check.window,
          windowStartMinutes: parseWindow(l.check.window).startMinutes,
          windowMinutes: parseWindow(l.check.window).minutes,
          dailyHours: l.dailyHours,
          fits: l.dailyHours <= l.check.windowHours,
          services: l.services,
        }
      : null;
    const list = (groups.get(group) ?? []).sort(
      (a, b) => a.schedule.offsetMinutes - b.schedule.offsetMinutes || a.id.localeCompare(b.id),
    );
    const outside = parsed
      ? list
          .filter((j) => !isUtc(j) && !j.drill && j.schedule.startsInWeek().some((t) => !inWindow(t % 1440, parsed)))
          .map((j) => j.id)
      : [];
    return {
      group,
      jobs: list
        .map((j): TimelineJob => ({
          id: j.id,
          activity: j.drill ? "drill" : "backup",
          kind: j.kind,
          when: j.schedule.describe(),
          utc: isUtc(j),
          starts: j.schedule.startsInWeek(),
          minutes: j.durationMinutes ?? DEFAULT_JOB_MINUTES,
          rare: j.schedule.isRare,
          services: [...j.serviceIds],
          overlapsWith: clashes.get(j.id) ?? [],
          description: j.description,
        }))
        .concat(shipLanes.get(group) ?? []),
      backupWindow: parsed && w ? { text: w.text, startMinutes: parsed.startMinutes, minutes: parsed.minutes } : null,
      uplink,
      overlaps: overlapsOf.get(group) ?? [],
      outsideWindow: outside,
    };
  });
}

function inWindow(minuteOfDay: number, w: { startMinutes: number; minutes: number }): boolean {
  return (minuteOfDay - w.startMinutes + 1440) % 1440 < w.minutes;
}
