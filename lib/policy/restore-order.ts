import type { Service } from "../catalog/model";
import { Classification } from "../core/vocabulary";

const RANK: Record<Classification, number> = {
  [Classification.CRITICAL]: 0,
  [Classification.IMPORTANT]: 1,
  [Classification.REBUILDABLE]: 2,
};

/**
 * Restore waves for disaster recovery: every service comes after everything it depends
 * on; within a wave, critical before important before rebuildable, then shortest RTO
 * first, then id. Cycles are refused by GOV-016 before this runs; links to unknown services
 * are ignored here (GOV-015 reports them).
 */
export function restoreWaves(services: readonly Service[]): Service[][] {
  const byId = new Map(services.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: Service, trail: Set<string>): number => {
    const known = depth.get(s.id);
    if (known !== undefined) return known;
    if (trail.has(s.id)) return 0;
    trail.add(s.id);
    let d = 0;
    for (const dep of s.restore.dependsOn) {
      const t = byId.get(dep);
      if (t && t !== s) d = Math.max(d, depthOf(t, trail) + 1);
    }
    trail.delete(s.id);
    depth.set(s.id, d);
    return d;
  };
  const waves: Service[][] = [];
  for (const s of services) {
    const d = depthOf(s, new Set());
    (waves[d] ??= []).push(s);
  }
  return (
    waves
      // filter skips the holes of depths no service has
      .filter((w) => w.length)
      .map((w) =>
        [...w].sort(
          (a, b) =>
            RANK[a.classification] - RANK[b.classification] || a.rto.compareTo(b.rto) || a.id.localeCompare(b.id),
        ),
      )
  );
}
