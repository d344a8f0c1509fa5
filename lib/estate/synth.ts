import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Errors } from "../errors";
import { ioError } from "../private/io-error";
import { App, withoutTokenStackTraces } from "../core/cdk";
import { KEPT_FOLDERS } from "../artifacts/artifact";
import { type ValidationReport, validateCatalogFile } from "../governance/validate";
import { Estate } from "./estate";

/** Result of {@link synthesizeCatalog}. */
export interface SynthResult {
  readonly report: ValidationReport;
  /** The estate, when the catalog was valid. */
  readonly estate?: Estate;
  /** Stack names written under `<outdir>/stacks/`. */
  readonly stacks: readonly string[];
  /** Files written under `<outdir>/artifacts/` (paths inside `outdir`). */
  readonly artifacts: readonly string[];
  readonly outdir: string;
}

/**
 * Validates a catalog and, only when it passes, synthesizes its stacks to
 * `<outdir>/stacks/<stack>/cdk.tf.json` and its artifacts to `<outdir>/artifacts/`.
 * A catalog that fails validation writes nothing.
 *
 * Everything is written into a fresh folder beside `outdir` and swapped in only when it is
 * complete: a synth that fails half-way leaves the previous output as it was, byte for
 * byte. Stack folders and artifacts the new output does not have are gone after the swap
 * (a pipeline that applies every folder under stacks/ must not apply stale configuration);
 * what synth never writes is carried over: onboarding receipts, and Terraform's own files
 * in a stack folder (`.terraform/`, the lock file).
 */
export function synthesizeCatalog(file: string, outdir = "cdktf.out"): SynthResult {
  const report = validateCatalogFile(file);
  if (!report.ok) return { report, stacks: [], artifacts: [], outdir };
  checkOutdir(outdir);
  const staging = writeGuarded(dirname(resolve(outdir)), () => mkdtempSync(join(dirname(resolve(outdir)), `.${basename(resolve(outdir))}.synth-`)));
  try {
    const app = new App({ outdir: staging });
    const estate = withoutTokenStackTraces(() => {
      const built = Estate.fromReport(app, report);
      writeGuarded(staging, () => app.synth());
      return built;
    });
    const written = estate.artifacts.writeTo(join(staging, "artifacts"));
    const stacks = estate.stacks.map((s) => s.node.id);
    swapIn(staging, outdir, stacks);
    const artifacts = written.map((f) => join(outdir, relative(staging, f)));
    return { report, estate, stacks, artifacts, outdir };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function checkOutdir(outdir: string): void {
  const abs = resolve(outdir);
  const cwd = process.cwd();
  if (cwd === abs || cwd.startsWith(abs.endsWith(sep) ? abs : abs + sep)) throw Errors.outEnclosesWorkingDir(outdir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw Errors.outIsFile(outdir);
  // The folder beside --out, where the staging folder goes, may not exist yet.
  writeGuarded(dirname(abs), () => mkdirSync(dirname(abs), { recursive: true }));
}

/** Runs a write and turns file-system failures into IO errors that say what went wrong. */
function writeGuarded<T>(where: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw ioError(where, e);
  }
}

/**
 * Puts the complete output in `staging` at `outdir`. Carried-over entries are moved (not
 * copied: `.terraform/` can hold a provider binary) and moved back if the swap fails.
 */
function swapIn(staging: string, outdir: string, stacks: readonly string[]): void {
  if (!existsSync(outdir)) {
    writeGuarded(outdir, () => renameSync(staging, outdir));
    return;
  }
  const previous = writeGuarded(dirname(resolve(outdir)), () => mkdtempSync(join(dirname(resolve(outdir)), `.${basename(resolve(outdir))}.previous-`)));
  const old = join(previous, "out");
  try {
    renameSync(outdir, old);
  } catch (e) {
    rmSync(previous, { recursive: true, force: true });
    throw ioError(outdir, e);
  }
  const moved: Array<[from: string, to: string]> = [];
  try {
    for (const rel of carriedOver(old, staging, stacks)) {
      renameSync(join(old, rel), join(staging, rel));
      moved.push([join(old, rel), join(staging, rel)]);
    }
    renameSync(staging, outdir);
  } catch (e) {
    for (const [from, to] of moved.reverse()) renameSync(to, from);
    renameSync(old, outdir);
    rmSync(previous, { recursive: true, force: true });
    throw ioError(outdir, e);
  }
  rmSync(previous, { recursive: true, force: true });
}

/** Entries of the previous output (paths relative to it) that the new output keeps. */
function carriedOver(old: string, staging: string, stacks: readonly string[]): string[] {
  const out: string[] = [];
  const entries = (dir: string) => (existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : []);
  // Anything synth does not write at the top (a user's own notes, plans): kept.
  for (const name of entries(old)) if (!["stacks", "artifacts", "manifest.json"].includes(name)) out.push(name);
  for (const stack of stacks) {
    for (const name of entries(join(old, "stacks", stack))) {
      if (!existsSync(join(staging, "stacks", stack, name))) out.push(join("stacks", stack, name));
    }
  }
  for (const name of KEPT_FOLDERS) if (existsSync(join(old, "artifacts", name))) out.push(join("artifacts", name));
  return out;
}
