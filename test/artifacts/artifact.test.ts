import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ArtifactSet } from "../../lib/artifacts/artifact";
import { scratch } from "../support/tools";

describe("ArtifactSet.writeTo", () => {
  it("replaces earlier renderings but keeps onboarding receipts (evidence, not renderings)", () => {
    const dir = join(scratch("artifacts"), "artifacts");
    mkdirSync(join(dir, "receipts"), { recursive: true });
    mkdirSync(join(dir, "sop"), { recursive: true });
    writeFileSync(join(dir, "receipts", "wiki.json"), "{}\n");
    writeFileSync(join(dir, "sop", "removed-service.md"), "old\n");
    const set = new ArtifactSet();
    set.add({ path: "sop/wiki.md", content: "new\n" });
    set.writeTo(dir);
    expect(readFileSync(join(dir, "receipts", "wiki.json"), "utf8")).toBe("{}\n");
    expect(existsSync(join(dir, "sop", "removed-service.md"))).toBe(false);
    expect(readFileSync(join(dir, "sop", "wiki.md"), "utf8")).toBe("new\n");
  });
});
