import type { Command } from "commander";
import { isBlocking } from "../../core/finding";
import { compareLifecycle, compareNotBackedUp, type DriftFinding, formatDrift } from "../../drift/compare";
import { readLifecycleFile, readNotBackedUpFile } from "../../drift/lifecycle";
import { Errors } from "../../errors";
import { validateCatalogFile } from "../../governance/validate";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";

interface DriftOptions {
  lifecycle?: string;
  notBackedUp?: string;
  host?: string;
}

export function registerDrift(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("drift")
    .description("Compare the catalog with the estate: a guest lifecycle list and/or Proxmox's not-backed-up report. One line per finding.")
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--lifecycle <file>", "the estate's guest list (YAML or JSON, see docs/drift.md)")
    .option("--not-backed-up <file>", "saved JSON of GET /cluster/backup-info/not-backed-up")
    .option("--host <name>", "the catalog host the --not-backed-up answer came from (default: match the vmid on every host)")
    .addHelpText("after", "\nExit codes: 0 no drift, 1 drift (one line per finding on stdout), 2 usage or I/O error.")
    .action((catalog: string | undefined, opts: DriftOptions) => {
      if (!opts.lifecycle && !opts.notBackedUp) throw Errors.driftNothingToCompare();
      const file = catalog ?? defaultCatalogPath();
      const report = validateCatalogFile(file);
      if (!report.catalog || !report.ok) throw Errors.driftCatalogInvalid(file, report.findings.filter(isBlocking).length);
      const c = report.catalog;
      const hosts = Object.keys(c.proxmox?.hosts ?? {}).sort();
      if (opts.host !== undefined && !hosts.includes(opts.host)) throw Errors.driftUnknownHost(opts.host, hosts.join(", ") || "(none)");
      // Read every input before printing anything: a bad second file must not leave half a report.
      const lifecycle = opts.lifecycle ? readLifecycleFile(opts.lifecycle) : undefined;
      const notBackedUp = opts.notBackedUp ? readNotBackedUpFile(opts.notBackedUp) : undefined;
      const findings: DriftFinding[] = [];
      if (lifecycle) findings.push(...compareLifecycle(c, lifecycle));
      if (notBackedUp) findings.push(...compareNotBackedUp(c, notBackedUp, opts.host));
      for (const f of findings) io.out(formatDrift(f) + "\n");
      const checked = [lifecycle && `${lifecycle.guests.length} guest(s) in ${opts.lifecycle}`, notBackedUp && `${notBackedUp.length} not-backed-up guest(s) in ${opts.notBackedUp}`].filter(Boolean).join(", ");
      io.err(findings.length ? `${file}: ${findings.length} drift finding(s) (${checked})\n` : `${file}: no drift (${checked})\n`);
      setExit(findings.length ? ExitCode.FINDINGS : ExitCode.OK);
    });
}
