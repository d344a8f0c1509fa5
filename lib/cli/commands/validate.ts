import type { Command } from "commander";
import { findingToJson, formatFinding, isBlocking, Severity } from "../../core/finding";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import { terminalText } from "../../core/escape/terminal";
import type * as validationModule from "../../governance/validate";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const validation = (): typeof validationModule => require("../../governance/validate");

export function registerValidate(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("validate")
    .description("Check a catalog against the format and every governance rule; print every finding at once.")
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--format <format>", "text or json", "text")
    .addHelpText(
      "after",
      "\nExit codes: 0 no errors (warnings and acknowledged findings allowed), 1 findings, 2 usage or I/O error.",
    )
    .action((catalog: string | undefined, opts: { format: string }) => {
      if (opts.format !== "text" && opts.format !== "json") {
        io.err(`backup-gov validate: --format must be text or json, got "${terminalText(opts.format)}"\n`);
        return setExit(ExitCode.USAGE);
      }
      const report = validation().validateCatalogFile(catalog ?? defaultCatalogPath());
      if (opts.format === "json") {
        io.out(
          JSON.stringify(
            {
              file: report.file,
              ok: report.ok,
              findings: report.findings.map(findingToJson),
            },
            null,
            2,
          ) + "\n",
        );
      } else {
        for (const f of report.findings) io.err(formatFinding(f) + "\n");
        const errors = report.findings.filter(isBlocking).length;
        const warnings = report.findings.filter((f) => f.severity === Severity.WARNING).length;
        const acked = report.findings.filter((f) => f.acknowledged).length;
        const summary = `${terminalText(report.file)}: ${errors} error(s), ${warnings} warning(s), ${acked} acknowledged`;
        if (report.ok) io.out(`${summary}: valid\n`);
        else io.err(`${summary}\n`);
      }
      setExit(report.ok ? ExitCode.OK : ExitCode.FINDINGS);
    });
}
