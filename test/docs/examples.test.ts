import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateCatalogText } from "../../lib/governance/validate";

const root = join(__dirname, "..", "..");
const docs = ["README.md", "docs/catalog.md", "docs/pipelines.md"];

/** Every complete catalog shown in the docs (a YAML block with `version: 1`) must validate. */
const blocks = docs.flatMap((d) =>
  [...readFileSync(join(root, d), "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((y) => /^version: 1$/m.test(y))
    .map((yaml, i) => ({ name: `${d} example ${i + 1}`, yaml })),
);

describe("catalogs shown in the documentation", () => {
  it("exist", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks)("$name validates", ({ name, yaml }) => {
    const r = validateCatalogText(yaml, name);
    expect(r.findings.filter((f) => f.severity === "error" && !f.acknowledged)).toEqual([]);
  });
});
