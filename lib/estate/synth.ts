import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { ARTIFACTS_LIST } from "../artifacts/artifact";
import { ioError } from "../private/io-error";
import { App, withoutTokenStackTraces } from "../core/cdk";
import { type ValidationReport, validateCatalogFile } from "../governance/validate";
import { Estate } from "./estate";
import {
  acquireLock,
  commitOutput,
  DEFAULT_LOCK_WAIT_SECONDS,
  dropIfCreated,
  makeStaging,
  openOutputFolder,
  type OutputFolder,
  readManifest,
  removeDeadStaging,
} from "./output-folder";

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
  /**
   * Folders of stacks the catalog no longer has that still hold files synth did not write
   * (Terraform's `.terraform/`): synth removed its own files and left these for the user.
   * @default []
   */
  readonly leftovers?: readonly string[];
}

/** Options of {@link synthesizeCatalog}. */
export interface SynthOptions {
  /**
   * How long to wait for another synth that is putting its output into the same folder.
   * @default 30
   */
  readonly lockWaitSeconds?: number;
}

/**
 * Validates a catalog and, only when it passes, synthesizes its stacks to
 * `<outdir>/stacks/<stack>/cdk.tf.json` and its artifacts to `<outdir>/artifacts/`.
 * A catalog that fails validation writes nothing.
 *
 * Everything is written into a staging folder inside `outdir` and moved into place only
 * when complete: a synth that fails half-way leaves the previous output as it was. Synth
 * owns exactly the files its last run listed in `outdir/.backup-gov-manifest.json`: those
 * are replaced or removed (a pipeline that applies every folder under stacks/ must not
 * apply stale configuration); every other file stays (onboarding receipts, Terraform's
 * `.terraform/` and lock file, a user's notes). A folder that holds files but no manifest
 * is not synth's and is refused (IO-050), and so is a new file whose place a user's file
 * takes (IO-051). Concurrent synths into one folder take turns (IO-053 after the wait);
 * a symlinked `outdir` stays a link and its target receives the output.
 */
export function synthesizeCatalog(file: string, outdir = "cdktf.out", options: SynthOptions = {}): SynthResult {
  const steps = synthSteps(file, outdir, options);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    if (r.value > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, r.value);
  }
}

/**
 * {@link synthesizeCatalog}, giving the event loop a turn between its phases so that a
 * signal is noticed: when `signal` is aborted at such a point, the synth stops, removes its
 * staging folder and throws the signal's reason. Once output starts moving into place it
 * finishes first (a few renames), so `outdir` is never half old, half new.
 */
export async function synthesizeCatalogInterruptible(
  file: string,
  outdir: string,
  signal: AbortSignal,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const steps = synthSteps(file, outdir, options);
  for (let r = steps.next(); ;) {
    if (r.done) return r.value;
    const ms = r.value;
    await new Promise((done) => setTimeout(done, ms));
    if (signal.aborted) {
      // Runs the generator's finally blocks: the staging folder and the lock go.
      steps.return(undefined as never);
      throw signal.reason;
    }
    r = steps.next();
  }
}

/** The phases of a synth; each `yield` is a point where it may stop (the value: ms to wait). */
function* synthSteps(file: string, outdir: string, options: SynthOptions): Generator<number, SynthResult> {
  const report = validateCatalogFile(file);
  if (!report.ok) return { report, stacks: [], artifacts: [], outdir };
  const out: OutputFolder = openOutputFolder(outdir);
  let committed = false;
  let staging: string | undefined;
  try {
    yield 0;
    staging = makeStaging(out);
    const app = new App({ outdir: staging });
    const estate = withoutTokenStackTraces(() => {
      const built = Estate.fromReport(app, report);
      guarded(staging!, () => app.synth());
      return built;
    });
    yield 0;
    const written = estate.artifacts.writeTo(join(staging, "artifacts"));
    // Synth's own manifest lists the output; writeTo's list of a fresh folder is not part of it.
    rmSync(join(staging, "artifacts", ARTIFACTS_LIST), { force: true });
    const stacks = estate.stacks.map((s) => s.node.id);
    yield 0;
    const release = yield* acquireLock(out, options.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS);
    let leftovers: string[];
    try {
      removeDeadStaging(out);
      // Read again under the lock: another synth may have committed since the first look.
      leftovers = commitOutput(out, staging, readManifest(out));
      committed = true;
    } finally {
      release();
    }
    const artifacts = written.map((f) => join(outdir, relative(staging!, f)));
    return { report, estate, stacks, artifacts, outdir, leftovers };
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    if (!committed) dropIfCreated(out);
  }
}

/** Runs a write and turns file-system failures into IO errors that say what went wrong. */
function guarded<T>(where: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw ioError(where, e);
  }
}
