import { stringify } from "yaml";

export type Plain = string | number | boolean;
export type FlowValue = Plain | readonly FlowValue[] | { readonly [key: string]: FlowValue };

/** One value as YAML flow text: scalars quoted when YAML needs it, lists and maps in flow style; null (typed out, but kept safe) prints `null`. */
export function flow(v: FlowValue | null): string {
  if (Array.isArray(v)) return `[${v.map((x) => flow(x as FlowValue)).join(", ")}]`;
  if (v !== null && typeof v === "object" && Object.keys(v).length === 0) return "{}";
  if (v !== null && typeof v === "object")
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${scalar(k)}: ${flow(x)}`)
      .join(", ")} }`;
  return scalar(v as Plain);
}

function scalar(v: Plain): string {
  if (typeof v !== "string") return String(v);
  // Flow context: a plain scalar may not hold `,[]{}`; stringify knows the rest (`:`, `#`, leading `@`, ...).
  const text = stringify(v, { lineWidth: 0 }).trimEnd();
  return /[,[\]{}]/.test(v) && !/^["']/.test(text) ? JSON.stringify(v) : text;
}

/** A comment's text on one line: names from the APIs may hold anything. */
export function commentText(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}

/**
 * Writes a catalog line by line, so that every value can carry the comment naming the object
 * it came from, and so that a later report can point at the line that settles a gap.
 */
export class YamlOut {
  private readonly lines: string[] = [];

  /** `key: value  # comment`; returns the 1-based line number. */
  public kv(indent: number, key: string, value: FlowValue, comment?: string, item = false): number {
    return this.push(indent, `${scalar(key)}: ${flow(value)}`, comment, item);
  }

  /** `key:  # comment`, a mapping opened below; returns its line number. */
  public open(indent: number, key: string, comment?: string, item = false): number {
    return this.push(indent, `${scalar(key)}:`, comment, item);
  }

  /** A full-line comment. */
  public note(indent: number, text: string): void {
    this.lines.push(`${" ".repeat(indent)}# ${commentText(text)}`);
  }

  public blank(): void {
    this.lines.push("");
  }

  public get lineCount(): number {
    return this.lines.length;
  }

  public toString(): string {
    return this.lines.join("\n") + "\n";
  }

  private push(indent: number, text: string, comment: string | undefined, item: boolean): number {
    const lead = item ? `${" ".repeat(Math.max(0, indent - 2))}- ` : " ".repeat(indent);
    this.lines.push(comment ? `${lead}${text}  # ${commentText(comment)}` : `${lead}${text}`);
    return this.lines.length;
  }
}
