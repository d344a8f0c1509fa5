/**
 * Every error this library throws, in one place, each with a stable code.
 *
 * Codes are permanent: a code is never reused for a different condition. Messages name
 * the user-facing prop or YAML key, show the value received, what is allowed and the fix.
 * Catalog findings (CAT-/GOV-/ACK- ids) are not exceptions: they are collected by the
 * loader and the governance engine and reported together (see lib/governance/finding.ts).
 */

/** Where the documentation of an error code lives. */
export const ERRORS_DOC = "docs/errors.md";

/** Details carried by every error of this library. */
export interface BackupGovErrorDetails {
  /** The value that was rejected, if any. */
  readonly received?: unknown;
  /** What would have been accepted. */
  readonly allowed?: string;
  /** What the user should change. */
  readonly fix?: string;
  /** The construct path or file the error is about. */
  readonly where?: string;
}

/** Base class of every error this library throws on purpose. */
export class BackupGovError extends Error {
  public readonly code: string;
  public readonly details: BackupGovErrorDetails;

  constructor(code: string, message: string, details: BackupGovErrorDetails = {}) {
    super(formatMessage(code, message, details));
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A construct was given props that contradict each other or the provider's limits. */
export class ValidationError extends BackupGovError {}

/** A file could not be read or written, or a command was used wrongly (CLI exit code 2). */
export class UsageError extends BackupGovError {}

function formatMessage(code: string, message: string, d: BackupGovErrorDetails): string {
  const parts = [`${code}: ${message}`];
  if (d.where !== undefined) parts[0] = `${code}: ${d.where}: ${message}`;
  if (d.received !== undefined) parts.push(`received ${JSON.stringify(d.received)}`);
  if (d.allowed !== undefined) parts.push(`allowed: ${d.allowed}`);
  if (d.fix !== undefined) parts.push(`fix: ${d.fix}`);
  return `${parts.join("; ")} (see ${ERRORS_DOC}#${code.toLowerCase()})`;
}

/** Named error factories. Grouped by area; add new ones in the area's section. */
export const Errors = {
  // --- core (CORE-xxx): durations, schedules, retention -----------------------------------
  invalidDuration: (value: unknown, key = "duration") =>
    new ValidationError("CORE-001", `${key} is not a duration`, {
      received: value,
      allowed: "<n>m, <n>h or <n>d with n a positive whole number, e.g. 15m, 4h, 1d",
      fix: `write ${key} as minutes, hours or days, e.g. "4h"`,
    }),
  invalidRetention: (key: string, value: unknown) =>
    new ValidationError("CORE-002", `retention ${key} must be a whole number of at least 0`, {
      received: value,
      allowed: "0, 1, 2, ...",
      fix: `set ${key} to a non-negative whole number or leave it out to use the tier default`,
    }),
  invalidInterval: (minutes: number) =>
    new ValidationError("CORE-003", "a schedule interval must divide a day or be a whole number of days", {
      received: `${minutes} minutes`,
      allowed: "1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, 7d (the standard cadences)",
      fix: "pick a standard cadence, or derive it from an RPO with Cadence.forRpo()",
    }),
  invalidOffset: (offsetMinutes: number, intervalMinutes: number) =>
    new ValidationError("CORE-004", "a schedule offset must lie inside its interval", {
      received: offsetMinutes,
      allowed: `0..${intervalMinutes - 1} minutes`,
      fix: "use an offset smaller than the interval",
    }),

  // --- catalog I/O (IO-xxx) --------------------------------------------------------------------
  fileNotFound: (file: string) =>
    new UsageError("IO-001", `cannot read catalog ${file}: no such file`, {
      fix: "pass the path of an existing catalog, or set BACKUP_CATALOG",
    }),
  fileUnreadable: (file: string, reason: string) =>
    new UsageError("IO-002", `cannot read ${file}: ${reason}`, { fix: "check the path and its permissions" }),
  cannotWrite: (file: string, reason: string) =>
    new UsageError("IO-003", `cannot write ${file}: ${reason}`, { fix: "check that the output folder is writable" }),
  catalogInvalid: (file: string, errorCount: number) =>
    new UsageError("IO-004", `${file} has ${errorCount} error(s); nothing was synthesized`, {
      fix: "run `backup-gov validate` and fix each finding",
    }),

  // --- governance API (GOVAPI-xxx) -----------------------------------------------------------
  unknownRule: (id: string, known: string[]) =>
    new ValidationError("GOVAPI-001", `unknown rule id ${id}`, {
      allowed: known.join(", "),
      fix: "use an id listed by `backup-gov explain` (docs/rules.md)",
    }),
  reasonTooShort: (id: string, reason: string, min: number) =>
    new ValidationError("GOVAPI-002", `the reason for acknowledging ${id} is too short`, {
      received: reason,
      allowed: `at least ${min} characters`,
      fix: "say why the finding is acceptable for this service",
    }),
  notAcknowledgeable: (id: string) =>
    new ValidationError("GOVAPI-003", `${id} guards a hard limit and cannot be acknowledged`, {
      fix: "fix the catalog instead of acknowledging the finding",
    }),

  // --- Proxmox bindings and constructs (PVE-xxx) -------------------------------------------

  // --- AWS constructs (AWS-xxx) ----------------------------------------------------------

  // --- app-level backups (APP-xxx) --------------------------------------------------------

  // --- monitoring (MON-xxx) ---------------------------------------------------------------
} as const;
