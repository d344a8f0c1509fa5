/** Where a command writes: injectable so the CLI can be tested in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Exit codes: 0 clean, 1 findings (or drift, staleness, failed steps), 2 usage or I/O error. */
export enum ExitCode {
  OK = 0,
  FINDINGS = 1,
  USAGE = 2,
}

/** The catalog a command reads when none is given: BACKUP_CATALOG, else stacks/catalog.yaml. */
export function defaultCatalogPath(): string {
  return process.env.BACKUP_CATALOG ?? "stacks/catalog.yaml";
}
