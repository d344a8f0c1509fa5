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
import { synthesizeCatalog } from "../lib/estate/synth";

function defaultCatalog(): string {
  // Compiled to dist/stacks/main.js, the YAML stays in stacks/.
  const candidates = [join(__dirname, "catalog.yaml"), resolve(__dirname, "../../stacks/catalog.yaml")];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

const file = process.env.BACKUP_CATALOG ?? defaultCatalog();
const result = synthesizeCatalog(file, process.env.CDKTF_OUTDIR ?? "cdktf.out");
// Blocking findings go to stderr; acknowledged findings and warnings are information.
for (const f of result.report.findings) (isBlocking(f) ? process.stderr : process.stdout).write(formatFinding(f) + "\n");
if (!result.report.ok) {
  process.stderr.write(`${file}: validation failed; nothing was synthesized\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`synthesized ${result.stacks.join(", ")} and ${result.artifacts.length} artifacts into ${result.outdir}\n`);
}
