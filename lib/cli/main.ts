import { Command, CommanderError } from "commander";
import { terminalText } from "../core/escape/terminal";
import { BackupGovError } from "../errors";
import { registerAdopt } from "./commands/adopt";
import { registerDrift } from "./commands/drift";
import { registerExplain } from "./commands/explain";
import { registerOnboard } from "./commands/onboard";
import { registerPlan } from "./commands/plan";
import { registerReport } from "./commands/report";
import { registerStatus } from "./commands/status";
import { registerSynth } from "./commands/synth";
import { registerValidate } from "./commands/validate";
import { packageVersion } from "../private/package-root";
import { type CliIo, ExitCode, processIo } from "./io";

/** The commands, each in lib/cli/commands/<name>.ts. */
const COMMANDS = [
  registerValidate,
  registerSynth,
  registerExplain,
  registerStatus,
  registerOnboard,
  registerDrift,
  registerPlan,
  registerReport,
  registerAdopt,
];

/**
 * Runs `backup-gov` with the given arguments (without node and script) and returns the
 * exit code. Never throws for a user mistake: those become a message and exit code 2.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: ExitCode = ExitCode.OK;
  const setExit = (c: ExitCode) => {
    code = c;
  };
  const program = new Command("backup-gov")
    .description(
      "Backup governance as code: validate a service catalog and synthesize its Terraform and operator artifacts.",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showSuggestionAfterError(true)
    .version(packageVersion(), "-V, --version");
  for (const register of COMMANDS) register(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    // A message quotes what it was given (a file name, a value from an input file): one line, escaped.
    if (e instanceof BackupGovError) {
      io.err(`backup-gov: ${terminalText(e.message)}\n`);
      return ExitCode.USAGE;
    }
    throw e;
  }
  return code;
}
