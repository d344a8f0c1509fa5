/**
 * Code-health measures of the library, re-runnable at any commit: `npx tsx scripts/measure.ts`
 * (add `--json` for machine-readable output). docs/dev/measures.md records the figures over time.
 *
 * Counted with the TypeScript parser, not with regular expressions, so that `as` in a comment or
 * a string is not a cast:
 * - the largest file of lib/ (lines);
 * - type assertions (`x as T`, `<T>x`) per 1,000 lines, `as const` apart (it widens nothing);
 * - non-null assertions (`x!`) per 1,000 lines;
 * - lines over 120 characters, and the longest, in lib/ and in all TypeScript of the repository;
 * - `throw new Error(...)` in lib/ (the library's errors come from lib/errors.ts, with a code);
 * - import cycles between the folders of lib/ (lib/core, lib/constructs, ...): runtime imports
 *   and, separately, counting `import type` too.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "..");
const LIMIT = 120;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "cdktf.out" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

interface FileMeasure {
  readonly file: string;
  readonly lines: number;
  readonly casts: number;
  readonly asConst: number;
  readonly nonNull: number;
  readonly bareErrors: number;
  readonly longLines: number;
  readonly longest: number;
  /** Relative imports: [target path, type only]. */
  readonly imports: ReadonlyArray<readonly [string, boolean]>;
}

function measureFile(file: string): FileMeasure {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const lineTexts = text.split("\n");
  if (lineTexts[lineTexts.length - 1] === "") lineTexts.pop();
  let casts = 0;
  let asConst = 0;
  let nonNull = 0;
  let bareErrors = 0;
  const imports: Array<readonly [string, boolean]> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const type = node.type;
      if (ts.isTypeReferenceNode(type) && type.typeName.getText(source) === "const") asConst++;
      else casts++;
    } else if (ts.isNonNullExpression(node)) nonNull++;
    else if (ts.isThrowStatement(node) && node.expression && ts.isNewExpression(node.expression)) {
      const callee = node.expression.expression;
      if (ts.isIdentifier(callee) && /^(Range|Type|Syntax)?Error$/.test(callee.text)) bareErrors++;
    } else if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith(".")) {
        const typeOnly = ts.isImportDeclaration(node) ? importIsTypeOnly(node) : node.isTypeOnly;
        imports.push([resolve(dirname(file), spec), typeOnly]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const lengths = lineTexts.map((l) => l.length);
  return {
    file: relative(ROOT, file),
    lines: lineTexts.length,
    casts,
    asConst,
    nonNull,
    bareErrors,
    longLines: lengths.filter((n) => n > LIMIT).length,
    longest: Math.max(0, ...lengths),
    imports,
  };
}

/** `import type {..}` or `import { type a, type b }`: erased at compile time, no runtime edge. */
function importIsTypeOnly(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The folder of lib/ a path belongs to (`lib/constructs/x.ts` → `constructs`; lib/index.ts → `.`). */
function libFolder(path: string): string | undefined {
  const rel = relative(join(ROOT, "lib"), path);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : ".";
}

/** Strongly connected components of more than one folder (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        on.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) strong(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

function folderEdges(files: readonly FileMeasure[], withTypes: boolean): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = libFolder(join(ROOT, f.file));
    if (from === undefined || from === ".") continue;
    for (const [target, typeOnly] of f.imports) {
      const to = libFolder(target);
      if (typeOnly && !withTypes) continue;
      if (to === undefined || to === "." || to === from) continue;
      const set = edges.get(from) ?? new Set<string>();
      set.add(to);
      edges.set(from, set);
    }
  }
  return edges;
}

/** Folder pairs that import each other directly (runtime imports): the shortest cycles. */
function mutual(edges: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [a, targets] of edges)
    for (const b of targets) if (a < b && edges.get(b)?.has(a)) out.push(`${a} <-> ${b}`);
  return out.sort();
}

function summary(files: readonly FileMeasure[]) {
  const lines = files.reduce((n, f) => n + f.lines, 0);
  const sum = (k: "casts" | "nonNull" | "bareErrors" | "longLines" | "asConst") => files.reduce((n, f) => n + f[k], 0);
  const perK = (n: number) => Math.round((n / lines) * 10000) / 10;
  const largest = [...files].sort((a, b) => b.lines - a.lines)[0];
  const longest = [...files].sort((a, b) => b.longest - a.longest)[0];
  return {
    files: files.length,
    lines,
    largestFile: `${largest.file} (${largest.lines})`,
    casts: sum("casts"),
    castsPer1000: perK(sum("casts")),
    asConst: sum("asConst"),
    nonNull: sum("nonNull"),
    nonNullPer1000: perK(sum("nonNull")),
    linesOver120: sum("longLines"),
    longestLine: `${longest.longest} (${longest.file})`,
    bareThrowNewError: sum("bareErrors"),
  };
}

const lib = tsFiles(join(ROOT, "lib")).map(measureFile);
const all = ["lib", "test", "bench", "scripts", "stacks", "examples"]
  .flatMap((d) => tsFiles(join(ROOT, d)))
  .map(measureFile);
const result = {
  lib: summary(lib),
  repository: summary(all),
  libFilesOver250Lines: lib.filter((f) => f.lines > 250).length,
  folderCycles: cycles(folderEdges(lib, false)),
  folderCyclesWithTypeImports: cycles(folderEdges(lib, true)),
  mutualFolderImports: mutual(folderEdges(lib, false)),
};

if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  for (const scope of ["lib", "repository"] as const) {
    process.stdout.write(`${scope}:\n`);
    for (const [k, v] of Object.entries(result[scope])) process.stdout.write(`  ${k}: ${v}\n`);
  }
  process.stdout.write(`lib files over 250 lines: ${result.libFilesOver250Lines}\n`);
  process.stdout.write(
    `import cycles between lib folders (runtime): ${result.folderCycles.map((c) => c.join(" <-> ")).join("; ") || "none"}\n`,
  );
  process.stdout.write(
    `lib folders importing each other directly: ${result.mutualFolderImports.join("; ") || "none"}\n`,
  );
  process.stdout.write(
    `import cycles between lib folders (with import type): ${result.folderCyclesWithTypeImports.map((c) => c.join(" <-> ")).join("; ") || "none"}\n`,
  );
}
