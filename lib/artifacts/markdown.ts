/** Small helpers for the Markdown documents; renderers stay pure and byte-stable. */

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

export function code(text: string): string {
  return "`" + text.replace(/`/g, "\\`") + "`";
}

export function fence(body: string, lang = "sh"): string {
  return "```" + lang + "\n" + body.replace(/\n*$/, "") + "\n```";
}

/** Joins sections with one blank line and ends the document with a newline. */
export function doc(...sections: Array<string | undefined | false>): string {
  return sections.filter((s): s is string => !!s).join("\n\n") + "\n";
}
