import { join } from "node:path";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { validateCatalogFile } from "../../lib/governance/validate";
import { criticalPath } from "../../lib/policy/cadences";
import { restoreWaves } from "../../lib/policy/restore-order";
import { ROOT } from "../support/catalogs";

describe.each(["stacks/catalog.yaml", "examples/kubernetes.yaml", "examples/small-office.yaml"])("DR documents of %s", (file) => {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, file)));
  const text = (p: string) => String(estate.artifacts.get(p)!.content);
  const services = estate.catalog.services;
  const cp = criticalPath(services);

  it("the runbook states the total RTO along the critical path, naming the chain", () => {
    expect(text("dr-runbook.md")).toContain(`**Total RTO along the critical path: ${cp.total!.toHuman()} (${cp.total})**, ${cp.path.map((s) => `${s.id} (${s.rto})`).join(" → ")}`);
    // No service's own RTO exceeds the total; the chain's RTOs add up to it.
    for (const s of services) expect(s.rto.toMinutes()).toBeLessThanOrEqual(cp.total!.toMinutes());
    expect(cp.path.reduce((a, s) => a + s.rto.toMinutes(), 0)).toBe(cp.total!.toMinutes());
  });

  it("the drill checklist lists every service once, wave by wave in the runbook's order, with a lessons-learned template", () => {
    const md = text("dr-drill.md");
    const order = [...md.matchAll(/\| \[ \] \| \[([a-z0-9-]+)\]\(sop\//g)].map((m) => m[1]);
    expect(order).toEqual(restoreWaves(services).flat().map((s) => s.id));
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
});
