/**
 * Every TypeScript snippet of the docs that uses the package is a complete program: compiled
 * (strict, as part of the type check below) and run, each synthesizing into its own folder.
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  existsSync,
  readdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";

jest.setTimeout(180_000);

const ROOT = join(__dirname, "..", "..");
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

const snippets = DOCS.flatMap((doc) =>
  [...readFileSync(join(ROOT, doc), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `${doc.replace(/[/.]/g, "_")}_${i + 1}`,
    doc,
    code: m[1],
  })),
);

/** The construct classes the package exports (files of lib/constructs/), by class name. */
function exportedConstructs(): string[] {
  return readdirSync(join(ROOT, "lib", "constructs"))
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) =>
      [
        ...readFileSync(join(ROOT, "lib", "constructs", f), "utf8").matchAll(
          /^export class (\w+) extends Construct\b/gm,
        ),
      ].map((m) => m[1]),
    );
}

describe("documentation snippets", () => {
  const dir = join(ROOT, ".tmp", "snippets");

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const s of snippets) writeFileSync(join(dir, `${s.name}.ts`), s.code);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.json",
        compilerOptions: { noEmit: true, rootDir: "../.." },
        include: ["*.ts", "../../lib/private/*.d.ts"],
      }),
    );
  });

  it("every exported construct has a snippet, and there are snippets in the README and docs/library.md", () => {
    const all = snippets.map((s) => s.code).join("\n");
    const missing = exportedConstructs().filter((c) => !new RegExp(`\\b(new ${c}\\(|${c}\\.\\w+\\()`).test(all));
    expect(missing).toEqual([]);
    expect([...new Set(snippets.map((s) => s.doc))]).toEqual(expect.arrayContaining(["README.md", "docs/library.md"]));
  });

  it("are complete programs, that a reader can paste: each imports the package and makes its own App", () => {
    const fragments = snippets
      .filter((s) => !s.code.includes('from "cdktf-backup-governance"') || !s.code.includes("new App("))
      .map((s) => s.name);
    expect(fragments).toEqual([]);
  });

  it("compile in strict mode against the package's types", () => {
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir], {
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (e) {
      throw new Error(`snippets do not compile:\n${(e as { stdout: string }).stdout}`);
    }
  });

  it.each(snippets.map((s) => [s.name, s] as const))("%s runs and synthesizes", (_, s) => {
    const work = mkdtempSync(join(tmpdir(), "snippet-"));
    copyFileSync(join(ROOT, "stacks", "catalog.yaml"), join(work, "catalog.yaml"));
    const js = ts.transpileModule(s.code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const req = (m: string) => (m === "cdktf-backup-governance" ? require("../../lib") : require(m)); // eslint-disable-line @typescript-eslint/no-require-imports
    const cwd = process.cwd();
    process.chdir(work);
    process.env.CDKTF_OUTDIR = join(work, "cdktf.out");
    try {
      new Function("require", "exports", "module", js)(req, {}, { exports: {} });
    } finally {
      process.chdir(cwd);
      delete process.env.CDKTF_OUTDIR;
    }
    const stacks = readdirSync(join(work, "cdktf.out", "stacks"));
    expect(stacks.length).toBeGreaterThan(0);
    for (const st of stacks) expect(existsSync(join(work, "cdktf.out", "stacks", st, "cdk.tf.json"))).toBe(true);
  });
});
