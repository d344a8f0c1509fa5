import type { EstateContext } from "../estate/context";
import { criticalPath } from "../policy/cadences";
import { restoreWaves } from "../policy/restore-order";
import { TargetKind } from "../estate/context";
import { doc, table } from "./markdown";

/** The DR runbook: every service in restore order (waves), with its RTO and its SOP. */
export function renderDrRunbook(ctx: EstateContext): string {
  const waves = restoreWaves(ctx.catalog.services);
  const c = ctx.catalog;
  return doc(
    `# Disaster recovery runbook: ${c.name}`,
    "Restore the services wave by wave: every service of a wave depends only on services of earlier waves, so a wave's services can be restored in parallel. Within a wave, critical services and short RTOs come first.",
    totalRto(c.services),
    c.contacts.length
      ? `Escalation: ${c.contacts.map((x) => `${x.name} (${x.role}, ${x.email}${x.phone ? `, ${x.phone}` : ""})`).join("; ")}.`
      : "No escalation contacts are recorded.",
    waveZero(ctx),
    keyRecovery(ctx),
    ...waves.map((wave, i) =>
      doc(
        `## Wave ${i + 1}`,
        table(
          ["Service", "Classification", "RTO", "Depends on", "SOP"],
          wave.map((s) => [
            s.id,
            s.classification,
            s.rto.toString(),
            s.restore.dependsOn.join(", ") || "—",
            `[sop/${s.id}.md](sop/${s.id}.md)`,
          ]),
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

/**
 * Wave 0: what every restore needs before the first service: the network to the repositories,
 * the platform the catalog declares (Proxmox hosts), and the secret stores that hold every
 * repository password (a restore without them reads nothing).
 */
function waveZero(ctx: EstateContext): string {
  const c = ctx.catalog;
  const stores = [...new Set(c.services.map((s) => s.restore.secrets).filter((x): x is string => !!x))].sort();
  const repos = ctx.targets.filter((t) => t.kind === TargetKind.APP).map((t) => `${t.serviceId}: ${t.location}`);
  const hosts = Object.keys(c.proxmox?.hosts ?? {}).sort();
  return doc(
    "## Wave 0: what every restore needs",
    "Before wave 1, and in this order; no service's restore can start without these:",
    [
      "1. **Network and name resolution** to the backup destinations" +
        (repos.length ? ` (${repos.join("; ")})` : "") +
        ", and AWS credentials where the destination is S3.",
      `2. **The platform**: ${hosts.length ? `the Proxmox hosts ${hosts.join(", ")} and their backup storage (PBS datastores) reachable, so that guests can be restored from their vzdump backups` : "no Proxmox host is declared in the catalog"}.`,
      `3. **The secret store${stores.length === 1 ? "" : "s"}** holding every repository password and key: ${stores.length ? stores.map((x) => `\`${x}\``).join(", ") : "none is named in the catalog (restore.secrets)"}. If ${stores.length === 1 ? "it is" : "they are"} lost too, use the break-glass copies (key recovery, below) to restore ${stores.length === 1 ? "it" : "them"} first.`,
    ].join("\n"),
  ).trimEnd();
}

/** Key recovery: per app-level repository, where its password (and borg key) lives and the drill that proves the break-glass copy opens it. */
function keyRecovery(ctx: EstateContext): string {
  const apps = ctx.targets.filter((t) => t.kind === TargetKind.APP);
  if (apps.length === 0) return "";
  const secretsOf = (id: string) =>
    ctx.catalog.services.find((s) => s.id === id)?.restore.secrets ?? "the secret store";
  const scriptsOf = (steps: readonly string[]) =>
    /`(\S+)\/restore\.sh --list`/.exec(steps.join("\n"))?.[1] ?? "/usr/local/lib/backup-gov/SERVICE";
  return doc(
    "## Key recovery",
    "Every repository is encrypted: without its password (and, for borg, its key) no backup restores. Keep a break-glass copy of each outside the estate (sealed paper or an offline vault, two people), separate from the secret store. Prove each copy at least once a quarter with the drill in the last column: it restores with the break-glass copy, not the host's file.",
    table(
      ["Service", "Repository", "Password lives in", "Break-glass copy holds", "Drill with the break-glass copy"],
      apps.map((t) => {
        const scripts = scriptsOf(t.restoreSteps);
        const borg = t.details?.tool === "borg";
        return [
          t.serviceId,
          t.location,
          `\`${secretsOf(t.serviceId)}\``,
          borg
            ? `the passphrase and the exported key (\`borg key export REPO ${t.serviceId}.borg-key\`; restore it with \`borg key import\`)`
            : "the repository password",
          `\`BACKUP_GOV_PASSWORD_FILE=/path/to/break-glass/${t.serviceId}.repo-password ${scripts}/verify.sh\``,
        ];
      }),
    ),
  ).trimEnd();
}
