import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Errors } from "../errors";
import { ioError } from "../private/io-error";

/** Folders under `artifacts/` that re-rendering keeps: written by commands, not by synth. */
export const KEPT_FOLDERS: readonly string[] = ["receipts"];

/** One file an operator receives: a document, a script, a unit, a bundle. */
export interface Artifact {
  /** Path under `artifacts/`, with forward slashes. */
  readonly path: string;
  readonly content: string | Uint8Array;
  /** File mode; scripts are 0755. @default 0o644 */
  readonly mode?: number;
}

/**
 * The artifacts of one estate, collected while the estate is built. Paths are unique:
 * adding a second artifact at a path is a bug in a renderer, and throws.
 */
export class ArtifactSet {
  private readonly files = new Map<string, Artifact>();

  public add(artifact: Artifact): void {
    if (this.files.has(artifact.path)) throw new Error(`artifact ${artifact.path} was rendered twice`);
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
   * Writes every artifact under `dir`, which must be missing or empty (folders kept across
   * renderings, onboarding receipts, may be there and stay untouched). Nothing is replaced or
   * deleted: a folder holding anything else may hold the user's files, and is refused (IO-090).
   * Re-rendering into an earlier output is synth's job: it writes into a fresh staging folder
   * and replaces only what its manifest proves it wrote (lib/estate/output-folder.ts).
   */
  public writeTo(dir: string): string[] {
    try {
      const present = existsSync(dir) ? readdirSync(dir).filter((e) => !KEPT_FOLDERS.includes(e)).sort() : [];
      if (present.length) throw Errors.artifactsFolderNotEmpty(dir, present.slice(0, 5).join(", ") + (present.length > 5 ? `, and ${present.length - 5} more` : ""));
      const written: string[] = [];
      // One mkdir per folder, not per file: thousands of artifacts share a few hundred folders.
      const made = new Set<string>();
      for (const a of this.list()) {
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
      return written;
    } catch (e) {
      throw ioError(dir, e);
    }
  }
}
