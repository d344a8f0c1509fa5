import type { Service } from "../catalog/model";
import { Duration } from "../core/duration";

/**
 * The estate-wide cadences of the checklist that are not backup jobs: the quarterly DR drill
 * (a full-environment restore in the runbook's order, measuring RTO and RPO) and the periodic
 * backup-strategy review. Both go to the calendar (Markdown and iCalendar) with fixed
 * recurrence rules, anchored in 2024 like the jobs so that the files stay byte-identical.
 */
export interface EstateCadence {
  readonly id: string;
  readonly title: string;
  /** RFC 5545 RRULE value. */
  readonly rrule: string;
  /** First occurrence, local time: YYYYMMDD and HH:MM. */
  readonly firstDay: string;
  readonly time: string;
  readonly durationMinutes: number;
  /** When, in words. */
  readonly when: string;
  readonly description: string;
}

/** The quarterly DR drill takes the critical path's total RTO, at least 4 hours, at most a day. */
export function estateCadences(services: readonly Service[]): EstateCadence[] {
  const rto = criticalPath(services).total;
  return [
    {
      id: "dr-drill",
      title: "Quarterly DR drill",
      // The first Saturday of January, April, July and October.
      rrule: "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=1SA",
      firstDay: "20240106",
      time: "09:00",
      durationMinutes: Math.min(24 * 60, Math.max(240, rto?.toMinutes() ?? 240)),
      when: "quarterly, on the first Saturday of January, April, July and October at 09:00",
      description:
        "Full-environment restore in the DR runbook's wave order into an isolated environment; measure each service's RTO and RPO against its objective (checklist: dr-drill.md).",
    },
    {
      id: "strategy-review",
      title: "Backup strategy review",
      // The first Monday of February and August: a month after the January and July drills.
      rrule: "FREQ=YEARLY;BYMONTH=2,8;BYDAY=1MO",
      firstDay: "20240205",
      time: "10:00",
      durationMinutes: 90,
      when: "twice a year, on the first Monday of February and August at 10:00",
      description:
        "Review tiers, RPO/RTO, retention, offsite and immutability decisions, acknowledgements, the cost estimate and the last drills' lessons learned; change the catalog, not the generated files.",
    },
  ];
}

/**
 * The restore chain with the largest sum of RTOs through `restore.dependsOn`: services of a
 * wave restore in parallel, but each must wait for what it depends on, so the estate is back
 * no sooner than this chain's total. Unknown ids are ignored (GOV-015), cycles refused before (GOV-016).
 */
export function criticalPath(services: readonly Service[]): { path: Service[]; total?: Duration } {
  const byId = new Map(services.map((s) => [s.id, s]));
  const memo = new Map<string, { minutes: number; path: Service[] }>();
  const longest = (s: Service, trail: Set<string>): { minutes: number; path: Service[] } => {
    const known = memo.get(s.id);
    if (known) return known;
    let best = { minutes: 0, path: [] as Service[] };
    trail.add(s.id);
    for (const dep of s.restore.dependsOn) {
      const d = byId.get(dep);
      if (!d || trail.has(dep)) continue;
      const r = longest(d, trail);
      if (r.minutes > best.minutes) best = r;
    }
    trail.delete(s.id);
    const out = { minutes: best.minutes + s.rto.toMinutes(), path: [...best.path, s] };
    memo.set(s.id, out);
    return out;
  };
  let top = { minutes: 0, path: [] as Service[] };
  for (const s of services) {
    const r = longest(s, new Set());
    if (r.minutes > top.minutes || (r.minutes === top.minutes && r.path.length > top.path.length)) top = r;
  }
  return { path: top.path, total: top.minutes > 0 ? Duration.minutes(top.minutes) : undefined };
}
