import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { Testing } from "../../lib/core/cdk";
import { Estate } from "../../lib/estate/estate";
import { TargetKind } from "../../lib/estate/context";
import { validateCatalogFile } from "../../lib/governance/validate";
import { renderRestoreSop } from "../../lib/artifacts/restore-sop";
import { catalogWith, validate, vmService } from "../support/catalogs";

const defaultCatalog = join(__dirname, "..", "..", "stacks", "catalog.yaml");

function estateOf(report = validateCatalogFile(defaultCatalog)) {
  return Estate.fromReport(Testing.app(), report);
}

describe("restore SOPs and the DR runbook", () => {
  it("renders one SOP per service with RPO, RTO, secrets reference, validation and escalation", () => {
    const estate = estateOf();
    const sop = estate.artifacts.get("sop/vaultwarden.md")!.content as string;
    expect(sop).toMatch(/^# Restore SOP: vaultwarden/);
    expect(sop).toContain("| RPO | 4 hours (4h) |");
    expect(sop).toContain("`vault:kv/backup/vaultwarden`");
    expect(sop).toContain("curl -fsS https://vault.example.internal/alive");
    expect(sop).toContain("| Ronny | estate owner | ronny@example.com | +1 555 0100 |");
    expect(estate.artifacts.list().filter((a) => a.path.startsWith("sop/"))).toHaveLength(
      estate.catalog.services.length,
    );
  });

  it("lists the restore steps of every target the builders registered", () => {
    const estate = estateOf(validate(catalogWith([vmService("web")])));
    const ctx = estate.context;
    ctx.addTarget({
      serviceId: "web",
      kind: TargetKind.VZDUMP,
      id: "job-1",
      location: "pbs on pve",
      restoreSteps: ["qmrestore ...", "start the VM"],
    });
    const sop = renderRestoreSop(ctx, ctx.policyOf("web"));
    expect(sop).toContain("| vzdump | job-1 | pbs on pve |");
    expect(sop).toContain("### Restore from vzdump: job-1\n\n1. qmrestore ...\n2. start the VM");
  });

  it("orders the DR runbook so that dependencies come first", () => {
    const runbook = estateOf().artifacts.get("dr-runbook.md")!.content as string;
    const wave1 = runbook.indexOf("## Wave 1");
    const wave2 = runbook.indexOf("## Wave 2");
    // Wave 0 and key recovery (every repository) come first; the waves then list each service once.
    expect(runbook.indexOf("## Wave 0")).toBeLessThan(wave1);
    expect(runbook.indexOf("| vaultwarden |", wave1)).toBeGreaterThan(wave1);
    expect(runbook.indexOf("| vaultwarden |", wave1)).toBeLessThan(wave2);
    expect(runbook.indexOf("| nextcloud |", wave1)).toBeGreaterThan(wave2);
  });

  it("is byte-identical from run to run", () => {
    const a = estateOf().artifacts.list();
    const b = estateOf().artifacts.list();
    expect(b.map((x) => [x.path, x.content])).toEqual(a.map((x) => [x.path, x.content]));
  });
});

describe("estate stacks", () => {
  it("puts AWS and Proxmox in separate stacks, the AWS one with only the aws provider", () => {
    const out = mkdtempSync(join(__dirname, "..", "..", ".tmp", "estate-"));
    const result = synthesizeCatalog(defaultCatalog, out);
    expect(result.stacks).toEqual(["homelab-aws", "homelab-proxmox"]);
    const aws = JSON.parse(readFileSync(join(out, "stacks", "homelab-aws", "cdk.tf.json"), "utf8"));
    expect(Object.keys(aws.terraform.required_providers)).toEqual(["aws"]);
    expect(aws.provider.aws.map((p: { region: string; alias?: string }) => [p.region, p.alias])).toEqual([
      ["us-east-1", undefined],
      ["us-west-2", "us-west-2"],
      ["us-east-2", "chatbot"],
    ]);
    const pve = JSON.parse(readFileSync(join(out, "stacks", "homelab-proxmox", "cdk.tf.json"), "utf8"));
    expect(Object.keys(pve.terraform.required_providers ?? {})).not.toContain("aws");
  });

  it("refuses to build from a failing report (IO-004)", () => {
    const bad = validate(catalogWith([vmService("web", { vm: { host: "nope", vmid: 150 } })]));
    expect(() => Estate.fromReport(Testing.app(), bad)).toThrow(/IO-004.*1 error/);
  });

  it("builds no AWS stack for a Proxmox-only estate", () => {
    const estate = estateOf(validate(catalogWith([vmService("web")], { aws: undefined })));
    expect(estate.awsStack).toBeUndefined();
  });
});
