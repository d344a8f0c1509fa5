/**
 * The cdktf app (cdktf.json points here): `cdktf synth`, `cdktf deploy` and `npm run synth`.
 *
 * Reads the catalog named by BACKUP_CATALOG, or the built-in default stacks/catalog.yaml,
 * validates it, and synthesizes its stacks and operator artifacts into the cdktf output
 * folder (CDKTF_OUTDIR, default cdktf.out). A catalog with findings synthesizes nothing.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatFinding, isBlocking } from "../lib/core/finding";
import { BackupGovError } from "../lib/errors";
import { synthesizeCatalog } from "../lib/estate/synth";

function defaultCatalog(): string {
  // Compiled to dist/stacks/main.js, the YAML stays in stacks/.
  const candidates = [join(__dirname, "catalog.yaml"), resolve(__dirname, "../../stacks/catalog.yaml")];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

function main(): number {
  const file = process.env.BACKUP_CATALOG ?? defaultCatalog();
  const result = synthesizeCatalog(file, process.env.CDKTF_OUTDIR ?? "cdktf.out");
  // Blocking findings go to stderr; acknowledged findings and warnings are information.
  for (const f of result.report.findings) (isBlocking(f) ? process.stderr : process.stdout).write(formatFinding(f) + "\n");
  if (!result.report.ok) {
    process.stderr.write(`${file}: validation failed; nothing was synthesized\n`);
    return 1;
  }
  process.stdout.write(`synthesized ${result.stacks.join(", ")} and ${result.artifacts.length} artifacts into ${result.outdir}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  // The library's own errors (a catalog that cannot be read, an output that cannot be
  // written) carry their code, place and fix: the message is the whole story, as in the CLI.
  if (!(e instanceof BackupGovError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 2;
}
