import { spawn, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { LOCK } from "../../lib/estate/output-folder";
import { catalogWith, criticalDbService, vmService } from "../support/catalogs";
import { scratch } from "../support/tools";
import { tree } from "../support/tree";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** The cdktf app of cdktf.json (`cdktf synth`), run as cdktf runs it: with env only. */
function app(env: Record<string, string>) {
  return spawnSync(process.execPath, [TSX, join(ROOT, "stacks", "main.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
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

  it("SIGTERM or SIGINT mid-synth (as Ctrl-C on `cdktf synth`): exit 128+n with IO-056, the previous output byte-identical, no staging folder or lock left", async () => {
    for (const [signal, code] of [
      ["SIGTERM", 143],
      ["SIGINT", 130],
    ] as const) {
      const dir = scratch("main-signal");
      const out = join(dir, "out");
      const small = join(dir, "small.yaml");
      writeFileSync(small, stringify(catalogWith([vmService("web")])));
      expect(app({ BACKUP_CATALOG: small, CDKTF_OUTDIR: out }).status).toBe(0);
      const before = tree(out);
      const big = join(dir, "big.yaml");
      writeFileSync(
        big,
        stringify(
          catalogWith(
            Array.from({ length: 60 }, (_, i) => criticalDbService(`db${i}`, { vm: { host: "pve", vmid: 1000 + i } })),
          ),
        ),
      );
      // Node itself runs the app (tsx as a loader): the tsx command would put a process in between.
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "stacks", "main.ts")], {
        cwd: ROOT,
        env: { ...process.env, BACKUP_CATALOG: big, CDKTF_OUTDIR: out },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (c, s) => resolve({ code: c, signal: s })),
      );
      try {
        const end = Date.now() + 60_000;
        while (!readdirSync(out).some((n) => n.startsWith(".backup-gov-staging-"))) {
          if (Date.now() > end) throw new Error("no staging folder appeared");
          await new Promise((r) => setTimeout(r, 10));
        }
        child.kill(signal);
        const r = await done;
        expect({ signal, code: r.code, killed: r.signal }).toEqual({ signal, code, killed: null });
        expect(err).toMatch(new RegExp(`IO-056: interrupted by ${signal}: nothing was written`));
      } finally {
        child.kill("SIGKILL");
      }
      expect(tree(out)).toEqual(before);
      expect(readdirSync(out).filter((n) => n.startsWith(".backup-gov-staging-") || n === LOCK)).toEqual([]);
    }
  });
});
