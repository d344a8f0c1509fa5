import type { Command } from "commander";
import { explainRule, listRules } from "../../governance/docs";
import { type CliIo, ExitCode } from "../io";

export function registerExplain(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("explain")
    .description("Explain a rule id (GOV-004, CAT-003, ACK-002, ...); without an id, list every rule.")
    .argument("[rule]", "rule id")
    .action((rule: string | undefined) => {
      if (!rule) {
        io.out(listRules());
        return setExit(ExitCode.OK);
      }
      const text = explainRule(rule.toUpperCase());
      if (!text) {
        io.err(`backup-gov explain: unknown rule ${rule}; run \`backup-gov explain\` for the list\n`);
        return setExit(ExitCode.USAGE);
      }
      io.out(text);
      setExit(ExitCode.OK);
    });
}
