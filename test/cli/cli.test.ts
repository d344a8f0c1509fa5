import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { explainRule, listRules, ruleEntries } from "../../lib/governance/docs";
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
    for (const args of [
      ["validate", "/no/such/catalog.yaml"],
      ["validate", defaultCatalog, "--format", "xml"],
      ["frobnicate"],
      ["validate", "--bogus"],
    ]) {
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
    for (const stack of ["homelab-aws", "homelab-proxmox"])
      expect(existsSync(join(out, "stacks", stack, "cdk.tf.json"))).toBe(true);
    for (const a of ["dr-runbook.md", "policies.md", "compliance-report.json", "sop/vaultwarden.md"])
      expect(existsSync(join(out, "artifacts", a))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "artifacts", "compliance-report.json"), "utf8"));
    expect(
      report.findings.filter((f: { acknowledged?: unknown; rule: string }) => f.acknowledged && f.rule === "GOV-013"),
    ).toHaveLength(1);
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

  it("explain prints what the rules themselves say, for every id: the generated index it reads is current (issue 24)", async () => {
    const all = ruleEntries();
    expect(all.length).toBeGreaterThan(100);
    for (const e of all)
      expect({ id: e.id, out: (await cli("explain", e.id)).out }).toEqual({ id: e.id, out: explainRule(e.id) });
    expect((await cli("explain")).out).toBe(listRules());
  });

  it("--help and explain load no rule, catalog schema, YAML parser, cdktf or provider binding (issue 24)", () => {
    // A fresh process: what the CLI's start-up and these commands required, from Node's own module cache.
    const script = `require("./lib/cli/main").runCli(process.argv.slice(1), { out() {}, err() {} }).then((code) => process.stdout.write(JSON.stringify({ code, heavy: Object.keys(require.cache).filter((f) => /node_modules\\/(cdktf|@cdktf|constructs|zod|yaml)\\/|lib\\/governance\\/(packs|rules|docs)|lib\\/catalog\\/(load|source|schema|json-schema)|lib\\/estate\\//.test(f)) })))`;
    for (const args of [["--help"], ["explain", "GOV-004"], ["explain"], ["synth", "--help"]]) {
      const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script, "--", ...args], {
        cwd: join(__dirname, "..", ".."),
        encoding: "utf8",
      });
      expect({ args, stderr: r.stderr, ...JSON.parse(r.stdout || "{}") }).toEqual({
        args,
        stderr: "",
        code: 0,
        heavy: [],
      });
    }
  });

  it("--help works for every command and exits 0", async () => {
    for (const c of ["validate", "synth", "explain"]) {
      const r = await cli(c, "--help");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: backup-gov ${c}`));
    }
  });
});
