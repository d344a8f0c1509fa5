import { ArtifactSet } from "../../lib/artifacts/artifact";

describe("ArtifactSet: shared artifacts (issue 24: the runtime once per output)", () => {
  it("keeps one copy of a shared artifact that several renderers return alike", () => {
    const set = new ArtifactSet();
    set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+abc\n", shared: true });
    set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+abc\n", shared: true });
    set.add({ path: "hosts/_runtime/x.bin", content: new Uint8Array([1, 2, 3]), shared: true });
    set.add({ path: "hosts/_runtime/x.bin", content: new Uint8Array([1, 2, 3]), shared: true });
    expect(set.list().map((a) => a.path)).toEqual(["hosts/_runtime/VERSION", "hosts/_runtime/x.bin"]);
  });

  it("refuses a second copy that differs, or that is not marked shared", () => {
    const set = new ArtifactSet();
    set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+abc\n", shared: true });
    expect(() => set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+def\n", shared: true })).toThrow(
      /rendered twice/,
    );
    expect(() =>
      set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+abc\n", shared: true, mode: 0o755 }),
    ).toThrow(/rendered twice/);
    expect(() => set.add({ path: "hosts/_runtime/VERSION", content: "0.1.0+abc\n" })).toThrow(/rendered twice/);
    set.add({ path: "sop/a.md", content: "a" });
    expect(() => set.add({ path: "sop/a.md", content: "a", shared: true })).toThrow(/rendered twice/);
  });
});
