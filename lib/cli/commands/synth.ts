import type { Command } from "commander";
import { formatFinding, isBlocking } from "../../core/finding";
import { formatAdoptionNotice } from "../../estate/adoption";
import { synthesizeCatalog } from "../../estate/synth";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";

export function registerSynth(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("synth")
    .description("Validate a catalog and write its Terraform stacks (DIR/stacks/<stack>/cdk.tf.json) and operator artifacts (DIR/artifacts/).")
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--out <dir>", "output folder", "cdktf.out")
    .addHelpText("after", "\nA catalog with errors writes nothing. Exit codes: 0 written, 1 findings, 2 usage or I/O error.")
    .action((catalog: string | undefined, opts: { out: string }) => {
      const result = synthesizeCatalog(catalog ?? defaultCatalogPath(), opts.out);
      for (const f of result.report.findings) (isBlocking(f) ? io.err : io.out)(formatFinding(f) + "\n");
      if (!result.report.ok) {
        io.err(`${result.report.file}: validation failed; nothing was written\n`);
        return setExit(ExitCode.FINDINGS);
      }
      for (const s of result.stacks) io.out(`stack ${s}: ${opts.out}/stacks/${s}/cdk.tf.json\n`);
      io.out(`artifacts: ${result.artifacts.length} files in ${opts.out}/artifacts/\n`);
      const adoption = result.estate?.adoption;
      if (adoption) {
        for (const n of adoption.notices) io.out(formatAdoptionNotice(n) + "\n");
        io.out(`adoption: ${adoption.imports.length} existing object(s) imported, not created (${opts.out}/artifacts/adoption.md)\n`);
      }
      setExit(ExitCode.OK);
    });
}
