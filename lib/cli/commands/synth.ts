import type { Command } from "commander";
import { formatFinding, isBlocking } from "../../core/finding";
import { Errors } from "../../errors";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import { terminalText } from "../../core/escape/terminal";
import { withStopSignals } from "../../private/stop-signals";
import type * as adoptionModule from "../../estate/adoption";
import type * as synthesisModule from "../../estate/synth";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const adoptionNotices = (): typeof adoptionModule => require("../../estate/adoption");
const synthesis = (): typeof synthesisModule => require("../../estate/synth");

export function registerSynth(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("synth")
    .description(
      "Validate a catalog and write its Terraform stacks (DIR/stacks/<stack>/cdk.tf.json) and operator artifacts (DIR/artifacts/).",
    )
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--out <dir>", "output folder (a new or empty folder, or one synth wrote before)", "cdktf.out")
    .option("--lock-wait <seconds>", "how long to wait for another synth writing to the same --out", "30")
    .addHelpText(
      "after",
      "\nA catalog with errors writes nothing. Synth replaces only files it wrote itself (listed in DIR/.backup-gov-manifest.json);\nother files in DIR stay. SIGINT/SIGTERM stop it with the previous output intact.\nExit codes: 0 written, 1 findings, 2 usage or I/O error, 128+n stopped by signal n.",
    )
    .action(async (catalog: string | undefined, opts: { out: string; lockWait: string }) => {
      const lockWaitSeconds = Number(opts.lockWait);
      if (!/^[0-9]+(\.[0-9]+)?$/.test(opts.lockWait) || !(lockWaitSeconds <= 3600)) {
        throw Errors.invalidLockWait(opts.lockWait);
      }
      // A signal is noted and acted on at the synth's next safe point: nothing is left half-written.
      const outcome = await withStopSignals((signal) =>
        synthesis().synthesizeCatalogInterruptible(catalog ?? defaultCatalogPath(), opts.out, signal, {
          lockWaitSeconds,
        }),
      );
      if (!outcome.done) {
        io.err(`backup-gov: ${terminalText(outcome.error.message)}\n`);
        return setExit(outcome.signalExit as ExitCode);
      }
      const result = outcome.value;
      for (const f of result.report.findings) (isBlocking(f) ? io.err : io.out)(formatFinding(f) + "\n");
      if (!result.report.ok) {
        io.err(`${terminalText(result.report.file)}: validation failed; nothing was written\n`);
        return setExit(ExitCode.FINDINGS);
      }
      for (const s of result.stacks) io.out(`stack ${s}: ${terminalText(opts.out)}/stacks/${s}/cdk.tf.json\n`);
      io.out(`artifacts: ${result.artifacts.length} files in ${terminalText(opts.out)}/artifacts/\n`);
      const adoption = result.estate?.adoption;
      if (adoption) {
        for (const n of adoption.notices) io.out(adoptionNotices().formatAdoptionNotice(n) + "\n");
        io.out(
          `adoption: ${adoption.imports.length} existing object(s) imported, not created (${terminalText(opts.out)}/artifacts/adoption.md)\n`,
        );
      }
      for (const d of result.leftovers ?? []) {
        io.err(
          `backup-gov synth: ${terminalText(`${opts.out}/${d}`)} is no longer synthesized; synth removed its own files and left the ones it did not write (Terraform's .terraform/): remove the folder when done with it\n`,
        );
      }
      // A signal that came while the output was moving in waited for it: the output is complete.
      setExit((outcome.signalExit ?? ExitCode.OK) as ExitCode);
    });
}
