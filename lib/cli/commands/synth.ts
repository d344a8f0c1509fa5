import { constants as osConstants } from "node:os";
import type { Command } from "commander";
import { formatFinding, isBlocking } from "../../core/finding";
import { Errors, UsageError } from "../../errors";
import { formatAdoptionNotice } from "../../estate/adoption";
import { synthesizeCatalogInterruptible } from "../../estate/synth";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import { terminalText } from "../../core/escape/terminal";

/** The signals a synth stops cleanly on (staging removed, previous output kept). */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function registerSynth(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("synth")
    .description("Validate a catalog and write its Terraform stacks (DIR/stacks/<stack>/cdk.tf.json) and operator artifacts (DIR/artifacts/).")
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
      const stop = new AbortController();
      let received: (typeof STOP_SIGNALS)[number] | undefined;
      const handlers = STOP_SIGNALS.map((sig) => {
        const h = () => {
          received ??= sig;
          stop.abort(Errors.interrupted(sig));
        };
        process.on(sig, h);
        return [sig, h] as const;
      });
      try {
        const result = await synthesizeCatalogInterruptible(catalog ?? defaultCatalogPath(), opts.out, stop.signal, { lockWaitSeconds });
        for (const f of result.report.findings) (isBlocking(f) ? io.err : io.out)(formatFinding(f) + "\n");
        if (!result.report.ok) {
          io.err(`${terminalText(result.report.file)}: validation failed; nothing was written\n`);
          return setExit(ExitCode.FINDINGS);
        }
        for (const s of result.stacks) io.out(`stack ${s}: ${terminalText(opts.out)}/stacks/${s}/cdk.tf.json\n`);
        io.out(`artifacts: ${result.artifacts.length} files in ${terminalText(opts.out)}/artifacts/\n`);
        const adoption = result.estate?.adoption;
        if (adoption) {
          for (const n of adoption.notices) io.out(formatAdoptionNotice(n) + "\n");
          io.out(`adoption: ${adoption.imports.length} existing object(s) imported, not created (${terminalText(opts.out)}/artifacts/adoption.md)\n`);
        }
        for (const d of result.leftovers ?? []) {
          io.err(`backup-gov synth: ${terminalText(`${opts.out}/${d}`)} is no longer synthesized; synth removed its own files and left the ones it did not write (Terraform's .terraform/): remove the folder when done with it\n`);
        }
        // A signal that came while the output was moving in waited for it: the output is complete.
        setExit(received ? signalExit(received) : ExitCode.OK);
      } catch (e) {
        if (!received || !(e instanceof UsageError && e.code === "IO-056")) throw e;
        io.err(`backup-gov: ${terminalText(e.message)}\n`);
        setExit(signalExit(received));
      } finally {
        for (const [sig, h] of handlers) process.off(sig, h);
      }
    });
}

/** The shell's convention for a command stopped by a signal: 128 + its number. */
function signalExit(sig: (typeof STOP_SIGNALS)[number]): ExitCode {
  return (128 + osConstants.signals[sig]) as ExitCode;
}
