import type { EstateContext } from "../estate/context";
import { criticalPath } from "../policy/cadences";
import { restoreWaves } from "../policy/restore-order";
import { doc, table } from "./markdown";

/** The DR runbook: every service in restore order (waves), with its RTO and its SOP. */
export function renderDrRunbook(ctx: EstateContext): string {
  const waves = restoreWaves(ctx.catalog.services);
  const c = ctx.catalog;
  return doc(
    `# Disaster recovery runbook: ${c.name}`,
    "Restore the services wave by wave: every service of a wave depends only on services of earlier waves, so a wave's services can be restored in parallel. Within a wave, critical services and short RTOs come first.",
    totalRto(c.services),
    c.contacts.length ? `Escalation: ${c.contacts.map((x) => `${x.name} (${x.role}, ${x.email}${x.phone ? `, ${x.phone}` : ""})`).join("; ")}.` : "No escalation contacts are recorded.",
    ...waves.map((wave, i) =>
      doc(
        `## Wave ${i + 1}`,
        table(
          ["Service", "Classification", "RTO", "Depends on", "SOP"],
          wave.map((s) => [s.id, s.classification, s.rto.toString(), s.restore.dependsOn.join(", ") || "—", `[sop/${s.id}.md](sop/${s.id}.md)`]),
        ),
      ).trimEnd(),
    ),
  );
}

/** The total RTO along the critical path: the estate is back no sooner than its slowest restore chain. */
function totalRto(services: Parameters<typeof criticalPath>[0]): string {
  const cp = criticalPath(services);
  if (!cp.total) return "No service is declared: there is no critical path.";
  return `**Total RTO along the critical path: ${cp.total.toHuman()} (${cp.total})**, ${cp.path.map((s) => `${s.id} (${s.rto})`).join(" → ")}: services of a wave restore in parallel, but each waits for what it depends on, so the estate is back no sooner than this chain. The quarterly DR drill (dr-drill.md) measures it.`;
}
