import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ArtifactSet } from "../../lib/artifacts/artifact";
import { scratch } from "../support/tools";

function set(...paths: string[]): ArtifactSet {
  const s = new ArtifactSet();
  for (const p of paths) s.add({ path: p, content: `${p}\n` });
  return s;
}

describe("ArtifactSet.writeTo", () => {
  it("writes into a missing or empty folder, and next to onboarding receipts (evidence, left as they are)", () => {
    const root = scratch("artifacts");
    expect(set("sop/wiki.md").writeTo(join(root, "new"))).toEqual([join(root, "new", "sop", "wiki.md")]);
    mkdirSync(join(root, "empty"));
    set("sop/wiki.md").writeTo(join(root, "empty"));
    expect(readFileSync(join(root, "empty", "sop", "wiki.md"), "utf8")).toBe("sop/wiki.md\n");
    const dir = join(root, "with-receipts");
    mkdirSync(join(dir, "receipts"), { recursive: true });
    writeFileSync(join(dir, "receipts", "wiki.json"), "{}\n");
    set("sop/wiki.md").writeTo(dir);
    expect(readFileSync(join(dir, "receipts", "wiki.json"), "utf8")).toBe("{}\n");
    expect(readFileSync(join(dir, "sop", "wiki.md"), "utf8")).toBe("sop/wiki.md\n");
  });

  it("never deletes or replaces what it did not write: a folder holding anything else is refused (IO-090), untouched", () => {
    const dir = join(scratch("artifacts-foreign"), "artifacts");
    mkdirSync(join(dir, "sop"), { recursive: true });
    writeFileSync(join(dir, "sop", "my-notes.md"), "mine\n");
    writeFileSync(join(dir, "README.txt"), "mine too\n");
    expect(() => set("sop/wiki.md").writeTo(dir)).toThrow(/IO-090: cannot write the artifacts into .*: the folder is not empty \(README\.txt, sop\)/);
    expect(readFileSync(join(dir, "sop", "my-notes.md"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(dir, "README.txt"), "utf8")).toBe("mine too\n");
    expect(readdirSync(join(dir, "sop"))).toEqual(["my-notes.md"]);
  });

  it("a second writeTo into its own earlier output is refused too (re-rendering is synth's, through its manifest)", () => {
    const dir = join(scratch("artifacts-twice"), "artifacts");
    set("sop/a.md").writeTo(dir);
    expect(() => set("sop/b.md").writeTo(dir)).toThrow(/IO-090/);
    expect(existsSync(join(dir, "sop", "a.md"))).toBe(true);
    expect(existsSync(join(dir, "sop", "b.md"))).toBe(false);
  });

  it("does not write over a receipt, nor through a link in the kept folder", () => {
    const root = scratch("artifacts-receipt");
    const dir = join(root, "artifacts");
    mkdirSync(join(dir, "receipts"), { recursive: true });
    writeFileSync(join(dir, "receipts", "x.json"), "evidence\n");
    symlinkSync(join(root, "elsewhere.txt"), join(dir, "receipts", "y.json"));
    expect(() => set("receipts/x.json").writeTo(dir)).toThrow(/IO-/);
    expect(readFileSync(join(dir, "receipts", "x.json"), "utf8")).toBe("evidence\n");
    expect(() => set("receipts/y.json").writeTo(dir)).toThrow(/IO-/);
    expect(existsSync(join(root, "elsewhere.txt"))).toBe(false);
  });
});
