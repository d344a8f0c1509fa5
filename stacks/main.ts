/**
 * The cdktf app (cdktf.json points here): `cdktf synth`, `cdktf deploy` and `npm run synth`.
 *
 * Reads the catalog named by BACKUP_CATALOG, or the built-in default stacks/catalog.yaml,
 * validates it, and synthesizes its stacks and operator artifacts into the cdktf output
 * folder (CDKTF_OUTDIR, default cdktf.out). A catalog with findings synthesizes nothing.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { terminalText } from "../lib/core/escape/terminal";
import { formatFinding, isBlocking } from "../lib/core/finding";
import { BackupGovError } from "../lib/errors";
import { synthesizeCatalogInterruptible } from "../lib/estate/synth";
import { withStopSignals } from "../lib/private/stop-signals";

function defaultCatalog(): string {
  // Compiled to dist/stacks/main.js, the YAML stays in stacks/.
  const candidates = [join(__dirname, "catalog.yaml"), resolve(__dirname, "../../stacks/catalog.yaml")];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

async function main(): Promise<number> {
  const file = process.env.BACKUP_CATALOG ?? defaultCatalog();
  // Ctrl-C on `cdktf synth` (or a CI job's SIGTERM) is acted on at the synth's next safe point:
  // the staging folder goes, the previous output stays whole, and once the output is moving in
  // it finishes first. Without handlers Node would die at once, possibly mid-move.
  const outcome = await withStopSignals((signal) => synthesizeCatalogInterruptible(file, process.env.CDKTF_OUTDIR ?? "cdktf.out", signal));
  if (!outcome.done) {
    process.stderr.write(`${terminalText(outcome.error.message)}\n`);
    return outcome.signalExit;
  }
  const result = outcome.value;
  // Blocking findings go to stderr; acknowledged findings and warnings are information.
  for (const f of result.report.findings) (isBlocking(f) ? process.stderr : process.stdout).write(formatFinding(f) + "\n");
  if (!result.report.ok) {
    process.stderr.write(`${terminalText(file)}: validation failed; nothing was synthesized\n`);
    return 1;
  }
  process.stdout.write(`synthesized ${result.stacks.join(", ")} and ${result.artifacts.length} artifacts into ${terminalText(result.outdir)}\n`);
  // A signal that came while the output was moving in waited for it: the output is complete.
  return outcome.signalExit ?? 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // The library's own errors (a catalog that cannot be read, an output that cannot be
    // written) carry their code, place and fix: the message is the whole story, as in the CLI.
    if (!(e instanceof BackupGovError)) throw e;
    process.stderr.write(`${terminalText(e.message)}\n`);
    process.exitCode = 2;
  },
);
