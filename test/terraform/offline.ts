/**
 * Offline terraform for the tests: synthesizes catalogs, then runs the real terraform
 * (init, validate, plan -refresh=false, show -json) on every AWS stack against the machine's
 * provider mirror, through scripts/tf-offline.sh. Results are written under .tmp/tf/ so that
 * every test file reads the same plans without running terraform again.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
// The same override and placeholders `backup-gov plan --offline` writes (one implementation).
import { offlineOverride, offlineVariables } from "../../lib/private/offline-plan";

export const ROOT = join(__dirname, "..", "..");
export const TF_DIR = join(ROOT, ".tmp", "tf");
const SCRIPT = join(ROOT, "scripts", "tf-offline.sh");

/** Every catalog the terraform checks cover: the default one and every example. */
export function plannedCatalogs(): Array<{ name: string; file: string }> {
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: basename(f, ".yaml"), file: join(ROOT, "examples", f) }));
  return [{ name: "default", file: join(ROOT, "stacks", "catalog.yaml") }, ...examples];
}

export interface StackRun {
  readonly catalog: string;
  readonly stack: string;
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  readonly plan: PlanJson;
}

export interface PlanResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly provider_name: string;
  readonly values: Record<string, unknown>;
}

export interface PlanJson {
  readonly format_version: string;
  readonly planned_values: { root_module: { resources?: PlanResource[] } };
  readonly resource_changes: Array<{
    address: string;
    type: string;
    mode: "managed" | "data";
    change: { actions: string[]; after: Record<string, unknown> };
  }>;
  readonly configuration: {
    provider_config: Record<
      string,
      { name: string; alias?: string; expressions?: Record<string, { constant_value?: unknown }> }
    >;
    root_module: {
      resources?: Array<{
        address: string;
        type: string;
        expressions: Record<string, unknown>;
        provider_config_key: string;
      }>;
      variables?: Record<string, { sensitive?: boolean }>;
    };
  };
}

function tf(dir: string, args: string[]): string {
  return execFileSync(SCRIPT, [dir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 512 * 1024 * 1024,
  });
}

/** Synthesizes one catalog and plans each of its AWS stacks; returns the runs. */
export function planCatalog(catalog: { name: string; file: string }): StackRun[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeCatalog } = require("../../lib/estate/synth") as typeof import("../../lib/estate/synth");
  const out = join(TF_DIR, catalog.name);
  rmSync(out, { recursive: true, force: true });
  const result = synthesizeCatalog(catalog.file, join(out, "synth"));
  if (!result.report.ok)
    throw new Error(`${catalog.file} does not validate: ${result.report.findings.map((f) => f.message).join("; ")}`);
  const runs: StackRun[] = [];
  for (const stack of result.stacks) {
    const src = join(out, "synth", "stacks", stack, "cdk.tf.json");
    const json = JSON.parse(readFileSync(src, "utf8"));
    const providers = Object.keys(json.terraform?.required_providers ?? {});
    // Only pure AWS stacks: the Proxmox plugin is not in the mirror, so Proxmox stacks cannot init offline.
    if (!providers.includes("aws") || providers.some((p) => p !== "aws")) continue;
    const work = join(out, "tf", stack);
    mkdirSync(work, { recursive: true });
    copyFileSync(src, join(work, "cdk.tf.json"));
    writeFileSync(join(work, "offline_override.tf.json"), JSON.stringify(offlineOverride(json), null, 2));
    writeFileSync(join(work, "offline.auto.tfvars.json"), JSON.stringify(offlineVariables(json), null, 2));
    tf(work, ["init", "-input=false", "-no-color", "-backend=true"]);
    const validate = JSON.parse(tf(work, ["validate", "-json", "-no-color"]));
    tf(work, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"]);
    const plan = JSON.parse(tf(work, ["show", "-json", "plan.bin"])) as PlanJson;
    const run: StackRun = { catalog: catalog.name, stack, validate, plan };
    writeFileSync(join(out, `${stack}.run.json`), JSON.stringify(run));
    runs.push(run);
  }
  return runs;
}

/** The runs global-setup wrote for a catalog. */
export function loadRuns(catalog: string): StackRun[] {
  const dir = join(TF_DIR, catalog);
  if (!existsSync(dir)) throw new Error(`no terraform run for ${catalog}: run the terraform project (global setup)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".run.json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as StackRun);
}

/** Planned resources of a run, optionally of one type. */
export function resources(run: StackRun, type?: string): PlanResource[] {
  const all = run.plan.planned_values.root_module.resources ?? [];
  return type ? all.filter((r) => r.type === type) : all;
}
