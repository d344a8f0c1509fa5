import { defaultWorkRoot } from "../../lib/cli/commands/plan";

describe("backup-gov plan: the default work folder", () => {
  it("is one folder per planned output, so two outputs with a stack of the same name keep both plans", () => {
    expect(defaultWorkRoot("cdktf.out", "/p")).toBe(".backup-gov/offline-plan/cdktf.out");
    expect(defaultWorkRoot("./cdktf.out/", "/p")).toBe(".backup-gov/offline-plan/cdktf.out");
    const roots = ["cdktf.out", "staging/cdktf.out", "prod/cdktf.out", "../cdktf.out", "/elsewhere/cdktf.out"].map(
      (d) => defaultWorkRoot(d, "/p"),
    );
    expect(new Set(roots).size).toBe(roots.length);
    for (const r of roots) expect(r).toMatch(/^\.backup-gov\/offline-plan\/[^/]+$/); // never outside .backup-gov
  });
});
