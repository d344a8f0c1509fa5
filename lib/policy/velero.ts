import type { Catalog, KubernetesCluster, ServiceKubernetes } from "../catalog/model";
import { RetentionClass } from "../core/retention";
import { Cadence, type Schedule } from "../core/schedule";
import { Classification, type LockMode, LockMode as Lock, VolumeBackupMode } from "../core/vocabulary";
import { AwsNames, vaultKey } from "./aws-backup";
import type { EffectivePolicy } from "./effective";
import { must } from "../private/must";
import { stagger } from "./stagger";

/**
 * Velero, as pure data: which clusters need a backup storage location, which bucket holds
 * it, and the schedules each Kubernetes service gets from its RPO and retention. The
 * Kubernetes builder turns these into `velero.io/v1` objects; the AWS builder creates the
 * buckets and the per-cluster IAM identities.
 */

/** Expected minutes of one Velero backup, for the calendar and for spacing schedules. */
export const VELERO_JOB_MINUTES = 15;

/** Velero backups run in this window (UTC on the Velero server) unless the cluster sets one. */
const DEFAULT_WINDOW = { startMinutes: 60, minutes: 300 };

/** Names of the Velero objects and of the cluster's AWS identity. */
export const VeleroNames = {
  /** The BackupStorageLocation of a cluster (one per cluster, in the Velero namespace). */
  storageLocation: (cluster: string) => `backup-gov-${cluster}`.slice(0, 63).replace(/-+$/, ""),
  /** A service's schedule of one retention class: `shop-daily`. */
  schedule: (serviceId: string, cls: RetentionClass) => `${serviceId}-${cls}`,
  /** The cluster's key prefix inside its bucket, ending in `/`. */
  prefix: (cluster: string) => `${cluster}/`,
  /** The Kubernetes secret holding the cluster identity's credentials file. */
  credentialsSecret: "backup-gov-velero-credentials",
  /** The IAM user Velero in that cluster signs in as. */
  iamUser: (estate: string, cluster: string) => fitIam(`${estate}-velero-${cluster}`),
  /** The cluster's own Terraform stack. */
  stack: (estate: string, cluster: string) => `${estate}-k8s-${cluster}`,
} as const;

function fitIam(name: string): string {
  return name.length <= 64 ? name : name.slice(name.length - 64);
}

/** One Velero bucket of the estate: clusters that need the same lock and offsite copy share it, each under its own prefix. */
export interface VeleroBucketSpec {
  /** `velero-standard`, `velero-compliance-14d-to-us-west-2`, ... */
  readonly purpose: string;
  readonly name: string;
  readonly region: string;
  readonly lock?: { readonly mode: LockMode; readonly days: number };
  /** Noncurrent versions (what a Velero or Kopia delete leaves) stay this long. */
  readonly noncurrentDays: number;
  readonly replica?: { readonly name: string; readonly region: string; readonly replicationTimeControl: boolean };
  /** Cluster names, sorted. */
  readonly clusters: readonly string[];
}

/** Undo window for noncurrent versions of an unlocked Velero bucket. */
export const VELERO_NONCURRENT_DAYS = 30;

/** The Kubernetes services of a cluster, in catalog order. */
export function clusterPolicies(policies: readonly EffectivePolicy[], cluster: string): EffectivePolicy[] {
  return policies.filter((p) => p.service.kubernetes?.cluster === cluster);
}

/** Clusters of the catalog that some service uses (and that are declared), sorted. */
export function usedClusters(catalog: Pick<Catalog, "kubernetes" | "services">): KubernetesCluster[] {
  const declared = catalog.kubernetes?.clusters ?? {};
  const used = new Set(
    catalog.services.map((s) => s.kubernetes?.cluster).filter((c): c is string => !!c && c in declared),
  );
  return [...used].sort().map((c) => declared[c]);
}

/**
 * The estate's Velero buckets. A cluster's bucket carries the strictest lock its services
 * ask for (compliance over governance, the longest days) and an offsite replica when any of
 * them requires one: objects of one cluster cannot be locked differently per service,
 * because Kopia packs the volume data of every service into one repository per namespace.
 */
export function veleroBucketSpecs(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "name" | "aws" | "kubernetes" | "services">,
): VeleroBucketSpec[] {
  const aws = catalog.aws;
  if (!aws) return [];
  const groups = new Map<
    string,
    { lock?: VeleroBucketSpec["lock"]; offsite?: string; clusters: string[]; critical: boolean }
  >();
  for (const cluster of usedClusters(catalog)) {
    const ps = clusterPolicies(policies, cluster.name);
    let lock: VeleroBucketSpec["lock"];
    for (const p of ps) {
      if (!p.immutable) continue;
      const mode =
        lock?.mode === Lock.COMPLIANCE || p.immutable.mode === Lock.COMPLIANCE ? Lock.COMPLIANCE : Lock.GOVERNANCE;
      lock = { mode, days: Math.max(lock?.days ?? 0, p.immutable.days) };
    }
    const offsite = ps.find((p) => p.offsite.required && p.offsite.region)?.offsite.region;
    const purpose = `velero-${vaultKey(lock && { mode: lock.mode, minDays: lock.days })}${offsite ? `-to-${offsite}` : ""}`;
    const g = groups.get(purpose) ?? { lock, offsite, clusters: [], critical: false };
    g.clusters.push(cluster.name);
    g.critical ||= ps.some((p) => p.service.classification === Classification.CRITICAL);
    groups.set(purpose, g);
  }
  return [...groups.entries()]
    .map(([purpose, g]): VeleroBucketSpec => ({
      purpose,
      name: AwsNames.bucket(catalog.name, purpose, aws.accountId),
      region: aws.region,
      lock: g.lock,
      noncurrentDays: g.lock ? g.lock.days : VELERO_NONCURRENT_DAYS,
      replica: g.offsite
        ? {
            name: AwsNames.replicaBucket(catalog.name, purpose, aws.accountId),
            region: g.offsite,
            replicationTimeControl: g.critical,
          }
        : undefined,
      clusters: g.clusters,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One Velero Schedule: a service's backups of one retention class. */
export interface VeleroScheduleSpec {
  readonly name: string;
  readonly serviceId: string;
  readonly cluster: string;
  readonly retentionClass: RetentionClass;
  readonly schedule: Schedule;
  /** Five-field cron, as Velero's Schedule takes it. */
  readonly cron: string;
  /** How long each backup is kept, in hours. */
  readonly ttlHours: number;
  /** `ttl` as a Go duration (`336h0m0s`). */
  readonly ttl: string;
  readonly kubernetes: ServiceKubernetes;
}

const DAY = 1440;

/** Minutes as a Go duration string (`time.Duration.String()`): `336h0m0s`, `5m0s`. */
export function goDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${m}m0s` : `${m}m0s`;
}

/**
 * A schedule as a standard five-field cron expression (minute hour day-of-month month
 * day-of-week), the syntax of Velero's `spec.schedule`. Sub-daily hours are listed
 * explicitly rather than as `start/step`, which cron dialects read differently.
 */
export function kubernetesCron(schedule: Schedule): string {
  const { weekday, hour, minute } = schedule.firstStart();
  if (schedule.dayOfMonth !== undefined) return `${minute} ${hour} ${schedule.dayOfMonth} ${schedule.month ?? "*"} *`;
  // cron counts the week from Sunday (0); Schedule from Monday (0).
  if (schedule.cadence.isWeekly)
    return `${minute} ${hour} ${schedule.firstWeekOfMonth ? "1-7" : "*"} * ${(weekday + 1) % 7}`;
  if (!schedule.cadence.isSubDaily) return `${minute} ${hour} * * *`;
  const step = schedule.cadence.intervalMinutes / 60;
  if (step === 1) return `${minute} * * * *`;
  const hours: number[] = [];
  for (let h = hour % step; h < 24; h += step) hours.push(h);
  return `${minute} ${hours.join(",")} * * *`;
}

/** `HH:MM-HH:MM` as a start and a length in minutes (past midnight when the end is earlier). */
export function parseWindow(text: string): { startMinutes: number; minutes: number } {
  const [a, b] = text.split("-").map((t) => {
    const [h, m] = t.split(":").map(Number);
    return h * 60 + m;
  });
  return { startMinutes: a, minutes: (b - a + DAY) % DAY || DAY };
}

/**
 * Every Velero Schedule of the estate. Each retention class the service keeps becomes a
 * schedule of its own, because a Velero backup has one TTL: the job cadence for sub-daily
 * points (kept `hourly` × interval), a daily one (kept `daily` days), a weekly one (`weekly`
 * weeks), a monthly one on the 1st and a yearly one on January 1st. Start times are staggered
 * per cluster (no two schedules of one cluster start at the same minute) inside the
 * cluster's backup window.
 */
export function veleroSchedules(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "kubernetes" | "services">,
): VeleroScheduleSpec[] {
  const clusters = catalog.kubernetes?.clusters ?? {};
  const wanted: Array<{
    key: string;
    policy: EffectivePolicy;
    kubernetes: ServiceKubernetes;
    cls: RetentionClass;
    cadence: Cadence;
    ttlHours: number;
  }> = [];
  for (const p of policies) {
    const k = p.service.kubernetes;
    if (!k || !(k.cluster in clusters)) continue;
    const r = p.retention;
    const interval = p.jobCadence.intervalMinutes;
    const add = (cls: RetentionClass, cadence: Cadence, ttlHours: number) => {
      if (ttlHours > 0)
        wanted.push({ key: VeleroNames.schedule(p.service.id, cls), policy: p, kubernetes: k, cls, cadence, ttlHours });
    };
    if (p.jobCadence.isSubDaily) add(RetentionClass.HOURLY, p.jobCadence, Math.ceil((r.hourly * interval) / 60));
    if (!p.jobCadence.isWeekly) add(RetentionClass.DAILY, Cadence.daily(), r.daily * 24);
    add(RetentionClass.WEEKLY, Cadence.weekly(), r.weekly * 7 * 24);
    add(RetentionClass.MONTHLY, Cadence.daily(), r.lifetimeDays(RetentionClass.MONTHLY) * 24);
    add(RetentionClass.YEARLY, Cadence.daily(), r.yearly * 365 * 24);
  }
  const out: VeleroScheduleSpec[] = [];
  const byCluster = new Map<string, typeof wanted>();
  for (const w of wanted) {
    const c = w.kubernetes.cluster;
    byCluster.set(c, [...(byCluster.get(c) ?? []), w]);
  }
  for (const [cluster, list] of byCluster) {
    const window = clusters[cluster].backupWindow ? parseWindow(clusters[cluster].backupWindow) : DEFAULT_WINDOW;
    const slots = stagger(
      list.map((w) => ({ key: w.key, group: cluster, cadence: w.cadence })),
      // Velero runs one backup at a time and queues the rest: quarter-hour slots keep the calendar clear of overlaps.
      {
        windowStartMinutes: window.startMinutes,
        windowMinutes: Math.max(VELERO_JOB_MINUTES, window.minutes - VELERO_JOB_MINUTES),
        stepMinutes: VELERO_JOB_MINUTES,
      },
    );
    for (const w of list) {
      let schedule = must(slots.get(w.key), `the schedule of ${w.key}`);
      if (w.cls === RetentionClass.MONTHLY) schedule = schedule.onDayOfMonth(1);
      if (w.cls === RetentionClass.YEARLY) schedule = schedule.onDayOfMonth(1, 1);
      out.push({
        name: w.key,
        serviceId: w.policy.service.id,
        cluster,
        retentionClass: w.cls,
        schedule,
        cron: kubernetesCron(schedule),
        ttlHours: w.ttlHours,
        ttl: goDuration(w.ttlHours * 60),
        kubernetes: w.kubernetes,
      });
    }
  }
  // Catalog order of services, then shortest-lived class first.
  const order = new Map(policies.map((p, i) => [p.service.id, i]));
  const classOrder = [
    RetentionClass.HOURLY,
    RetentionClass.DAILY,
    RetentionClass.WEEKLY,
    RetentionClass.MONTHLY,
    RetentionClass.YEARLY,
  ];
  const rank = (serviceId: string) => must(order.get(serviceId), `the catalog position of service ${serviceId}`);
  return out.sort(
    (a, b) =>
      rank(a.serviceId) - rank(b.serviceId) ||
      classOrder.indexOf(a.retentionClass) - classOrder.indexOf(b.retentionClass),
  );
}

/** Whether a service's volumes go through CSI snapshots with data movement. */
export function usesSnapshots(k: ServiceKubernetes): boolean {
  return k.volumes === VolumeBackupMode.SNAPSHOT;
}
