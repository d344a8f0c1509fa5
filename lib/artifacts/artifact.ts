import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, posix } from "node:path";
import { Errors } from "../errors";
import { ioError } from "../private/io-error";

/** The list of files {@link ArtifactSet.writeTo} wrote, inside the folder it wrote them to. */
export const ARTIFACTS_LIST = ".backup-gov-artifacts.json";

/** Folders under `artifacts/` that re-rendering keeps: written by commands, not by synth. */
export const KEPT_FOLDERS: readonly string[] = ["receipts"];

/** One file an operator receives: a document, a script, a unit, a bundle. */
export interface Artifact {
  /** Path under `artifacts/`, with forward slashes. */
  readonly path: string;
  readonly content: string | Uint8Array;
  /** File mode; scripts are 0755. @default 0o644 */
  readonly mode?: number;
  /**
   * A file that several renderers return alike (the app-backup runtime, which every host
   * bundle needs): the set keeps one copy, written once; another copy must be identical.
   * @default false
   */
  readonly shared?: boolean;
}

/**
 * The artifacts of one estate, collected while the estate is built. Paths are unique:
 * adding a second artifact at a path is a bug in a renderer, and throws.
 */
export class ArtifactSet {
  private readonly files = new Map<string, Artifact>();

  public add(artifact: Artifact): void {
    const present = this.files.get(artifact.path);
    if (present) {
      if (
        present.shared &&
        artifact.shared &&
        sameContent(present.content, artifact.content) &&
        (present.mode ?? 0o644) === (artifact.mode ?? 0o644)
      )
        return;
      throw new Error(`artifact ${artifact.path} was rendered twice`);
    }
    this.files.set(artifact.path, artifact);
  }

  public get(path: string): Artifact | undefined {
    return this.files.get(path);
  }

  /** Every artifact, sorted by path. */
  public list(): Artifact[] {
    return [...this.files.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Writes every artifact under `dir` and lists them in `dir/.backup-gov-artifacts.json`.
   * `dir` must be missing, empty (but for kept folders: onboarding receipts), or an earlier
   * writeTo's output: then exactly the files that list names are removed first, so that removed
   * services leave no stale SOPs or scripts behind. Nothing else is ever replaced or deleted: a
   * folder holding other files without that list may be the user's, and is refused (IO-090);
   * a file of the user's where an artifact goes is refused, not overwritten. Unlike synth, this
   * is not atomic: synth writes into a fresh staging folder and moves the whole output in
   * (lib/estate/output-folder.ts).
   */
  public writeTo(dir: string): string[] {
    try {
      const present = existsSync(dir)
        ? readdirSync(dir)
            .filter((e) => !KEPT_FOLDERS.includes(e))
            .sort()
        : [];
      if (present.length) removeListed(dir, present);
      const written: string[] = [];
      // One mkdir per folder, not per file: thousands of artifacts share a few hundred folders.
      const made = new Set<string>();
      const artifacts = this.list();
      for (const a of artifacts) {
        const file = join(dir, a.path);
        const parent = dirname(file);
        if (!made.has(parent)) {
          mkdirSync(parent, { recursive: true });
          made.add(parent);
        }
        // "wx": never over a file that is there (a receipt, or one put there meanwhile).
        writeFileSync(file, a.content, { flag: "wx" });
        chmodSync(file, a.mode ?? 0o644);
        written.push(file);
      }
      const list = artifacts.map((a) => a.path);
      writeFileSync(
        join(dir, ARTIFACTS_LIST),
        JSON.stringify(
          {
            generator: "ArtifactSet.writeTo",
            note: "Files the last writeTo wrote; the next one removes exactly these.",
            files: list,
          },
          null,
          2,
        ) + "\n",
        { mode: 0o644 },
      );
      return written;
    } catch (e) {
      throw ioError(dir, e);
    }
  }
}

function sameContent(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * Removes the files an earlier writeTo listed in `dir` (and the folders they leave empty), after
 * checking the whole list: a folder without the list, or with a list naming a path outside it,
 * is refused before anything is removed.
 */
function removeListed(dir: string, present: readonly string[]): void {
  const listFile = join(dir, ARTIFACTS_LIST);
  const notOurs = (why: string) =>
    Errors.artifactsFolderNotEmpty(
      dir,
      present.slice(0, 5).join(", ") + (present.length > 5 ? `, and ${present.length - 5} more` : ""),
      why,
    );
  if (!existsSync(listFile) || !lstatSync(listFile).isFile()) throw notOurs(`it has no ${ARTIFACTS_LIST}`);
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(listFile, "utf8")) as { files?: unknown }).files;
  } catch {
    files = undefined;
  }
  const ok = (f: unknown): f is string =>
    typeof f === "string" &&
    f !== "" &&
    !isAbsolute(f) &&
    !f.includes("\\") &&
    !f.includes("\0") &&
    posix.normalize(f) === f &&
    !f.split("/").includes("..") &&
    f !== ARTIFACTS_LIST &&
    !KEPT_FOLDERS.includes(f.split("/")[0]);
  if (!Array.isArray(files) || !files.every(ok))
    throw notOurs(`its ${ARTIFACTS_LIST} is not a list of paths inside it`);
  const folders = new Set<string>();
  for (const f of files) {
    const p = join(dir, f);
    const st = lstatSync(p, { throwIfNoEntry: false });
    // A folder where a file was listed is not one writeTo made: left alone.
    if (st && !st.isDirectory()) rmSync(p);
    for (let d = posix.dirname(f); d !== "."; d = posix.dirname(d)) folders.add(d);
  }
  rmSync(listFile);
  // Deepest first; a folder that still holds anything (a user's file) stays.
  for (const d of [...folders].sort((a, b) => b.split("/").length - a.split("/").length)) {
    try {
      rmdirSync(join(dir, d));
    } catch {
      // not empty, or gone
    }
  }
}
