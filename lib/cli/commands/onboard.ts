import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { Errors } from "../../errors";
import type { FreshnessRow } from "../../policy/freshness";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import { freshnessRows, type MetricsOptions, nowSeconds, readMetrics } from "./status";
import { terminalLines } from "../../core/escape/terminal";
import type * as receiptsModule from "../../artifacts/onboarding-receipt";
import type * as cdkModule from "../../core/cdk";
import type * as estatesModule from "../../estate/estate";
import type * as validationModule from "../../governance/validate";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const receipts = (): typeof receiptsModule => require("../../artifacts/onboarding-receipt");
const cdk = (): typeof cdkModule => require("../../core/cdk");
const estates = (): typeof estatesModule => require("../../estate/estate");
const validation = (): typeof validationModule => require("../../governance/validate");

/** Where a service's receipt is written: `<out>/artifacts/receipts/<service>.json`. */
export function receiptPath(out: string, serviceId: string): string {
  return join(out, "artifacts", receipts().RECEIPTS_DIR, `${serviceId}.json`);
}

export function registerOnboard(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("onboard")
    .description(
      "Walk the onboarding checklist for one service (intake, enrollment, app-level decision, registration, restore SOP, offsite, alerts, verification) and write its receipt.",
    )
    .argument("<service>", "service id")
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--out <dir>", "output folder; the receipt goes to DIR/artifacts/receipts/<service>.json", "cdktf.out")
    .option("--metrics-dir <dir>", "node_exporter textfile folder, for the verification step")
    .option("--prometheus <url>", "Prometheus server URL, for the verification step")
    .option("--timeout <seconds>", "how long to wait for each Prometheus answer", "10")
    .option("--now <unix>", "judge freshness at this Unix time instead of now")
    .addHelpText(
      "after",
      "\nEach step is passed, failed or pending, with its evidence. Exit codes: 0 every step passed, 1 a step failed or is pending, 2 usage or I/O error.",
    )
    .action(async (serviceId: string, file: string | undefined, opts: MetricsOptions & { out: string }) => {
      const report = validation().validateCatalogFile(file ?? defaultCatalogPath());
      const catalog = report.catalog;
      if (!catalog) throw Errors.catalogInvalid(report.file, report.findings.length);
      if (!catalog.declaredServiceIds.has(serviceId))
        throw Errors.unknownService(serviceId, [...catalog.declaredServiceIds].sort().join(", "));
      const now = nowSeconds(opts);
      let freshness: FreshnessRow | undefined;
      if (opts.metricsDir || opts.prometheus) {
        freshness = freshnessRows(catalog, await readMetrics(opts), now, io, "onboard").find(
          (r) => r.serviceId === serviceId,
        );
      }
      const path = receiptPath(opts.out, serviceId);
      try {
        // The App only makes its outdir; nothing is synthesized into it.
        mkdirSync(dirname(path), { recursive: true });
      } catch (e) {
        throw Errors.cannotWrite(path, (e as Error).message);
      }
      // Build the estate in memory so that every builder registers what it made.
      const ctx = report.ok
        ? estates().Estate.fromReport(new (cdk().App)({ outdir: opts.out }), report).context
        : undefined;
      const receipt: receiptsModule.OnboardingReceipt = receipts().onboardingReceipt({
        report,
        serviceId,
        ctx,
        freshness,
        now: new Date(now * 1000),
      });
      writeReceipt(path, JSON.stringify(receipt, null, 2) + "\n");
      io.out(terminalLines(receipts().renderReceiptText(receipt)));
      io.out(`receipt: ${path}\n`);
      setExit(receipt.complete ? ExitCode.OK : ExitCode.FINDINGS);
    });
}

/**
 * Writes a receipt as a file of its own: never through a symbolic link (which would write
 * wherever the link points, IO-055), and by renaming a complete temporary file over the old
 * receipt, so that an interrupted onboard leaves the previous receipt whole.
 */
function writeReceipt(path: string, text: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // No receipt yet.
  }
  if (isLink) throw Errors.receiptIsLink(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // "wx": a link planted at the temporary name is not followed either.
    writeFileSync(tmp, text, { flag: "wx", mode: 0o644 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw Errors.cannotWrite(path, (e as Error).message);
  }
}
