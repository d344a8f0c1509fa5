import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { formatFinding, isBlocking } from "../../core/finding";
import { Errors } from "../../errors";
import { ioError } from "../../private/io-error";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import { EVIDENCE_QUERIES, FRESHNESS_QUERIES } from "../metrics-source";
import { type MetricsOptions, nowSeconds, readMetrics } from "./status";
import { terminalText } from "../../core/escape/terminal";
import type * as cdkModule from "../../core/cdk";
import type * as estatesModule from "../../estate/estate";
import type * as validationModule from "../../governance/validate";
import type * as dataModule from "../../report/data";
import type * as htmlModule from "../../report/html";
import type * as drillRecordsModule from "../../report/drill-records";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const cdk = (): typeof cdkModule => require("../../core/cdk");
const estates = (): typeof estatesModule => require("../../estate/estate");
const validation = (): typeof validationModule => require("../../governance/validate");
const reportDataModule = (): typeof dataModule => require("../../report/data");
const html = (): typeof htmlModule => require("../../report/html");
const drillRecords = (): typeof drillRecordsModule => require("../../report/drill-records");

interface ReportOptions extends MetricsOptions {
  readonly out?: string;
  readonly drillRecords?: string;
  readonly format: string;
}

/**
 * Writes `content` to `file` whole or not at all: a temporary file beside it, renamed over it,
 * so that an interrupted run never leaves half a report where a good one was.
 */
function writeWhole(file: string, content: string): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw Errors.cannotWrite(file, "it is a folder; --out names the report file");
  const tmp = join(dirname(resolve(file)), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    // Name the report, not the temporary file beside it.
    throw err.code === "ENOENT"
      ? Errors.cannotWrite(file, `its folder ${dirname(file)} does not exist`)
      : ioError(file, { ...err, path: file, message: err.message });
  }
}

export function registerReport(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("report")
    .description(
      "The estate at a glance: coverage (3-2-1-1-0), freshness against the RPO, the week on each host and drill evidence, as one self-contained HTML file (or JSON).",
    )
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--metrics-dir <dir>", "node_exporter textfile folder holding the backup_*.prom files")
    .option("--prometheus <url>", "Prometheus server URL (its /api/v1/query is asked)")
    .option("--now <unix>", "judge freshness at this Unix time instead of now")
    .option(
      "--drill-records <dir>",
      "folder with copies of the hosts' state folders: every drills.tsv under it (one line per restore drill verify.sh ran) fills the drill ledger's records",
    )
    .option("--format <format>", "html or json (the same data)", "html")
    .option("--out <file>", "file to write (default: standard output)")
    .addHelpText(
      "after",
      "\nWithout metrics, freshness and drill results are shown as unknown, never guessed. Exit codes: 0 written, 2 usage or I/O error.",
    )
    .action(async (file: string | undefined, opts: ReportOptions) => {
      if (opts.format !== "html" && opts.format !== "json") throw Errors.reportFormat(opts.format);
      const report = validation().validateCatalogFile(file ?? defaultCatalogPath());
      if (!report.ok) {
        for (const f of report.findings.filter(isBlocking)) io.err(formatFinding(f) + "\n");
        throw Errors.catalogInvalid(report.file, report.findings.filter(isBlocking).length);
      }
      let drills: { source: string; records: drillRecordsModule.DrillRecords } | undefined;
      if (opts.drillRecords !== undefined) {
        if (!existsSync(opts.drillRecords) || !statSync(opts.drillRecords).isDirectory())
          throw Errors.drillRecordsFolder(opts.drillRecords);
        drills = {
          source: basename(resolve(opts.drillRecords)),
          records: drillRecords().readDrillRecords(opts.drillRecords),
        };
        for (const line of drills.records.skipped)
          io.err(`backup-gov report: not a drill record, left out: ${terminalText(line)}\n`);
      }
      let metrics: dataModule.ReportMetrics | undefined;
      if (opts.metricsDir || opts.prometheus) {
        const now = nowSeconds(opts);
        const read = await readMetrics(opts, [...FRESHNESS_QUERIES, ...EVIDENCE_QUERIES]);
        for (const w of read.warnings) io.err(`backup-gov report: ${terminalText(w)}\n`);
        metrics = { samples: read.samples, sources: read.sources, warnings: read.warnings, now };
      } else if (opts.now !== undefined) {
        nowSeconds(opts);
      }
      // The estate is built in memory (every builder registers its targets and jobs); nothing is synthesized.
      const scratch = mkdtempSync(join(tmpdir(), "backup-gov-report-"));
      let content: string;
      try {
        const ctx = estates().Estate.fromReport(new (cdk().App)({ outdir: scratch }), report).context;
        const data = reportDataModule().reportData(ctx, metrics, drills);
        content = opts.format === "json" ? JSON.stringify(data, null, 2) + "\n" : html().renderReportHtml(data);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      if (opts.out) {
        writeWhole(opts.out, content);
        io.out(`report: ${terminalText(opts.out)}\n`);
      } else {
        io.out(content);
      }
      setExit(ExitCode.OK);
    });
}
