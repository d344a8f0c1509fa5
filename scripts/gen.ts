/** Writes every generated file (JSON Schema, rules, policies, errors, catalog field reference). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedFiles } from "../lib/private/generated-docs";

const root = join(__dirname, "..");
const catalogDoc = join(root, "docs/catalog.md");
const files = generatedFiles(existsSync(catalogDoc) ? readFileSync(catalogDoc, "utf8") : "");
for (const [path, content] of Object.entries(files)) {
  const file = join(root, path);
  const old = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (old !== content) {
    writeFileSync(file, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}
