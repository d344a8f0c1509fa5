import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS_LIST, ArtifactSet } from "../../lib/artifacts/artifact";
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
    expect(() => set("sop/wiki.md").writeTo(dir)).toThrow(
      /IO-090: cannot write the artifacts into .*: the folder holds files ArtifactSet\.writeTo did not write \(README\.txt, sop\): it has no \.backup-gov-artifacts\.json/,
    );
    expect(readFileSync(join(dir, "sop", "my-notes.md"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(dir, "README.txt"), "utf8")).toBe("mine too\n");
    expect(readdirSync(join(dir, "sop"))).toEqual(["my-notes.md"]);
  });

  it("re-rendering its own earlier output removes exactly what it wrote: a removed service's SOP goes, the user's note in that folder and receipts stay", () => {
    const dir = join(scratch("artifacts-twice"), "artifacts");
    mkdirSync(join(dir, "receipts"), { recursive: true });
    writeFileSync(join(dir, "receipts", "a.json"), "{}\n");
    set("sop/a.md", "sop/b.md", "scripts/b/backup.sh").writeTo(dir);
    writeFileSync(join(dir, "sop", "my-notes.md"), "mine\n");
    set("sop/a.md").writeTo(dir);
    expect(readdirSync(join(dir, "sop")).sort()).toEqual(["a.md", "my-notes.md"]);
    expect(existsSync(join(dir, "scripts"))).toBe(false);
    expect(readFileSync(join(dir, "receipts", "a.json"), "utf8")).toBe("{}\n");
    expect(JSON.parse(readFileSync(join(dir, ARTIFACTS_LIST), "utf8")).files).toEqual(["sop/a.md"]);
  });

  it("a user's file where an artifact goes is refused, not overwritten", () => {
    const dir = join(scratch("artifacts-taken"), "artifacts");
    set("sop/a.md").writeTo(dir);
    writeFileSync(join(dir, "sop", "b.md"), "mine\n");
    expect(() => set("sop/a.md", "sop/b.md").writeTo(dir)).toThrow(/IO-0/);
    expect(readFileSync(join(dir, "sop", "b.md"), "utf8")).toBe("mine\n");
  });

  it.each([
    ["no list", undefined],
    ["a list that is not JSON", "{"],
    ["a list naming a path outside the folder", JSON.stringify({ files: ["../outside.txt"] })],
    ["a list naming a receipt", JSON.stringify({ files: ["receipts/a.json"] })],
  ])("%s: refused (IO-090) before anything is removed", (_what, list) => {
    const root = scratch("artifacts-list");
    const dir = join(root, "artifacts");
    mkdirSync(join(dir, "receipts"), { recursive: true });
    writeFileSync(join(dir, "receipts", "a.json"), "{}\n");
    writeFileSync(join(dir, "mine.txt"), "mine\n");
    writeFileSync(join(root, "outside.txt"), "outside\n");
    if (list !== undefined) writeFileSync(join(dir, ARTIFACTS_LIST), list);
    expect(() => set("sop/a.md").writeTo(dir)).toThrow(
      /IO-090: cannot write the artifacts into .*: the folder holds files ArtifactSet\.writeTo did not write/,
    );
    expect(readFileSync(join(dir, "mine.txt"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(dir, "receipts", "a.json"), "utf8")).toBe("{}\n");
    expect(readFileSync(join(root, "outside.txt"), "utf8")).toBe("outside\n");
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
