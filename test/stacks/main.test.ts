import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { scratch } from "../support/tools";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** The cdktf app of cdktf.json (`cdktf synth`), run as cdktf runs it: with env only. */
function app(env: Record<string, string>) {
  return spawnSync(process.execPath, [TSX, join(ROOT, "stacks", "main.ts")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
}

describe("stacks/main.ts, the cdktf app", () => {
  it("reports a catalog it cannot read with the error's code, place and fix, and no stack trace (exit 2)", () => {
    const r = app({ BACKUP_CATALOG: "/nonexistent/catalog.yaml", CDKTF_OUTDIR: scratch("main-missing") });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^IO-001: cannot read catalog \/nonexistent\/catalog\.yaml: no such file; fix: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("synthesizes the built-in catalog", () => {
    const out = scratch("main-default");
    const r = app({ CDKTF_OUTDIR: out });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/synthesized homelab-aws, homelab-proxmox and \d+ artifacts into /);
  });
});
