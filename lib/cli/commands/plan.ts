import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { Errors } from "../../errors";
import { type OfflinePlanResult, planStackOffline, stackDirs } from "../../private/offline-plan";
import { type CliIo, ExitCode } from "../io";
import { terminalLines, terminalText } from "../../core/escape/terminal";

export function registerPlan(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("plan")
    .description(
      "Plan synthesized stacks with the real terraform, offline: fake credentials, no account lookups, placeholder variables, a local backend.",
    )
    .argument("<dir>", "a synth output folder (cdktf.out), or one stack folder holding cdk.tf.json")
    .option("--offline", "plan without AWS credentials or network access to AWS (required)")
    .option(
      "--work <dir>",
      "where each stack's terraform folder goes (<work>/<stack>: plan.bin, plan.json); default .backup-gov/offline-plan/<dir>, one folder per planned output",
    )
    .option(
      "--plugin-mirror <dir>",
      "a provider filesystem mirror (the folder above registry.terraform.io); default $TF_PLUGIN_MIRROR, else terraform downloads providers",
    )
    .option(
      "--all-providers",
      "also plan stacks that need providers other than AWS (Proxmox stacks need the bpg/proxmox plugin)",
    )
    .option("--format <format>", "text or json", "text")
    .addHelpText(
      "after",
      [
        "",
        "What it proves: terraform accepts every resource and argument (hashicorp/aws schema checks, no AWS calls).",
        "What it does not: IAM permissions, service quotas, names already taken, anything AWS decides at apply time.",
        "Exit codes: 0 every stack planned, 1 a stack failed validate or plan, 2 usage error (no stacks, no terraform).",
      ].join("\n"),
    )
    .action(
      (
        dir: string,
        opts: { offline?: boolean; work?: string; pluginMirror?: string; allProviders?: boolean; format: string },
      ) => {
        if (!opts.offline) throw Errors.planNeedsOffline();
        if (opts.format !== "text" && opts.format !== "json") {
          io.err(`backup-gov plan: --format must be text or json, got "${terminalText(opts.format)}"\n`);
          return setExit(ExitCode.USAGE);
        }
        const mirror = opts.pluginMirror ?? process.env.TF_PLUGIN_MIRROR;
        const workRoot = opts.work ?? defaultWorkRoot(dir);
        const results: OfflinePlanResult[] = stackDirs(dir).map((d) =>
          planStackOffline(d, { workRoot, pluginMirror: mirror, allProviders: opts.allProviders }),
        );
        const failed = results.filter((r) => r.error !== undefined);
        if (opts.format === "json") {
          io.out(
            JSON.stringify(
              results.map((r) => ({
                stack: r.stack,
                workDir: r.workDir,
                ok: r.error === undefined && !r.skipped,
                skipped: r.skipped,
                valid: r.validate.valid,
                changes: r.plan ? counts(r) : undefined,
                error: r.error,
              })),
              null,
              2,
            ) + "\n",
          );
        } else {
          for (const r of results) {
            if (r.skipped) io.out(`stack ${r.stack}: skipped, ${r.skipped}\n`);
            else if (r.error !== undefined)
              io.err(`stack ${r.stack}: FAILED (${terminalText(r.workDir)})\n${terminalLines(r.error)}\n`);
            else {
              const c = counts(r);
              io.out(
                `stack ${r.stack}: planned offline, ${c.create} to create, ${c.update} to update, ${c.delete} to destroy (${r.workDir}/plan.json)\n`,
              );
            }
          }
        }
        setExit(failed.length ? ExitCode.FINDINGS : ExitCode.OK);
      },
    );
}

/**
 * `.backup-gov/offline-plan/<dir>`: one folder per planned output, named after it, so that
 * planning two outputs that hold a stack of the same name keeps both plans.
 */
export function defaultWorkRoot(dir: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, dir)) || ".";
  const name = rel
    .replace(/^(\.\.[/\\])+/, (m) => "up_".repeat(m.length / 3))
    .replace(/[/\\:]+/g, "_")
    .replace(/^\.$/, "here");
  return join(".backup-gov", "offline-plan", name);
}

function counts(r: OfflinePlanResult): { create: number; update: number; delete: number } {
  const actions = (r.plan?.resource_changes ?? []).map((c) => c.change.actions);
  return {
    create: actions.filter((a) => a.includes("create")).length,
    update: actions.filter((a) => a.includes("update")).length,
    delete: actions.filter((a) => a.includes("delete")).length,
  };
}
