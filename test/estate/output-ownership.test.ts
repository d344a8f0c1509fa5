import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { MANIFEST } from "../../lib/estate/output-folder";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { catalogWith, criticalDbService, vmService } from "../support/catalogs";
import { cli } from "../support/cli";

const ROOT = join(__dirname, "..", "..");
const tmp = () => mkdtempSync(join(ROOT, ".tmp", "own-"));

/** Every entry under `dir` (files with the hash of their bytes, folders with a slash). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[relative(dir, p) + "/"] = "dir";
        walk(p);
      } else out[relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

const catalogYaml = (services = [vmService("web"), vmService("api")], patch: Record<string, unknown> = {}) =>
  stringify(catalogWith(services, patch));

/** A user's repository: the catalog, the stack code, notes, all next to each other. */
function userRepo(): { dir: string; repo: string; catalog: string } {
  const dir = tmp();
  const repo = join(dir, "repo");
  mkdirSync(join(repo, "stacks"), { recursive: true });
  mkdirSync(join(repo, "artifacts"));
  const catalog = join(repo, "stacks", "catalog.yaml");
  writeFileSync(catalog, catalogYaml());
  writeFileSync(join(repo, "stacks", "main.ts"), "// the user's stack code\n");
  writeFileSync(join(repo, "artifacts", "notes.md"), "# my notes\n");
  writeFileSync(join(repo, "README.md"), "# repo\n");
  return { dir, repo, catalog };
}

describe("synth never deletes or replaces a file it did not write", () => {
  it("the reproducer: synth repo/stacks/catalog.yaml --out repo is refused (IO-050) and the repository is byte-identical", async () => {
    const { repo, catalog } = userRepo();
    const before = tree(repo);
    const r = await cli("synth", catalog, "--out", repo);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /IO-050: --out .*repo holds files synth did not write .*README\.md, artifacts\/notes\.md, stacks\//,
    );
    expect(r.err).toMatch(/fix: pass a new or empty folder/);
    expect(tree(repo)).toEqual(before);
  });

  it("refuses every --out that holds other files: the catalog's folder, a parent of it, a home folder, the file system root", async () => {
    const { dir, repo, catalog } = userRepo();
    const home = join(dir, "home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    writeFileSync(join(home, ".ssh", "id_ed25519"), "key\n");
    writeFileSync(join(home, ".bashrc"), "# rc\n");
    const before = tree(dir);
    for (const out of [join(repo, "stacks"), dir, home, join(repo, "artifacts")]) {
      const r = await cli("synth", catalog, "--out", out);
      expect({ out, code: r.code, code2: /IO-050/.test(r.err) }).toEqual({ out, code: 2, code2: true });
    }
    expect(tree(dir)).toEqual(before);
    const rootBefore = readdirSync("/").sort();
    const r = await cli("synth", catalog, "--out", "/");
    expect(r.code).toBe(2);
    // Refused as the working folder's parent (IO-033) or as a folder of other files (IO-050); nothing written either way.
    expect(r.err).toMatch(/IO-033|IO-050/);
    expect(readdirSync("/").sort()).toEqual(rootBefore);
    // The working folder (the repository root of this project).
    const self = await cli("synth", catalog, "--out", ".");
    expect(self.code).toBe(2);
    expect(self.err).toMatch(/IO-033/);
  });

  it("an empty folder is used; files a user adds later stay through every synth, stale files synth wrote go", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    mkdirSync(out);
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml());
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST), "utf8")) as { files: string[] };
    expect(manifest.files).toContain("stacks/testlab-proxmox/cdk.tf.json");
    expect(manifest.files).toContain("artifacts/sop/api.md");
    // The user's files, at the top, inside artifacts/ and inside a stack folder.
    writeFileSync(join(out, "NOTES.md"), "mine\n");
    writeFileSync(join(out, "artifacts", "sop", "my-extra.md"), "mine\n");
    writeFileSync(join(out, "stacks", "testlab-aws", "override.tf"), "# mine\n");
    writeFileSync(file, catalogYaml([vmService("web")], { aws: undefined }));
    const r = await cli("synth", file, "--out", out);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "NOTES.md"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(out, "artifacts", "sop", "my-extra.md"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(out, "stacks", "testlab-aws", "override.tf"), "utf8")).toBe("# mine\n");
    // What synth wrote for the removed service is gone; what it wrote for the remaining one is there.
    expect(existsSync(join(out, "artifacts", "sop", "api.md"))).toBe(false);
    expect(existsSync(join(out, "artifacts", "sop", "web.md"))).toBe(true);
    expect(existsSync(join(out, "stacks", "testlab-aws", "cdk.tf.json"))).toBe(false);
    // The stack folder that keeps a user's file is reported, not deleted.
    expect(r.err).toMatch(
      /stacks\/testlab-aws is no longer synthesized; synth removed its own files and left the ones it did not write/,
    );
    expect(readdirSync(out).filter((n) => n.startsWith(".backup-gov-") && n !== MANIFEST)).toEqual([]);
  });

  it("a user's file where the new output puts one of its own: IO-051, nothing changes", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml([vmService("web")]));
    expect(synthesizeCatalog(file, out).report.ok).toBe(true);
    writeFileSync(join(out, "artifacts", "sop", "api.md"), "# the user's own page about api\n");
    const before = tree(out);
    writeFileSync(file, catalogYaml());
    const r = await cli("synth", file, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-051: --out .*: synth would write over files it did not write: artifacts\/sop\/api\.md/);
    expect(tree(out)).toEqual(before);
  });

  it("a folder of old output that the user replaced by a link: the files behind the link are not synth's and stay", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml([vmService("web"), criticalDbService("db")]));
    expect(synthesizeCatalog(file, out).report.ok).toBe(true);
    const hostDir = join(out, "artifacts", "hosts", "db.test");
    expect(existsSync(join(hostDir, "db", "backup.sh"))).toBe(true);
    // The user keeps their own copy elsewhere and links it in, under the name synth used.
    const mine = join(dir, "my-db-scripts");
    cpSync(hostDir, mine, { recursive: true });
    renameSync(hostDir, join(dir, "old"));
    symlinkSync(mine, hostDir);
    const before = tree(mine);
    writeFileSync(file, catalogYaml([vmService("web")]));
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    expect(tree(mine)).toEqual(before);
    expect(existsSync(join(out, "artifacts", "hosts", "db.test.tar.gz"))).toBe(false);
  });

  it("a failure while the new files move in puts the previous output back, byte for byte", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml());
    expect(synthesizeCatalog(file, out).report.ok).toBe(true);
    writeFileSync(join(out, "NOTES.md"), "mine\n");
    const before = tree(out);
    writeFileSync(file, catalogYaml([vmService("web"), vmService("db")], { aws: undefined }));
    // Moving in the new service's SOP (old files parked, some new ones in place) fails as a full disk would.
    // The module object the library's compiled imports read from (an ES namespace cannot be spied on).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    const real = fs.renameSync;
    let hit = false;
    const spy = jest.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      if (
        !hit &&
        String(from).includes(".backup-gov-staging-") &&
        String(to).endsWith(join("sop", "db.md")) &&
        (hit = true)
      )
        throw Object.assign(new Error("ENOSPC: no space left on device, rename"), { code: "ENOSPC" });
      return real(from, to);
    });
    try {
      expect(() => synthesizeCatalog(file, out)).toThrow(/IO-003: cannot write .*no space left/);
    } finally {
      spy.mockRestore();
    }
    expect(hit).toBe(true);
    expect(tree(out)).toEqual(before);
  });

  it("folders new to the output move in whole and are listed file by file; a folder that already holds a user's file gets synth's files beside it (issue 24)", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml([vmService("web")]));
    expect(synthesizeCatalog(file, out).report.ok).toBe(true);
    expect(existsSync(join(out, "artifacts", "hosts"))).toBe(false);
    // The user prepares a folder named after a host the catalog does not have yet.
    mkdirSync(join(out, "artifacts", "hosts", "db.test"), { recursive: true });
    writeFileSync(join(out, "artifacts", "hosts", "db.test", "NOTES.md"), "mine\n");
    writeFileSync(file, catalogYaml([vmService("web"), criticalDbService("db")]));
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    expect(readFileSync(join(out, "artifacts", "hosts", "db.test", "NOTES.md"), "utf8")).toBe("mine\n");
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST), "utf8")) as { files: string[] };
    // Written beside the user's file, one by one; the runtime's folder was new and moved in whole.
    expect(manifest.files).toEqual(
      expect.arrayContaining([
        "artifacts/hosts/db.test/install.sh",
        "artifacts/hosts/db.test/db/service.conf",
        "artifacts/hosts/_runtime/VERSION",
        "artifacts/hosts/_runtime/entry/entry.sh",
        "artifacts/hosts/db.test.tar.gz",
      ]),
    );
    expect(manifest.files).not.toContain("artifacts/hosts/db.test/NOTES.md");
    for (const f of manifest.files) expect(lstatSync(join(out, f)).isFile()).toBe(true);
    expect(readdirSync(out).filter((n) => n.startsWith(".backup-gov-") && n !== MANIFEST)).toEqual([]);
    // Removing the service removes synth's files, not the user's, and keeps the folder that holds it.
    writeFileSync(file, catalogYaml([vmService("web")]));
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    expect(readdirSync(join(out, "artifacts", "hosts", "db.test"))).toEqual(["NOTES.md"]);
    expect(existsSync(join(out, "artifacts", "hosts", "_runtime"))).toBe(false);
  });

  it("a failure while a whole new folder moves in puts the previous output back, byte for byte (issue 24)", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml([vmService("web")]));
    expect(synthesizeCatalog(file, out).report.ok).toBe(true);
    writeFileSync(join(out, "NOTES.md"), "mine\n");
    const before = tree(out);
    writeFileSync(file, catalogYaml([vmService("web"), criticalDbService("db")]));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as typeof import("node:fs");
    const real = fs.renameSync;
    const moved: string[] = [];
    let hit = false;
    const spy = jest.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      if (String(from).includes(".backup-gov-staging-")) moved.push(String(to));
      // artifacts/hosts/ is new to the output: one rename moves it in; then the disk is full.
      if (
        !hit &&
        String(from).includes(".backup-gov-staging-") &&
        String(to).endsWith(join("sop", "db.md")) &&
        (hit = true)
      )
        throw Object.assign(new Error("ENOSPC: no space left on device, rename"), { code: "ENOSPC" });
      return real(from, to);
    });
    try {
      expect(() => synthesizeCatalog(file, out)).toThrow(/IO-003: cannot write .*no space left/);
    } finally {
      spy.mockRestore();
    }
    expect(hit).toBe(true);
    expect(moved).toContain(join(out, "artifacts", "hosts"));
    expect(moved.some((m) => m.startsWith(join(out, "artifacts", "hosts") + "/"))).toBe(false);
    expect(tree(out)).toEqual(before);
  });

  it("a manifest that names a path outside the folder is refused (IO-052) and that path is untouched", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml());
    synthesizeCatalog(file, out);
    writeFileSync(join(dir, "victim.txt"), "precious\n");
    for (const bad of ["../victim.txt", "/etc/passwd", "stacks/../../victim.txt"]) {
      writeFileSync(join(out, MANIFEST), JSON.stringify({ files: [bad] }));
      const r = await cli("synth", file, "--out", out);
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
      expect(r.err).toMatch(/IO-052: --out .*the list of files synth wrote is unusable/);
    }
    expect(readFileSync(join(dir, "victim.txt"), "utf8")).toBe("precious\n");
  });

  it("a folder holding only onboarding receipts (onboard before the first synth) is synth's to fill", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    mkdirSync(join(out, "artifacts", "receipts"), { recursive: true });
    writeFileSync(join(out, "artifacts", "receipts", "web.json"), "{}\n");
    const file = join(dir, "c.yaml");
    writeFileSync(file, catalogYaml());
    expect((await cli("synth", file, "--out", out)).code).toBe(0);
    expect(readFileSync(join(out, "artifacts", "receipts", "web.json"), "utf8")).toBe("{}\n");
  });
});
