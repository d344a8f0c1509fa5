import type { Command } from "commander";
import { isBlocking } from "../../core/finding";
import { Errors } from "../../errors";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import type * as compareModule from "../../drift/compare";
import type * as lifecycleModule from "../../drift/lifecycle";
import type * as validationModule from "../../governance/validate";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const compare = (): typeof compareModule => require("../../drift/compare");
const lifecycleFiles = (): typeof lifecycleModule => require("../../drift/lifecycle");
const validation = (): typeof validationModule => require("../../governance/validate");

interface DriftOptions {
  lifecycle?: string;
  notBackedUp?: string;
  host?: string;
}

export function registerDrift(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("drift")
    .description(
      "Compare the catalog with the estate: a guest lifecycle list and/or Proxmox's not-backed-up report. One line per finding.",
    )
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--lifecycle <file>", "the estate's guest list (YAML or JSON, see docs/drift.md)")
    .option("--not-backed-up <file>", "saved JSON of GET /cluster/backup-info/not-backed-up")
    .option(
      "--host <name>",
      "the catalog host the --not-backed-up answer came from (default: match the vmid on every host)",
    )
    .addHelpText("after", "\nExit codes: 0 no drift, 1 drift (one line per finding on stdout), 2 usage or I/O error.")
    .action((catalog: string | undefined, opts: DriftOptions) => {
      if (!opts.lifecycle && !opts.notBackedUp) throw Errors.driftNothingToCompare();
      const file = catalog ?? defaultCatalogPath();
      const report = validation().validateCatalogFile(file);
      if (!report.catalog || !report.ok)
        throw Errors.driftCatalogInvalid(file, report.findings.filter(isBlocking).length);
      const c = report.catalog;
      const hosts = Object.keys(c.proxmox?.hosts ?? {}).sort();
      if (opts.host !== undefined && !hosts.includes(opts.host))
        throw Errors.driftUnknownHost(opts.host, hosts.join(", ") || "(none)");
      // Read every input before printing anything: a bad second file must not leave half a report.
      const lifecycle = opts.lifecycle ? lifecycleFiles().readLifecycleFile(opts.lifecycle) : undefined;
      const notBackedUp = opts.notBackedUp ? lifecycleFiles().readNotBackedUpFile(opts.notBackedUp) : undefined;
      const findings: compareModule.DriftFinding[] = [];
      if (lifecycle) findings.push(...compare().compareLifecycle(c, lifecycle));
      if (notBackedUp) findings.push(...compare().compareNotBackedUp(c, notBackedUp, opts.host));
      for (const f of findings) io.out(compare().formatDrift(f) + "\n");
      const checked = [
        lifecycle && `${lifecycle.guests.length} guest(s) in ${opts.lifecycle}`,
        notBackedUp && `${notBackedUp.length} not-backed-up guest(s) in ${opts.notBackedUp}`,
      ]
        .filter(Boolean)
        .join(", ");
      io.err(
        findings.length
          ? `${file}: ${findings.length} drift finding(s) (${checked})\n`
          : `${file}: no drift (${checked})\n`,
      );
      setExit(findings.length ? ExitCode.FINDINGS : ExitCode.OK);
    });
}
