import { Severity } from "../../../core/finding";
import { estateEstimate, fmt, uplinkLoad } from "../../../policy/estimate";
import { ChecklistStep, type GovernanceRule, servicePath, type Violation } from "../../rule";

export const transferFitsWindow: GovernanceRule = {
  id: "GOV-133",
  name: "transfer-fits-window",
  step: ChecklistStep.OFFSITE,
  severity: Severity.WARNING,
  acknowledgeable: true,
  summary:
    "A service's daily change (`data`) crosses its host's or cluster's `uplink` inside its `backupWindow`, alone and together with the other services behind that uplink (warning, with the numbers and the first full upload's duration).",
  explanation:
    "Backups that leave the site (to S3, to the offsite region) share the uplink. When a day's changes need longer than the window, backups run into working hours or fall behind, and the RPO slips a little more every day. The first full upload takes longer still: plan it (seeding, a larger window) before relying on the copy.",
  check({ catalog, policies }) {
    const estimates = estateEstimate(policies, catalog);
    const out: Violation[] = [];
    const byId = new Map(catalog.services.map((s) => [s.id, s]));
    for (const e of estimates) {
      const u = e.uplink;
      const s = byId.get(e.serviceId);
      if (!u || u.fits || !s?.data) continue;
      out.push({
        path: servicePath(s, "data", "dailyChange"),
        message: `service ${e.serviceId}: ${fmt(e.dailyChangeGiB)} GiB of daily change (${s.data.dailyChangePercent}% of ${fmt(e.sizeGiB)} GiB) needs ${fmt(u.dailyHours)} h at ${u.uplink} (${u.via}), but the backup window ${u.window} is ${fmt(u.windowHours)} h; the first full upload takes ${fmt(u.firstFullHours)} h`,
        fix: `widen \`backupWindow\` of ${u.via}, raise its \`uplink\`, or reduce what changes (excludes); acknowledge GOV-133 when backups may run past the window`,
      });
    }
    // Each fits alone, but not all together: flag the shared uplink once.
    for (const [via, load] of uplinkLoad(estimates)) {
      const single = estimates.some((e) => e.uplink?.via === via && !e.uplink.fits);
      if (single || load.dailyHours <= load.check.windowHours || load.services.length < 2) continue;
      const [section, , name] = via.split(".");
      out.push({
        path: [section, section === "proxmox" ? "hosts" : "clusters", name, "uplink"],
        message: `the daily changes of ${load.services.join(", ")} together need ${fmt(load.dailyHours)} h at ${load.check.uplink}, but the backup window ${load.check.window} is ${fmt(load.check.windowHours)} h`,
        fix: `widen \`backupWindow\` of ${via} or raise its \`uplink\``,
      });
    }
    return out;
  },
};
