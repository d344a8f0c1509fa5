import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { criticalPath } from "../../lib/policy/cadences";
import { restoreWaves } from "../../lib/policy/restore-order";
import { ROOT } from "../support/catalogs";

describe.each(["stacks/catalog.yaml", "examples/kubernetes.yaml", "examples/small-office.yaml"])(
  "DR documents of %s",
  (file) => {
    const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, file)));
    const text = (p: string) => String(estate.artifacts.get(p)!.content);
    const services = estate.catalog.services;
    const cp = criticalPath(services);

    it("the runbook states the total RTO along the critical path, naming the chain", () => {
      expect(text("dr-runbook.md")).toContain(
        `**Total RTO along the critical path: ${cp.total!.toHuman()} (${cp.total})**, ${cp.path.map((s) => `${s.id} (${s.rto})`).join(" → ")}`,
      );
      // No service's own RTO exceeds the total; the chain's RTOs add up to it.
      for (const s of services) expect(s.rto.toMinutes()).toBeLessThanOrEqual(cp.total!.toMinutes());
      expect(cp.path.reduce((a, s) => a + s.rto.toMinutes(), 0)).toBe(cp.total!.toMinutes());
    });

    it("the runbook starts with wave 0 (network, platform, secret stores) before wave 1, and a key-recovery row per app-level repository", () => {
      const md = text("dr-runbook.md");
      expect(md.indexOf("## Wave 0: what every restore needs")).toBeGreaterThan(-1);
      expect(md.indexOf("## Wave 0")).toBeLessThan(md.indexOf("## Wave 1"));
      expect(md.indexOf("## Key recovery")).toBeLessThan(md.indexOf("## Wave 1"));
      // Every secret store the catalog names is in wave 0.
      for (const s of estate.context.catalog.services)
        if (s.restore.secrets) expect(md).toContain(`\`${s.restore.secrets}\``);
      for (const h of Object.keys(estate.context.catalog.proxmox?.hosts ?? {}))
        expect(md).toMatch(new RegExp(`the Proxmox hosts [^\n]*${h}`));
      const rows = md.split("\n").filter((l) => l.includes("BACKUP_GOV_PASSWORD_FILE=/path/to/break-glass/"));
      const apps = estate.context.targets.filter((t) => t.kind === "app").map((t) => t.serviceId);
      expect(rows.length).toBe(apps.length);
      for (const id of apps)
        expect(rows.some((r) => r.startsWith(`| ${id} |`) && r.includes(`/${id}/verify.sh\``))).toBe(true);
      for (const t of estate.context.targets.filter((x) => x.kind === "app" && x.details?.tool === "borg"))
        expect(md).toContain(`borg key export REPO ${t.serviceId}.borg-key`);
    });

    it("the drill checklist lists every service once, wave by wave in the runbook's order, with a lessons-learned template", () => {
      const md = text("dr-drill.md");
      const order = [...md.matchAll(/\| \[ \] \| \[([a-z0-9-]+)\]\(sop\//g)].map((m) => m[1]);
      expect(order).toEqual(
        restoreWaves(services)
          .flat()
          .map((s) => s.id),
      );
      expect(md).toContain("## Lessons learned");
      expect(md).toContain("| Objectives missed (service: measured vs objective) | |");
      expect(md).toContain("Measured RTO | Measured RPO");
    });

    it("BACKUPS.md is a short summary: one row per service, links to the procedures, under 60 lines", () => {
      const md = text("BACKUPS.md");
      for (const s of services) expect(md).toContain(`| ${s.id} | ${s.classification} | ${s.rpo} | ${s.rto} |`);
      expect(md).toContain("dr-runbook.md");
      expect(md.split("\n").length).toBeLessThan(60);
    });
  },
);
