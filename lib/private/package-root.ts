import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let root: string | undefined;

/** The folder of this package's package.json, from source (lib/) or compiled (dist/lib/) code alike. */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pj = join(dir, "package.json");
    if (
      existsSync(pj) &&
      (JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "cdktf-backup-governance"
    )
      return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json of cdktf-backup-governance not found above " + __dirname);
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
