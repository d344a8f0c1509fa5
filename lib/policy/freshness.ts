import { AppEngine } from "../core/vocabulary";
import { type Catalog, VzdumpHookMode } from "../catalog/model";
import { Duration } from "../core/duration";
import type { EffectivePolicy } from "./effective";

/** Bounds of the default stale margin, in minutes. */
export const STALE_MARGIN = {
  /** Share of the backup interval granted as grace. */
  fraction: 0.25,
  minMinutes: 15,
  maxMinutes: 240,
} as const;

/**
 * When a service's backups count as stale: the one threshold that the Prometheus rules,
 * `backup-gov status`, the onboarding receipt and the CloudWatch heartbeat alarm all use.
 */
export interface FreshnessWindow {
  /**
   * The interval successes are expected at: the RPO, or the job cadence when that is longer
   * (an RPO below the shortest cadence is met by continuous archiving, not by the dumps
   * whose success the metrics record).
   */
  readonly interval: Duration;
  /** Grace for run time and timer jitter. */
  readonly margin: Duration;
  /** `interval + margin`: older than this, the last success is stale. */
  readonly threshold: Duration;
}

/**
 * A service's freshness window, from its effective policy and the catalog's
 * `notifications.staleMargin` (default: a quarter of the interval, 15 minutes to 4 hours).
 */
export function freshnessWindow(policy: EffectivePolicy, staleMargin?: Duration): FreshnessWindow {
  return windowOf(Math.max(policy.rpo.toMinutes(), policy.jobCadence.intervalMinutes), staleMargin);
}

/**
 * The window of anything expected every `intervalMinutes` (an AWS Backup rule's cadence), with
 * the same margin rule as a service's window.
 */
export function intervalWindow(intervalMinutes: number, staleMargin?: Duration): FreshnessWindow {
  return windowOf(intervalMinutes, staleMargin);
}

function windowOf(intervalMinutes: number, staleMargin?: Duration): FreshnessWindow {
  const marginMinutes =
    staleMargin?.toMinutes() ??
    Math.min(
      STALE_MARGIN.maxMinutes,
      Math.max(STALE_MARGIN.minMinutes, Math.round(intervalMinutes * STALE_MARGIN.fraction)),
    );
  return {
    interval: Duration.minutes(intervalMinutes),
    margin: Duration.minutes(marginMinutes),
    threshold: Duration.minutes(intervalMinutes + marginMinutes),
  };
}

/**
 * Whether a service ships WAL or binary logs between base backups (app-level `pitr` on
 * PostgreSQL or MySQL/MariaDB): then shipping, not the dumps, is what meets the RPO.
 */
export function shipsLogs(policy: EffectivePolicy): boolean {
  const app = policy.service.app;
  return policy.appBackup && !!app?.pitr && (app.engine === AppEngine.POSTGRESQL || app.engine === AppEngine.MYSQL);
}

/** The freshness window of log shipping: the RPO itself, plus the same margin rule. */
export function shipWindow(policy: EffectivePolicy, staleMargin?: Duration): FreshnessWindow {
  return windowOf(policy.rpo.toMinutes(), staleMargin);
}

/** The engine label values a service's textfile metrics carry (lib/core/metrics.ts). */
export enum MetricSource {
  /** The Proxmox vzdump hook. */
  VZDUMP = "vzdump",
  /** The app-level backup script (its engine: postgresql, mysql, mongodb, files). */
  APP = "app",
}

/**
 * Which jobs write textfile metrics for a service: the app-level script when the service
 * has one, and the vzdump hook when its guest's host runs it (`proxmox.hosts.<h>.vzdumpHook`;
 * without the hook nothing reports vzdump runs, and an alert on them could only ever fire).
 * A service with neither (AWS-only) is watched through AWS Backup's own signals and the audit
 * framework instead.
 */
export function metricSources(policy: EffectivePolicy, catalog: Pick<Catalog, "proxmox">): MetricSource[] {
  const out: MetricSource[] = [];
  if (policy.appBackup) out.push(MetricSource.APP);
  const vm = policy.service.vm;
  const hook = vm && catalog.proxmox?.hosts[vm.host]?.vzdumpHook;
  if (hook && hook !== VzdumpHookMode.NONE) out.push(MetricSource.VZDUMP);
  return out;
}

/** The `engine` label a source's series carry: the app engine, or `vzdump`. */
export function sourceEngine(policy: EffectivePolicy, source: MetricSource): string {
  return source === MetricSource.APP ? String(policy.service.app?.engine) : "vzdump";
}

/** Services whose freshness is watched through textfile metrics, with their windows. */
export function watchedServices(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "notifications" | "proxmox">,
): Array<{ policy: EffectivePolicy; window: FreshnessWindow; sources: MetricSource[] }> {
  return policies
    .map((policy) => ({
      policy,
      window: freshnessWindow(policy, catalog.notifications.staleMargin),
      sources: metricSources(policy, catalog),
    }))
    .filter((w) => w.sources.length > 0);
}

/** State of one service's freshness at a moment. */
export enum FreshnessState {
  /** The last success is inside the window. */
  OK = "ok",
  /** The last success is older than the window. */
  STALE = "stale",
  /** Metrics are expected but none were found: nothing has ever succeeded, or nothing reports. */
  MISSING = "missing",
  /**
   * Nothing writes textfile metrics for this service: AWS-only services are watched by AWS
   * Backup's signals; vzdump-only guests on hosts without the vzdump hook by nothing here.
   */
  NOT_WATCHED = "not-watched",
  /**
   * The last success lies ahead of the judging clock by more than {@link CLOCK_SKEW_SECONDS}:
   * the writer's clock (or the reader's) is wrong, and the age cannot be known. Never "fresh":
   * a clock set a year ahead would otherwise report a stopped backup as fine for a year.
   */
  FUTURE = "future",
  /** The last success is no time at all (negative, infinite, beyond year 9999): a broken writer. */
  INVALID = "invalid",
}

/** How far ahead of the judging clock a success may lie (clocks of two hosts differ a little). */
export const CLOCK_SKEW_SECONDS = 300;
/** The last Unix second of year 9999: later values are no timestamps a backup job writes. */
export const MAX_UNIX_SECONDS = 253402300799;

/** One service's freshness, as `backup-gov status` and the onboarding receipt report it. */
export interface FreshnessRow {
  readonly serviceId: string;
  readonly state: FreshnessState;
  /** Unix seconds of the last success, when metrics were found. */
  readonly lastSuccess?: number;
  /** Seconds since the last success. */
  readonly ageSeconds?: number;
  readonly rpo: Duration;
  readonly window?: FreshnessWindow;
  /** Whether the last run (successful or not) failed, when the metrics say so. */
  readonly lastRunFailed?: boolean;
  /** For INVALID: the value that is no timestamp. */
  readonly invalidValue?: number;
  /** For FUTURE: how many seconds the last success lies ahead of the judging clock. */
  readonly aheadSeconds?: number;
  /** For NOT_WATCHED: what watches the service instead, or what would make it watched. */
  readonly unwatchedReason?: string;
}

/** Per service: the latest success time per `engine` label, and whether any of its last runs failed. */
export interface ServiceObservation {
  readonly lastSuccessByEngine: Readonly<Record<string, number>>;
  readonly lastRunFailed?: boolean;
}

/**
 * Judges each service's freshness against its window at `nowSeconds`. Every source must be
 * fresh: a service backed up by an app-level job and by vzdump is as old as the older of the
 * two, so a stopped app-consistent backup is not hidden by a running vzdump.
 */
export function judgeFreshness(
  policies: readonly EffectivePolicy[],
  catalog: Pick<Catalog, "notifications" | "proxmox">,
  observed: ReadonlyMap<string, ServiceObservation>,
  nowSeconds: number,
): FreshnessRow[] {
  return policies.map((policy) => {
    const id = policy.service.id;
    const base = { serviceId: id, rpo: policy.rpo };
    const sources = metricSources(policy, catalog);
    if (sources.length === 0)
      return { ...base, state: FreshnessState.NOT_WATCHED, unwatchedReason: unwatchedReason(policy) };
    const window = freshnessWindow(policy, catalog.notifications.staleMargin);
    const o = observed.get(id);
    const times = sources.map((s) => o?.lastSuccessByEngine[sourceEngine(policy, s)]);
    if (times.some((t) => t === undefined))
      return { ...base, window, state: FreshnessState.MISSING, lastRunFailed: o?.lastRunFailed };
    const broken = (times as number[]).find((t) => !Number.isFinite(t) || t < 0 || t > MAX_UNIX_SECONDS);
    if (broken !== undefined)
      return { ...base, window, state: FreshnessState.INVALID, invalidValue: broken, lastRunFailed: o?.lastRunFailed };
    const lastSuccess = Math.min(...(times as number[]));
    const ahead = Math.max(...(times as number[])) - nowSeconds;
    if (ahead > CLOCK_SKEW_SECONDS)
      return {
        ...base,
        window,
        state: FreshnessState.FUTURE,
        lastSuccess: Math.max(...(times as number[])),
        aheadSeconds: Math.floor(ahead),
        lastRunFailed: o?.lastRunFailed,
      };
    const ageSeconds = Math.max(0, Math.floor(nowSeconds - lastSuccess));
    const state = ageSeconds > window.threshold.toMinutes() * 60 ? FreshnessState.STALE : FreshnessState.OK;
    return { ...base, window, state, lastSuccess, ageSeconds, lastRunFailed: o?.lastRunFailed };
  });
}

function unwatchedReason(policy: EffectivePolicy): string {
  const vm = policy.service.vm;
  if (vm) return `not watched: vzdump runs report nothing without the hook (set proxmox.hosts.${vm.host}.vzdumpHook)`;
  return "not watched here (AWS Backup: alarms and audit)";
}
