import type { EstateContext } from "../estate/context";
import { restoreWaves } from "../policy/restore-order";
import { doc, table } from "./markdown";

/** The DR runbook: every service in restore order (waves), with its RTO and its SOP. */
export function renderDrRunbook(ctx: EstateContext): string {
  const waves = restoreWaves(ctx.catalog.services);
  const c = ctx.catalog;
  return doc(
    `# Disaster recovery runbook: ${c.name}`,
    "Restore the services wave by wave: every service of a wave depends only on services of earlier waves, so a wave's services can be restored in parallel. Within a wave, critical services and short RTOs come first.",
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
