import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { catalogWith, vmService } from "../support/catalogs";
import { cli } from "../support/cli";

const root = join(__dirname, "..", "..");
const tmp = () => mkdtempSync(join(root, ".tmp", "cli-"));
const defaultCatalog = join(root, "stacks", "catalog.yaml");
const tenMistakes = join(root, "test", "fixtures", "ten-mistakes.yaml");

describe("backup-gov validate", () => {
  it("exits 0 on the default catalog", async () => {
    const r = await cli("validate", defaultCatalog);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 error\(s\).*valid/);
  });

  it("exits 1 and prints every finding on stderr, one per line", async () => {
    const r = await cli("validate", tenMistakes);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split("\n");
    expect(lines.filter((l) => /:\d+:\d+ {2}[A-Z]{3}-\d{3} {2}/.test(l))).toHaveLength(10);
    expect(lines[lines.length - 1]).toMatch(/10 error\(s\)/);
  });

  it("--format json gives machine-readable findings", async () => {
    const r = await cli("validate", tenMistakes, "--format", "json");
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out);
    expect(body.ok).toBe(false);
    expect(body.findings).toHaveLength(10);
    expect(body.findings[0]).toMatchObject({ line: 7, column: 14, rule: "CAT-005", path: "aws.accountId" });
  });

  it("exits 2 on usage and I/O errors, without a stack trace", async () => {
    for (const args of [["validate", "/no/such/catalog.yaml"], ["validate", defaultCatalog, "--format", "xml"], ["frobnicate"], ["validate", "--bogus"]]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("reads BACKUP_CATALOG when no catalog is given", async () => {
    process.env.BACKUP_CATALOG = tenMistakes;
    try {
      expect((await cli("validate")).code).toBe(1);
    } finally {
      delete process.env.BACKUP_CATALOG;
    }
  });
});

describe("backup-gov synth", () => {
  it("writes nothing for a catalog that fails validation", async () => {
    const out = join(tmp(), "out");
    const r = await cli("synth", tenMistakes, "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nothing was written/);
    expect(existsSync(out)).toBe(false);
  });

  it("writes the stacks and the artifacts for the default catalog", async () => {
    const out = join(tmp(), "out");
    const r = await cli("synth", defaultCatalog, "--out", out);
    expect(r.code).toBe(0);
    for (const stack of ["homelab-aws", "homelab-proxmox"]) expect(existsSync(join(out, "stacks", stack, "cdk.tf.json"))).toBe(true);
    for (const a of ["dr-runbook.md", "policies.md", "compliance-report.json", "sop/vaultwarden.md"]) expect(existsSync(join(out, "artifacts", a))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "artifacts", "compliance-report.json"), "utf8"));
    expect(report.findings.filter((f: { acknowledged?: unknown; rule: string }) => f.acknowledged && f.rule === "GOV-013")).toHaveLength(1);
  });

  it("removes the stack of a section that left the catalog", async () => {
    const dir = tmp();
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    expect((await cli("synth", file, "--out", join(dir, "out"))).code).toBe(0);
    expect(existsSync(join(dir, "out", "stacks", "testlab-aws"))).toBe(true);
    writeFileSync(file, stringify(catalogWith([vmService("web")], { aws: undefined })));
    expect((await cli("synth", file, "--out", join(dir, "out"))).code).toBe(0);
    expect(existsSync(join(dir, "out", "stacks", "testlab-aws"))).toBe(false);
    expect(existsSync(join(dir, "out", "stacks", "testlab-proxmox", "cdk.tf.json"))).toBe(true);
  });

  it("removes artifacts of services that left the catalog", async () => {
    const dir = tmp();
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web"), vmService("api")])));
    expect((await cli("synth", file, "--out", join(dir, "out"))).code).toBe(0);
    expect(existsSync(join(dir, "out", "artifacts", "sop", "api.md"))).toBe(true);
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    expect((await cli("synth", file, "--out", join(dir, "out"))).code).toBe(0);
    expect(existsSync(join(dir, "out", "artifacts", "sop", "api.md"))).toBe(false);
  });
});

describe("backup-gov explain and help", () => {
  it("explains a rule", async () => {
    const r = await cli("explain", "GOV-004");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GOV-004 vmid-unique-per-host/);
    expect(r.out).toMatch(/step: +enrollment/);
  });

  it("lists every rule without an id, and exits 2 on an unknown one", async () => {
    expect((await cli("explain")).out).toMatch(/CAT-003 .*\n[\s\S]*GOV-026/);
    expect((await cli("explain", "GOV-999")).code).toBe(2);
  });

  it("--help works for every command and exits 0", async () => {
    for (const c of ["validate", "synth", "explain"]) {
      const r = await cli(c, "--help");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: backup-gov ${c}`));
    }
  });
});
