import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { ArtifactSet } from "../../lib/artifacts/artifact";
import { Errors } from "../../lib/errors";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { catalogWith, vmService } from "../support/catalogs";
import { cli } from "../support/cli";

const ROOT = join(__dirname, "..", "..");
const tmp = () => mkdtempSync(join(ROOT, ".tmp", "synth-"));

/** Every file under `dir` with its mode and the hash of its bytes. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else
        out[relative(dir, p)] =
          `${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
    }
  };
  walk(dir);
  return out;
}

function catalogFile(
  dir: string,
  services = [vmService("web"), vmService("api")],
  patch: Record<string, unknown> = {},
): string {
  const file = join(dir, "c.yaml");
  writeFileSync(file, stringify(catalogWith(services, patch)));
  return file;
}

describe("synth writes into a staging folder and moves the result in", () => {
  it("a synth that fails while writing leaves the previous output byte-identical, and no temporary folder", () => {
    // GIVEN a good output
    const dir = tmp();
    const out = join(dir, "out");
    expect(synthesizeCatalog(catalogFile(dir), out).report.ok).toBe(true);
    mkdirSync(join(out, "artifacts", "receipts"));
    writeFileSync(join(out, "artifacts", "receipts", "web.json"), "{}\n");
    const before = tree(out);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    // WHEN the next synth (of a changed catalog) fails half-way through writing artifacts
    const spy = jest.spyOn(ArtifactSet.prototype, "writeTo").mockImplementationOnce(function (
      this: ArtifactSet,
      target: string,
    ) {
      mkdirSync(join(target, "sop"), { recursive: true });
      writeFileSync(join(target, "sop", "half.md"), "half");
      throw Errors.cannotWrite(target, "disk full");
    });
    try {
      expect(() => synthesizeCatalog(catalogFile(dir, [vmService("web")], { aws: undefined }), out)).toThrow(
        /IO-003.*disk full/,
      );
    } finally {
      spy.mockRestore();
    }
    // THEN the previous output is untouched, stacks included, and nothing is left beside it
    expect(tree(out)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(["c.yaml", "out"]);
  });

  it("keeps onboarding receipts and Terraform's own files of a stack that stays; drops a stale stack", () => {
    const dir = tmp();
    const out = join(dir, "out");
    synthesizeCatalog(catalogFile(dir), out);
    mkdirSync(join(out, "artifacts", "receipts"));
    writeFileSync(join(out, "artifacts", "receipts", "web.json"), '{"receipt":1}\n');
    mkdirSync(join(out, "stacks", "testlab-proxmox", ".terraform"));
    writeFileSync(join(out, "stacks", "testlab-proxmox", ".terraform.lock.hcl"), "# lock\n");
    synthesizeCatalog(catalogFile(dir, [vmService("web")], { aws: undefined }), out);
    expect(readFileSync(join(out, "artifacts", "receipts", "web.json"), "utf8")).toBe('{"receipt":1}\n');
    expect(readFileSync(join(out, "stacks", "testlab-proxmox", ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    expect(existsSync(join(out, "stacks", "testlab-proxmox", ".terraform"))).toBe(true);
    expect(existsSync(join(out, "stacks", "testlab-aws"))).toBe(false);
    expect(existsSync(join(out, "artifacts", "sop", "api.md"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["c.yaml", "out"]);
  });

  it("embeds no absolute path: synths from two working folders (absolute and relative paths) are identical", () => {
    const dir = tmp();
    const file = catalogFile(dir);
    const a = join(dir, "a");
    synthesizeCatalog(file, a);
    const cwd = process.cwd();
    try {
      mkdirSync(join(dir, "elsewhere"));
      process.chdir(join(dir, "elsewhere"));
      synthesizeCatalog("../c.yaml", "b");
    } finally {
      process.chdir(cwd);
    }
    expect(tree(join(dir, "elsewhere", "b"))).toEqual(tree(a));
    const all = Object.keys(tree(a))
      .map((f) => readFileSync(join(a, f)).toString("latin1"))
      .join("\n");
    expect(all).not.toContain(dir);
    expect(all).not.toContain(ROOT);
    // The local state sits beside the output folder, outside what each synth replaces.
    const stack = JSON.parse(readFileSync(join(a, "stacks", "testlab-aws", "cdk.tf.json"), "utf8"));
    expect(stack.terraform.backend.local.path).toBe("../../../terraform.testlab-aws.tfstate");
  });
});

describe("synth: distinct I/O errors, never a stack trace", () => {
  it("--out naming a file: IO-030", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "out"), "x");
    const r = await cli("synth", catalogFile(dir), "--out", join(dir, "out"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-030: --out .* is a file, not a folder/);
  });

  it("--out naming the working folder or a parent of it: IO-033, nothing replaced", async () => {
    const dir = tmp();
    const r = await cli("synth", catalogFile(dir), "--out", join(process.cwd(), ".."));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/IO-033/);
  });

  it("a name longer than the file system allows: IO-031; a file where a folder is needed: IO-032", () => {
    const dir = tmp();
    const long = new ArtifactSet();
    long.add({ path: `hosts/${"h".repeat(300)}.tar.gz`, content: "x" });
    expect(() => long.writeTo(join(dir, "a"))).toThrow(/IO-031: cannot write .*longer than the file system allows/);
    const clash = new ArtifactSet();
    clash.add({ path: "hosts/nas.tar.gz", content: "bundle" });
    clash.add({ path: "hosts/nas.tar.gz/install.sh", content: "#!/bin/sh" });
    expect(() => clash.writeTo(join(dir, "b"))).toThrow(
      /IO-032: cannot write .*a file stands where a folder is needed|IO-032: cannot write .*name is taken/,
    );
  });

  const asNobody = process.getuid?.() === 0 && spawnSync("runuser", ["--help"]).status === 0;
  (asNobody ? it : it.skip)(
    "--out naming a folder the user cannot write: exit 2 with IO-003, not an internal error",
    () => {
      // Root may write anywhere; the CLI runs as nobody, as a user would meet it.
      const dir = tmp();
      chmodSync(dir, 0o777);
      const file = catalogFile(dir);
      chmodSync(file, 0o644);
      for (const [name, parentMode] of [
        ["locked", 0o555],
        ["inner", 0o777],
      ] as const) {
        const parent = join(dir, `p-${name}`);
        const out = join(parent, "out");
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, "keep.txt"), "keep");
        // An output folder of a previous synth (a folder without a manifest is refused before any write: IO-050).
        writeFileSync(join(out, ".backup-gov-manifest.json"), JSON.stringify({ files: [] }));
        chmodSync(out, 0o555);
        chmodSync(parent, parentMode);
        const r = spawnSync(
          "runuser",
          [
            "-u",
            "nobody",
            "--",
            process.execPath,
            join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
            join(ROOT, "lib", "cli", "bin.ts"),
            "synth",
            file,
            "--out",
            out,
          ],
          { encoding: "utf8", cwd: dir },
        );
        expect({ name, status: r.status }).toEqual({ name, status: 2 });
        expect(r.stderr).toMatch(/IO-003: cannot write .*permission denied/i);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        expect(readdirSync(out).sort()).toEqual([".backup-gov-manifest.json", "keep.txt"]);
        expect(readdirSync(parent)).toEqual(["out"]);
      }
      execFileSync("chmod", ["-R", "u+w", dir]);
    },
  );
});
