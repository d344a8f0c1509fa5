import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { runCli } from "../../lib/cli/main";

/** Runs `backup-gov` in-process and captures its output. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const ROOT = join(__dirname, "..", "..");

/**
 * The real `backup-gov` process, for tests with signals and concurrency. Node runs the CLI
 * itself with tsx as a loader: the `tsx` command would put a wrapper process in between
 * that receives (and relays, or not) the signals.
 */
export function spawnCli(
  args: readonly string[],
  opts: { cwd?: string } = {},
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "lib", "cli", "bin.ts"), ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done };
}
