import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a real tool; a tool that is not installed fails the test (CI installs it: .ci/run). */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): RunResult {
  const r = spawnSync(cmd, [...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); install it (see .ci/run)`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder under .tmp/ for one test file. */
export function scratch(name: string): string {
  const base = join(__dirname, "..", "..", ".tmp", "scratch-tests");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${name}-`));
}
