import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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
   * Writes every artifact under `dir` (normally `<outdir>/artifacts`), replacing what an
   * earlier run left there so that removed services leave no stale SOPs or scripts behind.
   * Folders kept (onboarding receipts: evidence, not renderings) stay.
   */
  public writeTo(dir: string): string[] {
    try {
      for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
        if (!KEPT_FOLDERS.includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
      }
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
        writeFileSync(file, a.content);
        chmodSync(file, a.mode ?? 0o644);
        written.push(file);
      }
      return written;
    } catch (e) {
      throw ioError(dir, e);
    }
  }
}
