import type { Command } from "commander";
import { type CliIo, ExitCode } from "../io";
import type * as docsModule from "../../governance/docs";

// Loaded when the command runs, not when the CLI starts: `backup-gov --help`, `explain` and the
// other commands never load cdktf, the provider bindings or the catalog schema for it.
const docs = (): typeof docsModule => require("../../governance/docs");

export function registerExplain(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("explain")
    .description("Explain a rule id (GOV-004, CAT-003, ACK-002, ...); without an id, list every rule.")
    .argument("[rule]", "rule id")
    .action((rule: string | undefined) => {
      if (!rule) {
        io.out(docs().listRules());
        return setExit(ExitCode.OK);
      }
      const text = docs().explainRule(rule.toUpperCase());
      if (!text) {
        io.err(`backup-gov explain: unknown rule ${rule}; run \`backup-gov explain\` for the list\n`);
        return setExit(ExitCode.USAGE);
      }
      io.out(text);
      setExit(ExitCode.OK);
    });
}
