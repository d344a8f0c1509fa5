/**
 * The synthesized output of every example and of the default catalog, compared byte for byte
 * with the digests in test/fixtures/golden-output.json: a refactoring (monitoring split into
 * focused constructs, the schema built from the enums) must leave every cdk.tf.json and every
 * artifact exactly as it was. The digests were taken at 0fe6d3f, before those refactorings.
 *
 * An intended change of the output updates the digests, in the same commit as the change:
 *   UPDATE_GOLDEN=1 npx jest --ci test/examples/golden.test.ts --selectProjects unit
 * On a mismatch the actual output stays in the temporary folder the failure names (diff it
 * against a synth of the previous commit).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { App } from "../../lib/core/cdk";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { buildExample } from "../../examples/stack-code";
import { tree } from "../support/tree";

const ROOT = join(__dirname, "../..");
const GOLDEN = join(ROOT, "test/fixtures/golden-output.json");

function synthesizeEverything(out: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  const catalogs = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => [`examples/${f}`, join(ROOT, "examples", f)] as const);
  for (const [name, file] of [...catalogs, ["stacks/catalog.yaml", join(ROOT, "stacks/catalog.yaml")] as const]) {
    const dir = join(out, basename(name, ".yaml") + (name.startsWith("stacks/") ? "-default" : ""));
    const r = synthesizeCatalog(file, dir);
    expect(r.report.ok).toBe(true);
    result[name] = tree(dir);
  }
  const app = new App({ outdir: join(out, "stack-code") });
  buildExample(app);
  app.synth();
  // cdktf's default local backend names its state file by the working directory: the digest
  // must not depend on where the repository is checked out.
  const dir = join(out, "stack-code");
  for (const file of Object.keys(tree(dir)).filter((f) => f.endsWith("cdk.tf.json"))) {
    const text = readFileSync(join(dir, file), "utf8");
    writeFileSync(join(dir, file), text.split(JSON.stringify(process.cwd()).slice(1, -1)).join("<cwd>"));
  }
  result["examples/stack-code.ts"] = tree(dir);
  return result;
}

describe("every example's synthesized output is unchanged", () => {
  it("hashes to the recorded digests, file by file (cdk.tf.json and artifacts)", () => {
    const out = mkdtempSync(join(tmpdir(), "golden-"));
    const actual = synthesizeEverything(out);
    // Every example is covered: a new one must be recorded, not silently skipped.
    expect(Object.keys(actual).filter((k) => k.startsWith("examples/")).length).toBe(
      readdirSync(join(ROOT, "examples")).filter((f) => /\.(yaml|ts)$/.test(f)).length,
    );
    expect(Object.values(actual).every((files) => Object.keys(files).some((f) => f.endsWith("cdk.tf.json")))).toBe(
      true,
    );
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    } else {
      const expected = JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, Record<string, string>>;
      try {
        expect(actual).toEqual(expected);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n\nthe actual output is in ${out}`);
      }
    }
    rmSync(out, { recursive: true, force: true });
  });
});
