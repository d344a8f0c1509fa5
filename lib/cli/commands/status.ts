import { terminalText } from "../../core/escape/terminal";
import { formatFinding } from "../../core/finding";
import type { Command } from "commander";
import type { Catalog } from "../../catalog/model";
import { Errors } from "../../errors";
import { type FreshnessRow, FreshnessState, judgeFreshness, MAX_UNIX_SECONDS } from "../../policy/freshness";
import { type CliIo, defaultCatalogPath, ExitCode } from "../io";
import {
  FRESHNESS_QUERIES,
  type MetricsRead,
  observe,
  PROMETHEUS_TIMEOUT_MS,
  queryPrometheus,
  readTextfileDir,
} from "../metrics-source";
import type * as validationModule from "../../governance/validate";
import type * as effectiveModule from "../../policy/effective";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const validation = (): typeof validationModule => require("../../governance/validate");
const effective = (): typeof effectiveModule => require("../../policy/effective");

/** Where `status` and `onboard` read metrics from. */
export interface MetricsOptions {
  readonly metricsDir?: string;
  readonly prometheus?: string;
  readonly now?: string;
  /** Seconds to wait for each Prometheus answer. */
  readonly timeout?: string;
}

/** `--timeout` in milliseconds (0.1 to 600 seconds). */
function timeoutMs(opts: MetricsOptions): number | undefined {
  if (opts.timeout === undefined) return undefined;
  const n = Number(opts.timeout);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(opts.timeout) || !(n >= 0.1 && n <= 600)) throw Errors.invalidTimeout(opts.timeout);
  return n * 1000;
}

/** Reads the metrics source the options name (exactly one of them); `queries` are what Prometheus is asked. */
export async function readMetrics(opts: MetricsOptions, queries = FRESHNESS_QUERIES): Promise<MetricsRead> {
  if (opts.metricsDir && opts.prometheus) throw Errors.metricsSourceMissing();
  if (opts.metricsDir) return readTextfileDir(opts.metricsDir);
  if (opts.prometheus) return queryPrometheus(opts.prometheus, { timeoutMs: timeoutMs(opts) }, queries);
  throw Errors.metricsSourceMissing();
}

/** `--now` as Unix seconds, or the current time. */
export function nowSeconds(opts: MetricsOptions): number {
  if (opts.now === undefined) return Math.floor(Date.now() / 1000);
  const n = Number(opts.now);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(opts.now) || !Number.isFinite(n) || n > MAX_UNIX_SECONDS)
    throw Errors.invalidNow(opts.now);
  return n;
}

/** Loads the catalog a command names; a catalog that cannot be read at all is a usage error. */
export function loadCatalogFor(file: string | undefined, io: CliIo, command: string): Catalog {
  const report = validation().validateCatalogFile(file ?? defaultCatalogPath());
  if (!report.catalog) {
    for (const f of report.findings) io.err(formatFinding(f) + "\n");
    throw Errors.catalogInvalid(report.file, report.findings.length);
  }
  if (!report.ok)
    io.err(
      `backup-gov ${command}: ${report.file} does not validate (run \`backup-gov validate\`); judging the services that parse\n`,
    );
  return report.catalog;
}

/** `90s`, `14m`, `4h05m`, `2d03h`: short enough for a table column. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, "0")}h`;
}

function iso(unix: number): string {
  return new Date(unix * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

function stateText(r: FreshnessRow): string {
  const failed = r.lastRunFailed ? " (last run failed)" : "";
  switch (r.state) {
    case FreshnessState.NOT_WATCHED:
      return r.unwatchedReason ?? "not watched here";
    case FreshnessState.MISSING:
      return `MISSING: no success reported${failed}`;
    case FreshnessState.STALE:
      return `STALE${failed}`;
    case FreshnessState.FUTURE:
      return `FUTURE: last success ${formatAge(r.aheadSeconds ?? 0)} ahead of now (clock skew?)${failed}`;
    case FreshnessState.INVALID:
      return `INVALID: last success ${r.invalidValue} is no Unix time${failed}`;
    default:
      return `ok${failed}`;
  }
}

/** The freshness table, one row per service. */
export function renderStatusTable(rows: readonly FreshnessRow[]): string {
  const head = ["SERVICE", "LAST SUCCESS (UTC)", "AGE", "RPO", "STALE AFTER", "STATE"];
  const body = rows.map((r) =>
    [
      r.serviceId,
      r.lastSuccess !== undefined ? iso(r.lastSuccess) : "-",
      r.ageSeconds !== undefined ? formatAge(r.ageSeconds) : "-",
      r.rpo.toString(),
      r.window ? r.window.threshold.toString() : "-",
      stateText(r),
    ].map((c) => terminalText(c)),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return (
    [head, ...body]
      .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  "))
      .join("\n") + "\n"
  );
}

/** Whether a row makes `status` exit 1. */
export function isUnhealthy(r: FreshnessRow): boolean {
  return r.state !== FreshnessState.OK && r.state !== FreshnessState.NOT_WATCHED;
}

/** The freshness rows of a catalog from a metrics read, reporting what cannot be matched. */
export function freshnessRows(
  catalog: Catalog,
  read: MetricsRead,
  now: number,
  io: CliIo,
  command: string,
): FreshnessRow[] {
  // Warnings quote file names and label values: outside text, escaped for the terminal.
  for (const w of read.warnings) io.err(`backup-gov ${command}: ${terminalText(w)}\n`);
  const observed = observe(read.samples);
  const known = new Set(catalog.services.map((s) => s.id));
  for (const id of [...observed.keys()].sort()) {
    if (!known.has(id))
      io.err(`backup-gov ${command}: metrics name service ${terminalText(id)}, which is not in ${catalog.file}\n`);
  }
  return judgeFreshness(effective().effectivePolicies(catalog), catalog, observed, now);
}

export function registerStatus(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("status")
    .description(
      "Freshness of every service's backups against its RPO, from textfile metrics or Prometheus (the estate's backup.status).",
    )
    .argument("[catalog]", "catalog file (default: $BACKUP_CATALOG or stacks/catalog.yaml)")
    .option("--metrics-dir <dir>", "node_exporter textfile folder holding the backup_*.prom files")
    .option("--prometheus <url>", "Prometheus server URL (its /api/v1/query is asked)")
    .option("--timeout <seconds>", "how long to wait for each Prometheus answer", String(PROMETHEUS_TIMEOUT_MS / 1000))
    .option("--format <format>", "text or json", "text")
    .option("--now <unix>", "judge at this Unix time instead of now")
    .addHelpText(
      "after",
      "\nA service is stale when its last success is older than its RPO (or job cadence) plus the margin.\nExit codes: 0 every watched service fresh, 1 a service stale or without metrics, 2 usage or I/O error.",
    )
    .action(async (file: string | undefined, opts: MetricsOptions & { format: string }) => {
      if (opts.format !== "text" && opts.format !== "json") {
        io.err(`backup-gov status: --format must be text or json, got "${terminalText(opts.format)}"\n`);
        return setExit(ExitCode.USAGE);
      }
      const catalog = loadCatalogFor(file, io, "status");
      const now = nowSeconds(opts);
      const rows = freshnessRows(catalog, await readMetrics(opts), now, io, "status");
      if (opts.format === "json") {
        const json = rows.map((r) => ({
          service: r.serviceId,
          state: r.state,
          lastSuccess: r.lastSuccess ?? null,
          ageSeconds: r.ageSeconds ?? null,
          rpoSeconds: r.rpo.toMinutes() * 60,
          staleAfterSeconds: r.window ? r.window.threshold.toMinutes() * 60 : null,
          lastRunFailed: r.lastRunFailed ?? null,
          ...(r.aheadSeconds !== undefined ? { aheadSeconds: r.aheadSeconds } : {}),
          // A string: JSON has no Infinity.
          ...(r.invalidValue !== undefined ? { invalidValue: String(r.invalidValue) } : {}),
        }));
        io.out(JSON.stringify({ estate: catalog.name, now, services: json }, null, 2) + "\n");
      } else {
        io.out(renderStatusTable(rows));
      }
      const bad = rows.filter(isUnhealthy);
      if (bad.length && opts.format === "text")
        io.err(
          `backup-gov status: ${bad.length} service(s) stale or without metrics: ${bad.map((r) => r.serviceId).join(", ")}\n`,
        );
      setExit(bad.length ? ExitCode.FINDINGS : ExitCode.OK);
    });
}
