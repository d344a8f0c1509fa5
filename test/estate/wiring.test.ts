import { stringify } from "yaml";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { TIER_TAG } from "../../lib/policy/audit";
import { VZDUMP_HOOK_PATH } from "../../lib/artifacts/vzdump-hook";
import { validateCatalogFile, validateCatalogText } from "../../lib/governance/validate";
import { DEFAULT_CATALOG } from "../support/catalogs";
import { catalogWith, vmService } from "../support/catalogs";

/** Where the builders meet: values one builder produces and another consumes. */
describe("estate wiring between builders", () => {
  const estate = Estate.fromReport(Testing.app(), validateCatalogFile(DEFAULT_CATALOG));
  const aws = JSON.parse(Testing.synth(estate.awsStack!));

  it("tags every AWS Backup plan with its tier, which scopes the per-tier audit controls", () => {
    const plans = Object.values(aws.resource.aws_backup_plan) as Array<{ name: string; tags: Record<string, string> }>;
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) expect(p.tags[TIER_TAG]).toMatch(/^(critical|important|rebuildable)$/);
    const controls = JSON.stringify(aws.resource.aws_backup_framework ?? {});
    expect(controls).toContain(TIER_TAG);
  });

  it("creates vault notifications only after the vaults they name", () => {
    const notes = Object.values(aws.resource.aws_backup_vault_notifications ?? {}) as Array<{ depends_on?: string[] }>;
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n.depends_on?.some((d) => d.startsWith("aws_backup_vault."))).toBe(true);
  });

  it("runs the vzdump hook from the backup jobs only where the catalog says it is installed", () => {
    const jobsOf = (hook: boolean | undefined) => {
      const c = catalogWith([vmService("web")]);
      (c.proxmox as { hosts: Record<string, Record<string, unknown>> }).hosts.pve.vzdumpHook = hook;
      const e = Estate.fromReport(Testing.app(), validateCatalogText(stringify(c)));
      return Object.values(JSON.parse(Testing.synth(e.proxmoxStack!)).resource.proxmox_backup_job) as Array<{
        script?: string;
      }>;
    };
    expect(jobsOf(true).map((j) => j.script)).toEqual([VZDUMP_HOOK_PATH]);
    expect(jobsOf(undefined).map((j) => j.script)).toEqual([undefined]);
  });
});
