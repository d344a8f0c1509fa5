/**
 * A finding: one problem with a catalog, at one place in one file.
 *
 * The loader (CAT-xxx), the governance rules (GOV-xxx) and the acknowledgement checks
 * (ACK-xxx) all produce findings; they are reported together, sorted by position.
 */
import { terminalText } from "./escape/terminal";

/** How much a finding weighs: an error fails validation, a warning is only reported. */
export enum Severity {
  /** Fails validation: nothing is synthesized. */
  ERROR = "error",
  /** Reported, does not fail validation. */
  WARNING = "warning",
}

/** A YAML path: keys and sequence indexes from the document root. */
export type CatalogPath = ReadonlyArray<string | number>;

export interface SourcePosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** What is wrong, naming the YAML key. */
  readonly message: string;
  /** What would fix it. */
  readonly fix?: string;
  readonly path: CatalogPath;
  readonly position: SourcePosition;
  /** Set when the service acknowledged this rule: the finding is still reported. */
  readonly acknowledged?: { readonly reason: string };
}

/** `services[3].offsite.reason` */
export function formatPath(path: CatalogPath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(root)" : out;
}

/** Findings sorted by file, line, column, then rule id: the order every report uses. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.position.file.localeCompare(b.position.file) ||
      a.position.line - b.position.line ||
      a.position.column - b.position.column ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.message.localeCompare(b.message),
  );
}

/** True when the finding fails validation. */
export function isBlocking(f: Finding): boolean {
  return f.severity === Severity.ERROR && f.acknowledged === undefined;
}

/**
 * One line per finding:
 * `path/to/catalog.yaml:LINE:COL  RULE-ID  message (at services[3].offsite.reason)`
 * This is how the CLI prints every finding (validate, synth, report, status, drift): every part
 * that can quote the catalog goes through terminalText, so no key or value forges a line or
 * reaches the terminal as an escape sequence, a C1 control or a bidi override.
 */
export function formatFinding(f: Finding): string {
  const sev = f.acknowledged
    ? ` [acknowledged: ${oneLine(f.acknowledged.reason)}]`
    : f.severity === Severity.WARNING
      ? " [warning]"
      : "";
  const fix = f.fix ? ` Fix: ${oneLine(f.fix)}` : "";
  return `${oneLine(f.position.file)}:${f.position.line}:${f.position.column}  ${oneLine(f.ruleId)}  ${oneLine(f.message)}${fix} (at ${oneLine(formatPath(f.path))})${sev}`;
}

/**
 * Text from the catalog (a key, a reason) escaped for the terminal (lib/core/escape/terminal):
 * a newline in a key would otherwise end the finding's line and could forge another one.
 * Backslashes stay: messages are escaped when the finding is made and again when printed,
 * and the second pass must change nothing.
 */
export function oneLine(text: string): string {
  return terminalText(text, { keepBackslash: true });
}

/**
 * A finding as JSON: the one shape `backup-gov validate --format json` prints and
 * `artifacts/compliance-report.json` holds, made by {@link findingToJson}.
 */
export interface FindingJson {
  /** The rule id (`GOV-019`, `CAT-005`, ...). */
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
  /** The YAML path, as {@link formatPath} writes it. */
  readonly path: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly acknowledged?: { readonly reason: string };
}

/** The JSON form of a finding (see {@link FindingJson}). */
export function findingToJson(f: Finding): FindingJson {
  return {
    rule: f.ruleId,
    severity: f.severity,
    message: f.message,
    fix: f.fix,
    path: formatPath(f.path),
    file: f.position.file,
    line: f.position.line,
    column: f.position.column,
    acknowledged: f.acknowledged ? { reason: f.acknowledged.reason } : undefined,
  };
}
