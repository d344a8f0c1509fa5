/**
 * The API report: emits the declarations of lib/ and runs API Extractor over lib/index.d.ts.
 *
 *   npm run api            rewrites api/cdktf-backup-governance.api.md
 *   (test/api/report.test.ts checks it is current)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Extractor, ExtractorConfig, type ExtractorResult } from "@microsoft/api-extractor";

export const ROOT = join(__dirname, "..");
const TMP = join(ROOT, ".tmp", "api");

/** Emits declarations and runs API Extractor; `update` rewrites the committed report. */
export function runApiExtractor(update: boolean): ExtractorResult & { messages: string[] } {
  rmSync(join(TMP, "dts"), { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(ROOT, "tsconfig.json"),
      "--emitDeclarationOnly",
      "--declarationMap",
      "false",
      "--sourceMap",
      "false",
      "--inlineSources",
      "false",
      "--outDir",
      join(TMP, "dts"),
    ],
    { stdio: "pipe" },
  );
  // API Extractor reads the emitted declarations with their own small tsconfig.
  writeFileSync(
    join(TMP, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: true,
        module: "node16",
        moduleResolution: "node16",
        target: "ES2022",
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules", "@types")],
      },
      files: [join(TMP, "dts", "lib", "index.d.ts")],
    }),
  );
  const config = ExtractorConfig.loadFileAndPrepare(join(ROOT, "api-extractor.json"));
  const messages: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    showVerboseMessages: false,
    messageCallback: (m) => {
      if (m.logLevel === "warning" || m.logLevel === "error") messages.push(m.text);
      m.handled = true;
    },
  });
  return Object.assign(result, { messages });
}

if (require.main === module) {
  const r = runApiExtractor(true);
  for (const m of r.messages) process.stderr.write(`${m}\n`);
  process.stdout.write(r.apiReportChanged ? "api/cdktf-backup-governance.api.md updated\n" : "api report unchanged\n");
  process.exitCode = r.succeeded || r.apiReportChanged ? 0 : 1;
}
