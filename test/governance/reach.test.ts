import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The App-level GovernanceChecks reach a stack only through a construct of this library in it
// (lib/governance/reach.ts): every construct class must hand its stack over at construction.
describe("every construct of the library hands its stack to the App-level GovernanceChecks", () => {
  const dir = join(__dirname, "..", "..", "lib", "constructs");
  const files = readdirSync(dir).filter(
    (f) => f.endsWith(".ts") && / extends Construct\b/.test(readFileSync(join(dir, f), "utf8")),
  );
  it("finds the construct files", () => expect(files.length).toBeGreaterThanOrEqual(17));
  it.each(files)("%s", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const classes = [...text.matchAll(/^(?:export )?class \w+ extends Construct\b[^{]*\{([\s\S]*?)^\}/gm)];
    expect(classes.length).toBe((text.match(/ extends Construct\b/g) ?? []).length);
    for (const [whole, body] of classes) {
      const ctor = /constructor\([^)]*\)\s*\{\s*super\(scope, id\);\s*reachChecksAbove\(this\);/.test(body);
      expect({ cls: whole.split("\n")[0], ctor }).toEqual({ cls: whole.split("\n")[0], ctor: true });
    }
  });
});
