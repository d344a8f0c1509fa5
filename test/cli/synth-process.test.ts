import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { LOCK, MANIFEST } from "../../lib/estate/output-folder";
import { catalogWith, criticalDbService, vmService } from "../support/catalogs";
import { cli, spawnCli } from "../support/cli";
import { tree } from "../support/tree";

/**
 * The real CLI process: concurrent synths into one folder, signals mid-synth, a symlinked
 * --out. Every wait is bounded.
 */
jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");
const tmp = () => mkdtempSync(join(ROOT, ".tmp", "synthp-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Leftovers of a synth: staging or parked folders, a lock, the old tool's `.<out>.previous-*`. */
const leftovers = (dir: string) =>
  readdirSync(dir).filter((n) => /^\.backup-gov-(staging|previous)-|\.previous-|\.synth-/.test(n) || n === LOCK);

function bigCatalog(dir: string, n: number, name = "big.yaml"): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    stringify(
      catalogWith(
        Array.from({ length: n }, (_, i) => criticalDbService(`db${i}`, { vm: { host: "pve", vmid: 1000 + i } })),
      ),
    ),
  );
  return file;
}

async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe("two synths into one --out", () => {
  it("both succeed (the later one waits for the lock), the output is complete and nothing is stranded", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const a = bigCatalog(dir, 12, "a.yaml");
    const b = join(dir, "b.yaml");
    writeFileSync(b, readFileSync(a));
    for (let round = 0; round < 2; round++) {
      const runs = [spawnCli(["synth", a, "--out", out]), spawnCli(["synth", b, "--out", out])];
      const results = await Promise.all(runs.map((r) => r.done));
      for (const r of results) {
        expect(r.err).not.toMatch(/internal error|ENOTEMPTY/);
        expect(r.code).toBe(0);
      }
      expect(leftovers(out)).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
    }
    // The result is exactly what one of the two writes alone (the catalogs differ only in their file name).
    const alone = await Promise.all(
      [a, b].map(async (c, i) => {
        expect((await cli("synth", c, "--out", join(dir, `alone-${i}`))).code).toBe(0);
        return tree(join(dir, `alone-${i}`));
      }),
    );
    expect(alone[0]).not.toEqual(alone[1]);
    expect(alone).toContainEqual(tree(out));
  });

  it("a lock held by a running synth: bounded wait, then IO-053 naming the holder; a dead holder's lock is taken over", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    const holder = spawn("sleep", ["60"]);
    try {
      writeFileSync(
        join(out, LOCK),
        JSON.stringify({ pid: holder.pid, host: hostname(), since: "2026-01-01T00:00:00.000Z" }),
      );
      const before = tree(out);
      const started = Date.now();
      const r = await cli("synth", file, "--out", out, "--lock-wait", "0.5");
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        new RegExp(
          `IO-053: --out .* is being written by another synth \\(process ${holder.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z\\)`,
        ),
      );
      expect(r.err).toMatch(/fix: wait for the other synth .* delete .*\.backup-gov\.lock/);
      expect(tree(out)).toEqual(before);
      expect(readdirSync(out).filter((n) => n.startsWith(".backup-gov-staging-"))).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
    }
    await new Promise((r) => holder.once("exit", r));
    // The holder is gone: its lock is stale and taken over.
    expect((await cli("synth", file, "--out", out, "--lock-wait", "0.5")).code).toBe(0);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });
});

describe("a signal mid-synth", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal}: exit ${code}, staging removed, the previous output byte-identical and never absent`, async () => {
      const dir = tmp();
      const out = join(dir, "out");
      const small = join(dir, "small.yaml");
      writeFileSync(small, stringify(catalogWith([vmService("web")])));
      expect((await cli("synth", small, "--out", out)).code).toBe(0);
      const before = tree(out);
      const big = bigCatalog(dir, 60);
      const run = spawnCli(["synth", big, "--out", out]);
      let outMissing = false;
      const watch = setInterval(() => (outMissing ||= !existsSync(join(out, MANIFEST))), 5);
      try {
        await waitFor("the staging folder", () => readdirSync(out).some((n) => n.startsWith(".backup-gov-staging-")));
        run.child.kill(signal);
        const r = await run.done;
        expect(r.err).not.toMatch(/internal error/);
        expect(r.code).toBe(code);
        expect(r.err).toMatch(new RegExp(`IO-056: interrupted by ${signal}: nothing was written`));
      } finally {
        clearInterval(watch);
        run.child.kill("SIGKILL");
      }
      expect(outMissing).toBe(false);
      expect(tree(out)).toEqual(before);
      expect(leftovers(out)).toEqual([]);
      expect(leftovers(dir)).toEqual([]);
    });
  }

  it("SIGINT at any moment (start-up, validation, writing, moving in): the output is the old or the new one, whole, and nothing is left", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const small = join(dir, "small.yaml");
    writeFileSync(small, stringify(catalogWith([vmService("web")])));
    const big = bigCatalog(dir, 20);
    expect((await cli("synth", big, "--out", join(dir, "new"))).code).toBe(0);
    const next = tree(join(dir, "new"));
    for (const delay of [0, 700, 1400, 2100, 2800]) {
      expect((await cli("synth", small, "--out", out)).code).toBe(0);
      const old = tree(out);
      const run = spawnCli(["synth", big, "--out", out]);
      await sleep(delay);
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.err).not.toMatch(/internal error/);
      // Stopped by the signal before its handler existed, stopped cleanly (130), or already done (0).
      expect({ delay, ended: r.signal === "SIGINT" || r.code === 130 || r.code === 0 }).toEqual({ delay, ended: true });
      expect(leftovers(out)).toEqual([]);
      const now = tree(out);
      expect({
        delay,
        whole: JSON.stringify(now) === JSON.stringify(old) || JSON.stringify(now) === JSON.stringify(next),
      }).toEqual({ delay, whole: true });
    }
  });

  it("a staging folder left by a killed synth (SIGKILL) is removed by the next one", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const small = join(dir, "small.yaml");
    writeFileSync(small, stringify(catalogWith([vmService("web")])));
    expect((await cli("synth", small, "--out", out)).code).toBe(0);
    const run = spawnCli(["synth", bigCatalog(dir, 30), "--out", out]);
    await waitFor("the staging folder", () => readdirSync(out).some((n) => n.startsWith(".backup-gov-staging-")));
    run.child.kill("SIGKILL");
    await run.done;
    expect(readdirSync(out).some((n) => n.startsWith(".backup-gov-staging-"))).toBe(true);
    expect((await cli("synth", small, "--out", out)).code).toBe(0);
    expect(leftovers(out)).toEqual([]);
  });
});

describe("the output folder itself", () => {
  it("a symlinked --out stays a link; its target gets the output and keeps receipts and .terraform/", async () => {
    const dir = tmp();
    const target = join(dir, "real-out");
    const link = join(dir, "out");
    mkdirSync(target);
    symlinkSync(target, link);
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web"), vmService("api")])));
    expect((await cli("synth", file, "--out", link)).code).toBe(0);
    mkdirSync(join(target, "artifacts", "receipts"));
    writeFileSync(join(target, "artifacts", "receipts", "web.json"), "{}\n");
    mkdirSync(join(target, "stacks", "testlab-proxmox", ".terraform"));
    writeFileSync(join(target, "stacks", "testlab-proxmox", ".terraform", "provider"), "binary\n");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    expect((await cli("synth", file, "--out", link)).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(existsSync(join(target, "artifacts", "sop", "api.md"))).toBe(false);
    expect(existsSync(join(target, "artifacts", "sop", "web.md"))).toBe(true);
    expect(readFileSync(join(target, "artifacts", "receipts", "web.json"), "utf8")).toBe("{}\n");
    expect(readFileSync(join(target, "stacks", "testlab-proxmox", ".terraform", "provider"), "utf8")).toBe("binary\n");
    expect(readdirSync(dir).sort()).toEqual(["c.yaml", "out", "real-out"]);
  });

  it("a dangling symlink --out: IO-054 naming the missing target", async () => {
    const dir = tmp();
    const link = join(dir, "out");
    symlinkSync(join(dir, "nowhere"), link);
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    const r = await cli("synth", file, "--out", link);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /IO-054: --out .*out is a symbolic link to .*nowhere, which does not exist; fix: create the folder/,
    );
    expect(readdirSync(dir).sort()).toEqual(["c.yaml", "out"]);
  });

  it("the output root's mode follows the umask for a new folder and is kept for an existing one (not forced to 0700)", async () => {
    const dir = tmp();
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    const old = process.umask(0o022);
    try {
      expect((await cli("synth", file, "--out", join(dir, "fresh"))).code).toBe(0);
      expect((statSync(join(dir, "fresh")).mode & 0o777).toString(8)).toBe("755");
      expect((statSync(join(dir, "fresh", "artifacts")).mode & 0o777).toString(8)).toBe("755");
      mkdirSync(join(dir, "kept"), { mode: 0o750 });
      expect((await cli("synth", file, "--out", join(dir, "kept"))).code).toBe(0);
      expect((await cli("synth", file, "--out", join(dir, "kept"))).code).toBe(0);
      expect((statSync(join(dir, "kept")).mode & 0o777).toString(8)).toBe("750");
    } finally {
      process.umask(old);
    }
  });

  it("onboard does not write its receipt through a symlink (IO-055); the link's target is untouched", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, stringify(catalogWith([vmService("web")])));
    mkdirSync(join(out, "artifacts", "receipts"), { recursive: true });
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(out, "artifacts", "receipts", "web.json"));
    const r = await cli("onboard", "web", file, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-055: .*web\.json is a symbolic link: onboard does not write its receipt through a link/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readdirSync(join(out, "artifacts", "receipts"))).toEqual(["web.json"]);
  });
});
