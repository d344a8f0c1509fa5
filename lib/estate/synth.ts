import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Errors } from "../errors";
import { App, withoutTokenStackTraces } from "../core/cdk";
import { type ValidationReport, validateCatalogFile } from "../governance/validate";
import { Estate } from "./estate";

/** Result of {@link synthesizeCatalog}. */
export interface SynthResult {
  readonly report: ValidationReport;
  /** The estate, when the catalog was valid. */
  readonly estate?: Estate;
  /** Stack names written under `<outdir>/stacks/`. */
  readonly stacks: readonly string[];
  /** Files written under `<outdir>/artifacts/`. */
  readonly artifacts: readonly string[];
  readonly outdir: string;
}

/**
 * Validates a catalog and, only when it passes, synthesizes its stacks to
 * `<outdir>/stacks/<stack>/cdk.tf.json` and its artifacts to `<outdir>/artifacts/`.
 * A catalog that fails validation writes nothing.
 */
export function synthesizeCatalog(file: string, outdir = "cdktf.out"): SynthResult {
  const report = validateCatalogFile(file);
  if (!report.ok) return { report, stacks: [], artifacts: [], outdir };
  try {
    mkdirSync(outdir, { recursive: true });
  } catch (e) {
    throw Errors.cannotWrite(outdir, (e as Error).message);
  }
  const app = new App({ outdir });
  const estate = withoutTokenStackTraces(() => {
    const built = Estate.fromReport(app, report);
    app.synth();
    return built;
  });
  const artifacts = estate.artifacts.writeTo(join(outdir, "artifacts"));
  const stacks = estate.stacks.map((s) => s.node.id);
  removeStaleStacks(join(outdir, "stacks"), stacks);
  return { report, estate, stacks, artifacts, outdir };
}

/**
 * Removes stack folders an earlier synth left behind (an estate that dropped its `aws` or
 * `proxmox` section, another catalog synthesized into the same folder): a pipeline that
 * applies every folder under stacks/ must not apply stale configuration.
 */
function removeStaleStacks(dir: string, current: readonly string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!current.includes(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
