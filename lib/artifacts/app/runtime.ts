import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Heartbeat, METRIC_HELP, METRIC_LABELS, Metrics } from "../../core/metrics";
import { shellArray, shellAssign } from "../../core/escape/shell";
import { Errors } from "../../errors";
import { ExitCode } from "./exit-codes";

/**
 * The app-backup runtime: the real shell files under `lib/artifacts/app/sh/` (a library,
 * one file per tool and per engine, the scripts' main functions and one entry point),
 * installed once per host by the bundle's install.sh, with a version that every service's
 * entry point checks. TypeScript writes no shell code here: it only lists the files, renders
 * the constants shared with TypeScript (`lib/constants.sh`, kept current by `npm run gen`)
 * and computes the version.
 */

/** Where the runtime's files live in the source tree (and in the published package). */
export function runtimeSourceDir(): string {
  // From lib/artifacts/app (ts-jest, tsx) or dist/lib/artifacts/app (compiled): the package ships lib/artifacts/app/sh.
  const candidates = [join(__dirname, "sh"), join(__dirname, "..", "..", "..", "..", "lib", "artifacts", "app", "sh")];
  const found = candidates.find((c) => existsSync(join(c, "entry", "entry.sh")));
  if (!found) throw Errors.runtimeFileMissing(candidates[0]);
  return found;
}

/** Folder of the systemd unit templates, beside the runtime. */
export function unitTemplateDir(): string {
  return join(runtimeSourceDir(), "..", "systemd");
}

/** `lastRunSuccess` → `LAST_RUN_SUCCESS`. */
function upperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** Shell names of the metric constants: `METRIC_<KEY>` holds the name, `HELP_<KEY>` its HELP text. */
export function metricConstantNames(): Record<string, { name: string; help: string }> {
  return Object.fromEntries(
    Object.keys(Metrics).map((k) => [k, { name: `METRIC_${upperSnake(k)}`, help: `HELP_${upperSnake(k)}` }]),
  );
}

/** Exit code constants: `EXIT_<NAME>`. */
export function exitCodeConstants(): Array<[string, number]> {
  return Object.entries(ExitCode)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .map(([k, v]) => [`EXIT_${k}`, v]);
}

/** lib/constants.sh: exit codes, metric names and HELP texts, heartbeat names, from their TS definitions. */
export function renderRuntimeConstants(): string {
  const lines = [
    "# shellcheck shell=bash",
    "# shellcheck disable=SC2034 # constants for the other files of the runtime",
    "# Constants shared with TypeScript, rendered from lib/artifacts/app/exit-codes.ts and",
    "# lib/core/metrics.ts by `npm run gen`; a test checks that this file is current. Do not edit.",
    "",
    "# Exit codes of backup.sh, restore.sh and verify.sh.",
    ...exitCodeConstants().map(([k, v]) => `readonly ${shellAssign(k, v)}`),
    `readonly ${shellAssign(
      "EXIT_CODES",
      exitCodeConstants().map(([, v]) => v),
    )}`,
    "",
    "# Metric names and their one HELP text each (the metrics contract, docs/metrics.md).",
  ];
  const names = metricConstantNames();
  for (const [key, metric] of Object.entries(Metrics)) {
    lines.push(`readonly ${shellAssign(names[key].name, metric)}`);
    lines.push(`readonly ${shellAssign(names[key].help, METRIC_HELP[metric])}`);
  }
  lines.push(
    `readonly METRIC_LABELS=${shellArray(METRIC_LABELS)}`,
    "",
    "# The CloudWatch heartbeat.",
    `readonly ${shellAssign("HEARTBEAT_NAMESPACE", Heartbeat.namespace)}`,
    `readonly ${shellAssign("HEARTBEAT_SUCCESS_METRIC", Heartbeat.successMetric)}`,
    `readonly ${shellAssign("HEARTBEAT_SIZE_METRIC", Heartbeat.sizeMetric)}`,
    `readonly HEARTBEAT_DIMENSIONS=${shellArray(Heartbeat.dimensions)}`,
  );
  return lines.join("\n") + "\n";
}

/** One file of the runtime, relative to the runtime folder. */
export interface RuntimeFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : [p];
    })
    .sort();
}

const CONSTANTS = "lib/constants.sh";

let cache: { files: RuntimeFile[]; version: string } | undefined;

function load(): { files: RuntimeFile[]; version: string } {
  if (cache) return cache;
  const root = runtimeSourceDir();
  const files: RuntimeFile[] = walk(root)
    .map((f) => relative(root, f).split("\\").join("/"))
    // bundle/ holds the host bundle's install.sh and operator/ the scripts an operator runs
    // from a workstation (the immutability drill): neither is part of the installed runtime.
    .filter(
      (path) =>
        path.endsWith(".sh") && !path.startsWith("bundle/") && !path.startsWith("operator/") && path !== CONSTANTS,
    )
    .map((path) => ({
      path,
      content: readFileSync(join(root, path), "utf8"),
      mode: path.startsWith("entry/") || path.startsWith("vzdump/") ? 0o755 : 0o644,
    }));
  // The constants always come from the TS definitions, even where the committed copy is stale.
  files.push({ path: CONSTANTS, content: renderRuntimeConstants(), mode: 0o644 });
  files.sort((a, b) => a.path.localeCompare(b.path));
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.path}\0${f.content}\0`);
  const pkg = JSON.parse(readFileSync(join(root, "..", "..", "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  cache = { files, version: `${pkg.version}+${hash.digest("hex").slice(0, 12)}` };
  return cache;
}

/** The runtime's version: the package version and a digest of every runtime file. */
export function runtimeVersion(): string {
  return load().version;
}

/** Every file of the runtime, and its VERSION file, as installed under `<prefix>/runtime/`. */
export function runtimeFiles(): RuntimeFile[] {
  const { files, version } = load();
  return [...files, { path: "VERSION", content: version + "\n", mode: 0o644 }];
}

/** The runtime's entry point (one file, installed under each script name of a service). */
export function entryPoint(): string {
  return load().files.find((f) => f.path === "entry/entry.sh")!.content;
}

/** A real shell file of the source tree that is not part of the runtime (the bundle's install.sh, the operator's drill). */
export function shellSource(path: string): string {
  const file = join(runtimeSourceDir(), path);
  if (!existsSync(file)) throw Errors.runtimeFileMissing(file);
  return readFileSync(file, "utf8");
}
