import type { EstateContext } from "../estate/context";
import type { EffectivePolicy } from "../policy/effective";
import { code, doc, fence, table } from "./markdown";

/**
 * The restore SOP of one service: who, how fast, where the backups are, where the secrets
 * are, the restore steps of every target (registered by the builders), what to restore
 * first, and how to prove it worked.
 */
export function renderRestoreSop(ctx: EstateContext, p: EffectivePolicy): string {
  const s = p.service;
  const targets = ctx.targetsOf(s.id);
  const deps = s.restore.dependsOn;
  const dependants = ctx.catalog.services.filter((o) => o.restore.dependsOn.includes(s.id)).map((o) => o.id);
  const contacts = ctx.catalog.contacts;
  return doc(
    `# Restore SOP: ${s.id}`,
    s.description && `> ${s.description}`,
    table(
      ["", ""],
      [
        ["Classification", `${s.classification} (${p.tier.title} tier)`],
        ["Owner", s.owner ?? "(none)"],
        ["RPO", `${p.rpo.toHuman()} (${p.rpo})`],
        ["RTO", `${p.rto.toHuman()} (${p.rto}) — start the clock when the restore is declared`],
        ["Restore drill", p.restoreTest],
        ["Secrets", s.restore.secrets ? code(s.restore.secrets) : "(not recorded)"],
      ],
    ),
    "## Before you start",
    [
      deps.length
        ? `1. Restore first: ${deps.map((d) => `[${d}](${d}.md)`).join(", ")}.`
        : "1. This service depends on no other service.",
      `2. Fetch the restore secrets from ${s.restore.secrets ? code(s.restore.secrets) : "the secret store (no path recorded in the catalog)"}.`,
      "3. Announce the restore in the incident channel and note the start time (RTO clock).",
    ].join("\n"),
    "## Where the backups are",
    targets.length
      ? table(
          ["Kind", "Id", "Location"],
          targets.map((t) => [t.kind, t.id, t.location]),
        )
      : "No backup target is registered for this service in this estate.",
    ...targets.map((t) =>
      doc(
        `### Restore from ${t.kind}: ${t.id}`,
        t.restoreSteps.map((step, i) => `${i + 1}. ${step}`).join("\n"),
      ).trimEnd(),
    ),
    "## Validate",
    s.restore.validate.length
      ? fence(s.restore.validate.join("\n"))
      : "No validation commands are recorded: check the service by hand and record how in `restore.validate`.",
    dependants.length
      ? `Then tell the owners of the services that depend on this one: ${dependants.join(", ")}.`
      : undefined,
    s.restore.notes && `## Notes\n\n${s.restore.notes}`,
    "## Escalation",
    contacts.length
      ? table(
          ["Name", "Role", "Email", "Phone"],
          contacts.map((c) => [c.name, c.role, c.email, c.phone ?? ""]),
        )
      : "No contacts are recorded in the catalog.",
  );
}
