import { Cadence, Schedule } from "../core/schedule";
import { sortedEntries } from "../private/sorted-entries";

const WEEK = 7 * 1440;

/** One job that needs a start time. */
export interface StaggerRequest {
  /** Stable, unique key of the job (e.g. its job id). */
  readonly key: string;
  /** Jobs in the same group (a host, a vault) must not start at the same minute. */
  readonly group: string;
  readonly cadence: Cadence;
}

export interface StaggerOptions {
  /** Start of the nightly window for daily and weekly jobs, minutes after midnight. @default 60 (01:00) */
  readonly windowStartMinutes?: number;
  /** Length of the nightly window. @default 300 (01:00–06:00) */
  readonly windowMinutes?: number;
  /** Spacing between start times in one group. @default 15 */
  readonly stepMinutes?: number;
  /** Weekday of weekly jobs, 0 = Monday. @default 6 (Sunday) */
  readonly weeklyDay?: number;
}

/**
 * Gives every job a start time so that no two jobs of one group ever start at the same
 * minute of the week, deterministically: the same requests give the same schedules,
 * whatever their order.
 *
 * Each job prefers a slot picked by a hash of its key (so adding a job rarely moves the
 * others) inside the nightly window for daily/weekly jobs, or anywhere in the interval for
 * sub-daily ones; taken slots are skipped in steps of `stepMinutes`.
 */
export function stagger(requests: readonly StaggerRequest[], options: StaggerOptions = {}): Map<string, Schedule> {
  const windowStart = options.windowStartMinutes ?? 60;
  const windowLen = options.windowMinutes ?? 300;
  const step = options.stepMinutes ?? 15;
  const weeklyDay = options.weeklyDay ?? 6;
  const out = new Map<string, Schedule>();
  const groups = new Map<string, StaggerRequest[]>();
  for (const r of requests) {
    const list = groups.get(r.group);
    if (list) list.push(r);
    else groups.set(r.group, [r]);
  }

  for (const [, list] of sortedEntries(groups)) {
    const taken = new Set<number>();
    // Shortest cadence first: it has the fewest free slots.
    const jobs = [...list].sort(
      (a, b) => a.cadence.intervalMinutes - b.cadence.intervalMinutes || a.key.localeCompare(b.key),
    );
    for (const job of jobs) {
      const interval = job.cadence.intervalMinutes;
      const base = job.cadence.isSubDaily ? 0 : (job.cadence.isWeekly ? weeklyDay * 1440 : 0) + windowStart;
      const span = job.cadence.isSubDaily ? interval : windowLen;
      const slots = Math.max(1, Math.floor(span / step));
      const preferred = base + (hash(job.key) % slots) * step;
      const schedule = firstFree(job.cadence, preferred, step, taken) ?? firstFree(job.cadence, preferred, 1, taken);
      // Every minute of the interval collides only when a group holds more jobs than minutes; keep the preferred slot.
      const chosen = schedule ?? Schedule.at(job.cadence, preferred % interval);
      for (const t of chosen.startsInWeek()) taken.add(t);
      out.set(job.key, chosen);
    }
  }
  return out;
}

function firstFree(cadence: Cadence, preferred: number, step: number, taken: Set<number>): Schedule | undefined {
  const interval = cadence.intervalMinutes;
  for (let k = 0; k * step < interval; k++) {
    const offset = (preferred + k * step) % interval;
    const candidate = Schedule.at(cadence, offset);
    if (candidate.startsInWeek().every((t) => !taken.has(t % WEEK))) return candidate;
  }
  return undefined;
}

/** FNV-1a: small, stable across platforms and Node versions. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
