import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Errors } from "../errors";
import { App } from "../core/cdk";
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
  const estate = Estate.fromReport(app, report);
  app.synth();
  const artifacts = estate.artifacts.writeTo(join(outdir, "artifacts"));
  const stacks = [estate.awsStack, estate.proxmoxStack].filter((s) => s !== undefined).map((s) => s!.node.id);
  return { report, estate, stacks, artifacts, outdir };
}
